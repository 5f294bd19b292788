package analytics

import (
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// builder assembles the SQL of one KPI query. Every identifier it writes
// comes from the fixed maps of this file; every user value is a parameter.
type builder struct {
	q      postclear.KPIQuery
	params warehouse.Params
}

// newBuilder validates q and binds the parameters every KPI uses.
func (s *Service) newBuilder(q postclear.KPIQuery) (*builder, error) {
	q, err := validate(q, s.maxFilterValues())
	if err != nil {
		return nil, err
	}
	if err := s.Layout.Validate(); err != nil {
		return nil, err
	}
	b := &builder{q: q, params: warehouse.Params{
		"db":   s.Layout.Database,
		"from": q.Filter.From.UTC(),
		"to":   q.Filter.To.UTC(),
	}}
	for _, d := range postclear.Dimensions {
		if v := filterValues(q.Filter, d); len(v) > 0 {
			b.params[filterParam[d]] = v
		}
	}
	if q.Scope.Restricted {
		b.params["scope"] = append([]string{}, q.Scope.Countries...)
	}
	return b, nil
}

// The attribution range [from, to). Parameters are typed DateTime('UTC')
// so that a server in another time zone reads them as UTC too.
const (
	fromParam = "{from:DateTime('UTC')}"
	toParam   = "{to:DateTime('UTC')}"
)

func inRange(expr string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", expr, fromParam, expr, toParam)
}

// filterParam names the array parameter of each dimension's filter list.
var filterParam = map[postclear.Dimension]string{
	postclear.DimOriginCountry:      "f_origin",
	postclear.DimDestinationCountry: "f_destination",
	postclear.DimMailClass:          "f_mail_class",
	postclear.DimOffice:             "f_office",
	postclear.DimCategory:           "f_category",
}

func filterValues(f postclear.AnalyticsFilter, d postclear.Dimension) []string {
	switch d {
	case postclear.DimOriginCountry:
		return f.OriginCountries
	case postclear.DimDestinationCountry:
		return f.DestinationCountries
	case postclear.DimMailClass:
		return f.MailClasses
	case postclear.DimOffice:
		return f.Offices
	default:
		return f.Categories
	}
}

// A dimension's column in each relation KPIs read. Item attributes are
// nullable in item_facts (null for an item without events,
// arrival or declaration); a declaration's own fields are cast to the
// same type so that the compliance branches line up, and it has no
// office.
var (
	milestoneDim = map[postclear.Dimension]string{
		postclear.DimOriginCountry:      "origin_country",
		postclear.DimDestinationCountry: "destination_country",
		postclear.DimMailClass:          "mail_class",
		postclear.DimOffice:             "office",
		postclear.DimCategory:           "category",
	}
	declarationDim = map[postclear.Dimension]string{
		postclear.DimOriginCountry:      "toNullable(toString(origin_country))",
		postclear.DimDestinationCountry: "toNullable(toString(destination_country))",
		postclear.DimMailClass:          "toNullable(toString(mail_class))",
		postclear.DimOffice:             "CAST(NULL, 'Nullable(String)')",
		postclear.DimCategory:           "toNullable(toString(category))",
	}
)

// keySelect returns the key columns of one population branch: the bucket
// of attr (when there is a granularity) and the grouped dimensions read
// through dims.
func (b *builder) keySelect(attr string, dims map[postclear.Dimension]string) []string {
	var cols []string
	if g := b.q.Granularity; g != nil {
		cols = append(cols, fmt.Sprintf(bucketSQL[*g], attr)+" AS period")
	}
	for _, d := range b.q.GroupBy {
		cols = append(cols, dims[d]+" AS "+dimAlias[d])
	}
	return cols
}

// dimFilters returns the filter conditions on dims; a null attribute
// matches no list, so filtering on a dimension leaves out the items (and
// declarations, for OFFICE) that lack it.
//
// Every population of every KPI passes through here, which is why the
// caller's scope is enforced here too: an item (or declaration) is seen
// only when its destination country is in the scope, whatever the filter
// names or the grouping shows. A null destination is in no scope.
func (b *builder) dimFilters(dims map[postclear.Dimension]string) []string {
	var conds []string
	if b.q.Scope.Restricted {
		conds = append(conds, dims[postclear.DimDestinationCountry]+" IN {scope:Array(String)}")
	}
	for _, d := range postclear.Dimensions {
		if len(filterValues(b.q.Filter, d)) > 0 {
			conds = append(conds, fmt.Sprintf("%s IN {%s:Array(String)}", dims[d], filterParam[d]))
		}
	}
	return conds
}

// itemFacts is the relation every item population reads: the finalized
// milestones (migration 0005). FINAL keeps each item's latest row and
// drops the rows of keys it has left, so every item counts once.
const itemFacts = "{db:Identifier}.item_facts FINAL"

// factConds returns the item filters of a population of item_facts. A
// destination filter and the caller's scope are repeated on
// destination_country_key, the sort key's first column, so that the engine
// reads only those destinations' rows; they select the same items, because
// the key is the destination (or ” for an item without one, which no
// filter value or scope matches).
func (b *builder) factConds() []string {
	var conds []string
	if b.q.Scope.Restricted {
		conds = append(conds, "destination_country_key IN {scope:Array(String)}")
	}
	if len(b.q.Filter.DestinationCountries) > 0 {
		conds = append(conds, "destination_country_key IN {"+filterParam[postclear.DimDestinationCountry]+":Array(String)}")
	}
	return append(conds, b.dimFilters(milestoneDim)...)
}

// milestones returns a population of items: the key columns plus cols,
// for the items whose attr lies in [from, to), that pass the filters and
// the extra conditions where.
func (b *builder) milestones(attr string, cols []string, where ...string) string {
	conds := append(b.factConds(), inRange(attr))
	conds = append(conds, where...)
	return selectSQL(append(b.keySelect(attr, milestoneDim), cols...), itemFacts, conds)
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
// population yields no row. A limit > 0 lets the caller tell a result
// above it without reading it all.
func (b *builder) aggregate(extra, metrics []string, limit int, populations ...string) string {
	keys := append(keyColumns(b.q), extra...)
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
	if limit > 0 {
		fmt.Fprintf(&sb, "\nLIMIT %d", limit)
	}
	return sb.String()
}

// dayNumber is the UTC day of t counted from 1970-01-01, the unit the
// delivery window is computed in.
func dayNumber(t time.Time) int64 {
	return utcDate(t).Unix() / 86400
}
