package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// deliveryOptions are the option sets the delivery comparisons ask with
// dayCount c: each leg, gross and net of customs time, for J+0 and J+5,
// and J+1 and J+2 (which tell the weekends apart) once each.
func deliveryOptions(c postclear.DayCount) []postclear.DeliveryOptions {
	var out []postclear.DeliveryOptions
	for _, leg := range []postclear.DeliveryLeg{postclear.EndToEnd, postclear.Inbound} {
		for _, net := range []bool{false, true} {
			for _, n := range []int{0, 5} {
				out = append(out, postclear.DeliveryOptions{StandardDays: n, Leg: leg, DayCount: c, NetOfCustomsTime: net})
			}
		}
	}
	return append(out,
		postclear.DeliveryOptions{StandardDays: 1, Leg: postclear.EndToEnd, DayCount: c},
		postclear.DeliveryOptions{StandardDays: 2, Leg: postclear.Inbound, DayCount: c, NetOfCustomsTime: true})
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

// saudiWeekend is the weekend testdata/stages configures for SA.
var saudiWeekend = []time.Weekday{time.Friday, time.Saturday}

// stagesCalendar is testdata/stages/holidays.csv and SA's weekend, as the
// oracle reads them.
func stagesCalendar(t testing.TB) ([]postclear.Holiday, kpioracle.Calendars) {
	hs := readStages[postclear.Holiday](t, "holidays.csv")
	cal := kpioracle.Calendars{Holidays: map[string][]string{}, Weekends: map[string][]time.Weekday{"SA": saudiWeekend}}
	for _, h := range hs {
		cal.Holidays[h.Country] = append(cal.Holidays[h.Country], h.Date.Format(time.DateOnly))
	}
	return hs, cal
}

// calendarStore stores r, the fixture's holidays and SA's weekend.
func calendarStore(t *testing.T, r kpioracle.Records) (*analytics.Service, kpioracle.Calendars) {
	t.Helper()
	svc := store(t, testenv.Embedded(t), r, true)
	hs, cal := stagesCalendar(t)
	st := warehouse.NewStore(svc.Engine, svc.Layout)
	ctx := context.Background()
	if err := st.InsertHolidays(ctx, hs); err != nil {
		t.Fatal(err)
	}
	if err := st.SetWeekendDays(ctx, "SA", saudiWeekend); err != nil {
		t.Fatal(err)
	}
	return svc, cal
}

// Delivery times in working days, with every leg, gross or net of customs
// time, for J+0 to J+5, equal the oracle's over the fixture's calendar (a
// holiday, a delivery on a Saturday, a country whose weekend is Friday and
// Saturday), in UTC and in Bangkok's time.
//
// Both ways of giving the items their deadlines are held to it: the
// calendar bound as arrays, and joined in SQL (for long ranges).
func TestDeliveryWorkingDays(t *testing.T) {
	r := stagesFixture(t)
	svc, cal := calendarStore(t, r)
	opts := deliveryOptions(postclear.WorkingDays)
	for _, way := range calendarWays {
		t.Run(way.name, func(t *testing.T) {
			defer analytics.SetMaxCalendarCells(way.cells)()
			for i, q := range fixtureQueries() {
				if i%6 != 0 {
					continue
				}
				t.Run(name(q), func(t *testing.T) { compareDelivery(t, svc, r, cal, q, opts) })
				if i%18 == 0 {
					q.TimeZone = "Asia/Bangkok"
					t.Run("Bangkok/"+name(q), func(t *testing.T) { compareDelivery(t, svc, r, cal, q, opts) })
				}
			}
		})
	}
}

// calendarWays are the two ways working-day delivery gives the items their
// deadlines, by the most days × calendars it binds as arrays.
var calendarWays = []struct {
	name  string
	cells int64
}{{"arrays", 1 << 40}, {"joined", 0}}

// Values of testdata/stages computed by hand from DOMAIN.md 2b (see its
// README), one item at a time, so that a misreading shared by the oracle
// and the SQL shows.
func TestDeliveryCases(t *testing.T) {
	svc, _ := calendarStore(t, stagesFixture(t))
	ctx := context.Background()
	oct := postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01")}
	// sentTo keeps the items of testdata/stages (origins CN, GB, AE) to
	// country attributed on the day from, or in [from, to).
	sentTo := func(country, from string, to ...string) func(*postclear.AnalyticsFilter) {
		return func(f *postclear.AnalyticsFilter) {
			f.DestinationCountries = []string{country}
			f.OriginCountries = []string{"CN", "GB", "AE"}
			f.From, f.To = date(from), date(from).AddDate(0, 0, 1)
			if len(to) > 0 {
				f.To = date(to[0])
			}
		}
	}
	posted := func(from string, to ...string) func(*postclear.AnalyticsFilter) { return sentTo("KE", from, to...) }
	arrivedKE := posted
	// value is a rate, -1 for null.
	value := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	type want struct {
		due                              int64
		onTime, late1, late2, notDeliver float64
	}
	for _, c := range []struct {
		name   string
		filter func(*postclear.AnalyticsFilter)
		opts   postclear.DeliveryOptions
		want   want
	}{
		// Item 2: J Mon 10-13, delivered Sat 10-18.
		{"item 2 calendar J+5, Saturday delivery", posted("2025-10-13"), postclear.DeliveryOptions{StandardDays: 5}, want{1, 1, 0, 0, 0}},
		{"item 2 working J+5 over Mashujaa Day", posted("2025-10-13"), postclear.DeliveryOptions{StandardDays: 5, DayCount: postclear.WorkingDays}, want{1, 1, 0, 0, 0}},
		{"item 2 working J+0", posted("2025-10-13"), postclear.DeliveryOptions{StandardDays: 0, DayCount: postclear.WorkingDays}, want{1, 0, 0, 1, 0}},
		// Item 3: J Tue 10-14, delivered Thu 10-23.
		{"item 3 calendar J+5", posted("2025-10-14"), postclear.DeliveryOptions{StandardDays: 5}, want{1, 0, 0, 1, 0}},
		{"item 3 working J+5 is Wed 10-22", posted("2025-10-14"), postclear.DeliveryOptions{StandardDays: 5, DayCount: postclear.WorkingDays}, want{1, 0, 1, 0, 0}},
		// Item 4: J Fri 10-24, delivered Sat 11-01.
		{"item 4 working: late by 0 working days counts 1", posted("2025-10-24"), postclear.DeliveryOptions{StandardDays: 5, DayCount: postclear.WorkingDays}, want{1, 0, 1, 0, 0}},
		{"item 4 calendar", posted("2025-10-24"), postclear.DeliveryOptions{StandardDays: 5}, want{1, 0, 0, 1, 0}},
		// Item 6: J Mon 10-06, 96 h in customs, delivered Tue 10-14.
		{"item 6 gross", posted("2025-10-06"), postclear.DeliveryOptions{StandardDays: 5}, want{1, 0, 0, 1, 0}},
		{"item 6 net of customs time", posted("2025-10-06"), postclear.DeliveryOptions{StandardDays: 5, NetOfCustomsTime: true}, want{1, 1, 0, 0, 0}},
		// Item 7: arrived Mon 10-20 (a holiday), delivered Mon 10-27.
		{"item 7 inbound calendar", arrivedKE("2025-10-20"), postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound}, want{1, 0, 0, 1, 0}},
		{"item 7 inbound working", arrivedKE("2025-10-20"), postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, DayCount: postclear.WorkingDays}, want{1, 1, 0, 0, 0}},
		// Items 9 and 10 (SA, weekend Friday and Saturday).
		{"item 9 working J+1 is Sunday", sentTo("SA", "2025-10-02"), postclear.DeliveryOptions{StandardDays: 1, DayCount: postclear.WorkingDays}, want{1, 1, 0, 0, 0}},
		{"item 10 working J+5 is Thursday, Friday late by 1", sentTo("SA", "2025-10-03"), postclear.DeliveryOptions{StandardDays: 5, DayCount: postclear.WorkingDays}, want{1, 0, 1, 0, 0}},
		// Items 11 and 12: not delivered; 12 not due yet in working days.
		{"items 11 and 12 calendar", posted("2025-11-20", "2025-11-26"), postclear.DeliveryOptions{StandardDays: 5}, want{2, 0, 0, 0, 1}},
		{"items 11 and 12 working", posted("2025-11-20", "2025-11-26"), postclear.DeliveryOptions{StandardDays: 5, DayCount: postclear.WorkingDays}, want{1, 0, 0, 0, 1}},
	} {
		for _, way := range calendarWays {
			t.Run(way.name+"/"+c.name, func(t *testing.T) {
				defer analytics.SetMaxCalendarCells(way.cells)()
				flt := oct
				c.filter(&flt)
				rows, err := svc.DeliveryTimes(ctx, postclear.KPIQuery{Filter: flt, GroupBy: []postclear.Dimension{postclear.DimOriginCountry}}, c.opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != 1 {
					t.Fatalf("%d rows, want the one item's: %+v", len(rows), rows)
				}
				r := rows[0]
				got := want{r.DueItems, value(r.OnTimeRate), value(r.LateBy1DayRate), value(r.LateBy2PlusDaysRate), value(r.NotDeliveredRate)}
				if got != c.want {
					t.Errorf("got %+v, want %+v", got, c.want)
				}
			})
		}
	}
}
