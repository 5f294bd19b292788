package analytics

import (
	"slices"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
)

// dimension is an attribute KPI rows are grouped by and filtered on
// (docs/domain.md, "Group dimensions"). The dimensions table is the one
// place a dimension is declared: validation, the generated SQL, the keys
// of result rows, gap filling and ordering all range over it.
//
// Adding a dimension is an entry here plus what the API must name: its
// postclear.Dimension constant and GroupKey field, and its GraphQL enum
// value and GroupKey field (RISK_CHANNEL, the last one, shows the shape).
// A family whose rows cannot have a dimension refuses it (family.refuses).
type dimension struct {
	id postclear.Dimension
	// column is the attribute in item_facts, a column or an expression over
	// its columns (nullable: null for an item without events, arrival or
	// declaration).
	column string
	// declaration is the attribute of a declaration, which the declaration
	// populations group and filter by; "" when a declaration has none, so
	// that declarations fall in the dimension's null group.
	declaration string
	// alias names the dimension's key column in the generated SQL.
	alias string
	// filter is the AnalyticsFilter list restricting the dimension; nil
	// when there is none.
	filter *filterList
	// key is the dimension's field of a row's GroupKey.
	key func(*postclear.GroupKey) **string
}

// filterList is one list of AnalyticsFilter.
type filterList struct {
	// arg names the list as the GraphQL user wrote it.
	arg    string
	values func(*postclear.AnalyticsFilter) []string
	// valid is the rule of a value; what says it to the user.
	valid func(string) bool
	what  string
}

// dimensions lists every dimension in the order of result keys and of the
// default row order.
var dimensions = []dimension{
	{
		id: postclear.DimOriginCountry, column: "origin_country", declaration: "origin_country", alias: "k_origin",
		filter: &filterList{"filter.originCountries", func(f *postclear.AnalyticsFilter) []string { return f.OriginCountries },
			postclear.IsCountry, "an ISO 3166-1 alpha-2 code"},
		key: func(k *postclear.GroupKey) **string { return &k.OriginCountry },
	},
	{
		id: postclear.DimDestinationCountry, column: "destination_country", declaration: "destination_country", alias: "k_destination",
		filter: &filterList{"filter.destinationCountries", func(f *postclear.AnalyticsFilter) []string { return f.DestinationCountries },
			postclear.IsCountry, "an ISO 3166-1 alpha-2 code"},
		key: func(k *postclear.GroupKey) **string { return &k.DestinationCountry },
	},
	{
		id: postclear.DimMailClass, column: "mail_class", declaration: "mail_class", alias: "k_mail_class",
		filter: &filterList{"filter.mailClasses", func(f *postclear.AnalyticsFilter) []string { return f.MailClasses },
			oneOf(postclear.MailClasses), "a mail class (" + strings.Join(postclear.MailClasses, ", ") + ")"},
		key: func(k *postclear.GroupKey) **string { return &k.MailClass },
	},
	{
		id: postclear.DimOffice, column: "office", alias: "k_office",
		filter: &filterList{"filter.offices", func(f *postclear.AnalyticsFilter) []string { return f.Offices },
			isOffice, "an office code (1 to 16 characters A-Z, 0-9)"},
		key: func(k *postclear.GroupKey) **string { return &k.Office },
	},
	{
		id: postclear.DimCategory, column: "category", declaration: "category", alias: "k_category",
		filter: &filterList{"filter.categories", func(f *postclear.AnalyticsFilter) []string { return f.Categories },
			oneOf(postclear.Categories), "a category (" + strings.Join(postclear.Categories, ", ") + ")"},
		key: func(k *postclear.GroupKey) **string { return &k.Category },
	},
	// The channel of the item's first INSPECT decision, NOT_INSPECTED for
	// an item without one. Declarations have none (they fall in its null
	// group), and there is no filter list: AnalyticsFilter restricts the
	// item attributes records carry, and a channel is a question asked by
	// grouping (docs/kpis.md, "RISK_CHANNEL").
	{
		id: postclear.DimRiskChannel, column: "ifNull(inspection_channel, '" + postclear.NotInspected + "')", alias: "k_risk_channel",
		key: func(k *postclear.GroupKey) **string { return &k.RiskChannel },
	},
}

// destination is the dimension the caller's scope applies to: an agency
// sees the items, and the declarations, destined to its countries.
var destination = dimensionOf(postclear.DimDestinationCountry)

// Dimensions returns the dimensions in key order, for the API's enum and
// the tests that hold it to this table.
func Dimensions() []postclear.Dimension {
	out := make([]postclear.Dimension, len(dimensions))
	for i, d := range dimensions {
		out[i] = d.id
	}
	return out
}

func dimensionOf(id postclear.Dimension) *dimension {
	i := slices.IndexFunc(dimensions, func(d dimension) bool { return d.id == id })
	if i < 0 {
		return nil
	}
	return &dimensions[i]
}

// param names the array parameter of the dimension's filter list.
func (d *dimension) param() string { return "f_" + strings.TrimPrefix(d.alias, "k_") }

// A source says how a population reads a dimension.
type source func(*dimension) string

var (
	// fromItems reads the item's attribute in item_facts.
	fromItems source = func(d *dimension) string { return d.column }
	// fromDeclarations reads a declaration's own attribute, of the type
	// of item_facts' so that populations line up in a UNION ALL.
	fromDeclarations source = func(d *dimension) string {
		if d.declaration == "" {
			return "CAST(NULL, 'Nullable(String)')"
		}
		return "toNullable(toString(" + d.declaration + "))"
	}
)

// joined reads the item's attribute from a subquery of item_facts, joined
// as table, that selects each dimension under its alias (see attributes).
func joined(table string) source {
	return func(d *dimension) string { return table + "." + d.alias }
}

func oneOf(list []string) func(string) bool {
	return func(s string) bool { return slices.Contains(list, s) }
}

// isOffice is the office rule of docs/domain.md; a filter value breaking it
// could never match and is more likely a typo than a wish for nothing.
func isOffice(s string) bool {
	if len(s) < 1 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
