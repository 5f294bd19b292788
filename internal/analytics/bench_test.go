package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// storeSink stores generated records as they come.
type storeSink struct{ st *warehouse.Store }

func (s storeSink) Events(ctx context.Context, b []postclear.Event) error {
	return s.st.InsertEvents(ctx, b)
}
func (s storeSink) Declarations(ctx context.Context, b []postclear.Declaration) error {
	return s.st.InsertDeclarations(ctx, b)
}
func (s storeSink) Decisions(ctx context.Context, b []postclear.Decision) error {
	return s.st.InsertDecisions(ctx, b)
}

// BenchmarkKPIs times each KPI's generated SQL straight on the embedded
// engine for one destination and one quarter, the dashboard's commonest
// question, over POSTCLEAR_BENCH_ITEMS demo items (default 200,000).
//
//	POSTCLEAR_REQUIRE_CHDB=1 go test ./internal/analytics -run '^$' -bench KPIs -benchtime 20x
func BenchmarkKPIs(b *testing.B) {
	n := testenv.BenchItems(b, 200_000)
	e := testenv.Embedded(b)
	layout := testenv.Database(b, e)
	ctx := context.Background()
	st := warehouse.NewStore(e, layout)
	if _, err := demo.Generate(ctx, demo.Config{Items: n, Seed: 1, Now: testenv.Now}, storeSink{st}); err != nil {
		b.Fatal(err)
	}
	// The demo calendars, which working-day delivery reads.
	if err := st.InsertHolidays(ctx, demo.Holidays()); err != nil {
		b.Fatal(err)
	}
	// The SQL below runs straight on the engine, past the service's
	// refresh, so the facts are finalized here, as a load's end does.
	if err := st.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	month := postclear.Month
	q := postclear.KPIQuery{
		Filter:      postclear.AnalyticsFilter{From: date("2025-07-01"), To: date("2025-10-01"), DestinationCountries: []string{"KE"}},
		GroupBy:     []postclear.Dimension{postclear.DimOriginCountry},
		Granularity: &month,
	}
	families := []struct {
		name string
		sql  func() (string, warehouse.Params, error)
	}{
		{"clearance", func() (string, warehouse.Params, error) { return svc.ClearanceSQL(q, 24) }},
		{"delivery", func() (string, warehouse.Params, error) {
			return svc.DeliverySQL(ctx, q, postclear.StandardDelivery(5))
		}},
		{"compliance", func() (string, warehouse.Params, error) { return svc.ComplianceSQL(q) }},
		{"seizures", func() (string, warehouse.Params, error) { return svc.SeizureSQL(q) }},
		// DOMAIN.md 6, 7 and 8: each within 1.5× of clearance (issue 12).
		{"risk", func() (string, warehouse.Params, error) { return svc.RiskSQL(q) }},
		{"hold", func() (string, warehouse.Params, error) { return svc.HoldSQL(q, 24) }},
		{"ead", func() (string, warehouse.Params, error) { return svc.EadSQL(q, 4) }},
		{"quality", func() (string, warehouse.Params, error) { return svc.QualitySQL(q) }},
		// Stage times against clearance (issue 11: within 1.5×): the
		// TRS release time alone, and every stage in the same scan.
		{"stages_arrival_to_release", func() (string, warehouse.Params, error) {
			return svc.StageSQL(q, []postclear.Stage{postclear.ArrivalToRelease}, postclear.DefaultThresholdsHours)
		}},
		{"stages_all", func() (string, warehouse.Params, error) {
			return svc.StageSQL(q, postclear.Stages, postclear.DefaultThresholdsHours)
		}},
		{"delivery_inbound_net", func() (string, warehouse.Params, error) {
			return svc.DeliverySQL(ctx, q, postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, NetOfCustomsTime: true})
		}},
		{"delivery_working", func() (string, warehouse.Params, error) {
			return svc.DeliverySQL(ctx, q, postclear.DeliveryOptions{StandardDays: 5, DayCount: postclear.WorkingDays})
		}},
	}
	// run runs a statement to its end and returns the rows and bytes
	// the engine read from its tables, which do not vary with the load
	// of the machine as the times do.
	run := func(b *testing.B, text string, params warehouse.Params) (read, bytes uint64) {
		rows, err := e.Query(ctx, text, params)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		if s, ok := rows.(interface{ ReadStats() (uint64, uint64) }); ok {
			read, bytes = s.ReadStats()
		}
		rows.Close()
		return read, bytes
	}
	for _, f := range families {
		b.Run(f.name, func(b *testing.B) {
			text, params, err := f.sql()
			if err != nil {
				b.Fatal(err)
			}
			var read, bytes uint64
			for b.Loop() {
				read, bytes = run(b, text, params)
			}
			b.ReportMetric(float64(read), "rows-read/op")
			b.ReportMetric(float64(bytes)/1e6, "MB-read/op")
			// The rows the query needs (its populations' rows), and the
			// rows read per row needed, which is also the bytes read per
			// byte needed at the width per row of the columns read
			// (issue 17: at most 3 for one destination's quarter).
			svc.CountPopulations = true
			text, params, err = f.sql()
			svc.CountPopulations = false
			if err != nil {
				b.Fatal(err)
			}
			var needed uint64
			if err := warehouse.Each(ctx, e, text, params, func(r warehouse.Rows) error { return r.Scan(&needed) }); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(needed), "rows-needed/op")
			if needed > 0 {
				b.ReportMetric(float64(read)/float64(needed), "read/needed")
			}
		})
	}
	// interleaved runs every family once per iteration, in turn, and
	// reports each one's time against clearance's: on a machine shared
	// with other work, the load then weighs on every family alike, so
	// the ratios (the goal of issue 12: within 1.5×) are steadier than
	// those of the runs above, taken minutes apart.
	b.Run("interleaved", func(b *testing.B) {
		spent := make([]time.Duration, len(families))
		for b.Loop() {
			for i, f := range families {
				text, params, err := f.sql()
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				run(b, text, params)
				spent[i] += time.Since(start)
			}
		}
		for i, f := range families {
			b.ReportMetric(float64(spent[i])/float64(spent[0]), f.name+"/clearance")
		}
	})
}
