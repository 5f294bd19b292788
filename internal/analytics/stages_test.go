package analytics_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// readStages reads one file of testdata/stages.
func readStages[T ingest.Record](t testing.TB, name string) []T {
	return readTestdata[T](t, "stages", name)
}

// stagesFixture is the analytics fixture plus testdata/stages: the items
// of the stage-time and working-day cases (its README lists them).
func stagesFixture(t testing.TB) kpioracle.Records {
	r := fixture(t)
	r.Events = append(r.Events, readStages[postclear.Event](t, "events.csv")...)
	r.Decisions = append(r.Decisions, readStages[postclear.Decision](t, "decisions.csv")...)
	return r
}

// stageArgs are the stage and threshold sets every stage-time comparison
// asks: every stage with the default thresholds; two stages named out of
// enum order with thresholds out of order, one below an hour; one stage.
var stageArgs = []struct {
	stages     []postclear.Stage
	thresholds []float64
}{
	{postclear.Stages, postclear.DefaultThresholdsHours},
	{[]postclear.Stage{postclear.ArrivalToRelease, postclear.PostingToArrival}, []float64{48, 0.5, 72}},
	{[]postclear.Stage{postclear.ReleaseToDeparture}, []float64{6}},
}

// compareStages compares stage times of q with the oracle's for the
// first `sets` of stageArgs.
func compareStages(t *testing.T, svc *analytics.Service, r kpioracle.Records, q postclear.KPIQuery, sets int) {
	t.Helper()
	for _, a := range stageArgs[:sets] {
		got, err := svc.StageTimes(context.Background(), q, a.stages, a.thresholds)
		if err != nil {
			t.Fatalf("stage times %v: %v", a.stages, err)
		}
		if diff := cmp.Diff(kpioracle.StageTimes(r, q, a.stages, a.thresholds), got, approx); diff != "" {
			t.Errorf("stage times %v %v (-want +got):\n%s", a.stages, a.thresholds, diff)
		}
	}
}

// Stage times equal the oracle's over every shape of query of the
// fixture, in UTC and in zones whose day and month boundaries differ.
func TestStageTimes(t *testing.T) {
	r := stagesFixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	for i, q := range fixtureQueries() {
		// Every query with every stage; a third of them (every shape is
		// there) with the other argument sets too.
		sets := 1
		if i%3 == 0 {
			sets = len(stageArgs)
		}
		t.Run(name(q), func(t *testing.T) { compareStages(t, svc, r, q, sets) })
		if i%6 == 0 {
			for _, zone := range []string{"Asia/Bangkok", "America/New_York"} {
				q.TimeZone = zone
				t.Run(zone+"/"+name(q), func(t *testing.T) { compareStages(t, svc, r, q, 1) })
			}
		}
	}
}

// PRESENTATION_TO_RELEASE is KPI 1: the same items, mean and percentiles
// as clearanceTimes, and its 24 h threshold is clearance's within-target
// rate.
func TestPresentationToReleaseIsClearance(t *testing.T) {
	r := stagesFixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	ctx := context.Background()
	for _, q := range fixtureQueries() {
		clearance, err := svc.ClearanceTimes(ctx, q, 24)
		if err != nil {
			t.Fatal(err)
		}
		stages, err := svc.StageTimes(ctx, q, []postclear.Stage{postclear.PresentationToRelease}, []float64{24})
		if err != nil {
			t.Fatal(err)
		}
		var asClearance []postclear.ClearanceStat
		for _, s := range stages {
			asClearance = append(asClearance, postclear.ClearanceStat{Key: s.Key, Items: s.Items, MeanHours: s.MeanHours,
				P50Hours: s.P50Hours, P90Hours: s.P90Hours, P95Hours: s.P95Hours, WithinTargetRate: s.Within[0].Rate})
		}
		if diff := cmp.Diff(clearance, asClearance, approx); diff != "" {
			t.Errorf("%s: PRESENTATION_TO_RELEASE against clearanceTimes (-clearance +stage):\n%s", name(q), diff)
		}
	}
}

// Values of testdata/stages computed by hand from DOMAIN.md (see its
// README), so that a misreading shared by the oracle and the SQL shows.
func TestStageTimesCases(t *testing.T) {
	svc := store(t, testenv.Embedded(t), stagesFixture(t), true)
	ctx := context.Background()
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	p := func(d string) *time.Time { v := date(d); return &v }
	within := func(rates ...float64) []postclear.ThresholdRate {
		out := []postclear.ThresholdRate{}
		for i, h := range []float64{24, 48} {
			out = append(out, postclear.ThresholdRate{Hours: h, Rate: f(rates[i])})
		}
		return out
	}
	run := func(t *testing.T, q postclear.KPIQuery, stages []postclear.Stage, want []postclear.StageStat) {
		t.Helper()
		got, err := svc.StageTimes(ctx, q, stages, postclear.DefaultThresholdsHours)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
	oct := postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-11-01")}

	t.Run("item 1: every stage, one item each, no spread", func(t *testing.T) {
		flt := oct
		flt.OriginCountries, flt.DestinationCountries, flt.MailClasses = []string{"CN"}, []string{"KE"}, []string{"EMS"}
		// Items 1 and 6 (CN→KE EMS); item 6 stays 96 h in customs.
		two := func(st postclear.Stage, a, b float64) postclear.StageStat {
			lo, hi := min(a, b), max(a, b)
			count := func(t float64) float64 {
				n := 0.0
				for _, h := range []float64{a, b} {
					if h <= t {
						n++
					}
				}
				return n / 2
			}
			d := (hi - lo) / 2
			return postclear.StageStat{Stage: st, Items: 2, MeanHours: f((a + b) / 2), StddevHours: f(d * math.Sqrt2),
				P50Hours: f(lo + 0.5*(hi-lo)), P90Hours: f(lo + 0.9*(hi-lo)), P95Hours: f(lo + 0.95*(hi-lo)), MaxHours: f(hi),
				Within: within(count(24), count(48))}
		}
		run(t, postclear.KPIQuery{Filter: flt}, postclear.Stages, []postclear.StageStat{
			two(postclear.PostingToArrival, 50, 48),
			two(postclear.ArrivalToPresentation, 6, 2),
			two(postclear.PresentationToRelease, 20, 96),
			two(postclear.ArrivalToRelease, 26, 98),
			two(postclear.ReleaseToDeparture, 6, 22),
			two(postclear.ReleaseToDelivery, 47, 50),
			two(postclear.ArrivalToDelivery, 73, 148),
		})
	})
	t.Run("item 5: released before presented", func(t *testing.T) {
		flt := oct
		flt.OriginCountries, flt.DestinationCountries = []string{"GB"}, []string{"KE"}
		// Item 5 was presented (10-07 09:00) after its release (10-06
		// 10:00): it has no presentation-to-release time, but it has its
		// arrival-to-release, 2 h. Item 4: presented to released 24 h
		// (exactly the threshold: within), arrival to release 26 h.
		got, err := svc.StageTimes(ctx, postclear.KPIQuery{Filter: flt, GroupBy: []postclear.Dimension{postclear.DimOffice}}, []postclear.Stage{postclear.PresentationToRelease, postclear.ArrivalToRelease}, []float64{24})
		if err != nil {
			t.Fatal(err)
		}
		want := []postclear.StageStat{
			{Key: postclear.GroupKey{Office: s("KENBOA")}, Stage: postclear.PresentationToRelease, Items: 1, MeanHours: f(24), P50Hours: f(24), P90Hours: f(24), P95Hours: f(24), MaxHours: f(24),
				Within: []postclear.ThresholdRate{{Hours: 24, Rate: f(1)}}},
			{Key: postclear.GroupKey{Office: s("KENBOA")}, Stage: postclear.ArrivalToRelease, Items: 2, MeanHours: f(14), StddevHours: f(12 * math.Sqrt2),
				P50Hours: f(14), P90Hours: f(2 + 0.9*24), P95Hours: f(2 + 0.95*24), MaxHours: f(26), Within: []postclear.ThresholdRate{{Hours: 24, Rate: f(0.5)}}},
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("TH: equal times have a spread of exactly 0; Bangkok's November", func(t *testing.T) {
		q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01"), DestinationCountries: []string{"TH"}}}
		// Items 8 and 13 each took 1 h from arrival to presentation.
		run(t, q, []postclear.Stage{postclear.ArrivalToPresentation}, []postclear.StageStat{
			{Stage: postclear.ArrivalToPresentation, Items: 2, MeanHours: f(1), StddevHours: f(0), P50Hours: f(1), P90Hours: f(1), P95Hours: f(1), MaxHours: f(1), Within: within(1, 1)},
		})
		// By month: item 8 was presented on 31 October at 19:00 UTC,
		// 1 November 02:00 in Bangkok.
		q.Granularity = gran(postclear.Month)
		q.TimeZone = "Asia/Bangkok"
		hour := postclear.StageStat{Stage: postclear.ArrivalToPresentation, Items: 1, MeanHours: f(1), P50Hours: f(1), P90Hours: f(1), P95Hours: f(1), MaxHours: f(1), Within: within(1, 1)}
		oct, nov := hour, hour
		oct.Key.Period, nov.Key.Period = p("2025-10-01"), p("2025-11-01")
		run(t, q, []postclear.Stage{postclear.ArrivalToPresentation}, []postclear.StageStat{oct, nov})
		q.TimeZone = "UTC"
		both := hour
		both.Key.Period, both.Items, both.StddevHours, both.Within = p("2025-10-01"), 2, f(0), within(1, 1)
		run(t, q, []postclear.Stage{postclear.ArrivalToPresentation}, []postclear.StageStat{both})
	})
}

// stageTimes refuses bad arguments with BAD_USER_INPUT naming them,
// before any SQL runs (the service has no engine).
func TestStageTimesInvalid(t *testing.T) {
	svc := &analytics.Service{}
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-04-01")}}
	all := postclear.DefaultThresholdsHours
	for _, c := range []struct {
		name       string
		stages     []postclear.Stage
		thresholds []float64
		want       string
	}{
		{"no stage", nil, all, "stages: give 1 to 7 distinct stages, got none"},
		{"repeated stage", []postclear.Stage{postclear.ArrivalToRelease, postclear.PostingToArrival, postclear.ArrivalToRelease}, all, "stages[2]: ARRIVAL_TO_RELEASE is named twice"},
		{"unknown stage", []postclear.Stage{"CUSTOMS"}, all, `stages[0]: unknown stage "CUSTOMS"`},
		{"no threshold", postclear.Stages, []float64{}, "thresholdsHours: give 1 to 10 thresholds, got 0"},
		{"eleven thresholds", postclear.Stages, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "thresholdsHours: give 1 to 10 thresholds, got 11"},
		{"zero", postclear.Stages, []float64{24, 0}, "thresholdsHours[1]: must be a finite number of hours > 0, got 0"},
		{"negative", postclear.Stages, []float64{-24}, "thresholdsHours[0]: must be a finite number of hours > 0, got -24"},
		{"infinite", postclear.Stages, []float64{math.Inf(1)}, "thresholdsHours[0]: must be a finite number of hours > 0, got +Inf"},
		{"NaN", postclear.Stages, []float64{math.NaN()}, "thresholdsHours[0]: must be a finite number of hours > 0, got NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.StageTimes(context.Background(), q, c.stages, c.thresholds)
			if postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), c.want) {
				t.Errorf("got %v (code %q), want %s containing %q", err, postclear.ErrorCode(err), postclear.EInvalid, c.want)
			}
		})
	}
}

// orderBy on stage rows: by a statistic with a limit (the oracle's rows
// sorted the same way), and by STAGE, which follows the Stage enum, not
// the names' byte order, in either direction.
func TestStageTimesOrder(t *testing.T) {
	r := stagesFixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	ctx := context.Background()
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01")},
		GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}}
	five := 5
	byMean := []postclear.Order{{Field: "MEAN_HOURS", Direction: postclear.Descending}}
	want := ordered(kpioracle.StageTimes(r, q, postclear.Stages, []float64{24}), byMean, &five)
	q.OrderBy, q.Limit = byMean, &five
	got, err := svc.StageTimes(ctx, q, postclear.Stages, []float64{24})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("MEAN_HOURS DESC, limit 5 (-want +got):\n%s", diff)
	}
	for _, dir := range []postclear.OrderDirection{postclear.Ascending, postclear.Descending} {
		q.OrderBy, q.Limit = []postclear.Order{{Field: "STAGE", Direction: dir}}, nil
		rows, err := svc.StageTimes(ctx, q, []postclear.Stage{postclear.ReleaseToDelivery, postclear.PostingToArrival, postclear.ArrivalToRelease}, []float64{24})
		if err != nil {
			t.Fatal(err)
		}
		var stages []postclear.Stage
		for _, r := range rows {
			if len(stages) == 0 || stages[len(stages)-1] != r.Stage {
				stages = append(stages, r.Stage)
			}
		}
		enum := []postclear.Stage{postclear.PostingToArrival, postclear.ArrivalToRelease, postclear.ReleaseToDelivery}
		if dir == postclear.Descending {
			slices.Reverse(enum)
		}
		if diff := cmp.Diff(enum, stages); diff != "" {
			t.Errorf("STAGE %s (-want +got):\n%s", dir, diff)
		}
	}
}
