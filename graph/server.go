package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/postclear/postclear/graph/generated"
	"github.com/postclear/postclear/graph/playground"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/metrics"
)

// Config shapes the HTTP surface.
type Config struct {
	// CORSOrigins may call /graphql from a browser; empty allows none
	// (same-origin only), "*" allows any.
	CORSOrigins []string
	// MaxBodyBytes bounds a request body (default 8 MiB).
	MaxBodyBytes int64
	// Introspection allows schema introspection (the playground needs it).
	Introspection bool
	// ComplexityLimit bounds a query's complexity (0: default 1000).
	ComplexityLimit int
	// MaxDepth bounds how deeply a query nests (0: DefaultMaxDepth).
	MaxDepth int
	Logger   *slog.Logger
	// Metrics, when set, counts operations and serves /metrics.
	Metrics *metrics.Metrics
	// Auth authenticates /graphql callers; nil or not Enabled runs open
	// (the caller decides whether that is allowed: loopback only).
	Auth *auth.Authenticator
	// RateLimit, when set, limits requests per principal.
	RateLimit *auth.RateLimiter
}

// Ready reports whether the engine answers; /readyz calls it.
type Ready func(ctx context.Context) error

// NewHandler returns the whole HTTP surface: /graphql (POST and GET), the
// MoU report downloads /reports/mous/{id}/{quarter}.csv and .pdf,
// the offline playground at /, /healthz and /readyz.
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
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r, Directives: generated.DirectiveRoot{Allow: allow}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(extension.FixedComplexityLimit(cfg.ComplexityLimit))
	srv.Use(depthLimit{cfg.MaxDepth})
	if cfg.Metrics != nil {
		srv.Use(operationMetrics{cfg.Metrics})
	}
	srv.SetErrorPresenter(presentError(cfg.Logger))
	srv.SetRecoverFunc(recoverPanic(cfg.Logger))

	// Outside in: CORS answers preflight requests (which carry no
	// credential) before authentication; the rate limiter runs after it
	// so that it can key on the principal.
	var api http.Handler = limitBody(cfg.MaxBodyBytes, srv)
	if cfg.RateLimit != nil {
		api = cfg.RateLimit.Middleware(api)
	}
	if cfg.Auth == nil {
		cfg.Auth, _ = auth.New(auth.Config{})
	}
	api = cfg.Auth.Middleware(withScope(api))
	api = cors.New(cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "X-Request-ID"},
		ExposedHeaders: []string{"X-Request-ID", "Retry-After"},
		MaxAge:         600,
	}).Handler(api)

	// The report downloads pass the same authentication and rate limit
	// as /graphql.
	var reports http.Handler = reportsHandler(r, cfg.Logger)
	if cfg.RateLimit != nil {
		reports = cfg.RateLimit.Middleware(reports)
	}
	reports = cfg.Auth.Middleware(withScope(reports))

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("GET /reports/mous/{id}/{file}", reports)
	mux.Handle("/", playground.Handler("/graphql", "postclear"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			cfg.Logger.WarnContext(ctx, "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "engine unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
	}
	return withRequestID(cfg.Logger, mux)
}

// limitBody refuses bodies over n bytes with 413 before gqlgen reads them.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
				"message":    "request body too large: the limit is " + byteSize(n),
				"extensions": map[string]string{"code": "TOO_LARGE"},
			}}})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
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
