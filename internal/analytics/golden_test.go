package analytics

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files of testdata/sql")

// The SQL of every family is pinned by golden files, so that a change to
// the generated text shows in review: `go test ./internal/analytics -run
// TestGoldenSQL -update` rewrites them. Each file holds the text and its
// parameters, for a query without options and for one with every option
// (granularity, every dimension, every filter, an agency's scope).
func TestGoldenSQL(t *testing.T) {
	// Kenya's holidays of the range and a Friday–Saturday weekend, which
	// working-day delivery binds as its calendars.
	day := func(s string) int64 {
		d, _ := time.Parse(time.DateOnly, s)
		return d.Unix() / 86400
	}
	calendars := &CalendarEngine{Calendars: []CalendarRow{
		{Country: "AE", Weekend: []uint8{5, 6}},
		{Country: "KE", Holidays: []int64{day("2025-08-15"), day("2025-10-10"), day("2025-10-20")}},
	}}
	svc := &Service{Engine: calendars, Layout: warehouse.Layout{Database: "postclear"}, Now: func() time.Time { return time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC) }}
	month := postclear.Month
	plain := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)}}
	full := plain
	full.Granularity = &month
	full.FillGaps = true
	full.GroupBy = slices.Clone(Dimensions())
	full.Filter.OriginCountries = []string{"CN", "US"}
	full.Filter.DestinationCountries = []string{"KE"}
	full.Filter.MailClasses = []string{"EMS"}
	full.Filter.Offices = []string{"KENBOA"}
	full.Filter.Categories = []string{"GIFT", "SALE_OF_GOODS"}
	full.TimeZone = "Asia/Bangkok"
	agency := postclear.WithScope(context.Background(), postclear.Scope{Restricted: true, Countries: []string{"KE", "TH"}})
	queries := map[string]struct {
		ctx context.Context
		q   postclear.KPIQuery
	}{"plain": {context.Background(), plain}, "full": {agency, full}}
	families := map[string]func(q postclear.KPIQuery) (string, warehouse.Params, error){
		"clearance": func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.ClearanceSQL(q, 24) },
		"delivery": func(q postclear.KPIQuery) (string, warehouse.Params, error) {
			return svc.DeliverySQL(context.Background(), q, postclear.StandardDelivery(5))
		},
		"compliance": func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.ComplianceSQL(q) },
		"seizures":   func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.SeizureSQL(q) },
		"stages": func(q postclear.KPIQuery) (string, warehouse.Params, error) {
			return svc.StageSQL(q, postclear.Stages, postclear.DefaultThresholdsHours)
		},
		"delivery_inbound_net": func(q postclear.KPIQuery) (string, warehouse.Params, error) {
			return svc.DeliverySQL(context.Background(), q, postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, NetOfCustomsTime: true})
		},
		"delivery_working_joined": func(q postclear.KPIQuery) (string, warehouse.Params, error) {
			defer SetMaxCalendarCells(0)()
			return svc.DeliverySQL(context.Background(), q, postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, DayCount: postclear.WorkingDays})
		},
		"delivery_working": func(q postclear.KPIQuery) (string, warehouse.Params, error) {
			return svc.DeliverySQL(context.Background(), q, postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, DayCount: postclear.WorkingDays})
		},
		"risk":    func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.RiskSQL(q) },
		"hold":    func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.HoldSQL(q, 24) },
		"ead":     func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.EadSQL(q, 4) },
		"quality": func(q postclear.KPIQuery) (string, warehouse.Params, error) { return svc.QualitySQL(q) },
	}
	refuses := map[string]map[postclear.Dimension]string{"risk": risk.refuses, "quality": quality.refuses}
	for family, sqlOf := range families {
		for name, c := range queries {
			t.Run(family+"_"+name, func(t *testing.T) {
				q := c.q
				q.Scope = postclear.ScopeFrom(c.ctx)
				// Every dimension but those the family refuses.
				q.GroupBy = slices.DeleteFunc(slices.Clone(q.GroupBy), func(d postclear.Dimension) bool {
					_, ok := refuses[family][d]
					return ok
				})
				text, params, err := sqlOf(q)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, family+"_"+name, render(t, text, params))
			})
		}
	}
}

// checkGolden compares got with testdata/sql/name.sql, or writes it there
// with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "sql", name+".sql")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s changed (-golden +now; -update rewrites it):\n%s", file, diff)
	}
}

// render is the golden file's text: the parameters as comments, sorted,
// then the SQL.
func render(t *testing.T, text string, params warehouse.Params) string {
	var sb strings.Builder
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		v, err := warehouse.FormatValue(params[n])
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString("-- {" + n + "} = " + v + "\n")
	}
	return sb.String() + text + "\n"
}
