package analytics_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// approx compares floats to 1e-9 relative: the engine and the oracle add
// in different orders, nothing more may differ.
var approx = cmp.Comparer(func(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
})

func readFixture[T ingest.Record](t testing.TB, name string) []T {
	return readTestdata[T](t, "fixture", name)
}

// readTestdata reads the records of testdata/dir/name, every row valid.
func readTestdata[T ingest.Record](t testing.TB, dir, name string) []T {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ingest.Open[T](name, f, testenv.Now)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejected, err := ingest.ReadAll(r)
	if err != nil || len(rejected) > 0 {
		t.Fatalf("%s: %v %v", name, err, rejected)
	}
	return recs
}

// fixture is testdata/fixture as stored: the decisions file is loaded
// twice, so every decision is a re-ingested duplicate; the events and
// declarations files hold duplicate rows of their own.
func fixture(t testing.TB) kpioracle.Records {
	r := kpioracle.Records{
		Events:       readFixture[postclear.Event](t, "events.csv"),
		Declarations: readFixture[postclear.Declaration](t, "declarations.csv"),
		Decisions:    readFixture[postclear.Decision](t, "decisions.csv"),
	}
	r.Decisions = append(r.Decisions, r.Decisions...)
	return r
}

func store(t testing.TB, e warehouse.Engine, r kpioracle.Records, twice bool) *analytics.Service {
	t.Helper()
	_, svc := storeAndService(t, e, r, twice)
	return svc
}

// storeAndService is store, with the Store for tests that store more.
func storeAndService(t testing.TB, e warehouse.Engine, r kpioracle.Records, twice bool) (*warehouse.Store, *analytics.Service) {
	t.Helper()
	layout := testenv.Database(t, e)
	st := warehouse.NewStore(e, layout)
	ctx := context.Background()
	if err := st.InsertEvents(ctx, r.Events); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertDeclarations(ctx, r.Declarations); err != nil {
		t.Fatal(err)
	}
	half := len(r.Decisions)
	if twice {
		half /= 2
	}
	for _, b := range [][]postclear.Decision{r.Decisions[:half], r.Decisions[half:]} {
		if err := st.InsertDecisions(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return st, &analytics.Service{Engine: e, Layout: layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func gran(g postclear.Granularity) *postclear.Granularity { return &g }

// compareAll runs the four KPIs of q and compares them with the oracle.
func compareAll(t *testing.T, svc *analytics.Service, r kpioracle.Records, q postclear.KPIQuery) {
	t.Helper()
	ctx := context.Background()
	for _, target := range []float64{24, 12.5} {
		got, err := svc.ClearanceTimes(ctx, q, target)
		if err != nil {
			t.Fatalf("clearance: %v", err)
		}
		if diff := cmp.Diff(kpioracle.Clearance(r, q, target), got, approx); diff != "" {
			t.Errorf("clearance(target %v) (-want +got):\n%s", target, diff)
		}
	}
	for _, n := range []int{5, 0, 2} {
		got, err := svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(n))
		if err != nil {
			t.Fatalf("delivery: %v", err)
		}
		if diff := cmp.Diff(kpioracle.Delivery(r, q, n, testenv.Now), got, approx); diff != "" {
			t.Errorf("delivery(J+%d) (-want +got):\n%s", n, diff)
		}
	}
	gotC, err := svc.ComplianceRates(ctx, q)
	if err != nil {
		t.Fatalf("compliance: %v", err)
	}
	if diff := cmp.Diff(kpioracle.Compliance(r, q), gotC, approx); diff != "" {
		t.Errorf("compliance (-want +got):\n%s", diff)
	}
	gotS, err := svc.SeizureTrends(ctx, q)
	if err != nil {
		t.Fatalf("seizures: %v", err)
	}
	if diff := cmp.Diff(kpioracle.Seizures(r, q), gotS, approx); diff != "" {
		t.Errorf("seizures (-want +got):\n%s", diff)
	}
}

func name(q postclear.KPIQuery) string {
	var parts []string
	if q.Granularity != nil {
		parts = append(parts, string(*q.Granularity))
	}
	for _, d := range q.GroupBy {
		parts = append(parts, string(d))
	}
	if q.FillGaps {
		parts = append(parts, "fill")
	}
	f := q.Filter
	for _, l := range [][]string{f.OriginCountries, f.DestinationCountries, f.MailClasses, f.Offices, f.Categories} {
		if len(l) > 0 {
			parts = append(parts, strings.Join(l, "+"))
		}
	}
	parts = append(parts, f.From.Format("0102")+"-"+f.To.Format("0102"))
	return strings.Join(parts, "_")
}

// fixtureQueries combines groupings, granularities, gap filling and
// filters over the fixture's range (October and November 2025, with
// records in December 2024, September 2025 and on 1 December 2025 just
// outside it).
func fixtureQueries() []postclear.KPIQuery {
	oct := postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01")}
	groupings := [][]postclear.Dimension{
		nil,
		{postclear.DimDestinationCountry},
		{postclear.DimMailClass, postclear.DimOriginCountry},
		{postclear.DimOffice},
		{postclear.DimCategory},
		{postclear.DimCategory, postclear.DimOffice, postclear.DimMailClass, postclear.DimDestinationCountry, postclear.DimOriginCountry},
		{postclear.DimRiskChannel},
		{postclear.DimRiskChannel, postclear.DimOffice, postclear.DimCategory},
	}
	var qs []postclear.KPIQuery
	grans := []*postclear.Granularity{nil, gran(postclear.Day), gran(postclear.Week), gran(postclear.Month), gran(postclear.Quarter), gran(postclear.Year)}
	for _, g := range grans {
		for _, by := range groupings {
			qs = append(qs, postclear.KPIQuery{Filter: oct, GroupBy: by, Granularity: g})
			if g != nil {
				qs = append(qs, postclear.KPIQuery{Filter: oct, GroupBy: by, Granularity: g, FillGaps: true})
			}
		}
	}
	filters := []postclear.AnalyticsFilter{
		{From: date("2025-10-01"), To: date("2025-12-01"), DestinationCountries: []string{"US"}},
		{From: date("2025-10-01"), To: date("2025-12-01"), OriginCountries: []string{"CN", "JP"}, MailClasses: []string{"PACKET", "EMS"}},
		{From: date("2025-10-01"), To: date("2025-12-01"), Offices: []string{"USORDA", "FRCDGA"}},
		{From: date("2025-10-01"), To: date("2025-12-01"), Categories: []string{"SALE_OF_GOODS", "DOCUMENTS"}},
		// A from inside a bucket: the first bucket is partial, the
		// previous one (seizures) is the whole calendar bucket.
		{From: date("2025-10-13"), To: date("2025-11-04")},
		{From: date("2024-12-01"), To: date("2026-01-01")},
		// Nothing in range.
		{From: date("2025-06-01"), To: date("2025-07-01")},
	}
	for _, f := range filters {
		for _, g := range []*postclear.Granularity{nil, gran(postclear.Week), gran(postclear.Month)} {
			qs = append(qs,
				postclear.KPIQuery{Filter: f, Granularity: g, FillGaps: true},
				postclear.KPIQuery{Filter: f, Granularity: g, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry, postclear.DimOffice}},
			)
		}
	}
	return qs
}

func TestFixture(t *testing.T) {
	r := fixture(t)
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			svc := store(t, e, r, true)
			for _, q := range fixtureQueries() {
				t.Run(name(q), func(t *testing.T) { compareAll(t, svc, r, q) })
			}
		})
	}
}

// TestFixtureCases pins values of the fixture computed by hand from
// DOMAIN.md (see testdata/fixture/README.md), so that a misreading shared
// by the oracle and the SQL would still show.
func TestFixtureCases(t *testing.T) {
	svc := store(t, testenv.Embedded(t), fixture(t), true)
	ctx := context.Background()
	fall := func(f postclear.AnalyticsFilter) postclear.AnalyticsFilter {
		f.From, f.To = date("2025-10-01"), date("2025-12-01")
		return f
	}
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	p := func(d string) *time.Time { v := date(d); return &v }
	check := func(t *testing.T, want, got any) {
		t.Helper()
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}

	t.Run("clearance: EDC release, RELEASE before EDC, exactly 24 h", func(t *testing.T) {
		// Items 3 (EDC only, 48 h) and 4 (RELEASE 24 h, EDC later) at USORDA.
		got, err := svc.ClearanceTimes(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"GB"}}),
			GroupBy: []postclear.Dimension{postclear.DimOffice}}, 24)
		if err != nil {
			t.Fatal(err)
		}
		check(t, []postclear.ClearanceStat{{Key: postclear.GroupKey{Office: s("USORDA")}, Items: 2,
			MeanHours: f(36), P50Hours: f(36), P90Hours: f(45.6), P95Hours: f(46.8), WithinTargetRate: f(0.5)}}, got)
	})
	t.Run("delivery: J+5 window against today", func(t *testing.T) {
		// Items 9 and 10: posted 11-28 (delivered, window open), 11-26 (due
		// today: open), 11-25 delivered 11-30 23:00 (on time) and 12-01
		// 00:30 (late).
		got, err := svc.DeliveryTimes(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"CN"}, MailClasses: []string{"EMS"}})}, postclear.StandardDelivery(5))
		if err != nil {
			t.Fatal(err)
		}
		// Of the two due items, the one delivered 12-01 00:30 is late by
		// one day (deadline 11-30).
		d1, d3, d4 := 2+2.0/24, 5+15.0/24, 5+16.5/24
		check(t, []postclear.DeliveryStat{{Items: 4, Delivered: 3, MeanDays: f((d1 + d3 + d4) / 3), P50Days: f(d3),
			P90Days: f(d3 + 0.8*(d4-d3)), OnTimeRate: f(0.5), DueItems: 2, LateBy1DayRate: f(0.5), LateBy2PlusDaysRate: f(0), NotDeliveredRate: f(0)}}, got)
	})
	t.Run("compliance: DOCUMENTS, no declaration, interventions", func(t *testing.T) {
		got, err := svc.ComplianceRates(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"DE"}})})
		if err != nil {
			t.Fatal(err)
		}
		check(t, []postclear.ComplianceStat{{ItemsArrived: 5, EadCoverage: f(0.75), Declarations: 4, DeclarationCompleteness: f(0.25),
			ItemsPresented: 4, InspectionRate: f(0.25), HitRate: f(0), ReleaseWithoutInterventionRate: f(0.5)}}, got)
	})
	t.Run("compliance: declarations fall in the office-null group", func(t *testing.T) {
		got, err := svc.ComplianceRates(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{Categories: []string{"RETURNED_GOODS"}}),
			GroupBy: []postclear.Dimension{postclear.DimOffice}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, []postclear.ComplianceStat{{Declarations: 1, DeclarationCompleteness: f(1)}}, got)
	})
	t.Run("compliance: declarations fall in the null RISK_CHANNEL group", func(t *testing.T) {
		got, err := svc.ComplianceRates(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{Categories: []string{"RETURNED_GOODS"}}),
			GroupBy: []postclear.Dimension{postclear.DimRiskChannel}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, []postclear.ComplianceStat{{Declarations: 1, DeclarationCompleteness: f(1)}}, got)
	})
	t.Run("compliance: RISK_CHANNEL is the first inspection's channel, else NOT_INSPECTED", func(t *testing.T) {
		// DE items: item 12 inspected (RANDOM, a miss, released); of the
		// three others presented, all released, one was held (item 12's
		// twin with the duty). Declarations fall in the null group.
		got, err := svc.ComplianceRates(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"DE"}}),
			GroupBy: []postclear.Dimension{postclear.DimRiskChannel}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, []postclear.ComplianceStat{
			{Key: postclear.GroupKey{RiskChannel: s("NOT_INSPECTED")}, ItemsArrived: 4, EadCoverage: f(2.0 / 3), ItemsPresented: 3, InspectionRate: f(0), ReleaseWithoutInterventionRate: f(2.0 / 3)},
			{Key: postclear.GroupKey{RiskChannel: s("RANDOM")}, ItemsArrived: 1, EadCoverage: f(1), ItemsPresented: 1, InspectionRate: f(1), HitRate: f(0), ReleaseWithoutInterventionRate: f(0)},
			{Declarations: 4, DeclarationCompleteness: f(0.25)},
		}, got)
	})
	t.Run("compliance: earliest event ties, first arrival office, UTC buckets", func(t *testing.T) {
		got, err := svc.ComplianceRates(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"JP", "HK"}}),
			GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimOffice}, Granularity: gran(postclear.Month)})
		if err != nil {
			t.Fatal(err)
		}
		// Declared 10-31 (October, office null); arrived 10-31 23:30-02:00
		// = November UTC at USJFKA, the first of its two arrivals.
		check(t, []postclear.ComplianceStat{
			{Key: postclear.GroupKey{Period: p("2025-10-01"), OriginCountry: s("JP")}, Declarations: 1, DeclarationCompleteness: f(1)},
			{Key: postclear.GroupKey{Period: p("2025-11-01"), OriginCountry: s("JP"), Office: s("USJFKA")}, ItemsArrived: 1, EadCoverage: f(1),
				ItemsPresented: 1, InspectionRate: f(0), ReleaseWithoutInterventionRate: f(1)},
		}, got)
	})
	t.Run("seizures: previous bucket before from, item without events", func(t *testing.T) {
		got, err := svc.SeizureTrends(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{}),
			GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}, Granularity: gran(postclear.Quarter)})
		if err != nil {
			t.Fatal(err)
		}
		// Q4: IPR items 11 and 11b (the repeated IPR decision counts
		// once), DRUGS 11b; Q3 before from: IPR 11, DRUGS 11d. 16 US
		// items presented in Q4.
		check(t, []postclear.SeizureStat{
			{Key: postclear.GroupKey{Period: p("2025-10-01"), DestinationCountry: s("US")}, SeizureCategory: "DRUGS", Seizures: 1, PerTenThousandItems: f(10000.0 / 16), ChangeFromPreviousPeriod: f(0)},
			{Key: postclear.GroupKey{Period: p("2025-10-01"), DestinationCountry: s("US")}, SeizureCategory: "IPR", Seizures: 2, PerTenThousandItems: f(20000.0 / 16), ChangeFromPreviousPeriod: f(1)},
			{Key: postclear.GroupKey{Period: p("2025-10-01")}, SeizureCategory: "CURRENCY", Seizures: 1},
		}, got)
	})
}

func testEngine(t *testing.T) warehouse.Engine { return testenv.Embedded(t) }
