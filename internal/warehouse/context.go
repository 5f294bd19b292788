package warehouse

import (
	"context"
	"sync/atomic"
	"time"
)

type queryIDKey struct{}

// WithQueryID tags the engine queries made with ctx with id, so that a
// request's log lines and the engine's query log (system.query_log on a
// server) can be joined.
func WithQueryID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, queryIDKey{}, id)
}

// QueryID returns the id set by WithQueryID, or "".
func QueryID(ctx context.Context) string {
	id, _ := ctx.Value(queryIDKey{}).(string)
	return id
}

type engineTimeKey struct{}

// EngineTime adds up the engine's time for the statements of one request:
// from a statement's start until its last row has been read. The
// difference between a request's latency and it is the server's own
// overhead (docs/benchmarks.md, "Server overhead").
type EngineTime struct {
	nanos, statements atomic.Int64
}

// Add counts one statement, or more time of one already counted when
// statements is 0.
func (t *EngineTime) Add(d time.Duration, statements int) {
	t.nanos.Add(int64(d))
	t.statements.Add(int64(statements))
}

// Total returns the time added so far and the statements counted.
func (t *EngineTime) Total() (time.Duration, int) {
	return time.Duration(t.nanos.Load()), int(t.statements.Load())
}

// WithEngineTime returns ctx with a new EngineTime, which an engine that
// times its statements (metrics.Engine) adds to.
func WithEngineTime(ctx context.Context) (context.Context, *EngineTime) {
	t := &EngineTime{}
	return context.WithValue(ctx, engineTimeKey{}, t), t
}

// EngineTimeFrom returns the EngineTime of ctx, or nil.
func EngineTimeFrom(ctx context.Context) *EngineTime {
	t, _ := ctx.Value(engineTimeKey{}).(*EngineTime)
	return t
}
