package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
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
	}
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
	fs.StringVar(&c.ChdbLib, "chdb-lib", c.ChdbLib, "path of libchdb.so (default: POSTCLEAR_CHDB_LIB, CHDB_LIB_PATH, then the cache `make chdb` fills)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json")
}

func (c *Config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on")
	fs.Func("cors-origins", "comma-separated origins allowed to call /graphql from a browser (* for any)", func(s string) error {
		c.CORSOrigins = splitList(s)
		return nil
	})
	fs.BoolVar(&c.Introspection, "introspection", c.Introspection, "allow schema introspection (the playground needs it)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load deterministic demo data when the database is empty")
	fs.IntVar(&c.DemoItems, "demo-items", c.DemoItems, "items of demo data loaded by --demo")
	fs.DurationVar(&c.QueryTimeout, "query-timeout", c.QueryTimeout, "longest time one GraphQL request may take")
	fs.IntVar(&c.CacheEntries, "cache-entries", c.CacheEntries, "KPI results kept in memory until the next ingest (0 disables the cache)")
}

// parse fills c from the environment, then from args; the environment
// supplies defaults so that flags given on the command line win.
func parse(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envVar(f.Name)); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %v", envVar(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	return fs.Parse(args)
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
