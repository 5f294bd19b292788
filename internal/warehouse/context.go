package warehouse

import "context"

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
