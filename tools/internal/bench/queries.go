// Package bench is the benchmark of issue 5 (`make bench`, docs/benchmarks.md):
// the KPI query set it times, the same questions written naively over the
// raw record tables and for PostgreSQL, the statistics it reports and the
// chart it draws. The process orchestration lives in cmd/postclear-bench;
// this package holds what the quick-mode correctness test in `make test`
// can check in-process: that the naive SQL returns the numbers the KPI
// queries return, so that the benchmark compares like with like.
package bench

import (
	"fmt"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// Family is a KPI query family of DOMAIN.md.
type Family string

// The four families, in the order reports list them.
const (
	Clearance  Family = "clearance"
	Delivery   Family = "delivery"
	Compliance Family = "compliance"
	Seizures   Family = "seizures"
)

// Families lists every family.
var Families = []Family{Clearance, Delivery, Compliance, Seizures}

// Shape is one of the two questions the issue asks every family.
type Shape string

const (
	// CountryQuarter is one destination country, one quarter, grouped by
	// month and origin country: what an MoU evaluation asks.
	CountryQuarter Shape = "country-quarter"
	// AllYear is every destination, one year, by quarter: what an
	// overview dashboard asks.
	AllYear Shape = "all-year"
)

// Shapes lists both shapes.
var Shapes = []Shape{CountryQuarter, AllYear}

// Case is one timed query: a family asked in one shape.
type Case struct {
	Family Family
	Shape  Shape
	Query  postclear.KPIQuery
}

// Name identifies the case in reports, e.g. "clearance/country-quarter".
func (c Case) Name() string { return string(c.Family) + "/" + string(c.Shape) }

// Defaults of the KPI arguments the query set uses, the same through
// GraphQL (the schema's defaults) and straight on the engine.
const (
	TargetHours  = postclear.DefaultTargetHours
	StandardDays = postclear.DefaultStandardDays
)

// Window is where a query set looks: the destination country and quarter
// of CountryQuarter and the year of AllYear. The demo data covers
// postings from 2024-06-01 to 2025-12-01 into KE, MA and TH.
type Window struct {
	Country      string
	QuarterStart time.Time
	Year         int
}

// DefaultWindow is a full quarter and a full year inside the demo data.
var DefaultWindow = Window{
	Country:      "KE",
	QuarterStart: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
	Year:         2025,
}

// Cases returns the query set: every family in both shapes.
func Cases(w Window) []Case {
	month, quarter := postclear.Month, postclear.Quarter
	var out []Case
	for _, f := range Families {
		out = append(out,
			Case{Family: f, Shape: CountryQuarter, Query: postclear.KPIQuery{
				Filter: postclear.AnalyticsFilter{
					From:                 w.QuarterStart,
					To:                   w.QuarterStart.AddDate(0, 3, 0),
					DestinationCountries: []string{w.Country},
				},
				GroupBy:     []postclear.Dimension{postclear.DimOriginCountry},
				Granularity: &month,
			}},
			Case{Family: f, Shape: AllYear, Query: postclear.KPIQuery{
				Filter: postclear.AnalyticsFilter{
					From: time.Date(w.Year, 1, 1, 0, 0, 0, 0, time.UTC),
					To:   time.Date(w.Year+1, 1, 1, 0, 0, 0, 0, time.UTC),
				},
				Granularity: &quarter,
			}})
	}
	return out
}

// SQL returns the SQL the server runs for c, from the analytics service
// itself, so that the engine-only timing runs exactly the server's text.
func SQL(svc *analytics.Service, c Case) (string, warehouse.Params, error) {
	switch c.Family {
	case Clearance:
		return svc.ClearanceSQL(c.Query, TargetHours)
	case Delivery:
		return svc.DeliverySQL(c.Query, postclear.StandardDelivery(StandardDays))
	case Compliance:
		return svc.ComplianceSQL(c.Query)
	case Seizures:
		return svc.SeizureSQL(c.Query)
	}
	return "", nil, fmt.Errorf("bench: unknown family %q", c.Family)
}

// graphQLField is each family's query field and the result fields asked
// for: every statistic, so that the server does all the work it can.
var graphQLField = map[Family]struct{ field, selection string }{
	Clearance:  {"clearanceTimes", "items meanHours p50Hours p90Hours p95Hours withinTargetRate"},
	Delivery:   {"deliveryTimes", "items delivered meanDays p50Days p90Days onTimeRate"},
	Compliance: {"complianceRates", "itemsArrived eadCoverage declarations declarationCompleteness itemsPresented inspectionRate hitRate releaseWithoutInterventionRate"},
	Seizures:   {"seizureTrends", "seizureCategory seizures perTenThousandItems changeFromPreviousPeriod"},
}

// GraphQL returns the GraphQL document of c. Values are written inline
// (they are the benchmark's constants, not user input) so that the
// request is what an analyst would paste into the playground.
func GraphQL(c Case) string {
	f := graphQLField[c.Family]
	q := c.Query
	filter := fmt.Sprintf(`from: "%s", to: "%s"`, q.Filter.From.Format(time.DateOnly), q.Filter.To.Format(time.DateOnly))
	if len(q.Filter.DestinationCountries) > 0 {
		filter += fmt.Sprintf(`, destinationCountries: ["%s"]`, q.Filter.DestinationCountries[0])
	}
	args := "filter: {" + filter + "}"
	key := "period"
	for _, d := range q.GroupBy {
		args += ", groupBy: [" + string(d) + "]"
		key += " " + keyField[d]
	}
	if q.Granularity != nil {
		args += ", granularity: " + string(*q.Granularity)
	}
	return fmt.Sprintf("{ %s(%s) { key { %s } %s } }", f.field, args, key, f.selection)
}

var keyField = map[postclear.Dimension]string{
	postclear.DimOriginCountry:      "originCountry",
	postclear.DimDestinationCountry: "destinationCountry",
	postclear.DimMailClass:          "mailClass",
	postclear.DimOffice:             "office",
	postclear.DimCategory:           "category",
}
