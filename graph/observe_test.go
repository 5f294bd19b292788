package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// Every GraphQL answer says in Server-Timing how long the engine worked
// for it: the statements run through the server's timed engine, from
// each one's start to its last row. The benchmark subtracts it from the
// latency it sees to get the server's own overhead (issue 17).
func TestServerTimingIsTheRequestsEngineTime(t *testing.T) {
	m := metrics.New()
	e := m.Engine(slowEngine{query: 15 * time.Millisecond, row: 5 * time.Millisecond}, slog.New(slog.DiscardHandler), 0)
	h := graph.NewHandler(&graph.Resolver{Analytics: statementsAnalytics{e: e, n: 2}}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)})
	post := func(query string) *httptest.ResponseRecorder {
		body, _ := json.Marshal(map[string]any{"query": query})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		return rec
	}
	start := time.Now()
	rec := post(`{ clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01"}) { items } }`)
	latency := time.Since(start)
	m1 := regexp.MustCompile(`^engine;dur=([0-9.]+);desc="(\d+) statements"$`).FindStringSubmatch(rec.Header().Get("Server-Timing"))
	if m1 == nil {
		t.Fatalf("Server-Timing %q", rec.Header().Get("Server-Timing"))
	}
	ms, _ := strconv.ParseFloat(m1[1], 64)
	// Two statements of 15 ms, each with one row read in 5 ms.
	if m1[2] != "2" || ms < 40 || ms > float64(latency)/float64(time.Millisecond) {
		t.Errorf("Server-Timing %q for 2 statements of 20 ms in a request of %s", rec.Header().Get("Server-Timing"), latency)
	}

	// A request that runs no statement says nothing.
	if v := post(`{ __typename }`).Header().Get("Server-Timing"); v != "" {
		t.Errorf("no statement: Server-Timing %q", v)
	}
}

// Only an administrator is told the engine's time: to a caller with a
// scope it would say whether the answer came from the cache, which must
// show in nothing but the latency (TestCacheLeavesNoTraceButTiming).
func TestServerTimingOnlyForAdministrators(t *testing.T) {
	authn, mint := hs256(t)
	e := metrics.New().Engine(slowEngine{query: time.Millisecond}, slog.New(slog.DiscardHandler), 0)
	h := graph.NewHandler(&graph.Resolver{Analytics: statementsAnalytics{e: e, n: 1}}, nil, graph.Config{Auth: authn, Logger: slog.New(slog.DiscardHandler)})
	for _, c := range []struct {
		p    auth.Principal
		want bool
	}{
		{auth.Principal{Subject: "admin", Role: auth.RoleAdmin}, true},
		{auth.Principal{Subject: "kra", Role: auth.RoleAgency, Countries: []string{"KE"}}, false},
		{auth.Principal{Subject: "analyst", Role: auth.RoleAnalyst}, false},
	} {
		body, _ := json.Marshal(map[string]any{"query": `{ clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01"}) { items } }`})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+mint(c.p))
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			t.Fatalf("%s: %d %s", c.p.Role, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Server-Timing") != ""; got != c.want {
			t.Errorf("%s: Server-Timing %q, want one: %v", c.p.Role, rec.Header().Get("Server-Timing"), c.want)
		}
	}
}

// statementsAnalytics answers clearanceTimes with no rows after running n
// statements on e.
type statementsAnalytics struct {
	postclear.Analytics
	e warehouse.Engine
	n int
}

func (a statementsAnalytics) ClearanceTimes(ctx context.Context, _ postclear.KPIQuery, _ float64) ([]postclear.ClearanceStat, error) {
	for range a.n {
		if err := warehouse.Each(ctx, a.e, "SELECT 1", nil, func(warehouse.Rows) error { return nil }); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// slowEngine takes query to answer a statement and row to read its one
// row.
type slowEngine struct {
	warehouse.Engine
	query, row time.Duration
}

func (e slowEngine) Query(context.Context, string, warehouse.Params) (warehouse.Rows, error) {
	time.Sleep(e.query)
	return &slowRows{row: e.row, left: 1}, nil
}

type slowRows struct {
	warehouse.Rows
	row  time.Duration
	left int
}

func (r *slowRows) Next() bool {
	if r.left == 0 {
		return false
	}
	r.left--
	time.Sleep(r.row)
	return true
}

func (r *slowRows) Err() error   { return nil }
func (r *slowRows) Close() error { return nil }
