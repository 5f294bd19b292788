package graph_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// TestRiskEndToEnd runs one query of each family of DOMAIN.md 6, 7 and 8
// through the real handler over HTTP, reading the wire format, and
// compares the answers with the oracle; bad arguments are BAD_USER_INPUT
// naming the argument.
func TestRiskEndToEnd(t *testing.T) {
	r := fixtureRecords(t)
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) { runRiskE2E(t, fixtureServer(t, e, r), r) })
	}
}

func runRiskE2E(t *testing.T, url string, r kpioracle.Records) {
	month := postclear.Month
	filter := postclear.AnalyticsFilter{From: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}
	const args = `filter: {from: "2025-10-01", to: "2025-12-01"}`
	check := func(t *testing.T, want, got any) {
		t.Helper()
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}

	t.Run("riskEffectiveness", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                                       gqlKey
				Channel                                                                   string
				Inspected                                                                 int64
				ShareOfInspections, HitRate, FindingRate, LiftVsRandom, P50ClearanceHours *float64
			} `json:"riskEffectiveness"`
		}
		post(t, url, `{ riskEffectiveness(`+args+`, groupBy: [DESTINATION_COUNTRY], granularity: MONTH, fillGaps: true) {
			`+keyFields+` channel inspected shareOfInspections hitRate findingRate liftVsRandom p50ClearanceHours } }`, &data)
		var got []postclear.ChannelStat
		for _, x := range data.Rows {
			got = append(got, postclear.ChannelStat{Key: x.Key.domain(t), Channel: x.Channel, Inspected: x.Inspected,
				ShareOfInspections: x.ShareOfInspections, HitRate: x.HitRate, FindingRate: x.FindingRate,
				LiftVsRandom: x.LiftVsRandom, P50ClearanceHours: x.P50ClearanceHours})
		}
		check(t, kpioracle.RiskEffectiveness(r, postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry},
			Granularity: &month, FillGaps: true}), got)
	})
	t.Run("holdFulfilment", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                                      gqlKey
				Requested, Presented, DeliveredWithoutPresentation                       int64
				PresentedRate, PresentedWithinRate, P50HoursToPresent, P90HoursToPresent *float64
			} `json:"holdFulfilment"`
		}
		post(t, url, `{ holdFulfilment(`+args+`, groupBy: [ORIGIN_COUNTRY], withinHours: 12) {
			`+keyFields+` requested presented presentedRate presentedWithinRate p50HoursToPresent p90HoursToPresent deliveredWithoutPresentation } }`, &data)
		var got []postclear.HoldStat
		for _, x := range data.Rows {
			got = append(got, postclear.HoldStat{Key: x.Key.domain(t), Requested: x.Requested, Presented: x.Presented,
				PresentedRate: x.PresentedRate, PresentedWithinRate: x.PresentedWithinRate, P50HoursToPresent: x.P50HoursToPresent,
				P90HoursToPresent: x.P90HoursToPresent, DeliveredWithoutPresentation: x.DeliveredWithoutPresentation})
		}
		check(t, kpioracle.HoldFulfilment(r, postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimOriginCountry}}, 12), got)
	})
	t.Run("eadTimeliness", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                                              gqlKey
				Items, WithEad                                                                   int64
				BeforeDepartureRate, BeforeArrivalRate, LeadTimeRate, P10LeadHours, P50LeadHours *float64
			} `json:"eadTimeliness"`
		}
		// The default minLeadHours is 4.
		post(t, url, `{ eadTimeliness(`+args+`, groupBy: [DESTINATION_COUNTRY, CATEGORY]) {
			`+keyFields+` items withEad beforeDepartureRate beforeArrivalRate leadTimeRate p10LeadHours p50LeadHours } }`, &data)
		var got []postclear.EadTimelinessStat
		for _, x := range data.Rows {
			got = append(got, postclear.EadTimelinessStat{Key: x.Key.domain(t), Items: x.Items, WithEad: x.WithEad,
				BeforeDepartureRate: x.BeforeDepartureRate, BeforeArrivalRate: x.BeforeArrivalRate, LeadTimeRate: x.LeadTimeRate,
				P10LeadHours: x.P10LeadHours, P50LeadHours: x.P50LeadHours})
		}
		check(t, kpioracle.EadTimeliness(r, postclear.KPIQuery{Filter: filter,
			GroupBy: []postclear.Dimension{postclear.DimDestinationCountry, postclear.DimCategory}}, 4), got)
	})
	t.Run("declarationQuality", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                   gqlKey
				Rule                  string
				Declarations, Failing int64
				FailureRate           *float64
			} `json:"declarationQuality"`
		}
		post(t, url, `{ declarationQuality(`+args+`, groupBy: [ORIGIN_COUNTRY], granularity: MONTH) {
			`+keyFields+` rule declarations failing failureRate } }`, &data)
		var got []postclear.DeclarationRuleStat
		for _, x := range data.Rows {
			got = append(got, postclear.DeclarationRuleStat{Key: x.Key.domain(t), Rule: x.Rule, Declarations: x.Declarations,
				Failing: x.Failing, FailureRate: x.FailureRate})
		}
		check(t, kpioracle.DeclarationQuality(r, postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimOriginCountry}, Granularity: &month}), got)
	})
	t.Run("top rules by failure rate", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Rule        string
				FailureRate *float64
			} `json:"declarationQuality"`
		}
		post(t, url, `{ declarationQuality(`+args+`, orderBy: [{field: FAILURE_RATE, direction: DESC}], limit: 2) { rule failureRate } }`, &data)
		var got []postclear.DeclarationRuleStat
		for _, x := range data.Rows {
			got = append(got, postclear.DeclarationRuleStat{Rule: x.Rule, FailureRate: x.FailureRate})
		}
		// Ties keep the rules' enum order, the oracle's.
		rows := kpioracle.DeclarationQuality(r, postclear.KPIQuery{Filter: filter})
		sort.SliceStable(rows, func(i, j int) bool { return *rows[i].FailureRate > *rows[j].FailureRate })
		if *rows[1].FailureRate == *rows[2].FailureRate {
			t.Fatalf("the second and third rules tie; the limit proves little: %+v", rows)
		}
		var want []postclear.DeclarationRuleStat
		for _, w := range rows[:2] {
			want = append(want, postclear.DeclarationRuleStat{Rule: w.Rule, FailureRate: w.FailureRate})
		}
		check(t, want, got)
	})
	t.Run("bad arguments", func(t *testing.T) {
		for _, c := range []struct{ query, arg string }{
			{`{ holdFulfilment(` + args + `, withinHours: -1) { requested } }`, "withinHours"},
			{`{ eadTimeliness(` + args + `, minLeadHours: -0.5) { items } }`, "minLeadHours"},
			{`{ riskEffectiveness(` + args + `, orderBy: [{field: CHANNEL}], limit: 0) { channel } }`, "limit"},
			{`{ riskEffectiveness(` + args + `, groupBy: [OFFICE, RISK_CHANNEL]) { channel } }`, "groupBy: RISK_CHANNEL"},
			{`{ declarationQuality(` + args + `, groupBy: [RISK_CHANNEL]) { rule } }`, "groupBy: RISK_CHANNEL"},
		} {
			errs := postErrors(t, url, c.query)
			if len(errs) != 1 || errs[0].Extensions.Code != postclear.EInvalid || !strings.Contains(errs[0].Message, c.arg) {
				t.Errorf("%s: errors = %+v, want one %s naming %s", c.query, errs, postclear.EInvalid, c.arg)
			}
		}
	})
}
