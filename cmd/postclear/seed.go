package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/postclear/postclear/graph/scalar"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/seed"
)

func runSeed(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("seed", "seed [flags]", stdout)
	cfg.engineFlags(fs)
	items := fs.Int("items", cfg.DemoItems, "number of items to generate")
	seedN := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	from := fs.String("from", "", "first posting day, YYYY-MM-DD (default: 18 months before the demo's fixed end, 2025-12-01)")
	to := fs.String("to", "", "day after the last posting day, YYYY-MM-DD (default and latest: 2025-12-01)")
	out := fs.String("out", "", "write events.csv, declarations.csv, decisions.csv and holidays.csv into this directory instead of loading them (load them with postclear ingest)")
	if err := parse(fs, args); err != nil {
		return err
	}
	dc := demo.Config{Items: *items, Seed: *seedN}
	for _, d := range []struct {
		s   string
		dst *time.Time
		arg string
	}{{*from, &dc.From, "--from"}, {*to, &dc.To, "--to"}} {
		if d.s == "" {
			continue
		}
		t, err := scalar.ParseDate(d.s)
		if err != nil {
			return fmt.Errorf("%s: %v", d.arg, err)
		}
		*d.dst = t
	}
	var progress func(ingest.Progress)
	if isTerminal(stderr) {
		progress = progressPrinter(stderr)
	}
	start := time.Now()
	if *out != "" {
		st, err := seed.Files(ctx, *out, dc, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d items: %d events, %d declarations, %d decisions, and %d holidays to %s in %s\n",
			st.Items, st.Events, st.Declarations, st.Decisions, len(demo.Holidays()), *out, time.Since(start).Round(time.Millisecond))
		return nil
	}
	logger := newLogger(cfg.LogFormat, stderr)
	e, store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer e.Close()
	st, err := seed.Seed(ctx, store, dc, time.Now(), progress)
	if err != nil {
		return err
	}
	if _, err := seedMoUs(ctx, store); err != nil {
		return err
	}
	printSeedStats(stdout, st, time.Since(start))
	return nil
}

func printSeedStats(w io.Writer, st demo.Stats, elapsed time.Duration) {
	records := st.Events + st.Declarations + st.Decisions
	fmt.Fprintf(w, "loaded %d items: %d events, %d declarations, %d decisions in %s (%.0f records/s)\n",
		st.Items, st.Events, st.Declarations, st.Decisions, elapsed.Round(time.Millisecond), float64(records)/elapsed.Seconds())
}
