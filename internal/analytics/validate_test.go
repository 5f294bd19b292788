package analytics_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

func TestInvalid(t *testing.T) {
	// Validation happens before any SQL runs, so no engine is needed.
	svc := &analytics.Service{Layout: warehouse.Layout{Database: "postclear"}}
	ok := postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-04-01")}
	with := func(mod func(*postclear.KPIQuery)) postclear.KPIQuery {
		q := postclear.KPIQuery{Filter: ok}
		mod(&q)
		return q
	}
	tests := []struct {
		name   string
		q      postclear.KPIQuery
		target float64
		days   int
		want   string // substring of the message
	}{
		{"from after to", with(func(q *postclear.KPIQuery) { q.Filter.From, q.Filter.To = ok.To, ok.From }), 24, 5, "filter.from must be before filter.to"},
		{"from equals to", with(func(q *postclear.KPIQuery) { q.Filter.To = ok.From }), 24, 5, "filter.from must be before filter.to"},
		{"no from", with(func(q *postclear.KPIQuery) { q.Filter.From = time.Time{} }), 24, 5, "filter.from is required"},
		{"time of day", with(func(q *postclear.KPIQuery) { q.Filter.To = ok.To.Add(time.Hour) }), 24, 5, "filter.to must be a date (midnight UTC)"},
		{"before 2000", with(func(q *postclear.KPIQuery) { q.Filter.From = date("1999-12-31") }), 24, 5, "filter.from must be between 2000-01-01 and 2100-01-01"},
		{"country", with(func(q *postclear.KPIQuery) { q.Filter.OriginCountries = []string{"FR", "XX"} }), 24, 5, `filter.originCountries: "XX" is not an ISO 3166-1 alpha-2 code`},
		{"lower-case country", with(func(q *postclear.KPIQuery) { q.Filter.DestinationCountries = []string{"us"} }), 24, 5, `filter.destinationCountries: "us" is not an ISO 3166-1 alpha-2 code`},
		{"mail class", with(func(q *postclear.KPIQuery) { q.Filter.MailClasses = []string{"BOX"} }), 24, 5, `filter.mailClasses: "BOX" is not a mail class`},
		{"office", with(func(q *postclear.KPIQuery) { q.Filter.Offices = []string{"us-jfk"} }), 24, 5, `filter.offices: "us-jfk" is not an office code`},
		{"category", with(func(q *postclear.KPIQuery) { q.Filter.Categories = []string{"FOOD"} }), 24, 5, `filter.categories: "FOOD" is not a category`},
		{"dimension", with(func(q *postclear.KPIQuery) { q.GroupBy = []postclear.Dimension{"COLOUR"} }), 24, 5, `groupBy: unknown dimension "COLOUR"`},
		{"granularity", with(func(q *postclear.KPIQuery) { q.Granularity = gran("HOUR") }), 24, 5, `granularity: unknown value "HOUR"`},
		{"too many days", with(func(q *postclear.KPIQuery) {
			q.Filter.From, q.Filter.To, q.Granularity = date("2020-01-01"), date("2025-01-01"), gran(postclear.Day)
		}), 24, 5, "granularity: DAY buckets from 2020-01-01 to 2025-01-01 would be 1827, at most 1100 are allowed"},
		{"negative target", with(func(*postclear.KPIQuery) {}), -1, 5, "targetHours must be a number >= 0"},
		{"negative standard", with(func(*postclear.KPIQuery) {}), 24, -1, "standardDays must be between 0 and 365"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := map[string]func() error{
				"clearance": func() error { _, err := svc.ClearanceTimes(ctx, tt.q, tt.target); return err },
				"delivery":  func() error { _, err := svc.DeliveryTimes(ctx, tt.q, postclear.StandardDelivery(tt.days)); return err },
			}
			switch {
			case tt.target < 0:
				delete(calls, "delivery") // the argument is clearance's
			case tt.days < 0:
				delete(calls, "clearance")
			default:
				calls["compliance"] = func() error { _, err := svc.ComplianceRates(ctx, tt.q); return err }
				calls["seizures"] = func() error { _, err := svc.SeizureTrends(ctx, tt.q); return err }
			}
			for kpi, call := range calls {
				err := call()
				if postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), tt.want) {
					t.Errorf("%s: got %v (code %q), want %s containing %q", kpi, err, postclear.ErrorCode(err), postclear.EInvalid, tt.want)
				}
			}
		})
	}
}

func TestTooManyRows(t *testing.T) {
	svc := store(t, testEngine(t), fixture(t), true)
	// 1,096 days × the 3 (category, destination) seizure groups of the
	// fixture, filled, is more than MaxRows.
	q := postclear.KPIQuery{
		Filter:      postclear.AnalyticsFilter{From: date("2023-01-01"), To: date("2026-01-01")},
		Granularity: gran(postclear.Day), FillGaps: true,
		GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimDestinationCountry, postclear.DimMailClass, postclear.DimOffice, postclear.DimCategory},
	}
	_, err := svc.ComplianceRates(context.Background(), q)
	if postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), "at most 20000 are allowed") {
		t.Fatalf("got %v", err)
	}
}

// Every filter list is bounded, and a longer one is refused with a coded
// error naming the argument before the engine sees it (the service has no
// engine here: any query would panic).
func TestFilterListsAreBounded(t *testing.T) {
	ok := postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-04-01")}
	many := func(v string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	lists := map[string]func(*postclear.AnalyticsFilter, []string){
		"filter.originCountries":      func(f *postclear.AnalyticsFilter, v []string) { f.OriginCountries = v },
		"filter.destinationCountries": func(f *postclear.AnalyticsFilter, v []string) { f.DestinationCountries = v },
		"filter.mailClasses":          func(f *postclear.AnalyticsFilter, v []string) { f.MailClasses = v },
		"filter.offices":              func(f *postclear.AnalyticsFilter, v []string) { f.Offices = v },
		"filter.categories":           func(f *postclear.AnalyticsFilter, v []string) { f.Categories = v },
	}
	value := map[string]string{"filter.mailClasses": "EMS", "filter.offices": "USJFKA", "filter.categories": "GIFT"}
	for _, c := range []struct {
		svc  *analytics.Service
		n    int
		want string
	}{
		{&analytics.Service{Layout: warehouse.Layout{Database: "postclear"}}, 200_000, "200000 values, at most 1000 are allowed"},
		{&analytics.Service{Layout: warehouse.Layout{Database: "postclear"}, MaxFilterValues: 3}, 4, "4 values, at most 3 are allowed"},
	} {
		for arg, set := range lists {
			v := value[arg]
			if v == "" {
				v = "KE"
			}
			q := postclear.KPIQuery{Filter: ok}
			set(&q.Filter, many(v, c.n))
			_, err := c.svc.ComplianceRates(context.Background(), q)
			if code := postclear.ErrorCode(err); code != postclear.EInvalid || !strings.Contains(err.Error(), arg+": "+c.want) {
				t.Errorf("%s with %d values: %v (code %s), want %s naming %s", arg, c.n, err, code, postclear.EInvalid, arg)
			}
		}
	}
}

// quantileSeconds takes a difference of two record timestamps as Int32,
// which holds while records span less than 68 years: from the year
// postclear.MinTimestampYear to today.
func TestSecondsFitInt32(t *testing.T) {
	oldest := time.Date(postclear.MinTimestampYear, 1, 1, 0, 0, 0, 0, time.UTC)
	newest := time.Now().Add(postclear.MaxFutureSkew)
	if secs := newest.Unix() - oldest.Unix(); secs > math.MaxInt32 {
		t.Fatalf("records may be %d s apart, more than Int32 holds: quantileSeconds must take Int64", secs)
	}
}
