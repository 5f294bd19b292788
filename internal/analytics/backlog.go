package analytics

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// The backlog as of a moment (docs/domain.md, KPI 9) and the items behind
// it (openitems.go, item.go). At the moment T ({as_of}), an item is open in
// at most one stage, decided from its finalized milestones in item_facts:
// closed by T, it is in none; else in the first of stages whose entry
// milestone it reached by T. A null milestone is not reached: multiIf
// takes a null condition as false.
var stages = []stageEntry{
	{postclear.AwaitingDelivery, "released_at"},
	{postclear.InCustoms, "presented_at"},
	{postclear.AwaitingPresentation, "arrived_at"},
}

// stageEntry is a stage and the milestone that enters it.
type stageEntry struct {
	stage postclear.BacklogStage
	entry string
}

// The expressions of the rule above, for every stage at once (stageSQL
// and enteredSQL, column stage) or for one (stageConds).
var (
	stageSQL, enteredSQL = stageExprs()
	// ageSQL is the age in hours from whole seconds, so that an age of
	// exactly h hours equals the float h and "older than" is exact.
	ageSQL = "(toInt64(" + asOfParam + ") - toInt64(entered_at)) / 3600"
)

// asOfParam is the moment a backlog is taken at.
const asOfParam = "{as_of:DateTime('UTC')}"

// notClosedSQL is what an open item needs first, and nearly every item of
// a destination lacks (most are closed long before).
var notClosedSQL = "closed_at IS NULL OR closed_at > " + asOfParam

// mayBeOpenSQL is what an item open in some stage needs: not closed by the
// moment, and some entry milestone by it. It comes first in WHERE, so that
// the stage and its entry are computed for the few rows that pass it.
var mayBeOpenSQL = mayBeOpen()

func stageExprs() (stage, entered string) {
	branches := []string{"closed_at <= " + asOfParam, "''"}
	var entries []string
	for i, s := range stages {
		branches = append(branches, s.entry+" <= "+asOfParam, "'"+string(s.stage)+"'")
		if i < len(stages)-1 {
			entries = append(entries, "stage = '"+string(s.stage)+"'")
		}
		entries = append(entries, s.entry)
	}
	return "multiIf(" + strings.Join(append(branches, "''"), ", ") + ")",
		"assumeNotNull(multiIf(" + strings.Join(entries, ", ") + "))"
}

func mayBeOpen() string {
	var reached []string
	for _, s := range slices.Backward(stages) {
		reached = append(reached, s.entry+" <= "+asOfParam)
	}
	return "(" + notClosedSQL + ") AND (" + strings.Join(reached, " OR ") + ")"
}

// stageConds are the conditions of being open in stage at the moment:
// not closed by it, its entry milestone reached by it, and none of the
// stages tried before it.
func stageConds(stage postclear.BacklogStage) (entry string, conds []string) {
	i := slices.IndexFunc(stages, func(s stageEntry) bool { return s.stage == stage })
	conds = []string{notClosedSQL, stages[i].entry + " <= " + asOfParam}
	for _, s := range slices.Backward(stages[:i]) {
		conds = append(conds, s.entry+" IS NULL OR "+s.entry+" > "+asOfParam)
	}
	return stages[i].entry, conds
}

// openKeys bound the sort key of item_facts (migration 0011) to the items
// that can be open at the moment: entered by then, so first seen by its
// UTC month; and not closed, or closed after it, so that their latest
// milestone (closed_at at the latest) lies in or after that month.
var openKeys = []string{"first_seen_month <= {as_of_month:Date}", "(unclosed = 1 OR last_month >= {as_of_month:Date})"}

// open returns the population of open items: the key columns, the item's
// stage, entry time and age, then cols, for the items open at the moment
// whose entry lies in [from, to) and that pass the filters and the
// caller's scope, and the extra conditions where (which may name stage,
// entered_at and age_hours).
func (b *builder) open(asOf time.Time, cols []string, where ...string) string {
	return b.openPopulation(asOf, []string{stageSQL + " AS stage", enteredSQL + " AS entered_at"}, cols,
		[]string{mayBeOpenSQL}, append([]string{"stage != ''"}, where...))
}

// openIn is open for the items of one stage, without the stage column:
// the stage's own conditions instead of the stage of every row (a page of
// open items took 28 % less time at 1 M items).
func (b *builder) openIn(asOf time.Time, stage postclear.BacklogStage, cols []string, where ...string) string {
	entry, conds := stageConds(stage)
	return b.openPopulation(asOf, []string{"assumeNotNull(" + entry + ") AS entered_at"}, cols, conds, where)
}

// openPopulation is open and openIn: the key columns, the stage's columns
// (entered_at among them), the age and cols; under the conditions that
// decide the stage (first, so that the engine tests them before the
// others), the sort key's bounds, the entry range and where.
func (b *builder) openPopulation(asOf time.Time, stageCols, cols, stageConds, where []string) string {
	b.params["as_of"], b.params["as_of_month"] = asOf, monthOf(asOf)
	cols = append(append(stageCols, ageSQL+" AS age_hours"), cols...)
	conds := append(stageConds, b.attributed()...)
	conds = append(append(conds, openKeys...), inRange("entered_at"))
	return selectSQL(append(b.keySelect("entered_at", fromItems), cols...), itemFacts, append(conds, where...))
}

// Backlog returns the backlog of q at a.AsOf (docs/domain.md, KPI 9): per
// group and stage, the open items, their age percentiles and how many are
// older than each of a.AgesHours. q's dates apply to the entry time.
func (s *Service) Backlog(ctx context.Context, q postclear.KPIQuery, a postclear.BacklogArgs) ([]postclear.BacklogStat, error) {
	if err := s.checkAsOf(a.AsOf); err != nil {
		return nil, fmt.Errorf("backlog: %w", err)
	}
	// Instants are whole seconds, as stored.
	a.AsOf = a.AsOf.UTC().Truncate(time.Second)
	return backlog.run(ctx, s, q, a)
}

// BacklogSQL returns the SQL and parameters of Backlog.
func (s *Service) BacklogSQL(q postclear.KPIQuery, a postclear.BacklogArgs) (string, warehouse.Params, error) {
	return backlog.SQL(context.Background(), s, q, a)
}

// MaxAges bounds backlog's agesHours.
const MaxAges = 10

// checkAsOf refuses a moment that cannot be meant: before the records
// can start (2000) or more than a day ahead (records may be up to a day
// in the future, docs/domain.md).
func (s *Service) checkAsOf(t time.Time) error {
	if t.IsZero() {
		return invalid("asOf is required")
	}
	if limit := s.now().Add(24 * time.Hour); t.After(limit) {
		return invalid("asOf %s is more than a day in the future (after %s); the backlog is known up to now", t.UTC().Format(time.RFC3339), limit.UTC().Format(time.RFC3339))
	}
	if t.Before(minDate) {
		return invalid("asOf %s is before %s, when records start", t.UTC().Format(time.RFC3339), minDate.Format(time.DateOnly))
	}
	return nil
}

func validAges(a postclear.BacklogArgs) error {
	return validHours("agesHours", "ages", a.AgesHours, MaxAges)
}

// backlog: the open items grouped by the query's dimensions and their
// stage. Columns after the keys: stage, items, the p50 and p90 ages, the
// largest age, the ages asked for (the parameters, read back so that a
// row carries them) and the count older than each.
var backlog = &family[postclear.BacklogArgs, postclear.BacklogStat]{
	name:  "backlog",
	api:   "backlog",
	check: validAges,
	sql: func(b *builder, a postclear.BacklogArgs) string {
		ages, older := make([]string, len(a.AgesHours)), make([]string, len(a.AgesHours))
		for i, h := range a.AgesHours {
			p := fmt.Sprintf("age_%d", i)
			b.params[p] = h
			ages[i] = "{" + p + ":Float64}"
			older[i] = "countIf(age_hours > " + ages[i] + ")"
		}
		return b.aggregate([]string{"stage"}, []string{
			"count() AS n_items",
			"quantilesExactInclusive(0.5, 0.9)(age_hours) AS q_age",
			"max(age_hours) AS max_age",
			"[" + strings.Join(ages, ", ") + "] AS ages",
			"[" + strings.Join(older, ", ") + "] AS n_older",
		}, b.open(a.AsOf, nil))
	},
	scan: func(sc *scanner) (postclear.BacklogStat, error) {
		var stage string
		var n uint64
		var qs, ages []float64
		var maxAge float64
		var older []uint64
		key, err := sc.scan(&stage, &n, &qs, &maxAge, &ages, &older)
		if err != nil {
			return postclear.BacklogStat{}, err
		}
		r := postclear.BacklogStat{Key: key, Stage: postclear.BacklogStage(stage), Items: int64(n),
			P50AgeHours: stat(qs[0], n), P90AgeHours: stat(qs[1], n), MaxAgeHours: stat(maxAge, n),
			OlderThan: make([]postclear.AgeCount, len(ages))}
		for i := range ages {
			r.OlderThan[i] = postclear.AgeCount{Hours: ages[i], Items: int64(older[i])}
		}
		return r, nil
	},
	key: func(r *postclear.BacklogStat) *postclear.GroupKey { return &r.Key },
	extra: &extraKey[postclear.BacklogStat]{
		name:  "STAGE",
		get:   func(r *postclear.BacklogStat) string { return string(r.Stage) },
		set:   func(r *postclear.BacklogStat, s string) { r.Stage = postclear.BacklogStage(s) },
		order: enumOrder(postclear.BacklogStages),
	},
}

// validStage checks a stage named by the caller.
func validStage(s postclear.BacklogStage) error {
	if !slices.Contains(postclear.BacklogStages, s) {
		return invalid("stage: unknown value %q (AWAITING_PRESENTATION, IN_CUSTOMS or AWAITING_DELIVERY)", s)
	}
	return nil
}
