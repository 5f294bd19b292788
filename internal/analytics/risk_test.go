package analytics_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// compareRisk runs the families of DOMAIN.md 6, 7 and 8 for q, with
// several values of their own arguments, and compares them with the
// oracle.
func compareRisk(t *testing.T, ctx context.Context, svc *analytics.Service, r kpioracle.Records, q postclear.KPIQuery) {
	t.Helper()
	check := func(what string, want, got any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}
	if slices.Contains(q.GroupBy, postclear.DimRiskChannel) {
		// The channel is riskEffectiveness' row, and declarations have
		// none: both refuse it, naming groupBy.
		_, errRisk := svc.RiskEffectiveness(ctx, q)
		_, errQuality := svc.DeclarationQuality(ctx, q)
		for family, err := range map[string]error{"riskEffectiveness": errRisk, "declarationQuality": errQuality} {
			if want := "groupBy: RISK_CHANNEL is not a dimension of " + family; postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), want) {
				t.Errorf("%s grouped by RISK_CHANNEL: %v (code %q), want %s containing %q", family, err, postclear.ErrorCode(err), postclear.EInvalid, want)
			}
		}
	} else {
		channels, err := svc.RiskEffectiveness(ctx, q)
		check("risk effectiveness", kpioracle.RiskEffectiveness(r, q), channels, err)
		rules, err := svc.DeclarationQuality(ctx, q)
		check("declaration quality", kpioracle.DeclarationQuality(r, q), rules, err)
	}
	// The data-quality counts of the MoU evaluation, over the same
	// groupings, zones and scopes.
	issues, err := svc.DataQuality(ctx, q)
	check("data quality", kpioracle.DataQuality(r, q), issues, err)
	// 35 h is exactly one item's wait; 0 counts only presentations
	// before or at the request.
	for _, within := range []float64{24, 0, 35, 4.5} {
		holds, err := svc.HoldFulfilment(ctx, q, within)
		check("hold fulfilment within "+ftoa(within), kpioracle.HoldFulfilment(r, q, within), holds, err)
	}
	// 12 h is exactly one item's lead.
	for _, lead := range []float64{4, 0, 12, 2.5} {
		ead, err := svc.EadTimeliness(ctx, q, lead)
		check("EAD timeliness lead "+ftoa(lead), kpioracle.EadTimeliness(r, q, lead), ead, err)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// TestRiskFixture compares the four families with the oracle over every
// query of the fixture (groupings, granularities, gaps filled, filters).
func TestRiskFixture(t *testing.T) {
	r := fixture(t)
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			svc := store(t, e, r, true)
			for _, q := range fixtureQueries() {
				t.Run(name(q), func(t *testing.T) { compareRisk(t, context.Background(), svc, r, q) })
			}
		})
	}
}

// TestRiskFixtureCases pins values of the fixture's items 19 to 25 (IN→KE
// and BR→KE, see testdata/fixture/README.md) and of the US inspections,
// computed by hand from DOMAIN.md, so that a misreading shared by the
// oracle and the SQL would still show.
func TestRiskFixtureCases(t *testing.T) {
	svc := store(t, testenv.Embedded(t), fixture(t), true)
	ctx := context.Background()
	fall := func(f postclear.AnalyticsFilter) postclear.AnalyticsFilter {
		f.From, f.To = date("2025-10-01"), date("2025-12-01")
		return f
	}
	ke := fall(postclear.AnalyticsFilter{DestinationCountries: []string{"KE"}})
	f := func(v float64) *float64 { return &v }
	p := func(d string) *time.Time { v := date(d); return &v }
	check := func(t *testing.T, want, got any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}

	t.Run("risk: lift over random, finding without seizure, no clearance", func(t *testing.T) {
		// US, October: TARGETED 0989 (seized, never released); RANDOM
		// 1057 (seized, never released) and 1264 (24 h clearance).
		got, err := svc.RiskEffectiveness(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{DestinationCountries: []string{"US"}})})
		check(t, []postclear.ChannelStat{
			{Channel: "TARGETED", Inspected: 1, ShareOfInspections: f(1.0 / 3), HitRate: f(1), FindingRate: f(1), LiftVsRandom: f(2)},
			{Channel: "RANDOM", Inspected: 2, ShareOfInspections: f(2.0 / 3), HitRate: f(0.5), FindingRate: f(0.5), LiftVsRandom: f(1), P50ClearanceHours: f(24)},
		}, got, err)
	})
	t.Run("risk: duty and RETURN are findings, first stored INSPECT decides, filled channels", func(t *testing.T) {
		// KE: 0023 TARGETED in October (duty, 21 h); 0054 in November,
		// two INSPECT at one instant, DISCRETIONARY stored first (RETURN,
		// released by EDC after 27 h); 0068 RANDOM (nothing, 24 h). No
		// RANDOM row in October, a RANDOM hit rate of 0 in November: no
		// lift. Filled rows: share 0 beside the bucket's inspections.
		got, err := svc.RiskEffectiveness(ctx, postclear.KPIQuery{Filter: ke, Granularity: gran(postclear.Month), FillGaps: true})
		check(t, []postclear.ChannelStat{
			{Key: postclear.GroupKey{Period: p("2025-10-01")}, Channel: "TARGETED", Inspected: 1, ShareOfInspections: f(1), HitRate: f(0), FindingRate: f(1), P50ClearanceHours: f(21)},
			{Key: postclear.GroupKey{Period: p("2025-10-01")}, Channel: "RANDOM", ShareOfInspections: f(0)},
			{Key: postclear.GroupKey{Period: p("2025-10-01")}, Channel: "DISCRETIONARY", ShareOfInspections: f(0)},
			{Key: postclear.GroupKey{Period: p("2025-11-01")}, Channel: "TARGETED", ShareOfInspections: f(0)},
			{Key: postclear.GroupKey{Period: p("2025-11-01")}, Channel: "RANDOM", Inspected: 1, ShareOfInspections: f(0.5), HitRate: f(0), FindingRate: f(0), P50ClearanceHours: f(24)},
			{Key: postclear.GroupKey{Period: p("2025-11-01")}, Channel: "DISCRETIONARY", Inspected: 1, ShareOfInspections: f(0.5), HitRate: f(0), FindingRate: f(1), P50ClearanceHours: f(27)},
		}, got, err)
	})
	t.Run("hold: before and after presentation, never presented, delivered without", func(t *testing.T) {
		// KE requests: 0010 (presented 35 h later), 0023 (4 h), 0037
		// (never presented), 0045 (delivered without presentation), 0054
		// and 0068 (presented before the request: 0 h, within).
		got, err := svc.HoldFulfilment(ctx, postclear.KPIQuery{Filter: ke}, 24)
		check(t, []postclear.HoldStat{{Requested: 6, Presented: 4, PresentedRate: f(4.0 / 6), PresentedWithinRate: f(0.5),
			P50HoursToPresent: f(2), P90HoursToPresent: f(4 + 0.7*31), DeliveredWithoutPresentation: 1}}, got, err)
		got, err = svc.HoldFulfilment(ctx, postclear.KPIQuery{Filter: ke}, 35)
		if err != nil || len(got) != 1 || *got[0].PresentedWithinRate != 4.0/6 {
			t.Errorf("within 35 h (exactly 0010's wait): %+v %v, want a rate of 4/6", got, err)
		}
	})
	t.Run("hold: existing holds after presentation", func(t *testing.T) {
		// 1335DE HOLD an hour after its presentation, 1264DE INSPECT an
		// hour after, both delivered.
		got, err := svc.HoldFulfilment(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"DE"}})}, 24)
		check(t, []postclear.HoldStat{{Requested: 2, Presented: 2, PresentedRate: f(1), PresentedWithinRate: f(1),
			P50HoursToPresent: f(0), P90HoursToPresent: f(0)}}, got, err)
	})
	t.Run("EAD: before departure, in transit, after arrival, none, no departure", func(t *testing.T) {
		// KE arrivals: 0010 (EAD before departure, lead 52 h), 0023
		// (between departure and arrival, 12 h), 0037 (2 h), 0045 (5 h
		// after arrival), 0054 (no declaration), 0068 (before departure,
		// 75 h), 0071 (no departure event, 25 h).
		got, err := svc.EadTimeliness(ctx, postclear.KPIQuery{Filter: ke}, 4)
		check(t, []postclear.EadTimelinessStat{{Items: 7, WithEad: 6, BeforeDepartureRate: f(2.0 / 7), BeforeArrivalRate: f(5.0 / 7),
			LeadTimeRate: f(4.0 / 7), P10LeadHours: f(-1.5), P50LeadHours: f(18.5)}}, got, err)
	})
	t.Run("EAD: DOCUMENTS are left out", func(t *testing.T) {
		got, err := svc.EadTimeliness(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{Categories: []string{"DOCUMENTS"}})}, 4)
		check(t, []postclear.EadTimelinessStat(nil), got, err)
	})
	t.Run("declaration quality: every rule, every rule's row", func(t *testing.T) {
		// IN declarations: 0071 fails DESCRIPTION (" stuff "), VALUE and
		// CURRENCY; 0068 fails WEIGHT; the others pass every rule.
		got, err := svc.DeclarationQuality(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"IN"}})})
		check(t, ruleRows(6, 1, 1, 1, 1, 0), got, err)
		// GB: 0215 "gifts" (SALE_OF_GOODS with no HS code), 0286 a
		// COMMERCIAL_SAMPLE without one, 1542 complete.
		got, err = svc.DeclarationQuality(ctx, postclear.KPIQuery{Filter: fall(postclear.AnalyticsFilter{OriginCountries: []string{"GB"}}),
			GroupBy: []postclear.Dimension{postclear.DimOffice}})
		check(t, ruleRows(3, 1, 0, 0, 0, 2), got, err)
	})
}

// ruleRows are the five rows of one ungrouped declarationQuality answer:
// n declarations, failing the rules (in DeclarationRule order) as given.
func ruleRows(n int64, failing ...int64) []postclear.DeclarationRuleStat {
	var out []postclear.DeclarationRuleStat
	for i, rule := range []string{"DESCRIPTION", "VALUE", "CURRENCY", "WEIGHT", "HS_CODE"} {
		rate := float64(failing[i]) / float64(n)
		out = append(out, postclear.DeclarationRuleStat{Rule: rule, Declarations: n, Failing: failing[i], FailureRate: &rate})
	}
	return out
}

// A declaration is complete exactly when it fails no rule: the oracle's
// rules against postclear.Declaration.Complete (the reference of
// complianceRates' declarationCompleteness) for every fixture declaration,
// the rules the engine stored in declaration_facts against it too, and
// their count of declarations failing no rule against complianceRates'.
func TestCompleteMeansFailingNoRule(t *testing.T) {
	r := fixture(t)
	want := map[string]bool{}
	for _, d := range r.Dedupe().Declarations {
		if slices.Contains(kpioracle.Fails(d), true) == d.Complete() {
			t.Errorf("oracle: %s %s: complete %v, fails %v", d.ItemID, d.ReceivedAt.Format(time.RFC3339), d.Complete(), kpioracle.Fails(d))
		}
		want[d.ItemID+" "+d.ReceivedAt.UTC().Format(time.RFC3339)] = d.Complete()
	}
	svc := store(t, testenv.Embedded(t), r, true)
	ctx := context.Background()
	// A KPI query first, so that the facts are finalized.
	compliance, err := svc.ComplianceRates(ctx, postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2100-01-01")}})
	if err != nil || len(compliance) != 1 {
		t.Fatalf("compliance: %+v %v", compliance, err)
	}
	rows, err := svc.Engine.Query(ctx, `SELECT item_id, received_at,
    fails_description + fails_value + fails_currency + fails_weight + fails_hs_code = 0
FROM {db:Identifier}.declaration_facts FINAL`, warehouse.Params{"db": svc.Layout.Database})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]bool{}
	complete := 0
	for rows.Next() {
		var item string
		var at time.Time
		var ok uint8
		if err := rows.Scan(&item, &at, &ok); err != nil {
			t.Fatal(err)
		}
		got[item+" "+at.UTC().Format(time.RFC3339)] = ok == 1
		complete += int(ok)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("declaration_facts failing no rule against Declaration.Complete (-want +got):\n%s", diff)
	}
	c := compliance[0]
	if c.Declarations != int64(len(got)) || math.Abs(*c.DeclarationCompleteness*float64(c.Declarations)-float64(complete)) > 1e-9 {
		t.Errorf("complianceRates: %d declarations, completeness %v; declaration_facts: %d, %d failing no rule",
			c.Declarations, *c.DeclarationCompleteness, len(got), complete)
	}
}

// withinHours and minLeadHours are finite numbers >= 0; anything else is
// refused before the engine is asked (the service has none here).
func TestRiskArgumentsInvalid(t *testing.T) {
	svc := &analytics.Service{Layout: warehouse.Layout{Database: "postclear"}}
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-04-01")}}
	ctx := context.Background()
	for _, h := range []float64{-1, -0.001, math.NaN(), math.Inf(1), math.Inf(-1)} {
		for arg, call := range map[string]func() error{
			"withinHours":  func() error { _, err := svc.HoldFulfilment(ctx, q, h); return err },
			"minLeadHours": func() error { _, err := svc.EadTimeliness(ctx, q, h); return err },
		} {
			err := call()
			if postclear.ErrorCode(err) != postclear.EInvalid || !strings.HasPrefix(postclear.ErrorMessage(err), arg+" must be a number >= 0") {
				t.Errorf("%s %v: got %v (code %q), want %s naming %s", arg, h, err, postclear.ErrorCode(err), postclear.EInvalid, arg)
			}
		}
	}
}

// The fixture has items with each data-quality issue, so that comparing
// with the oracle proves something; their counts over the whole fixture.
func TestDataQualityFixture(t *testing.T) {
	r := fixture(t)
	// Three more items for KE: one arrived without a posting event; one
	// presented and delivered without an arrival; one delivered alone.
	id := func(serial string) string {
		return "RR" + serial + strconv.Itoa(postclear.S10CheckDigit(serial)) + "KE"
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	ev := func(item, code, when string) postclear.Event {
		return postclear.Event{ItemID: id(item), EventCode: code, EventTime: at(when), Office: "KENBOA",
			OriginCountry: "CN", DestinationCountry: "KE", MailClass: "PACKET"}
	}
	r.Events = append(slices.Clone(r.Events),
		ev("90000001", "EMD", "2025-10-05T08:00:00Z"), ev("90000001", "EDB", "2025-10-06T08:00:00Z"),
		ev("90000002", "EDB", "2025-10-07T08:00:00Z"), ev("90000002", "EMI", "2025-10-12T08:00:00Z"),
		ev("90000003", "EMI", "2025-11-02T08:00:00Z"))
	svc := store(t, testenv.Embedded(t), r, true)
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2030-01-01")}, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}}
	got, err := svc.DataQuality(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(kpioracle.DataQuality(r, q), got); diff != "" {
		t.Errorf("(-oracle +SQL):\n%s", diff)
	}
	total := map[string]int64{}
	for _, s := range got {
		total[s.Issue] += s.Items
	}
	// Monthly, in Nairobi, as an evaluation asks.
	q = postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-07-01"), To: date("2026-01-01"), DestinationCountries: []string{"KE"}},
		Granularity: gran(postclear.Month), TimeZone: "Africa/Nairobi"}
	monthly, err := svc.DataQuality(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(kpioracle.DataQuality(r, q), monthly); diff != "" {
		t.Errorf("monthly in Nairobi (-oracle +SQL):\n%s", diff)
	}
	// By hand: the three items above (the third delivered alone), and
	// the fixture's one item released before it was presented.
	want := map[string]int64{postclear.ReleasedBeforePresented: 1, postclear.DeliveredWithoutArrival: 2,
		postclear.ArrivalWithoutPosting: 1, postclear.PresentedWithoutArrival: 1}
	if diff := cmp.Diff(want, total); diff != "" {
		t.Errorf("counts over the fixture (-by hand +SQL):\n%s", diff)
	}
}
