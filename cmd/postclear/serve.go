package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/graph/graphiql"
	"github.com/postclear/postclear/internal/alert"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/warehouse"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("serve", "serve [flags]", stdout)
	cfg.engineFlags(fs)
	cfg.serveFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	s := &Server{Config: cfg, Logger: newLogger(cfg.LogFormat, stderr)}
	if err := s.Open(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	s.Logger.Info("shutting down")
	return s.Close()
}

// Server is the running postclear server: engine, schema, HTTP. Tests run
// the whole program through it on port 0.
type Server struct {
	Config Config
	Logger *slog.Logger

	engine   warehouse.Engine
	listener net.Listener
	http     *http.Server
	done     chan error
	// metrics serves /metrics on --metrics-addr when that is set.
	metrics *metricsServer

	// schemaReady is set once the migrations are in force; until then
	// /readyz fails. stop ends the retry loop of a server started while
	// its ClickHouse server was unreachable.
	schemaReady atomic.Bool
	stop        context.CancelFunc
	// alerts is closed when the target-breach checker has stopped (nil
	// without --alert-webhook).
	alerts chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// Open opens the engine, migrates, loads demo data when asked and the
// database is empty, and starts serving.
func (s *Server) Open(ctx context.Context) error {
	c := s.Config
	if err := c.validateServe(); err != nil {
		return usageError{err}
	}
	authn, err := s.authenticator()
	if err != nil {
		return err
	}
	e, err := openEngine(ctx, c)
	if err != nil {
		return err
	}
	s.engine = e
	bg, stop := context.WithCancel(context.Background())
	s.stop = stop
	if err := s.migrate(ctx, e); err != nil {
		// A ClickHouse server that is down must not keep postclear down:
		// serve (queries answer ENGINE_UNAVAILABLE, /readyz fails) and
		// apply the schema as soon as the server answers.
		if c.ClickHouseURL == "" || postclear.ErrorCode(err) != postclear.EUnavailable {
			e.Close()
			return err
		}
		s.Logger.Warn("engine unavailable at start: serving anyway, retrying the schema every 2 s", "err", err)
		go s.retryMigrate(bg, e)
	}
	m := metrics.New()
	e = m.Engine(e, s.Logger, c.SlowQuery)
	store := warehouse.NewStore(e, c.layout())
	if s.schemaReady.Load() {
		if err := finalizeLeftovers(ctx, store, s.Logger); err != nil {
			s.engine.Close()
			return err
		}
	}
	if c.Demo && s.schemaReady.Load() {
		if err := s.seedIfEmpty(ctx, store); err != nil {
			s.engine.Close()
			return err
		}
	}
	// One result cache for every answer the server may repeat: the KPI
	// families, the evaluations and dataStatus. It keys each entry by the
	// caller's scope itself.
	var cache *resultcache.Cache
	if c.CacheEntries > 0 && c.CacheBytes > 0 {
		// KPI answers are keyed by the version of the part of the data
		// they read (Facts.VersionOf): an ingest of today's items into one
		// destination leaves other destinations' and past months' answers
		// cached. The rest is keyed by the data version.
		cache = resultcache.NewParted(resultcache.Limits{MaxCompute: c.QueryTimeout, MaxEntries: c.CacheEntries, MaxBytes: c.CacheBytes},
			store.DataVersion, store.Facts().VersionOf)
		m.CacheStats(cache.Stats)
	}
	kpis := &analytics.Service{Engine: e, Layout: c.layout(), Facts: store.Facts(), Now: time.Now, Cache: cache, MaxFilterValues: c.MaxFilterValues}
	evaluations := &report.Evaluator{KPIs: kpis, MoUs: store, Data: store, Cache: cache, Now: time.Now}
	resolver := &graph.Resolver{
		Analytics:        kpis,
		Operations:       kpis,
		Records:          store,
		Calendars:        store,
		MoUs:             store,
		Evaluations:      evaluations,
		Cache:            cache,
		Logger:           s.Logger,
		MaxIngestRecords: c.MaxIngestRecords,
		MaxRecordBytes:   c.MaxRecordBytes,
		Metrics:          m,
	}
	var checker *alert.Checker
	if c.AlertWebhook != "" {
		if checker, err = s.alertChecker(evaluations, store); err != nil {
			s.engine.Close()
			return err
		}
		resolver.Ingested = checker.Notify
	}
	// The limiter keys on the principal, or on the client IP for requests
	// that are not authenticated (all of them when authentication is off).
	var limiter *auth.RateLimiter
	if c.RateLimit > 0 {
		limiter = auth.NewRateLimiter(c.RateLimit, c.RateBurst, 10_000)
	}
	handler := graph.NewHandler(resolver, s.ready(e), graph.Config{
		CORSOrigins:      c.CORSOrigins,
		Introspection:    c.Introspection,
		Logger:           s.Logger,
		Metrics:          m,
		Auth:             authn,
		RateLimit:        limiter,
		MaxBodyBytes:     c.MaxBodyBytes,
		ComplexityLimit:  c.ComplexityLimit,
		MaxDepth:         c.MaxDepth,
		MaxStatements:    c.MaxStatements,
		RequestTimeout:   c.QueryTimeout,
		DataVersion:      store.DataVersion,
		MetricsElsewhere: c.MetricsAddr != "",
		// The handler makes the resolver's broker of live updates.
		MaxLiveConnections: c.liveConnections(),
	})
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		s.engine.Close()
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	s.listener = ln
	// Every connection is bounded: slow or idle clients are cut off, and
	// beyond MaxConnections new ones wait in the kernel's queue instead of
	// taking a file descriptor each.
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    c.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	// Shutdown does not wait for WebSockets: closing the broker closes
	// them, so that the server stops at once.
	s.http.RegisterOnShutdown(resolver.Live.Close)
	ln = limitListener(ln, c.MaxConnections)
	s.done = make(chan error, 1)
	go func() { s.done <- s.http.Serve(ln) }()
	if checker != nil {
		s.alerts = make(chan struct{})
		go func() {
			defer close(s.alerts)
			checker.Run(bg)
		}()
	}
	if c.MetricsAddr != "" {
		if s.metrics, err = serveMetrics(c.MetricsAddr, m.Handler(), c.ReadHeaderTimeout); err != nil {
			s.Close()
			return err
		}
		s.Logger.Info("serving metrics", "url", "http://"+s.metrics.ln.Addr().String()+"/metrics")
	}
	if missing := graphiql.Missing(); len(missing) > 0 {
		s.Logger.Warn("GraphiQL's files are not in this build: / says how to get them (make build)", "missing", missing)
	}
	s.Logger.Info("serving", "graphql", "http://"+s.Addr()+"/graphql", "graphiql", "http://"+s.Addr()+"/", "engine", s.engine.Name())
	return nil
}

// authenticator builds the access control the config names. With none
// configured the server is open, which it allows only on loopback.
func (s *Server) authenticator() (*auth.Authenticator, error) {
	c := s.Config
	ac := auth.Config{JWKSFile: c.AuthJWKSFile, APIKeysFile: c.AuthAPIKeysFile, Issuer: c.AuthIssuer, Audience: c.AuthAudience}
	if c.AuthHS256SecretFile != "" {
		b, err := os.ReadFile(c.AuthHS256SecretFile)
		if err != nil {
			return nil, fmt.Errorf("--auth-hs256-secret-file: %w", err)
		}
		ac.HS256Secret = bytes.TrimSpace(b)
	}
	a, err := auth.New(ac)
	if err != nil {
		return nil, err
	}
	if !a.Enabled() {
		if !auth.LoopbackOnly(c.Addr) {
			return nil, fmt.Errorf("refusing to serve on %s without authentication: configure --auth-hs256-secret-file, --auth-jwks-file or --auth-api-keys-file (docs/auth.md), or listen on a loopback address such as 127.0.0.1:8080", c.Addr)
		}
		s.Logger.Warn("authentication is off: every caller is an administrator; allowed because the server listens on loopback only", "addr", c.Addr)
	}
	return a, nil
}

// migrate applies the schema and marks the server ready for it.
func (s *Server) migrate(ctx context.Context, e warehouse.Engine) error {
	v, err := warehouse.Migrate(ctx, e, s.Config.layout())
	if err != nil {
		return err
	}
	s.schemaReady.Store(true)
	s.Logger.Info("schema ready", "engine", e.Name(), "database", s.Config.Database, "version", v)
	return nil
}

func (s *Server) retryMigrate(ctx context.Context, e warehouse.Engine) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.migrate(ctx, e); err == nil {
			return
		} else if postclear.ErrorCode(err) != postclear.EUnavailable {
			s.Logger.Error("schema cannot be applied", "err", err)
			return
		}
	}
}

// ready is /readyz: the schema is in force and the engine answers.
func (s *Server) ready(e warehouse.Engine) graph.Ready {
	return func(ctx context.Context) error {
		if !s.schemaReady.Load() {
			return postclear.Errorf(postclear.EUnavailable, "the schema has not been applied yet")
		}
		return e.Ping(ctx)
	}
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.listener.Addr().String() }

// MetricsAddr is the address /metrics is served on with --metrics-addr,
// or "" without it.
func (s *Server) MetricsAddr() string {
	if s.metrics == nil {
		return ""
	}
	return s.metrics.ln.Addr().String()
}

type metricsServer struct {
	ln  net.Listener
	srv *http.Server
}

// serveMetrics serves h at /metrics on addr, for a scraper that reaches an
// address callers do not (a loopback or an internal interface).
func serveMetrics(addr string, h http.Handler, readHeaderTimeout time.Duration) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: time.Minute}
	go srv.Serve(limitListener(ln, 16))
	return &metricsServer{ln: ln, srv: srv}, nil
}

// Close stops accepting requests, lets running ones finish (up to 8 s),
// closes the WebSockets and the engine (which waits at most
// chdb.CloseWait, 2 s, for a running statement): a stop takes at most
// 10 s. Later calls return the first one's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Server) close() error {
	if s.stop != nil {
		s.stop()
	}
	if s.alerts != nil {
		// A check in progress ends with its context; the engine must
		// outlive it.
		<-s.alerts
	}
	var err error
	if s.metrics != nil {
		s.metrics.srv.Close()
	}
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		err = s.http.Shutdown(ctx)
		cancel()
		if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
			err = serveErr
		}
	}
	if s.engine != nil {
		if cerr := s.engine.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *Server) seedIfEmpty(ctx context.Context, store *warehouse.Store) error {
	st, err := store.DataStatus(ctx)
	if err != nil {
		return err
	}
	if st.Events > 0 || st.Declarations > 0 || st.Decisions > 0 {
		s.Logger.Info("database holds data; demo data not loaded", "events", st.Events)
		return nil
	}
	if n, err := seedMoUs(ctx, store); err != nil {
		return fmt.Errorf("demo MoUs: %w", err)
	} else if n > 0 {
		s.Logger.Info("demo MoUs created", "mous", n)
	}
	s.Logger.Info("loading demo data", "items", s.Config.DemoItems)
	start := time.Now()
	stats, err := seed.Seed(ctx, store, demo.Config{Items: s.Config.DemoItems, Seed: 1}, time.Now(), nil)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	records := stats.Events + stats.Declarations + stats.Decisions
	s.Logger.Info("demo data loaded", "items", stats.Items, "records", records,
		"seconds", time.Since(start).Seconds(), "records_per_second", float64(records)/time.Since(start).Seconds())
	return nil
}

// alertChecker builds the target-breach checker of --alert-webhook: it
// checks with the server's evaluations, keeps its announcements in the
// store and posts to the webhook, signed when a secret file is given.
func (s *Server) alertChecker(evaluations *report.Evaluator, store *warehouse.Store) (*alert.Checker, error) {
	c := s.Config
	hook := &alert.Webhook{URL: c.AlertWebhook}
	if c.AlertWebhookSecretFile != "" {
		b, err := os.ReadFile(c.AlertWebhookSecretFile)
		if err != nil {
			return nil, fmt.Errorf("--alert-webhook-secret-file: %w", err)
		}
		if hook.Secret = bytes.TrimSpace(b); len(hook.Secret) < 16 {
			return nil, fmt.Errorf("--alert-webhook-secret-file %s: the secret has %d bytes, at least 16 are needed", c.AlertWebhookSecretFile, len(hook.Secret))
		}
	} else {
		s.Logger.Warn("target-breach alerts are not signed: give --alert-webhook-secret-file so that the receiver can tell them from forgeries")
	}
	checker := &alert.Checker{Breaches: evaluations.TargetBreaches, State: store, Version: store.DataVersion, Webhook: hook,
		MinPopulation: c.AlertMinPopulation, Interval: c.AlertInterval, Logger: s.Logger}
	checker.Start()
	s.Logger.Info("target-breach alerts on", "webhook", redactURL(c.AlertWebhook), "interval", c.AlertInterval, "signed", hook.Secret != nil)
	return checker, nil
}

// redactURL is u without its user information and query, which may hold
// credentials, for the log.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(invalid URL)"
	}
	p.User, p.RawQuery = nil, ""
	return p.String()
}
