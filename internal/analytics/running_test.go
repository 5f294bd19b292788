package analytics_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// A running query's row of each bucket is the KPI over [from, end of the
// bucket): each family's running rows equal the oracle's answer over that
// range without granularity, bucket by bucket, grouped and not.
func TestRunningQueries(t *testing.T) {
	e := testenv.Embedded(t)
	r := fixture(t)
	svc := store(t, e, r, false)
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		g       postclear.Granularity
		from    string
		to      string
		groupBy []postclear.Dimension
	}{
		{"days of October", postclear.Day, "2025-10-01", "2025-11-01", nil},
		{"days by destination", postclear.Day, "2025-10-20", "2025-12-01", []postclear.Dimension{postclear.DimDestinationCountry}},
		{"weeks by origin, partial last week", postclear.Week, "2025-10-01", "2025-11-20", []postclear.Dimension{postclear.DimOriginCountry}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date(tt.from), To: date(tt.to)}, GroupBy: tt.groupBy,
				Granularity: &g, Running: true}
			// The oracle over [from, end of each bucket), its rows put
			// in the bucket.
			var wantC []postclear.ClearanceStat
			var wantD []postclear.DeliveryStat
			var wantK []postclear.ComplianceStat
			var wantS []postclear.SeizureStat
			rows := 0
			for b := q.Filter.From; b.Before(q.Filter.To); {
				next := b.AddDate(0, 0, 1)
				if g == postclear.Week {
					next = b.AddDate(0, 0, 7-(int(b.Weekday())+6)%7)
				}
				end := next
				if end.After(q.Filter.To) {
					end = q.Filter.To
				}
				oq := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: q.Filter.From, To: end}, GroupBy: tt.groupBy}
				period := b
				if g == postclear.Week {
					period = b.AddDate(0, 0, -((int(b.Weekday()) + 6) % 7))
				}
				for _, x := range kpioracle.Clearance(r, oq, 24) {
					x.Key.Period = &period
					wantC = append(wantC, x)
				}
				for _, x := range kpioracle.Delivery(r, oq, 5, testenv.Now) {
					x.Key.Period = &period
					wantD = append(wantD, x)
				}
				for _, x := range kpioracle.Compliance(r, oq) {
					x.Key.Period = &period
					wantK = append(wantK, x)
				}
				for _, x := range kpioracle.Seizures(r, oq) {
					x.Key.Period = &period
					wantS = append(wantS, x)
				}
				rows += len(wantC)
				b = next
			}
			if rows == 0 {
				t.Fatal("the oracle has no clearance rows: the test would prove nothing")
			}
			gotC, err := svc.ClearanceTimes(ctx, q, 24)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantC, gotC, approx); diff != "" {
				t.Errorf("clearance (-want +got):\n%s", diff)
			}
			gotD, err := svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(5))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantD, gotD, approx); diff != "" {
				t.Errorf("delivery (-want +got):\n%s", diff)
			}
			gotK, err := svc.ComplianceRates(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantK, gotK, approx); diff != "" {
				t.Errorf("compliance (-want +got):\n%s", diff)
			}
			gotS, err := svc.SeizureTrends(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantS, gotS, approx); diff != "" {
				t.Errorf("seizures (-want +got):\n%s", diff)
			}
		})
	}
	// Running figures need a granularity, and a quarter of buckets at most.
	day := postclear.Day
	for _, q := range []postclear.KPIQuery{
		{Filter: postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-11-01")}, Running: true},
		{Filter: postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-07-01")}, Granularity: &day, Running: true},
	} {
		if _, err := svc.ClearanceTimes(ctx, q, 24); testenv.Code(err) != postclear.EInvalid {
			t.Errorf("%+v: %v, want BAD_USER_INPUT", q, err)
		}
	}
}
