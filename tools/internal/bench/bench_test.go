package bench_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/tools/internal/bench"
)

// TestCasesMatchService is the benchmark's quick mode in `make test`: on a
// small demo data set, for every benchmark case the server's SQL, run
// straight on the engine as the engine-only timing runs it, answers as
// many rows as the analytics service returns for the case, and none is
// empty; for the families with a naive raw-events version, that SQL
// returns exactly the rows of the server's. So the naive SQL is verified,
// and the benchmark times the KPI queries and nothing else.
func TestCasesMatchService(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	ctx := context.Background()
	store := warehouse.NewStore(e, layout)
	if _, err := seed.Seed(ctx, store, demo.Config{Items: 20_000, Seed: 1}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: store.Facts(), Now: func() time.Time { return testenv.Now }}
	w := bench.DefaultWindow
	w.ItemIDs = []string{firstOpenItem(ctx, t, svc)}
	cases := bench.Cases(w)
	if got, want := len(cases), 2*len(bench.KPIFamilies)+3; got != want {
		t.Fatalf("%d cases, want %d: every KPI family in both shapes, backlog, openItems and item", got, want)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			stmts, params, err := bench.SQL(ctx, svc, c)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, text := range stmts {
				lines, err := bench.Lines(ctx, e, text, params)
				if err != nil {
					t.Fatalf("server SQL: %v", err)
				}
				want = append(want, lines...)
			}
			if len(want) == 0 {
				t.Fatal("server SQL returned no rows: the case measures nothing")
			}
			t.Logf("%d rows, e.g. %q", len(want), want[0])
			n, err := serviceRows(ctx, svc, c)
			if err != nil {
				t.Fatal(err)
			}
			// Seizure rows are folded in Go (presented counts become
			// rates), so only the other families map row for row.
			if c.Family != bench.Seizures && n != len(want) {
				t.Errorf("service returned %d rows, its SQL %d", n, len(want))
			}
			if !bench.Compared(c.Family) {
				return
			}
			naive, err := bench.NaiveSQL(c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := bench.Lines(ctx, e, naive, params)
			if err != nil {
				t.Fatalf("naive SQL: %v\n%s", err, naive)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("naive SQL differs from the server's (-want +got):\n%s", diff)
			}
		})
	}
}

// firstOpenItem is the item the benchmark's item case reads: the first
// of the openItems page, as the run takes it.
func firstOpenItem(ctx context.Context, t *testing.T, svc *analytics.Service) string {
	t.Helper()
	for _, c := range bench.Cases(bench.DefaultWindow) {
		if c.Family == bench.OpenItems {
			page, err := svc.OpenItems(ctx, bench.OpenItemsQuery(c))
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Edges) == 0 {
				t.Fatal("no open item for the item case")
			}
			return page.Edges[0].Node.ItemID
		}
	}
	t.Fatal("no openItems case")
	return ""
}

// serviceRows is the number of rows the analytics service answers c
// with; for an item, its facts row and its records.
func serviceRows(ctx context.Context, svc *analytics.Service, c bench.Case) (int, error) {
	q := c.Query
	switch c.Family {
	case bench.Clearance:
		r, err := svc.ClearanceTimes(ctx, q, bench.TargetHours)
		return len(r), err
	case bench.Delivery:
		r, err := svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(bench.StandardDays))
		return len(r), err
	case bench.DeliveryWorking:
		r, err := svc.DeliveryTimes(ctx, q, postclear.DeliveryOptions{StandardDays: bench.StandardDays, DayCount: postclear.WorkingDays})
		return len(r), err
	case bench.Compliance:
		r, err := svc.ComplianceRates(ctx, q)
		return len(r), err
	case bench.Seizures:
		r, err := svc.SeizureTrends(ctx, q)
		return len(r), err
	case bench.Stages:
		r, err := svc.StageTimes(ctx, q, postclear.Stages, postclear.DefaultThresholdsHours)
		return len(r), err
	case bench.Risk:
		r, err := svc.RiskEffectiveness(ctx, q)
		return len(r), err
	case bench.Hold:
		r, err := svc.HoldFulfilment(ctx, q, postclear.DefaultWithinHours)
		return len(r), err
	case bench.Ead:
		r, err := svc.EadTimeliness(ctx, q, postclear.DefaultMinLeadHours)
		return len(r), err
	case bench.Quality:
		r, err := svc.DeclarationQuality(ctx, q)
		return len(r), err
	case bench.Backlog:
		r, err := svc.Backlog(ctx, q, bench.BacklogArgs(c))
		return len(r), err
	case bench.OpenItems:
		// The first page's statement has a row more than its items:
		// the list's watermark, read beside the page.
		r, err := svc.OpenItems(ctx, bench.OpenItemsQuery(c))
		return len(r.Edges) + 1, err
	case bench.Item:
		it, err := svc.Item(ctx, c.ItemID)
		if err != nil || it == nil {
			return 0, err
		}
		return 1 + len(it.Events) + len(it.Declarations) + len(it.Decisions), nil
	}
	return 0, fmt.Errorf("no service call for %s", c.Name())
}

// TestGraphQLValid: every case's GraphQL document, with an item for the
// item case, validates against the server's schema, so that no case
// fails only when the whole benchmark runs.
func TestGraphQLValid(t *testing.T) {
	src, err := os.ReadFile("../../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	w := bench.DefaultWindow
	w.ItemIDs = []string{"RR123456785CN"}
	for _, c := range bench.Cases(w) {
		doc := bench.GraphQL(c)
		if _, errs := gqlparser.LoadQuery(schema, doc); errs != nil {
			t.Errorf("%s: %v\n%s", c.Name(), errs, doc)
		}
	}
}
