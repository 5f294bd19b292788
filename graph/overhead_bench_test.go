package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/postclear"
)

// BenchmarkServerOverhead times what the server adds to the engine's
// work for a request (issue 17: ≤ 2 ms p50), without an engine: the
// whole HTTP handler on a loopback port answering from canned results the
// size of the benchmark's stages/all-year (28 rows), stages/country-quarter
// (105 rows) and openItems (a page of 50) answers. Run with -cpuprofile to see where it goes.
//
//	go test ./graph -run '^$' -bench ServerOverhead -cpuprofile cpu.out
func BenchmarkServerOverhead(b *testing.B) {
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Analytics: cannedAnalytics{}, Operations: cannedOperations{}},
		func(context.Context) error { return nil }, graph.Config{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	for _, c := range []struct{ name, query string }{
		{"stages", `{ stageTimes(filter: {from: "2025-01-01", to: "2026-01-01"}, stages: [POSTING_TO_ARRIVAL, ARRIVAL_TO_PRESENTATION, PRESENTATION_TO_RELEASE, ARRIVAL_TO_RELEASE, RELEASE_TO_DEPARTURE, RELEASE_TO_DELIVERY, ARRIVAL_TO_DELIVERY], granularity: QUARTER) { key { period } stage items meanHours stddevHours p50Hours p90Hours p95Hours maxHours within { hours rate } } }`},
		{"stages-by-month-and-origin", `{ stageTimes(filter: {from: "2025-04-01", to: "2025-07-01", destinationCountries: ["KE"]}, groupBy: [ORIGIN_COUNTRY], stages: [POSTING_TO_ARRIVAL, ARRIVAL_TO_PRESENTATION, PRESENTATION_TO_RELEASE, ARRIVAL_TO_RELEASE, RELEASE_TO_DEPARTURE, RELEASE_TO_DELIVERY, ARRIVAL_TO_DELIVERY], granularity: MONTH) { key { period originCountry } stage items meanHours stddevHours p50Hours p90Hours p95Hours maxHours within { hours rate } } }`},
		{"openItems", `{ openItems(asOf: "2025-07-01T00:00:00Z", stage: IN_CUSTOMS, filter: {from: "2025-04-01", to: "2025-07-01", destinationCountries: ["KE"]}, first: 50) { totalCount edges { cursor node { itemId originCountry destinationCountry mailClass office category enteredAt ageHours } } pageInfo { hasNextPage endCursor } } }`},
	} {
		b.Run(c.name, func(b *testing.B) {
			body, _ := json.Marshal(map[string]string{"query": c.query})
			latencies(b, func() error {
				resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				out, err := io.ReadAll(resp.Body)
				if err == nil && (resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`))) {
					b.Fatalf("%d %s", resp.StatusCode, out)
				}
				return err
			})
		})
	}
}

type cannedAnalytics struct{ postclear.Analytics }

func (cannedAnalytics) StageTimes(_ context.Context, q postclear.KPIQuery, stages []postclear.Stage, thresholds []float64) ([]postclear.StageStat, error) {
	v := 12.5
	// By quarter, 4 periods; by month and origin, 3 months of 5 origins.
	var keys []postclear.GroupKey
	for i := range 4 {
		p := time.Date(2025, time.Month(1+3*i), 1, 0, 0, 0, 0, time.UTC)
		keys = append(keys, postclear.GroupKey{Period: &p})
	}
	if len(q.GroupBy) > 0 {
		keys = nil
		for i := range 3 {
			p := time.Date(2025, time.Month(4+i), 1, 0, 0, 0, 0, time.UTC)
			for _, origin := range []string{"CN", "GB", "JP", "TH", "US"} {
				keys = append(keys, postclear.GroupKey{Period: &p, OriginCountry: &origin})
			}
		}
	}
	var out []postclear.StageStat
	for _, k := range keys {
		for _, st := range stages {
			r := postclear.StageStat{Key: k, Stage: st, Items: 123456,
				MeanHours: &v, StddevHours: &v, P50Hours: &v, P90Hours: &v, P95Hours: &v, MaxHours: &v}
			for _, h := range thresholds {
				r.Within = append(r.Within, postclear.ThresholdRate{Hours: h, Rate: &v})
			}
			out = append(out, r)
		}
	}
	return out, nil
}

type cannedOperations struct{}

func (cannedOperations) OpenItems(_ context.Context, q postclear.OpenItemsQuery) (postclear.OpenItemConnection, error) {
	out := postclear.OpenItemConnection{TotalCount: 554}
	s := func(v string) *string { return &v }
	for i := range q.First {
		c := "oi1." + strings.Repeat("x", 140)
		out.Edges = append(out.Edges, postclear.OpenItemEdge{Cursor: c, Node: postclear.OpenItem{ItemID: "CP150871780GB",
			OriginCountry: s("GB"), DestinationCountry: s("KE"), MailClass: s("PARCEL"), Office: s("KENBOA"), Category: s("SALE_OF_GOODS"),
			EnteredAt: time.Date(2025, 6, 20, 10, i, 0, 0, time.UTC), AgeHours: 253.78583333333333}})
	}
	out.PageInfo.HasNextPage = true
	out.PageInfo.EndCursor = &out.Edges[len(out.Edges)-1].Cursor
	return out, nil
}

func (cannedOperations) Backlog(context.Context, postclear.KPIQuery, postclear.BacklogArgs) ([]postclear.BacklogStat, error) {
	panic("not canned")
}

func (cannedOperations) ExportOpenItems(context.Context, postclear.OpenItemsQuery, int, func(postclear.OpenItem) error) error {
	panic("not canned")
}

func (cannedOperations) Item(context.Context, string) (*postclear.Item, error) { panic("not canned") }
