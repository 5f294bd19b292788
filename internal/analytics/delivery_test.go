package analytics_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// deliveryOptions are the option sets the delivery comparisons ask: each
// leg, gross and net of customs time, in calendar days, for J+0, J+1, J+2
// and J+5.
func deliveryOptions(counts ...postclear.DayCount) []postclear.DeliveryOptions {
	var out []postclear.DeliveryOptions
	for _, c := range counts {
		for _, leg := range []postclear.DeliveryLeg{postclear.EndToEnd, postclear.Inbound} {
			for _, net := range []bool{false, true} {
				for _, n := range []int{0, 1, 2, 5} {
					out = append(out, postclear.DeliveryOptions{StandardDays: n, Leg: leg, DayCount: c, NetOfCustomsTime: net})
				}
			}
		}
	}
	return out
}

func compareDelivery(t *testing.T, svc *analytics.Service, r kpioracle.Records, cal kpioracle.Calendars, q postclear.KPIQuery, opts []postclear.DeliveryOptions) {
	t.Helper()
	for _, o := range opts {
		got, err := svc.DeliveryTimes(context.Background(), q, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if diff := cmp.Diff(kpioracle.DeliveryWith(r, cal, q, o, testenv.Now), got, approx); diff != "" {
			t.Errorf("delivery %+v (-want +got):\n%s", o, diff)
		}
	}
}

// Delivery times with every leg and gross or net of customs time equal
// the oracle's, in UTC and in zones whose boundaries differ.
func TestDeliveryLegs(t *testing.T) {
	r := stagesFixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	opts := deliveryOptions(postclear.CalendarDays)
	for i, q := range fixtureQueries() {
		if i%3 != 0 {
			continue
		}
		t.Run(name(q), func(t *testing.T) { compareDelivery(t, svc, r, kpioracle.Calendars{}, q, opts) })
		if i%9 == 0 {
			q.TimeZone = "Asia/Bangkok"
			t.Run("Bangkok/"+name(q), func(t *testing.T) { compareDelivery(t, svc, r, kpioracle.Calendars{}, q, opts) })
		}
	}
}
