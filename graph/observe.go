package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestID gives every request an ID: the caller's X-Request-ID when
// it is sane, otherwise a new one. It is echoed in the response, put in
// every log line of the request, and becomes the engine's query ID.
func withRequestID(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !requestIDRE.MatchString(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		ctx := warehouse.WithQueryID(r.Context(), id)
		ctx, engine := warehouse.WithEngineTime(ctx)
		timing := &serverTiming{engine: engine}
		ctx = context.WithValue(ctx, serverTimingKey{}, timing)
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK, timing: timing}
		next.ServeHTTP(sw, r.WithContext(ctx))
		d, n := engine.Total()
		logger.InfoContext(ctx, "request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "ms", time.Since(start).Milliseconds(), "engine_ms", d.Milliseconds(), "statements", n)
	})
}

// serverTiming is the engine's time for a request, and whether its
// caller may be told it: an administrator only. Whether an answer was
// computed or came from the cache must show in nothing but its latency
// to a caller with a scope (another caller may have asked the same), and
// the engine's time would say it outright.
type serverTiming struct {
	engine *warehouse.EngineTime
	shown  atomic.Bool
}

type serverTimingKey struct{}

// showServerTiming lets the answer to the request in ctx carry its
// engine time; the caller must be an administrator.
func showServerTiming(ctx context.Context) {
	if t, ok := ctx.Value(serverTimingKey{}).(*serverTiming); ok {
		t.shown.Store(true)
	}
}

// statusWriter records the status the client got: the first final one
// written (net/http ignores later calls; 101 Switching Protocols is final
// for a WebSocket), or 200 when the body is written first. With the
// header it sends an administrator the engine's time for the request so
// far (the whole of it for a GraphQL answer, which is written once
// resolved) as Server-Timing, which the benchmark subtracts from the
// latency it sees to get the server's own overhead, request by request.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	timing      *serverTiming
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status, w.wroteHeader = code, true
		w.serverTiming()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.wroteHeader = true
		w.serverTiming()
	}
	return w.ResponseWriter.Write(b)
}

// serverTiming sets the Server-Timing header: "engine;dur=12.345" in
// milliseconds, with the number of statements as its description.
func (w *statusWriter) serverTiming() {
	if !w.timing.shown.Load() {
		return
	}
	if d, n := w.timing.engine.Total(); n > 0 {
		w.Header().Set("Server-Timing", fmt.Sprintf(`engine;dur=%.3f;desc="%d statements"`, float64(d)/float64(time.Millisecond), n))
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// operationMetrics is a gqlgen extension counting each root field of an
// operation by outcome and timing it.
type operationMetrics struct{ m *metrics.Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = operationMetrics{}

func (operationMetrics) ExtensionName() string                   { return "OperationMetrics" }
func (operationMetrics) Validate(graphql.ExecutableSchema) error { return nil }
func (o operationMetrics) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Parent == nil || fc.Parent.Parent != nil || fc.Object == "__Schema" || fc.Object == "__Type" {
		return next(ctx) // not a root field
	}
	start := time.Now()
	res, err := next(ctx)
	outcome := "ok"
	if err != nil {
		// Resolver errors are *postclear.Error (see Resolver.fail), so
		// the outcome is the code users see.
		outcome = postclear.ErrorCode(err)
	}
	o.m.Requests.WithLabelValues(fc.Field.Name, outcome).Inc()
	o.m.RequestDuration.WithLabelValues(fc.Field.Name).Observe(time.Since(start).Seconds())
	return res, err
}
