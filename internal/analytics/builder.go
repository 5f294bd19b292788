package analytics

import (
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// builder assembles the SQL of one KPI query. Every identifier it writes
// comes from the dimensions table or the family's own text; every user
// value is a parameter.
type builder struct {
	q      postclear.KPIQuery // validated, with the caller's scope
	params warehouse.Params
	// rowLimit bounds the rows the engine returns (LIMIT), so that a
	// result above the runner's bound is told without being read whole.
	rowLimit int
	// now is the time the query is answered at, which decides "today".
	now time.Time
	// loc is the query's time zone.
	loc *time.Location
	// in is the operator of an IN over a subquery in the layout
	// (warehouse.Layout.In: GLOBAL IN on a cluster).
	in string
	// populations are those of the last aggregate, for countSQL.
	populations []string
	// eager makes aggregate evaluate every argument of and, or, if and
	// multiIf on every row (short_circuit_function_evaluation =
	// 'disable'). The engine's default evaluates an argument only on the
	// rows the others leave undecided, which for many countIf conditions
	// over cheap columns costs more than the conditions themselves: at
	// 1 M items, delivery over a year took a third less CPU eager,
	// compliance a quarter less, the results equal (docs/benchmarks.md,
	// "Eager conditions"). Only for a statement none of whose functions
	// can fail on a row that a condition would have excluded.
	eager bool
	// calendars are the working-day calendars a family's prepare read
	// (delivery in working days).
	calendars []workCalendar
}

// newBuilder binds the parameters every KPI uses for the validated q: the
// range [from, to) as the instants its dates start at in the query's time
// zone, the zone, the filters and the scope.
func newBuilder(layout warehouse.Layout, q postclear.KPIQuery, now time.Time, rowLimit int) *builder {
	loc, _ := location(q.TimeZone) // validated
	b := &builder{q: q, rowLimit: rowLimit, now: now, loc: loc, in: layout.In(), params: warehouse.Params{
		"db":   layout.Database,
		"from": startOfDay(q.Filter.From, loc),
		"to":   startOfDay(q.Filter.To, loc),
		"tz":   loc.String(),
	}}
	b.params["seen_by"] = seenBy(b.params["to"].(time.Time))
	b.params["from_month"] = monthOf(b.params["from"].(time.Time))
	for i := range dimensions {
		d := &dimensions[i]
		if v := d.filterValues(&q.Filter); len(v) > 0 {
			b.params[d.param()] = v
		}
	}
	if q.Scope.Restricted {
		b.params["scope"] = append([]string{}, q.Scope.Countries...)
	}
	if q.Running {
		var starts []string
		for _, t := range buckets(q.Filter.From, q.Filter.To, *q.Granularity) {
			starts = append(starts, t.Format(time.DateOnly))
		}
		b.params["running"] = starts
	}
	return b
}

func (d *dimension) filterValues(f *postclear.AnalyticsFilter) []string {
	if d.filter == nil {
		return nil
	}
	return d.filter.values(f)
}

// The attribution range [from, to): the instants the dates start at in the
// query's time zone. Parameters are typed DateTime('UTC') so that a server
// in another time zone reads them as UTC too.
const (
	fromParam = "{from:DateTime('UTC')}"
	toParam   = "{to:DateTime('UTC')}"
)

func inRange(expr string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", expr, fromParam, expr, toParam)
}

// keySelect returns the key columns of one population: the bucket of attr
// (when there is a granularity) and the grouped dimensions read from src.
func (b *builder) keySelect(attr string, src source) []string {
	var cols []string
	if g := b.q.Granularity; g != nil {
		bucket := fmt.Sprintf(bucketSQL[*g], attr)
		if b.q.Running {
			// A running query counts each row in its own bucket and in
			// every later one.
			bucket = "arrayJoin(arrayFilter(p -> p >= " + bucket + ", {running:Array(Date)}))"
		}
		cols = append(cols, bucket+" AS period")
	}
	for _, id := range b.q.GroupBy {
		d := dimensionOf(id)
		cols = append(cols, src(d)+" AS "+d.alias)
	}
	return cols
}

// dimFilters returns the filter conditions on the dimensions read from
// src; a null attribute matches no list, so filtering on a dimension
// leaves out the items (and declarations, for OFFICE) that lack it.
//
// Every population of every KPI passes through here, which is why the
// caller's scope is enforced here too: an item (or declaration) is seen
// only when its destination country is in the scope, whatever the filter
// names or the grouping shows. A null destination is in no scope.
func (b *builder) dimFilters(src source) []string {
	var conds []string
	if b.q.Scope.Restricted {
		conds = append(conds, src(destination)+" IN {scope:Array(String)}")
	}
	for i := range dimensions {
		d := &dimensions[i]
		if len(d.filterValues(&b.q.Filter)) > 0 {
			conds = append(conds, fmt.Sprintf("%s IN {%s:Array(String)}", src(d), d.param()))
		}
	}
	return conds
}

// itemFacts is the relation every item population reads: the finalized
// milestones (migration 0005). FINAL keeps each item's latest row and
// drops the rows of keys it has left, so every item counts once.
const itemFacts = "{db:Identifier}.item_facts FINAL"

// itemChecks is item_facts for the items with a check of one kind
// (warehouse.CheckKinds), each kind under its own range of the sort key.
const itemChecks = "{db:Identifier}.item_checks FINAL"

// factConds returns the item filters of a population of item_facts. A
// destination filter and the caller's scope are repeated on
// destination_country_key, the sort key's first column, so that the engine
// reads only those destinations' rows; they select the same items, because
// the key is the destination (or ” for an item without one, which no
// filter value or scope matches).
//
// Every population is attributed to a record's time before `to`, and no
// record of an item is older than its first (first_seen_at), so its
// first-seen month, in the sort key, is at most seen_by: the engine reads
// no item first seen after the range (migrations 0010 and 0011). Rows
// under one key share the month, so the bound is exact under FINAL.
func (b *builder) factConds() []string {
	conds := append(b.destinationKeys(), "first_seen_month <= {seen_by:Date}")
	return append(conds, b.dimFilters(fromItems)...)
}

// destinationKeys are the caller's scope and the destination filter on
// destination_country_key.
func (b *builder) destinationKeys() []string {
	var conds []string
	if b.q.Scope.Restricted {
		conds = append(conds, "destination_country_key IN {scope:Array(String)}")
	}
	if len(destination.filterValues(&b.q.Filter)) > 0 {
		conds = append(conds, "destination_country_key IN {"+destination.param()+":Array(String)}")
	}
	return conds
}

// attributed returns factConds for a population attributed to one of the
// date columns of item_facts (a milestone) at or after `from`: such an
// item's latest milestone is at or after `from` too, so its last month
// (migration 0011, warehouse.FactKey) is at least from's UTC month. With
// factConds' first-seen bound, the engine reads the items whose life
// overlaps the range, by two ranges of the sort key, exact under FINAL
// (every row under a key has that key).
func (b *builder) attributed() []string {
	return append(b.factConds(), "last_month >= {from_month:Date}")
}

// seenBy returns the first-seen month an item attributed to an instant
// before to was first seen in at the latest: the UTC month of to's last
// second.
func seenBy(to time.Time) warehouse.Date {
	return monthOf(to.UTC().Add(-time.Second))
}

// monthOf returns the first day of t's UTC month.
func monthOf(t time.Time) warehouse.Date {
	t = t.UTC()
	return warehouse.Date(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
}

// milestones returns a population of items: the key columns plus cols,
// for the items whose attr lies in [from, to), that pass the filters and
// the extra conditions where.
//
// When attr is a check (an inspection or a hold request), only the items
// that have one can be in the population, and they are read from
// item_checks (migration 0014), which holds their item_facts rows under
// the same key after the kind: the few percent of items that customs
// checked, instead of all of them.
func (b *builder) milestones(attr string, cols []string, where ...string) string {
	from, conds := itemFacts, []string(nil)
	if kind, ok := warehouse.CheckKinds[attr]; ok {
		from, conds = itemChecks, []string{fmt.Sprintf("check_kind = %d", kind)}
	}
	conds = append(append(conds, b.attributed()...), inRange(attr))
	conds = append(conds, where...)
	return selectSQL(append(b.keySelect(attr, fromItems), cols...), from, conds)
}

// declarationFacts returns a population of declarations read from
// declaration_facts (each stored declaration once, with its completeness
// rules evaluated), grouped and filtered by their own attributes,
// attributed to received_at: the key columns plus cols.
//
// The range, the caller's scope and a destination filter are a PREWHERE on
// the table's sort key (destination_country, received_at), so that one
// destination's quarter is read alone; that is exact before FINAL because
// every copy of a declaration has the same key. They repeat the
// conditions of dimFilters, which the other filters need after FINAL.
func (b *builder) declarationFacts(cols []string) string {
	pre := []string{inRange("received_at")}
	if b.q.Scope.Restricted {
		pre = append(pre, "destination_country IN {scope:Array(String)}")
	}
	if len(destination.filterValues(&b.q.Filter)) > 0 {
		pre = append(pre, "destination_country IN {"+destination.param()+":Array(String)}")
	}
	return selectSQL(append(b.keySelect("received_at", fromDeclarations), cols...),
		"{db:Identifier}.declaration_facts FINAL\n    PREWHERE "+strings.Join(pre, " AND "), b.dimFilters(fromDeclarations))
}

// attributes returns the item_facts rows of the items in ids (an IN
// subquery) that pass the filters: item_id and every dimension under its
// alias, for a population that joins them (read with joined).
//
// The items must be seized: a seized item is stored under the unbounded
// last month (warehouse.UnboundedMonth), so only that range of each
// destination is read.
func (b *builder) attributes(ids string) string {
	cols := []string{"item_id"}
	for i := range dimensions {
		cols = append(cols, dimensions[i].column+" AS "+dimensions[i].alias)
	}
	return selectSQL(cols, itemFacts, append([]string{"item_id " + b.in + " (" + ids + ")", "last_month = toDate('" + warehouse.UnboundedMonth + "')"}, b.factConds()...))
}

// selectSQL formats a SELECT over from; it keeps the generated text
// readable when logged or benchmarked.
func selectSQL(cols []string, from string, where []string) string {
	var sb strings.Builder
	sb.WriteString("SELECT\n        ")
	sb.WriteString(strings.Join(cols, ",\n        "))
	sb.WriteString("\n    FROM ")
	sb.WriteString(from)
	if len(where) > 0 {
		sb.WriteString("\n    WHERE ")
		for i, c := range where {
			if i > 0 {
				sb.WriteString("\n      AND ")
			}
			sb.WriteString("(" + c + ")")
		}
	}
	return sb.String()
}

// aggregate wraps populations in the grouping query: the keys of the
// query and extra keys, then metrics. HAVING drops the single all-zero row
// an ungrouped aggregation returns over an empty population, so an empty
// population yields no row.
func (b *builder) aggregate(extra, metrics []string, populations ...string) string {
	b.populations = populations
	keys := append(b.keyColumns(), extra...)
	var sb strings.Builder
	sb.WriteString("SELECT\n    ")
	sb.WriteString(strings.Join(append(append([]string{}, keys...), metrics...), ",\n    "))
	sb.WriteString("\nFROM (\n    ")
	sb.WriteString(strings.Join(populations, "\n    UNION ALL\n    "))
	sb.WriteString("\n)")
	if len(keys) > 0 {
		sb.WriteString("\nGROUP BY " + strings.Join(keys, ", "))
	}
	sb.WriteString("\nHAVING count() > 0")
	fmt.Fprintf(&sb, "\nLIMIT %d", b.rowLimit)
	if b.eager {
		sb.WriteString("\nSETTINGS short_circuit_function_evaluation = 'disable'")
	}
	return sb.String()
}

// countSQL returns the statement counting the rows of populations
// (Service.CountPopulations).
func countSQL(populations ...string) string {
	counts := make([]string, len(populations))
	for i, p := range populations {
		counts[i] = "SELECT count() AS n FROM (\n    " + p + "\n)"
	}
	return "SELECT sum(n) FROM (\n" + strings.Join(counts, "\nUNION ALL\n") + "\n)"
}

// keyColumns lists the key aliases of the query: period first, then the
// grouped dimensions in table order (the query is canonical, see
// validate).
func (b *builder) keyColumns() []string {
	var cols []string
	if b.q.Granularity != nil {
		cols = append(cols, "period")
	}
	for _, id := range b.q.GroupBy {
		cols = append(cols, dimensionOf(id).alias)
	}
	return cols
}

// quantileSeconds: the families take exact percentiles over whole seconds
// as 32-bit integers, toUInt32 for a duration that cannot be negative
// (the stage times, clearance) and toInt32 for one that can (delivery,
// EAD lead), and convert the result to hours or days in Go. The engine
// sorts 32-bit integers much faster than 64-bit ones or floats: at 20 M
// items a year of clearance took 15 % less time, delivery 19 %, EAD 13 %
// (docs/benchmarks.md, "Percentiles over 32-bit seconds"); the
// interpolation is the same, its result different in the last bit at
// most. A difference of two DateTimes fits UInt32; one of two record
// timestamps fits Int32 (68 years) because records are from the year
// postclear.MinTimestampYear on and at most a day ahead of the clock,
// until 2068 (TestSecondsFitInt32).
