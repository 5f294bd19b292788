package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/alert"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/report"
)

// Config is every setting of postclear, with defaults, filled from flags
// and from POSTCLEAR_* environment variables (a flag wins over the env).
type Config struct {
	Addr          string
	DataDir       string
	ClickHouseURL string
	Cluster       string
	Database      string
	ChdbLib       string
	CORSOrigins   []string
	Introspection bool
	Demo          bool
	DemoItems     int
	LogFormat     string
	QueryTimeout  time.Duration
	CacheEntries  int
	CacheBytes    int64

	// Access control (docs/auth.md).
	AuthHS256SecretFile string
	AuthJWKSFile        string
	AuthAPIKeysFile     string
	AuthIssuer          string
	AuthAudience        string
	RateLimit           float64
	RateBurst           int

	// Limits.
	MaxBodyBytes     int64
	MaxIngestRecords int
	MaxRecordBytes   int
	MaxFilterValues  int
	ComplexityLimit  int
	MaxDepth         int
	MaxStatements    int
	SlowQuery        time.Duration
	MaxExecutionTime time.Duration
	MaxMemoryUsage   int64

	// Connections (docs/operations.md).
	MaxConnections int
	// MaxLiveConnections bounds the WebSockets (live updates) among them;
	// 0 is a quarter of MaxConnections, at most 256 (liveConnections).
	MaxLiveConnections int
	ReadHeaderTimeout  time.Duration
	ReadTimeout        time.Duration
	IdleTimeout        time.Duration
	MaxHeaderBytes     int
	// MetricsAddr, when set, serves /metrics on its own listener (and not
	// on Addr).
	MetricsAddr string

	// Target-breach alerts (docs/operations.md): a webhook, the file of
	// the secret its requests are signed with, how often targets may be
	// checked, and the population below which a value is not judged.
	AlertWebhook           string
	AlertWebhookSecretFile string
	AlertInterval          time.Duration
	AlertMinPopulation     int
}

// DefaultConfig returns the defaults: the embedded engine with its data in
// the user's data directory, serving on loopback.
func DefaultConfig() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       defaultDataDir(),
		Database:      "postclear",
		Introspection: true,
		DemoItems:     200_000,
		LogFormat:     "text",
		QueryTimeout:  30 * time.Second,
		CacheEntries:  1000,
		CacheBytes:    256 << 20,

		RateLimit: 20,
		RateBurst: 60,

		MaxBodyBytes:     16 << 20,
		MaxIngestRecords: 10_000,
		MaxRecordBytes:   ingest.DefaultMaxRecordBytes,
		MaxFilterValues:  1000,
		ComplexityLimit:  1000,
		MaxDepth:         15,
		MaxStatements:    30,
		SlowQuery:        time.Second,
		MaxExecutionTime: 30 * time.Second,
		MaxMemoryUsage:   4 << 30,

		MaxConnections:    1024,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,

		AlertInterval:      alert.DefaultInterval,
		AlertMinPopulation: report.DefaultMinPopulation,
	}
}

// liveConnections is the bound on WebSockets in force: MaxLiveConnections,
// or by default a quarter of MaxConnections (at least one, at most 256), so
// that lowering --max-connections alone keeps room for requests.
func (c *Config) liveConnections() int {
	if c.MaxLiveConnections > 0 {
		return c.MaxLiveConnections
	}
	return max(1, min(256, c.MaxConnections/4))
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "postclear")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "postclear")
	}
	return "postclear-data"
}

// envVar names the environment variable of a flag: data-dir → POSTCLEAR_DATA_DIR.
func envVar(flagName string) string {
	return "POSTCLEAR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// engineFlags registers the flags every subcommand that opens the engine
// shares.
func (c *Config) engineFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of the embedded engine's data")
	fs.StringVar(&c.ClickHouseURL, "clickhouse-url", c.ClickHouseURL, "use a ClickHouse server instead of the embedded engine, e.g. clickhouse://default:@127.0.0.1:9000/default")
	fs.StringVar(&c.Cluster, "cluster", c.Cluster, "ClickHouse cluster name: create Replicated and Distributed tables ON CLUSTER (server engine only)")
	fs.StringVar(&c.Database, "database", c.Database, "database holding postclear's tables")
	fs.StringVar(&c.ChdbLib, "chdb-lib", c.ChdbLib, "path of libchdb.so (default: POSTCLEAR_CHDB_LIB, CHDB_LIB_PATH, then the cache that make chdb fills)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json")
	fs.DurationVar(&c.MaxExecutionTime, "max-execution-time", c.MaxExecutionTime, "engine-side limit on one query's run time (ClickHouse max_execution_time)")
	fs.Int64Var(&c.MaxMemoryUsage, "max-memory-usage", c.MaxMemoryUsage, "engine-side limit on one query's memory in bytes (ClickHouse max_memory_usage)")
}

// recordFlags registers the bound on one record, which `ingest` applies to
// file rows and `serve` to the records of the ingest mutations.
func (c *Config) recordFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.MaxRecordBytes, "max-record-bytes", c.MaxRecordBytes, "longest record (CSV row, JSON line, GraphQL input record) accepted, in bytes; a longer one is rejected with its line and field")
}

// engineSettings are the ClickHouse settings every query runs under: the
// engine enforces them, since a client-side cancel does not stop a query.
func (c *Config) engineSettings() map[string]string {
	return map[string]string{
		"max_execution_time": strconv.FormatInt(int64(c.MaxExecutionTime/time.Second), 10),
		"max_memory_usage":   strconv.FormatInt(c.MaxMemoryUsage, 10),
	}
}

func (c *Config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on")
	fs.Func("cors-origins", "comma-separated origins of web pages allowed to call /graphql and download reports (default none; * for any, refused with authentication off)", func(s string) error {
		c.CORSOrigins = splitList(s)
		return nil
	})
	fs.BoolVar(&c.Introspection, "introspection", c.Introspection, "allow schema introspection (GraphiQL and /schema.graphql need it)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load deterministic demo data when the database is empty")
	fs.IntVar(&c.DemoItems, "demo-items", c.DemoItems, "items of demo data loaded by --demo")
	fs.DurationVar(&c.QueryTimeout, "query-timeout", c.QueryTimeout, "longest time one GraphQL request may take")
	fs.IntVar(&c.CacheEntries, "cache-entries", c.CacheEntries, "most answers (KPIs, evaluations, dataStatus) kept in memory until the next ingest (0 disables the cache)")
	fs.Int64Var(&c.CacheBytes, "cache-bytes", c.CacheBytes, "most memory, in bytes, the cached answers may hold, as estimated per entry (0 disables the cache)")
	fs.StringVar(&c.AuthHS256SecretFile, "auth-hs256-secret-file", c.AuthHS256SecretFile, "file holding the HS256 JWT secret (its text, surrounding white space trimmed; at least 32 bytes)")
	fs.StringVar(&c.AuthJWKSFile, "auth-jwks-file", c.AuthJWKSFile, "JWKS file with the public keys of RS256/ES256 JWTs (re-read when it changes)")
	fs.StringVar(&c.AuthAPIKeysFile, "auth-api-keys-file", c.AuthAPIKeysFile, "file of hashed API keys (see docs/auth.md; re-read when it changes)")
	fs.StringVar(&c.AuthIssuer, "auth-issuer", c.AuthIssuer, "required JWT issuer (iss), if set")
	fs.StringVar(&c.AuthAudience, "auth-audience", c.AuthAudience, "required JWT audience (aud), if set")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second allowed per caller (per client IP when unauthenticated) on average (0 disables)")
	fs.IntVar(&c.RateBurst, "rate-burst", c.RateBurst, "requests a caller may send at once above the average (at least 1)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest request body accepted")
	fs.IntVar(&c.MaxIngestRecords, "max-ingest-records", c.MaxIngestRecords, "most records one ingest mutation may carry")
	c.recordFlags(fs)
	fs.IntVar(&c.MaxFilterValues, "max-filter-values", c.MaxFilterValues, "most values one KPI filter list (offices, origin countries, ...) may hold")
	fs.IntVar(&c.ComplexityLimit, "complexity-limit", c.ComplexityLimit, "largest GraphQL query complexity accepted")
	fs.IntVar(&c.MaxDepth, "max-depth", c.MaxDepth, "deepest GraphQL selection nesting accepted")
	fs.IntVar(&c.MaxStatements, "max-statements", c.MaxStatements, "most engine statements one GraphQL request may need (a KPI field is one, an MoU evaluation several)")
	fs.IntVar(&c.MaxConnections, "max-connections", c.MaxConnections, "most client connections open at once; further ones wait to be accepted")
	fs.IntVar(&c.MaxLiveConnections, "max-live-connections", c.MaxLiveConnections, "most WebSockets (live dashboard updates) open at once, fewer than --max-connections; further ones are refused (0: a quarter of --max-connections, at most 256)")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout, "longest time a client may take to send a request's headers")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", c.ReadTimeout, "longest time a client may take to send a whole request")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", c.MaxHeaderBytes, "largest request header block accepted")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "serve /metrics on this address only, without credentials (default: on --addr, for administrators)")
	fs.DurationVar(&c.SlowQuery, "slow-query", c.SlowQuery, "log engine statements slower than this (0 disables)")
	fs.StringVar(&c.AlertWebhook, "alert-webhook", c.AlertWebhook, "post a message to this http(s) URL for each target of an active MoU newly in breach quarter to date, and for each recovery (default: no alerts)")
	fs.StringVar(&c.AlertWebhookSecretFile, "alert-webhook-secret-file", c.AlertWebhookSecretFile, "file holding the secret the alert webhook's requests are signed with (HMAC-SHA256, header X-Postclear-Signature; its text, surrounding white space trimmed; at least 16 bytes)")
	fs.DurationVar(&c.AlertInterval, "alert-interval", c.AlertInterval, "least time between two target-breach checks: one runs each interval when records were ingested, the MoUs changed or a day passed")
	fs.IntVar(&c.AlertMinPopulation, "alert-min-population", c.AlertMinPopulation, "population below which a quarter-to-date value is not judged by the alert checks")
}

// validateServe refuses settings the server cannot run with, each in one
// line naming the flag: a zero burst or an infinite rate would panic, a
// negative or NaN rate would silently switch limiting off, a zero timeout
// would fail every request.
func (c *Config) validateServe() error {
	switch {
	case math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) || c.RateLimit < 0:
		return fmt.Errorf("--rate-limit %v: must be a finite number of requests per second ≥ 0 (0 disables limiting)", c.RateLimit)
	case c.RateLimit > 0 && c.RateBurst < 1:
		return fmt.Errorf("--rate-burst %d: must be at least 1", c.RateBurst)
	case c.QueryTimeout <= 0:
		return fmt.Errorf("--query-timeout %v: must be positive", c.QueryTimeout)
	case c.ReadHeaderTimeout <= 0:
		return fmt.Errorf("--read-header-timeout %v: must be positive", c.ReadHeaderTimeout)
	case c.ReadTimeout <= 0:
		return fmt.Errorf("--read-timeout %v: must be positive", c.ReadTimeout)
	case c.IdleTimeout <= 0:
		return fmt.Errorf("--idle-timeout %v: must be positive", c.IdleTimeout)
	case c.MaxConnections < 1:
		return fmt.Errorf("--max-connections %d: must be at least 1", c.MaxConnections)
	case c.MaxLiveConnections < 0 || c.MaxLiveConnections > 0 && c.MaxLiveConnections >= c.MaxConnections:
		// WebSockets stay open; were they allowed every connection, no
		// request could get in.
		return fmt.Errorf("--max-live-connections %d: must be fewer than --max-connections (%d), or 0 for a quarter of it", c.MaxLiveConnections, c.MaxConnections)
	case c.MaxHeaderBytes < 1:
		return fmt.Errorf("--max-header-bytes %d: must be positive", c.MaxHeaderBytes)
	case c.MaxBodyBytes < 1:
		return fmt.Errorf("--max-body-bytes %d: must be positive", c.MaxBodyBytes)
	case c.MaxIngestRecords < 1:
		return fmt.Errorf("--max-ingest-records %d: must be at least 1", c.MaxIngestRecords)
	case c.MaxRecordBytes < 1:
		return fmt.Errorf("--max-record-bytes %d: must be at least 1", c.MaxRecordBytes)
	case c.ComplexityLimit < 1:
		return fmt.Errorf("--complexity-limit %d: must be at least 1", c.ComplexityLimit)
	case c.MaxDepth < 1:
		return fmt.Errorf("--max-depth %d: must be at least 1", c.MaxDepth)
	case c.MaxStatements < 1:
		return fmt.Errorf("--max-statements %d: must be at least 1", c.MaxStatements)
	case c.CacheEntries < 0:
		return fmt.Errorf("--cache-entries %d: must be ≥ 0 (0 disables the cache)", c.CacheEntries)
	case c.CacheBytes < 0:
		return fmt.Errorf("--cache-bytes %d: must be ≥ 0 (0 disables the cache)", c.CacheBytes)
	case c.MaxFilterValues < 1:
		return fmt.Errorf("--max-filter-values %d: must be at least 1", c.MaxFilterValues)
	case c.SlowQuery < 0:
		return fmt.Errorf("--slow-query %v: must be ≥ 0 (0 disables the log)", c.SlowQuery)
	case c.AlertWebhook != "" && !validWebhook(c.AlertWebhook):
		return fmt.Errorf("--alert-webhook %q: must be an absolute http or https URL", c.AlertWebhook)
	case c.AlertWebhookSecretFile != "" && c.AlertWebhook == "":
		return fmt.Errorf("--alert-webhook-secret-file without --alert-webhook: name the webhook too")
	case c.AlertInterval < time.Second:
		return fmt.Errorf("--alert-interval %v: must be at least 1s", c.AlertInterval)
	case c.AlertMinPopulation < 0 || c.AlertMinPopulation > report.MaxMinPopulation:
		return fmt.Errorf("--alert-min-population %d: must be between 0 and %d", c.AlertMinPopulation, report.MaxMinPopulation)
	case slices.Contains(c.CORSOrigins, "*") && !c.authConfigured():
		return fmt.Errorf("--cors-origins '*' with authentication off would let any web page the user visits read and change everything: list the origins, or configure authentication (docs/auth.md)")
	}
	return nil
}

// validWebhook reports whether s is an absolute http or https URL.
func validWebhook(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// authConfigured reports whether any credential is configured, i.e.
// whether the server will authenticate its callers.
func (c *Config) authConfigured() bool {
	return c.AuthHS256SecretFile != "" || c.AuthJWKSFile != "" || c.AuthAPIKeysFile != ""
}

// newFlagSet returns the flag set of a subcommand; its --help text goes
// to out (standard output). Parse errors are not printed by package flag:
// parse turns them into one-line usage errors.
func newFlagSet(name, synopsis string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: postclear %s\n\nFlags may come before or after the other arguments; -- ends them.\n"+
			"Each is also settable as POSTCLEAR_<FLAG>, e.g. POSTCLEAR_DATA_DIR:\n", synopsis)
		fs.SetOutput(out)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse fills the flags of a command that takes no other argument.
func parse(fs *flag.FlagSet, args []string) error {
	rest, err := parseArgs(fs, args)
	if err == nil && len(rest) > 0 {
		err = usagef("unexpected argument %q", rest[0])
	}
	return err
}

// parseArgs fills the flags of fs from the environment, then from args,
// and returns the other arguments in order. Unlike flag.FlagSet.Parse it
// takes flags wherever they are (`ingest events a.csv --data-dir D`), so
// that a flag after a file name is never mistaken for a file; "--" ends
// the flags and "-" is an argument (standard input). The environment
// supplies defaults, so that flags given on the command line win. A
// mistake is a *usageError; --help prints the command's usage to its
// output and returns flag.ErrHelp.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envVar(f.Name)); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = usagef("%s=%q: %v", envVar(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	help := fs.Usage
	fs.Usage = func() {} // package flag calls it on every error
	defer func() { fs.Usage = help }()
	var rest []string
	for i := 0; i < len(args); {
		a := args[i]
		switch {
		case a == "--":
			return append(rest, args[i+1:]...), nil
		case a == "-" || len(a) < 2 || a[0] != '-':
			rest = append(rest, a)
			i++
			continue
		}
		// One flag, with its value when that is the next argument.
		n := 1
		if name, _, inline := strings.Cut(strings.TrimLeft(a, "-"), "="); !inline && i+1 < len(args) {
			if f := fs.Lookup(name); f != nil && !isBoolFlag(f) {
				n = 2
			}
		}
		if err := fs.Parse(args[i : i+n]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				help()
				return nil, err
			}
			return nil, usageError{err}
		}
		i += n
	}
	return rest, nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseBoolEnv(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}
