package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// BenchmarkOperationsView times the operations view of issue 13 over
// POSTCLEAR_BENCH_ITEMS demo items (default 200,000) through HTTP (the
// real handler on a loopback port, result cache off, so that every
// request computes) and, for the ratio, the same statements straight on
// the engine: the backlog of one destination by office, the first and a
// later openItems page of 50, and one item whole. Each reports its p50 and
// p95 in ms. The goals at 1 M items: backlog p95 ≤ 100 ms, a page
// ≤ 50 ms, an item ≤ 20 ms (docs/benchmarks.md, "Operations view").
//
//	POSTCLEAR_BENCH_ITEMS=1000000 go test ./graph -run '^$' -bench OperationsView -benchtime 100x
func BenchmarkOperationsView(b *testing.B) {
	n := testenv.BenchItems(b, 200_000)
	e := testenv.Embedded(b)
	st := warehouse.NewStore(e, testenv.Database(b, e))
	ctx := context.Background()
	start := time.Now()
	// As make run loads its demo data: validated, finalized, compacted.
	if _, err := seed.Seed(ctx, st, demo.Config{Items: n, Seed: 1, Now: testenv.Now}, testenv.Now, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d items loaded and finalized in %s", n, time.Since(start).Round(time.Second))
	// The server's timed engine, so that each answer says its engine time
	// (Server-Timing) and the HTTP cases report the overhead over it.
	timed := metrics.New().Engine(e, slog.New(slog.DiscardHandler), 0)
	svc := &analytics.Service{Engine: timed, Layout: st.Layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Analytics: svc, Operations: svc, Records: st},
		func(context.Context) error { return nil }, graph.Config{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	asOf := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	filter := postclear.AnalyticsFilter{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		DestinationCountries: []string{"KE"}}
	const args = `asOf: "2025-11-20T00:00:00Z", filter: {from: "2024-01-01", to: "2026-01-01", destinationCountries: ["KE"]}`
	// The pages are of the stage with the most items.
	stats, err := svc.Backlog(ctx, postclear.KPIQuery{Filter: filter}, postclear.BacklogArgs{AsOf: asOf, AgesHours: postclear.DefaultAgesHours})
	if err != nil || len(stats) == 0 {
		b.Fatal(stats, err)
	}
	largest := slices.MaxFunc(stats, func(x, y postclear.BacklogStat) int { return int(x.Items - y.Items) })
	page := postclear.OpenItemsQuery{Query: postclear.KPIQuery{Filter: filter}, AsOf: asOf, Stage: largest.Stage, First: 50}
	first, err := svc.OpenItems(ctx, page)
	if err != nil || !first.PageInfo.HasNextPage {
		b.Fatalf("first page of %s: %v %v", page.Stage, first.TotalCount, err)
	}
	later := page
	later.After = *first.PageInfo.EndCursor
	id := first.Edges[0].Node.ItemID
	b.Logf("KE %s at %s: %d items; item %s", page.Stage, asOf.Format(time.RFC3339), first.TotalCount, id)
	stage := string(page.Stage)

	backlogSQL, backlogParams, err := svc.BacklogSQL(postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimOffice}},
		postclear.BacklogArgs{AsOf: asOf, AgesHours: postclear.DefaultAgesHours})
	if err != nil {
		b.Fatal(err)
	}
	pageSQL, pageParams, err := svc.OpenItemsSQL(ctx, page)
	if err != nil {
		b.Fatal(err)
	}
	itemSQL, itemParams := svc.ItemSQL(id)
	for _, c := range []struct {
		name string
		run  func(b *testing.B)
	}{
		{"backlog/http", httpCase(srv.URL, `{ backlog(`+args+`, groupBy: [OFFICE]) { key { office } stage items p50AgeHours p90AgeHours maxAgeHours olderThan { hours items } } }`)},
		{"backlog/engine", engineCase(e, engineStatement{backlogSQL, backlogParams})},
		{"openItems-first/http", httpCase(srv.URL, `{ openItems(`+args+`, stage: `+stage+`, first: 50) { totalCount
			edges { cursor node { itemId originCountry destinationCountry mailClass office category enteredAt ageHours } } pageInfo { hasNextPage endCursor } } }`)},
		{"openItems-later/http", httpCase(srv.URL, `{ openItems(`+args+`, stage: `+stage+`, first: 50, after: "`+later.After+`") { totalCount
			edges { cursor node { itemId originCountry destinationCountry mailClass office category enteredAt ageHours } } pageInfo { hasNextPage endCursor } } }`)},
		// The first page is one statement on the embedded engine, the
		// watermark included; a later page is two: the page, then the
		// check of the first page's watermark, the cheaper. The engine
		// case runs the first page.
		{"openItems/engine", engineCase(e, engineStatement{pageSQL, pageParams})},
		{"item/http", httpCase(srv.URL, `{ item(id: "`+id+`") { `+itemFields+` } }`)},
		{"item/engine", engineCase(e, engineStatement{itemSQL, itemParams})},
	} {
		b.Run(c.name, c.run)
	}
}

// latencies runs op b.N times and reports the p50 and p95 in ms.
func latencies(b *testing.B, op func() error) {
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportP50P95(b, ds, "")
}

// reportP50P95 reports the p50 and p95 of ds in ms, named with prefix.
func reportP50P95(b *testing.B, ds []time.Duration, prefix string) {
	slices.Sort(ds)
	at := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), prefix+"p50-ms")
	b.ReportMetric(at(0.95), prefix+"p95-ms")
}

// httpCase times query through HTTP, and reports too the server's
// overhead over its engine time, request by request (Server-Timing).
func httpCase(base, query string) func(b *testing.B) {
	return func(b *testing.B) {
		body, _ := json.Marshal(map[string]string{"query": query})
		var overhead []time.Duration
		latencies(b, func() error {
			start := time.Now()
			resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			out, err := io.ReadAll(resp.Body)
			if err == nil && bytes.Contains(out, []byte(`"errors"`)) {
				b.Fatalf("%s", out)
			}
			if m := serverTiming.FindStringSubmatch(resp.Header.Get("Server-Timing")); m != nil {
				engine, _ := strconv.ParseFloat(m[1], 64)
				overhead = append(overhead, time.Since(start)-time.Duration(engine*float64(time.Millisecond)))
			}
			return err
		})
		if len(overhead) > 0 {
			reportP50P95(b, overhead, "overhead-")
		}
	}
}

var serverTiming = regexp.MustCompile(`engine;dur=([0-9.]+)`)

type engineStatement struct {
	sql    string
	params warehouse.Params
}

func engineCase(e warehouse.Engine, stmts ...engineStatement) func(b *testing.B) {
	return func(b *testing.B) {
		latencies(b, func() error {
			for _, s := range stmts {
				rows, err := e.Query(context.Background(), s.sql, s.params)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				if err := rows.Err(); err != nil {
					return err
				}
				rows.Close()
			}
			return nil
		})
	}
}
