package graph_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// stagesDir holds the stage-time and working-day fixture (its README
// lists the cases).
var stagesDir = filepath.Join("..", "internal", "analytics", "testdata", "stages")

func readStages[T ingest.Record](t *testing.T, name string) []T {
	return readFile[T](t, stagesDir, name)
}

// TestStagesEndToEnd asks, through the real handler, the two questions
// README and docs/kpis.md show: a TRS-style stage-time query (every stage,
// one destination and quarter, by office, thresholds 24 and 48 h) and a
// J+5 working-day inbound delivery query, over the fixture with its
// calendar (holidays and Saudi Arabia's Friday–Saturday weekend, loaded
// through the ADMIN mutations); and each equals the oracle's.
func TestStagesEndToEnd(t *testing.T) {
	r := fixtureRecords(t)
	r.Events = append(r.Events, readStages[postclear.Event](t, "events.csv")...)
	r.Decisions = append(r.Decisions, readStages[postclear.Decision](t, "decisions.csv")...)
	holidays := readStages[postclear.Holiday](t, "holidays.csv")
	url := fixtureServer(t, testenv.Embedded(t), r)
	cal := kpioracle.Calendars{Holidays: map[string][]string{}, Weekends: map[string][]time.Weekday{"SA": {time.Friday, time.Saturday}}}
	for _, h := range holidays {
		cal.Holidays[h.Country] = append(cal.Holidays[h.Country], h.Date.Format(time.DateOnly))
	}
	storeCalendar(t, url, holidays)

	t.Run("stageTimes TRS", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                            gqlKey
				Stage                                                          string
				Items                                                          int64
				MeanHours, StddevHours, P50Hours, P90Hours, P95Hours, MaxHours *float64
				Within                                                         []struct {
					Hours float64
					Rate  *float64
				}
			} `json:"stageTimes"`
		}
		post(t, url, `{ stageTimes(filter: {from: "2025-10-01", to: "2026-01-01", destinationCountries: ["KE"]},
			stages: [POSTING_TO_ARRIVAL, ARRIVAL_TO_PRESENTATION, PRESENTATION_TO_RELEASE, ARRIVAL_TO_RELEASE, RELEASE_TO_DEPARTURE, RELEASE_TO_DELIVERY, ARRIVAL_TO_DELIVERY],
			groupBy: [OFFICE], thresholdsHours: [24, 48], timeZone: "Africa/Nairobi") {
			`+keyFields+` stage items meanHours stddevHours p50Hours p90Hours p95Hours maxHours within { hours rate } } }`, &data)
		var got []postclear.StageStat
		for _, x := range data.Rows {
			s := postclear.StageStat{Key: x.Key.domain(t), Stage: postclear.Stage(x.Stage), Items: x.Items, MeanHours: x.MeanHours,
				StddevHours: x.StddevHours, P50Hours: x.P50Hours, P90Hours: x.P90Hours, P95Hours: x.P95Hours, MaxHours: x.MaxHours}
			for _, w := range x.Within {
				s.Within = append(s.Within, postclear.ThresholdRate{Hours: w.Hours, Rate: w.Rate})
			}
			got = append(got, s)
		}
		q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: isoDate(t, "2025-10-01"), To: isoDate(t, "2026-01-01"), DestinationCountries: []string{"KE"}},
			GroupBy: []postclear.Dimension{postclear.DimOffice}, TimeZone: "Africa/Nairobi"}
		want := kpioracle.StageTimes(r, q, postclear.Stages, []float64{24, 48})
		if len(want) < 7 {
			t.Fatalf("the oracle has %d rows; the query proves little", len(want))
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("deliveryTimes J+5 working days inbound", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                   gqlKey
				Items, Delivered, DueItems                            int64
				MeanDays, P50Days, P90Days, OnTimeRate                *float64
				LateBy1DayRate, LateBy2PlusDaysRate, NotDeliveredRate *float64
			} `json:"deliveryTimes"`
		}
		post(t, url, `{ deliveryTimes(filter: {from: "2025-10-01", to: "2026-01-01"}, groupBy: [DESTINATION_COUNTRY],
			standardDays: 5, leg: INBOUND, dayCount: WORKING) {
			`+keyFields+` items delivered meanDays p50Days p90Days onTimeRate dueItems lateBy1DayRate lateBy2PlusDaysRate notDeliveredRate } }`, &data)
		var got []postclear.DeliveryStat
		for _, x := range data.Rows {
			got = append(got, postclear.DeliveryStat{Key: x.Key.domain(t), Items: x.Items, Delivered: x.Delivered,
				MeanDays: x.MeanDays, P50Days: x.P50Days, P90Days: x.P90Days, OnTimeRate: x.OnTimeRate, DueItems: x.DueItems,
				LateBy1DayRate: x.LateBy1DayRate, LateBy2PlusDaysRate: x.LateBy2PlusDaysRate, NotDeliveredRate: x.NotDeliveredRate})
		}
		q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: isoDate(t, "2025-10-01"), To: isoDate(t, "2026-01-01")},
			GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}}
		o := postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, DayCount: postclear.WorkingDays}
		if diff := cmp.Diff(kpioracle.DeliveryWith(r, cal, q, o, testenv.Now), got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("bad arguments name themselves", func(t *testing.T) {
		for query, want := range map[string]string{
			`{ stageTimes(filter: {from: "2025-10-01", to: "2026-01-01"}, stages: []) { items } }`:                                                               "stages: give 1 to 7 distinct stages",
			`{ stageTimes(filter: {from: "2025-10-01", to: "2026-01-01"}, stages: [ARRIVAL_TO_RELEASE, ARRIVAL_TO_RELEASE]) { items } }`:                         "stages[1]: ARRIVAL_TO_RELEASE is named twice",
			`{ stageTimes(filter: {from: "2025-10-01", to: "2026-01-01"}, stages: [ARRIVAL_TO_RELEASE], thresholdsHours: [24, -1]) { items } }`:                  "thresholdsHours[1]",
			`{ stageTimes(filter: {from: "2025-10-01", to: "2026-01-01"}, stages: [ARRIVAL_TO_RELEASE], thresholdsHours: [1,2,3,4,5,6,7,8,9,10,11]) { items } }`: "thresholdsHours: give 1 to 10 thresholds, got 11",
			`{ deliveryTimes(filter: {from: "2025-10-01", to: "2026-01-01"}, standardDays: -1, dayCount: WORKING) { items } }`:                                   "standardDays",
		} {
			errs := postErrors(t, url, query)
			if len(errs) != 1 || errs[0].Extensions.Code != postclear.EInvalid || !strings.Contains(errs[0].Message, want) {
				t.Errorf("%s: %+v, want one %s containing %q", query, errs, postclear.EInvalid, want)
			}
		}
	})
}

func isoDate(t *testing.T, s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// storeCalendar loads holidays and sets SA's weekend through the ADMIN
// mutations of the server at url, as an operator would.
func storeCalendar(t *testing.T, url string, holidays []postclear.Holiday) {
	t.Helper()
	var in []string
	for _, h := range holidays {
		in = append(in, `{country: "`+h.Country+`", date: "`+h.Date.Format(time.DateOnly)+`", name: "`+h.Name+`"}`)
	}
	var res struct {
		RecordHolidays struct{ Accepted, Rejected int }
		SetWeekendDays struct{ Country string }
	}
	post(t, url, `mutation { recordHolidays(records: [`+strings.Join(in, ", ")+`]) { accepted rejected }
		setWeekendDays(country: "SA", days: [FRIDAY, SATURDAY]) { country } }`, &res)
	if res.RecordHolidays.Accepted != len(holidays) || res.SetWeekendDays.Country != "SA" {
		t.Fatalf("calendar: %+v", res)
	}
}
