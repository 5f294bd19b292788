package bench_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/tools/internal/bench"
)

// TestNaiveMatchesKPIQueries is the benchmark's quick mode in `make test`:
// on a small demo data set, the naive raw-events SQL of every benchmark
// case returns exactly the rows of the server's SQL for it, and that SQL
// is what the analytics service answers the KPI query with. So the naive
// SQL is verified, and the benchmark times the KPI queries and nothing
// else.
func TestNaiveMatchesKPIQueries(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	ctx := context.Background()
	store := warehouse.NewStore(e, layout)
	if _, err := seed.Seed(ctx, store, demo.Config{Items: 20_000, Seed: 1}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: store.Facts(), Now: func() time.Time { return testenv.Now }}
	for _, c := range bench.Cases(bench.DefaultWindow) {
		t.Run(c.Name(), func(t *testing.T) {
			sqlText, params, err := bench.SQL(svc, c)
			if err != nil {
				t.Fatal(err)
			}
			want, err := bench.Lines(ctx, e, sqlText, params)
			if err != nil {
				t.Fatalf("server SQL: %v", err)
			}
			if len(want) == 0 {
				t.Fatal("server SQL returned no rows: the case measures nothing")
			}
			naive, err := bench.NaiveSQL(c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := bench.Lines(ctx, e, naive, params)
			if err != nil {
				t.Fatalf("naive SQL: %v\n%s", err, naive)
			}
			t.Logf("%d rows, e.g. %q", len(want), want[0])
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("naive SQL differs from the server's (-want +got):\n%s", diff)
			}
			if n, err := kpiRows(ctx, svc, c); err != nil {
				t.Fatal(err)
			} else if c.Family != bench.Seizures && n != len(want) {
				// Seizure rows are folded in Go (presented counts become
				// rates), so only the other families map row for row.
				t.Errorf("service returned %d rows, its SQL %d", n, len(want))
			}
		})
	}
}

func kpiRows(ctx context.Context, svc *analytics.Service, c bench.Case) (int, error) {
	switch c.Family {
	case bench.Clearance:
		r, err := svc.ClearanceTimes(ctx, c.Query, bench.TargetHours)
		return len(r), err
	case bench.Delivery:
		r, err := svc.DeliveryTimes(ctx, c.Query, postclear.StandardDelivery(bench.StandardDays))
		return len(r), err
	case bench.Compliance:
		r, err := svc.ComplianceRates(ctx, c.Query)
		return len(r), err
	default:
		r, err := svc.SeizureTrends(ctx, c.Query)
		return len(r), err
	}
}
