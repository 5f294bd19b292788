package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/internal/warehouse/chdb"
	"github.com/postclear/postclear/internal/warehouse/clickhouse"
)

// openEngine opens the engine the config names. The embedded engine's
// library is loaded only here, so a binary pointed at a ClickHouse server
// never needs libchdb.
func openEngine(ctx context.Context, c Config) (warehouse.Engine, error) {
	if c.ClickHouseURL != "" {
		settings := map[string]any{}
		for k, v := range c.engineSettings() {
			settings[k] = v
		}
		return clickhouse.Open(ctx, clickhouse.Options{URL: c.ClickHouseURL, Settings: settings, QueryID: warehouse.QueryID})
	}
	if c.Cluster != "" {
		return nil, fmt.Errorf("--cluster needs --clickhouse-url: the embedded engine is a single node")
	}
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return chdb.Open(ctx, chdb.Options{LibPath: c.ChdbLib, DataDir: c.DataDir, Settings: c.engineSettings()})
}

func (c Config) layout() warehouse.Layout {
	return warehouse.Layout{Database: c.Database, Cluster: c.Cluster}
}

// openStore opens the engine and brings the schema up to date.
func openStore(ctx context.Context, c Config, logger *slog.Logger) (warehouse.Engine, *warehouse.Store, error) {
	e, err := openEngine(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	v, err := warehouse.Migrate(ctx, e, c.layout())
	if err != nil {
		e.Close()
		return nil, nil, err
	}
	logger.Info("schema ready", "engine", e.Name(), "database", c.Database, "version", v)
	store := warehouse.NewStore(e, c.layout())
	if err := finalizeLeftovers(ctx, store, logger); err != nil {
		e.Close()
		return nil, nil, err
	}
	return e, store, nil
}

// finalizeLeftovers refreshes the facts before the first request: after
// an upgrade every item is finalized again, and after a crash the items of
// the records it interrupted, which could take longer than one request may.
func finalizeLeftovers(ctx context.Context, store *warehouse.Store, logger *slog.Logger) error {
	start := time.Now()
	if err := store.Refresh(ctx); err != nil {
		return err
	}
	if took := time.Since(start); took > time.Second {
		logger.Info("item facts finalized", "seconds", took.Seconds())
		return store.Compact(ctx)
	}
	return nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
