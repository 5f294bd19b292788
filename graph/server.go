package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/zstd"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/postclear/postclear/graph/dashboard"
	"github.com/postclear/postclear/graph/generated"
	"github.com/postclear/postclear/graph/graphiql"
	"github.com/postclear/postclear/graph/model"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/live"
	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
)

// Config shapes the HTTP surface.
type Config struct {
	// CORSOrigins may call /graphql and download reports from a web page
	// of another origin; empty allows none (same-origin only), "*" any.
	CORSOrigins []string
	// MaxBodyBytes bounds a request body (default 8 MiB).
	MaxBodyBytes int64
	// Introspection allows schema introspection (GraphiQL needs it).
	Introspection bool
	// ComplexityLimit bounds a query's complexity (0: default 1000).
	ComplexityLimit int
	// MaxDepth bounds how deeply a query nests (0: DefaultMaxDepth).
	MaxDepth int
	// MaxStatements bounds the engine statements one request may need
	// (0: DefaultMaxStatements).
	MaxStatements int
	Logger        *slog.Logger
	// Metrics, when set, counts operations and serves /metrics to
	// administrators (to everyone local when authentication is off).
	Metrics *metrics.Metrics
	// MetricsElsewhere leaves /metrics out of this handler: the caller
	// serves Metrics.Handler() on a listener of its own (--metrics-addr).
	MetricsElsewhere bool
	// DataVersion names the data loaded, for the ETags of GET answers
	// (none without it).
	DataVersion DataVersion
	// RequestTimeout bounds one request (0: DefaultRequestTimeout): past it
	// the client gets 503 TIMEOUT and the request's context is cancelled.
	RequestTimeout time.Duration
	// Auth authenticates /graphql callers; nil or not Enabled runs open
	// (the caller decides whether that is allowed: loopback only).
	Auth *auth.Authenticator
	// RateLimit, when set, limits requests per principal, and per client
	// IP those that are not authenticated (see auth.Authenticator.Guard).
	RateLimit *auth.RateLimiter
	// MaxExportRows bounds the open-items CSV download (0:
	// DefaultMaxExportRows).
	MaxExportRows int
	// MaxLiveConnections bounds the WebSockets (live updates) open at once
	// (0: DefaultMaxLiveConnections). Each is also a client connection.
	MaxLiveConnections int
}

// Ready reports whether the engine answers; /readyz calls it.
type Ready func(ctx context.Context) error

// NewHandler returns the whole HTTP surface: /graphql (POST and GET, and
// WebSockets for subscriptions), the MoU report downloads
// /reports/mous/{id}/{quarter}.csv and .pdf, the open-items download
// /reports/open-items.csv, the schema as SDL at /schema.graphql, GraphiQL
// at / (its files under /graphiql/), the dashboard at /dashboard,
// /healthz, /readyz and /metrics.
//
// r.Live, when nil, is set to a new broker: the resolver announces changes
// to it and the WebSockets subscribe to it; closing it closes them (the
// caller does so when it shuts down: WebSockets are not requests that
// http.Server.Shutdown waits for).
func NewHandler(r *Resolver, ready Ready, cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if r.Logger == nil {
		r.Logger = cfg.Logger
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 8 << 20
	}
	if cfg.ComplexityLimit <= 0 {
		cfg.ComplexityLimit = 1000
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	if cfg.MaxStatements <= 0 {
		cfg.MaxStatements = DefaultMaxStatements
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxLiveConnections <= 0 {
		cfg.MaxLiveConnections = DefaultMaxLiveConnections
	}
	if cfg.Auth == nil {
		cfg.Auth, _ = auth.New(auth.Config{})
	}
	if r.Live == nil {
		r.Live = live.New(cfg.MaxLiveConnections * subscriptionsPerConnection)
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: r, Directives: generated.DirectiveRoot{Allow: allow}})
	srv := newExecutor(es, cfg, httpOperations)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newPersistedQueryStore()})

	// Outside in: CORS answers preflight requests (which carry no
	// credential) before authentication; the guard authenticates and
	// rate-limits (per principal, or per client IP for requests that are
	// not authenticated), and only then is the body read.
	crossOrigin := corsPolicy(cfg.CORSOrigins)
	guard := func(h http.Handler) http.Handler {
		return crossOrigin.Handler(cfg.Auth.Guard(cfg.RateLimit, withScope(h)))
	}
	api := guard(revalidate(cfg.DataVersion, time.Now, limitBody(cfg.MaxBodyBytes, overHTTP(srv))))
	// The report downloads pass the same CORS policy, authentication, rate
	// limit and caching rules as /graphql.
	reports := guard(revalidate(cfg.DataVersion, time.Now, reportsHandler(r, cfg.Logger)))

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("/reports/mous/{id}/{file}", reports)
	mux.Handle("/", graphiql.Handler("/graphql"))
	dash := dashboard.Handler("/graphql")
	mux.Handle(dashboard.Path, dash)
	mux.Handle(dashboard.Path+"/", dash)
	if cfg.Introspection {
		mux.Handle("GET /schema.graphql", crossOrigin.Handler(cfg.Auth.Guard(cfg.RateLimit, schemaHandler(es.Schema()))))
	}
	mux.Handle("GET /healthz", noStore(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})))
	mux.Handle("GET /readyz", noStore(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			cfg.Logger.WarnContext(ctx, "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "engine unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})))
	if cfg.Metrics != nil && !cfg.MetricsElsewhere {
		// What the server is asked and how it fares is for operators:
		// administrators only, unless served on an address of its own.
		mux.Handle("GET /metrics", cfg.Auth.Guard(cfg.RateLimit, requirePermission(model.PermissionAdmin, cfg.Logger, noStore(cfg.Metrics.Handler()))))
	}
	// The open-items download streams its rows, so it is not behind the
	// timeout handler, which holds a whole answer: it bounds itself with
	// the same deadline. It passes the same CORS policy, authentication
	// and rate limit as the rest, and is never stored by a cache.
	if cfg.MaxExportRows <= 0 {
		cfg.MaxExportRows = DefaultMaxExportRows
	}
	download := compress(guard(noStore(openItemsDownload(r, cfg.Logger, cfg.MaxExportRows, cfg.RequestTimeout))))
	// The access log is outermost, so that it records the status the
	// client got, a timeout's 503 included.
	timeoutBody := `{"errors":[{"message":"the request took longer than the server's limit of ` + cfg.RequestTimeout.String() + `","extensions":{"code":"TIMEOUT"}}]}`
	requests := http.TimeoutHandler(compress(mux), cfg.RequestTimeout, timeoutBody)
	// A WebSocket lives past any request timeout and cannot be compressed
	// or buffered: it goes its own way, bounded by its own limits.
	websockets := newLiveEndpoint(es, r, cfg, crossOrigin)
	return withRequestID(cfg.Logger, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.URL.Path == "/graphql" && isWebSocket(req):
			websockets.ServeHTTP(w, req)
		case req.URL.Path == "/reports/open-items.csv":
			download.ServeHTTP(w, req)
		default:
			requests.ServeHTTP(w, req)
		}
	}))
}

// newExecutor is a GraphQL server for es with the limits, metrics and
// error shaping every transport shares, serving the operation kinds given;
// the caller adds the transports.
func newExecutor(es graphql.ExecutableSchema, cfg Config, kinds operationKinds) *handler.Server {
	srv := handler.New(costedSchema{es})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(kinds)
	srv.Use(extension.FixedComplexityLimit(cfg.ComplexityLimit))
	srv.Use(depthLimit{cfg.MaxDepth})
	srv.Use(statementLimit{cfg.MaxStatements})
	if cfg.Metrics != nil {
		srv.Use(operationMetrics{cfg.Metrics})
	}
	srv.SetErrorPresenter(presentError(cfg.Logger))
	srv.SetRecoverFunc(recoverPanic(cfg.Logger))
	return srv
}

// compress encodes answers of 1 KiB or more with zstd or gzip, whichever
// the client accepts (zstd when both): a 4,504-row KPI answer of 1.05 MB
// travels as 162 kB with gzip, 167 kB with zstd (measured in docs/api.md).
// It leaves alone answers already encoded (the Prometheus handler's) and
// ranges. (Gzip's fastest level was tried for issue 17 and not kept:
// 13 % more to send for a gain lost in the noise, docs/benchmarks.md.)
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.ZstdCompressionLevel(int(zstd.SpeedDefault)))
	if err != nil {
		panic("graph: " + err.Error()) // only for invalid options
	}
	return wrap(next)
}

// DefaultRequestTimeout bounds a request when Config.RequestTimeout is 0.
const DefaultRequestTimeout = 30 * time.Second

// noStore marks answers that hold data as not to be stored by any cache:
// they depend on the caller and on the data loaded.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// requirePermission answers 403 (401 when there is no principal) to a
// caller without the permission.
func requirePermission(to model.Permission, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := permitted(r.Context(), to); err != nil {
			reportError(w, logger, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// corsPolicy lets the listed origins read answers from a browser. rs/cors
// treats an empty list as "*", so no origins is said with a function that
// refuses every one: a web page the user happens to visit must not read
// the data of a server that trusts the user's machine.
func corsPolicy(origins []string) *cors.Cors {
	opts := cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "X-Request-ID", "If-None-Match"},
		ExposedHeaders: []string{"X-Request-ID", "Retry-After", "ETag", "Content-Disposition"},
		MaxAge:         600,
	}
	if len(origins) == 0 {
		opts.AllowOriginFunc = func(string) bool { return false }
	}
	return cors.New(opts)
}

// limitBody refuses bodies over n bytes with 413 TOO_LARGE before gqlgen
// sees them: at once when Content-Length says so, and after reading at
// most n+1 bytes of a body sent without one (chunked), which gqlgen would
// otherwise answer as a malformed request.
func limitBody(n int64, next http.Handler) http.Handler {
	tooLarge := func(w http.ResponseWriter) {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
			"message":    "request body too large: the limit is " + byteSize(n),
			"extensions": map[string]string{"code": postclear.ETooLarge},
		}}})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			tooLarge(w)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, n))
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				tooLarge(w)
				return
			}
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{
					"message":    "the request body could not be read",
					"extensions": map[string]string{"code": postclear.EInvalid},
				}}})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

func byteSize(n int64) string {
	b, _ := json.Marshal(n)
	return string(b) + " bytes"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
