// Package bench is the benchmark of issue 5 (`make bench`, docs/benchmarks.md):
// the KPI query set it times, the same questions written naively over the
// raw record tables and for PostgreSQL, the statistics it reports and the
// chart it draws. The process orchestration lives in cmd/postclear-bench;
// this package holds what the quick-mode correctness test in `make test`
// can check in-process: that the naive SQL returns the numbers the KPI
// queries return, so that the benchmark compares like with like.
package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// Family is a KPI query family of DOMAIN.md, or one of the operations
// view's questions (backlog, openItems, item).
type Family string

// The families, in the order reports list them.
const (
	Clearance  Family = "clearance"
	Delivery   Family = "delivery"
	Compliance Family = "compliance"
	Seizures   Family = "seizures"
	// DeliveryWorking is delivery END_TO_END against J+5 in working days
	// of the destination country.
	DeliveryWorking Family = "delivery-working"
	// Stages is stageTimes with all seven stages.
	Stages  Family = "stages"
	Risk    Family = "risk"
	Hold    Family = "hold"
	Ead     Family = "ead"
	Quality Family = "quality"
	// Backlog, OpenItems and Item are the operations view, asked once
	// each for the window's destination.
	Backlog   Family = "backlog"
	OpenItems Family = "openItems"
	Item      Family = "item"
)

// KPIFamilies are asked in both shapes.
var KPIFamilies = []Family{Clearance, Delivery, DeliveryWorking, Compliance, Seizures, Stages, Risk, Hold, Ead, Quality}

// Compared reports whether f has a naive raw-events and a PostgreSQL
// version to compare with: the four families of issue 5.
func Compared(f Family) bool {
	return f == Clearance || f == Delivery || f == Compliance || f == Seizures
}

// Shape is one of the two questions the issue asks every family.
type Shape string

const (
	// CountryQuarter is one destination country, one quarter, grouped by
	// month and origin country: what an MoU evaluation asks.
	CountryQuarter Shape = "country-quarter"
	// AllYear is every destination, one year, by quarter: what an
	// overview dashboard asks.
	AllYear Shape = "all-year"
	// One is the operations view's single question for the window's
	// destination: its backlog, a page of its open items, one item.
	One Shape = "one"
)

// Case is one timed query: a family asked in one shape.
type Case struct {
	Family Family
	Shape  Shape
	Query  postclear.KPIQuery
	// AsOf is the moment of Backlog and OpenItems; ItemID the item of
	// Item, and ItemIDs the items it reads in turn, run after run (Rep).
	AsOf    time.Time
	ItemID  string
	ItemIDs []string
}

// Name identifies the case in reports, e.g. "clearance/country-quarter".
func (c Case) Name() string { return string(c.Family) + "/" + string(c.Shape) }

// Rep is the case as its run number n asks it: the Item case reads the
// n-th of its items (in turn), so that its runs measure looking items up,
// not one item again (which the engine's caches would flatter); every
// other case is the same each run.
func (c Case) Rep(n int) Case {
	if len(c.ItemIDs) > 0 {
		c.ItemID = c.ItemIDs[n%len(c.ItemIDs)]
	}
	return c
}

// Defaults of the KPI arguments the query set uses, the same through
// GraphQL (the schema's defaults) and straight on the engine.
const (
	TargetHours  = postclear.DefaultTargetHours
	StandardDays = postclear.DefaultStandardDays
	// PageSize is the openItems page asked for (issue 17: "a page").
	PageSize = 50
)

// OpenStage is the stage the openItems case lists.
const OpenStage = postclear.InCustoms

// Window is where a query set looks: the destination country and quarter
// of CountryQuarter and the year of AllYear. The demo data covers
// postings from 2024-06-01 to 2025-12-01 into KE, MA and TH.
type Window struct {
	Country      string
	QuarterStart time.Time
	Year         int
	// ItemIDs are the items the Item case reads, one per run in turn;
	// without any there is no Item case (the run takes those of the
	// openItems page).
	ItemIDs []string
}

// DefaultWindow is a full quarter and a full year inside the demo data.
var DefaultWindow = Window{
	Country:      "KE",
	QuarterStart: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
	Year:         2025,
}

// AsOf is the moment the operations cases take the backlog at: the end
// of the window's quarter.
func (w Window) AsOf() time.Time { return w.QuarterStart.AddDate(0, 3, 0) }

// Cases returns the query set: every KPI family in both shapes, then the
// operations view's backlog, openItems page and item.
func Cases(w Window) []Case {
	month, quarter := postclear.Month, postclear.Quarter
	countryQuarter := postclear.KPIQuery{
		Filter: postclear.AnalyticsFilter{
			From:                 w.QuarterStart,
			To:                   w.AsOf(),
			DestinationCountries: []string{w.Country},
		},
		GroupBy:     []postclear.Dimension{postclear.DimOriginCountry},
		Granularity: &month,
	}
	allYear := postclear.KPIQuery{
		Filter: postclear.AnalyticsFilter{
			From: time.Date(w.Year, 1, 1, 0, 0, 0, 0, time.UTC),
			To:   time.Date(w.Year+1, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		Granularity: &quarter,
	}
	var out []Case
	for _, f := range KPIFamilies {
		out = append(out,
			Case{Family: f, Shape: CountryQuarter, Query: countryQuarter},
			Case{Family: f, Shape: AllYear, Query: allYear})
	}
	// The operations view: what is open at the quarter's end among the
	// items that entered their stage in the quarter, by origin.
	one := postclear.KPIQuery{Filter: countryQuarter.Filter, GroupBy: countryQuarter.GroupBy}
	out = append(out,
		Case{Family: Backlog, Shape: One, Query: one, AsOf: w.AsOf()},
		Case{Family: OpenItems, Shape: One, Query: postclear.KPIQuery{Filter: one.Filter}, AsOf: w.AsOf()})
	if len(w.ItemIDs) > 0 {
		out = append(out, Case{Family: Item, Shape: One, ItemID: w.ItemIDs[0], ItemIDs: w.ItemIDs})
	}
	return out
}

// SQL returns the statements the server runs for c, from the analytics
// service itself, so that the engine-only timing runs exactly the
// server's text: one statement for every case.
func SQL(ctx context.Context, svc *analytics.Service, c Case) ([]string, warehouse.Params, error) {
	one := func(text string, p warehouse.Params, err error) ([]string, warehouse.Params, error) {
		return []string{text}, p, err
	}
	switch c.Family {
	case Clearance:
		return one(svc.ClearanceSQL(c.Query, TargetHours))
	case Delivery:
		return one(svc.DeliverySQL(ctx, c.Query, postclear.StandardDelivery(StandardDays)))
	case DeliveryWorking:
		return one(svc.DeliverySQL(ctx, c.Query, workingDelivery))
	case Compliance:
		return one(svc.ComplianceSQL(c.Query))
	case Seizures:
		return one(svc.SeizureSQL(c.Query))
	case Stages:
		return one(svc.StageSQL(c.Query, postclear.Stages, postclear.DefaultThresholdsHours))
	case Risk:
		return one(svc.RiskSQL(c.Query))
	case Hold:
		return one(svc.HoldSQL(c.Query, postclear.DefaultWithinHours))
	case Ead:
		return one(svc.EadSQL(c.Query, postclear.DefaultMinLeadHours))
	case Quality:
		return one(svc.QualitySQL(c.Query))
	case Backlog:
		return one(svc.BacklogSQL(c.Query, BacklogArgs(c)))
	case OpenItems:
		return one(svc.OpenItemsSQL(ctx, OpenItemsQuery(c)))
	case Item:
		text, p := svc.ItemSQL(c.ItemID)
		return []string{text}, p, nil
	}
	return nil, nil, fmt.Errorf("bench: unknown family %q", c.Family)
}

var workingDelivery = postclear.DeliveryOptions{StandardDays: StandardDays, Leg: postclear.EndToEnd, DayCount: postclear.WorkingDays}

// BacklogArgs are the arguments of the Backlog case: the schema's
// default ages.
func BacklogArgs(c Case) postclear.BacklogArgs {
	return postclear.BacklogArgs{AsOf: c.AsOf, AgesHours: postclear.DefaultAgesHours}
}

// OpenItemsQuery is the first page of the OpenItems case.
func OpenItemsQuery(c Case) postclear.OpenItemsQuery {
	return postclear.OpenItemsQuery{Query: c.Query, AsOf: c.AsOf, Stage: OpenStage, First: PageSize}
}

// graphQLField is each family's query field, its arguments beyond the
// filter, groupBy and granularity, and the result fields asked for:
// every statistic, so that the server does all the work it can.
var graphQLField = map[Family]struct{ field, args, selection string }{
	Clearance:       {"clearanceTimes", "", "items meanHours p50Hours p90Hours p95Hours withinTargetRate"},
	Delivery:        {"deliveryTimes", "", "items delivered meanDays p50Days p90Days onTimeRate"},
	DeliveryWorking: {"deliveryTimes", "leg: END_TO_END, dayCount: WORKING, standardDays: 5", "items delivered meanDays p50Days p90Days onTimeRate"},
	Compliance:      {"complianceRates", "", "itemsArrived eadCoverage declarations declarationCompleteness itemsPresented inspectionRate hitRate releaseWithoutInterventionRate"},
	Seizures:        {"seizureTrends", "", "seizureCategory seizures perTenThousandItems changeFromPreviousPeriod"},
	Stages:          {"stageTimes", "stages: [" + stageList() + "]", "stage items meanHours stddevHours p50Hours p90Hours p95Hours maxHours within { hours rate }"},
	Risk:            {"riskEffectiveness", "", "channel inspected shareOfInspections hitRate findingRate liftVsRandom p50ClearanceHours"},
	Hold:            {"holdFulfilment", "", "requested presented presentedRate presentedWithinRate p50HoursToPresent p90HoursToPresent deliveredWithoutPresentation"},
	Ead:             {"eadTimeliness", "", "items withEad beforeDepartureRate beforeArrivalRate leadTimeRate p10LeadHours p50LeadHours"},
	Quality:         {"declarationQuality", "", "rule declarations failing failureRate"},
	Backlog:         {"backlog", "", "stage items p50AgeHours p90AgeHours maxAgeHours olderThan { hours items }"},
}

func stageList() string {
	var s []string
	for _, st := range postclear.Stages {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

// GraphQL returns the GraphQL document of c. Values are written inline
// (they are the benchmark's constants, not user input) so that the
// request is what an analyst would paste into the playground.
func GraphQL(c Case) string {
	q := c.Query
	filter := fmt.Sprintf(`from: "%s", to: "%s"`, q.Filter.From.Format(time.DateOnly), q.Filter.To.Format(time.DateOnly))
	if len(q.Filter.DestinationCountries) > 0 {
		filter += fmt.Sprintf(`, destinationCountries: ["%s"]`, q.Filter.DestinationCountries[0])
	}
	args := "filter: {" + filter + "}"
	asOf := fmt.Sprintf(`asOf: "%s"`, c.AsOf.Format(time.RFC3339))
	switch c.Family {
	case Item:
		return fmt.Sprintf(`{ item(id: "%s") { itemId originCountry destinationCountry mailClass office category
  milestones { postedAt arrivedAt presentedAt releasedAt deliveredAt }
  events { eventCode eventTime office } declarations { receivedAt hsCode } decisions { decidedAt decision } } }`, c.ItemID)
	case OpenItems:
		return fmt.Sprintf("{ openItems(%s, stage: %s, %s, first: %d) { totalCount edges { cursor node { itemId originCountry destinationCountry mailClass office category enteredAt ageHours } } pageInfo { hasNextPage endCursor } } }",
			asOf, OpenStage, args, PageSize)
	case Backlog:
		args = asOf + ", " + args
	}
	f := graphQLField[c.Family]
	if f.args != "" {
		args += ", " + f.args
	}
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
