// Package metrics exposes postclear's Prometheus metrics and the
// instrumentation that feeds them: GraphQL requests by operation and
// outcome, their latency, engine query time (with a slow-query log line),
// rows ingested and rejected, and result-cache hits.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/postclear/postclear/internal/warehouse"
)

// Metrics holds the collectors of one server.
type Metrics struct {
	Registry        *prometheus.Registry
	Requests        *prometheus.CounterVec   // operation, outcome
	RequestDuration *prometheus.HistogramVec // operation
	EngineDuration  *prometheus.HistogramVec // statement
	RowsIngested    *prometheus.CounterVec   // kind
	RowsRejected    *prometheus.CounterVec   // kind
}

// New registers postclear's collectors, plus the Go runtime and process
// collectors, in a fresh registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postclear_graphql_requests_total",
			Help: "GraphQL operations by operation (root field) and outcome (ok or the error code).",
		}, []string{"operation", "outcome"}),
		RequestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "postclear_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL operation, by operation.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation"}),
		EngineDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "postclear_engine_query_duration_seconds",
			Help:    "Time the engine took per statement, by kind (query, exec, insert).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"statement"}),
		RowsIngested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postclear_rows_ingested_total",
			Help: "Records accepted and stored, by record kind.",
		}, []string{"kind"}),
		RowsRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postclear_rows_rejected_total",
			Help: "Records rejected by validation, by record kind.",
		}, []string{"kind"}),
	}
	r.MustRegister(m.Requests, m.RequestDuration, m.EngineDuration, m.RowsIngested, m.RowsRejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CacheStats registers the hit and miss counters of a result cache.
func (m *Metrics) CacheStats(stats func() (hits, misses uint64)) {
	m.Registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "postclear_cache_hits_total", Help: "KPI results served from the result cache."},
			func() float64 { h, _ := stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "postclear_cache_misses_total", Help: "KPI results computed by the engine."},
			func() float64 { _, mi := stats(); return float64(mi) }),
	)
}

// Handler serves the registry for Prometheus.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Engine wraps e so that every statement is timed into EngineDuration,
// tagged with a query ID derived from the request ID in ctx, and logged
// when it takes longer than slow (0 disables the slow-query log).
func (m *Metrics) Engine(e warehouse.Engine, logger *slog.Logger, slow time.Duration) warehouse.Engine {
	return &engine{Engine: e, m: m, logger: logger, slow: slow}
}

type engine struct {
	warehouse.Engine
	m      *Metrics
	logger *slog.Logger
	slow   time.Duration
	seq    atomic.Uint64
}

// tag gives the statement its own query ID under the request's ID: a
// request may run several statements, and a server refuses two running
// queries with one ID.
func (e *engine) tag(ctx context.Context) context.Context {
	if id := warehouse.QueryID(ctx); id != "" {
		return warehouse.WithQueryID(ctx, fmt.Sprintf("%s-%d", id, e.seq.Add(1)))
	}
	return ctx
}

func (e *engine) observe(ctx context.Context, kind, sql string, start time.Time, err error) {
	d := time.Since(start)
	e.m.EngineDuration.WithLabelValues(kind).Observe(d.Seconds())
	if e.slow > 0 && d >= e.slow {
		e.logger.WarnContext(ctx, "slow query", "query_id", warehouse.QueryID(ctx), "statement", kind,
			"ms", d.Milliseconds(), "sql", truncate(sql, 2000), "failed", err != nil)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (e *engine) Query(ctx context.Context, q string, p warehouse.Params) (warehouse.Rows, error) {
	ctx = e.tag(ctx)
	start := time.Now()
	rows, err := e.Engine.Query(ctx, q, p)
	e.observe(ctx, "query", q, start, err)
	return rows, err
}

func (e *engine) Exec(ctx context.Context, q string, p warehouse.Params) error {
	ctx = e.tag(ctx)
	start := time.Now()
	err := e.Engine.Exec(ctx, q, p)
	e.observe(ctx, "exec", q, start, err)
	return err
}

func (e *engine) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	ctx = e.tag(ctx)
	start := time.Now()
	err := e.Engine.Insert(ctx, table, columns, rows)
	e.observe(ctx, "insert", "INSERT INTO "+table, start, err)
	return err
}

// InsertColumns keeps the wrapped engine's column-by-column insert
// (warehouse.ColumnInserter), when it has one, behind the metrics.
func (e *engine) InsertColumns(ctx context.Context, table string, columns []warehouse.Column) error {
	ctx = e.tag(ctx)
	start := time.Now()
	err := warehouse.InsertColumns(ctx, e.Engine, table, columns)
	e.observe(ctx, "insert", "INSERT INTO "+table, start, err)
	return err
}
