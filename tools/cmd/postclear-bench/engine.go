package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/internal/warehouse/chdb"
	"github.com/postclear/postclear/tools/internal/bench"
)

// EngineResult is what the engine subcommand reports for one case.
type EngineResult struct {
	Case   string        `json:"case"`
	Rows   int           `json:"rows"`
	Engine bench.Summary `json:"engine"`
	Naive  bench.Summary `json:"naive"`
	// NaiveMatches is whether the naive SQL returned the server SQL's
	// numbers on this data set.
	NaiveMatches bool   `json:"naive_matches"`
	NaiveError   string `json:"naive_error,omitempty"`
	// Lines is the server SQL's result, for the PostgreSQL comparison.
	Lines []string `json:"lines"`
	// ReadRows and ReadBytes are what the engine read from its tables for
	// one run of the server SQL (chdb_result_rows_read, _bytes_read).
	ReadRows  uint64 `json:"read_rows,omitempty"`
	ReadBytes uint64 `json:"read_bytes,omitempty"`
	// MatchRows are the rows the case needs: those of its populations,
	// which pass its filters and range (analytics.Service.CountPopulations;
	// none for the item case). NeededBytes are their bytes at the width
	// per row of the columns the engine read (ReadBytes / ReadRows): the
	// bytes the case would read if the engine read its rows alone, so
	// that ReadBytes / NeededBytes = ReadRows / MatchRows (issue 17: at
	// most 3 for a one-destination quarter).
	MatchRows   uint64 `json:"match_rows,omitempty"`
	NeededBytes uint64 `json:"needed_bytes,omitempty"`
}

// engineFlags are the flags that open the engine on a data directory.
type engineFlags struct{ dataDir, db, lib *string }

func addEngineFlags(fs *flag.FlagSet, dataDirUsage string) engineFlags {
	return engineFlags{
		dataDir: fs.String("data-dir", "", dataDirUsage),
		db:      fs.String("database", "postclear", "database"),
		lib:     fs.String("chdb-lib", "", "libchdb.so (default: as postclear)"),
	}
}

// open opens the engine, migrates its database if asked, and returns the
// analytics service over it. The server's clock decides "today" for
// on-time delivery; the same day here gives the same parameters.
func (f engineFlags) open(ctx context.Context, migrate bool) (*chdb.Engine, *analytics.Service, error) {
	e, err := chdb.Open(ctx, chdb.Options{LibPath: *f.lib, DataDir: *f.dataDir})
	if err != nil {
		return nil, nil, err
	}
	layout := warehouse.Layout{Database: *f.db}
	if migrate {
		if _, err := warehouse.Migrate(ctx, e, layout); err != nil {
			e.Close()
			return nil, nil, err
		}
	}
	return e, &analytics.Service{Engine: e, Layout: layout, Now: time.Now}, nil
}

// runEngine runs the server's SQL and the naive SQL straight on the
// engine, in this process, which must be the only one with the data
// directory open: the server has been stopped before.
func runEngine(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("engine", flag.ContinueOnError)
	ef := addEngineFlags(fs, "chDB data directory")
	warmup := fs.Int("warmup", 3, "untimed runs first")
	reps := fs.Int("reps", 20, "timed runs")
	naiveReps := fs.Int("naive-reps", 3, "timed runs of the naive SQL (slow; 0: none)")
	export := fs.String("export-dir", "", "also export the PostgreSQL tables as CSV here")
	items := fs.String("item", "", "the items of the item case, comma-separated, one per run in turn (none: no item case)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, svc, err := ef.open(ctx, false)
	if err != nil {
		return err
	}
	defer e.Close()
	w := bench.DefaultWindow
	if *items != "" {
		w.ItemIDs = strings.Split(*items, ",")
	}
	var out []EngineResult
	for _, c := range bench.Cases(w) {
		stmts, params, err := bench.SQL(ctx, svc, c)
		if err != nil {
			return err
		}
		r := EngineResult{Case: c.Name()}
		for _, text := range stmts {
			lines, err := bench.Lines(ctx, e, text, params)
			if err != nil {
				return fmt.Errorf("%s: %w", c.Name(), err)
			}
			r.Lines = append(r.Lines, lines...)
		}
		r.Rows = len(r.Lines)
		paramsOf := func(n int) (warehouse.Params, error) {
			if c.Family != bench.Item {
				return params, nil
			}
			_, p, err := bench.SQL(ctx, svc, c.Rep(n))
			return p, err
		}
		if r.Engine, r.ReadRows, r.ReadBytes, err = timeQuery(ctx, e, stmts, paramsOf, *warmup, *reps); err != nil {
			return fmt.Errorf("%s: %w", c.Name(), err)
		}
		if r.MatchRows, err = matchRows(ctx, e, svc, c); err != nil {
			return fmt.Errorf("%s: %w", c.Name(), err)
		}
		if r.ReadRows > 0 {
			r.NeededBytes = uint64(float64(r.MatchRows) * float64(r.ReadBytes) / float64(r.ReadRows))
		}
		if bench.Compared(c.Family) && *naiveReps > 0 {
			naive, err := bench.NaiveSQL(c)
			if err != nil {
				return err
			}
			got, err := bench.Lines(ctx, e, naive, params)
			if err == nil {
				r.NaiveMatches = bench.SameNumbers(r.Lines, got) == nil
				// One untimed run above is the naive warm-up.
				r.Naive, _, _, err = timeQuery(ctx, e, []string{naive}, func(int) (warehouse.Params, error) { return params, nil }, 0, *naiveReps)
			}
			if err != nil {
				r.NaiveError = err.Error()
			}
		}
		fmt.Fprintf(os.Stderr, "engine %-28s engine p50 %8.1f ms  naive p50 %9.1f ms  read %d rows %.1f MB  needs %d rows %.1f MB\n",
			c.Name(), r.Engine.Median, r.Naive.Median, r.ReadRows, float64(r.ReadBytes)/1e6, r.MatchRows, float64(r.NeededBytes)/1e6)
		out = append(out, r)
	}
	if *export != "" {
		if err := exportPG(ctx, e, *ef.db, *export); err != nil {
			return err
		}
	}
	return json.NewEncoder(stdout).Encode(out)
}

// matchRows returns the rows of c's populations (EngineResult.MatchRows);
// 0 for the item case, whose statements read one item.
func matchRows(ctx context.Context, e warehouse.Engine, svc *analytics.Service, c bench.Case) (uint64, error) {
	if c.Family == bench.Item {
		return 0, nil
	}
	counting := *svc
	counting.CountPopulations = true
	stmts, params, err := bench.SQL(ctx, &counting, c)
	if err != nil {
		return 0, err
	}
	var n uint64
	err = warehouse.Each(ctx, e, stmts[0], params, func(r warehouse.Rows) error { return r.Scan(&n) })
	return n, err
}

// timeQuery times stmts run one after the other, as the server runs them
// for one request, with the parameters of each run (paramsOf), and
// returns the rows and bytes the engine read from its tables in the last
// run (zero where the engine does not say).
func timeQuery(ctx context.Context, e warehouse.Engine, stmts []string, paramsOf func(run int) (warehouse.Params, error), warmup, reps int) (s bench.Summary, read, bytes uint64, err error) {
	var ds []time.Duration
	for i := 0; i < warmup+reps; i++ {
		params, err := paramsOf(i)
		if err != nil {
			return s, 0, 0, err
		}
		read, bytes = 0, 0
		start := time.Now()
		for _, text := range stmts {
			r, b, err := drain(ctx, e, text, params)
			if err != nil {
				return s, 0, 0, err
			}
			read, bytes = read+r, bytes+b
		}
		if i >= warmup {
			ds = append(ds, time.Since(start))
		}
	}
	return bench.Summarize(ds), read, bytes, nil
}

// drain runs one statement to its end and returns what the engine read:
// the embedded engine gives its read counters with every result.
func drain(ctx context.Context, e warehouse.Engine, text string, params warehouse.Params) (read, bytes uint64, err error) {
	rows, err := e.Query(ctx, text, params)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if s, ok := rows.(interface{ ReadStats() (uint64, uint64) }); ok {
		read, bytes = s.ReadStats()
	}
	return read, bytes, nil
}

// exportPG writes each PostgreSQL table as CSV into dir through the
// engine's own file() table function.
func exportPG(ctx context.Context, e warehouse.Engine, db, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for table, q := range bench.PGExport(db) {
		path := filepath.Join(abs, table+".csv")
		os.Remove(path)
		// The path is the benchmark's own, never user input.
		stmt := "INSERT INTO FUNCTION file(" + warehouse.QuoteString(path) + ", 'CSV') " + q
		if err := e.Exec(ctx, stmt, nil); err != nil {
			return fmt.Errorf("export %s: %w", table, err)
		}
	}
	return nil
}

// ingestColumns is the file() structure of each CSV kind: the fields of
// its record schema with their stored types, timestamps parsed by the
// engine's best-effort parser (RFC 3339 with offsets).
var ingestColumns = map[string]struct{ structure, columns string }{
	"events":       fileColumns[postclear.Event](),
	"declarations": fileColumns[postclear.Declaration](),
	"decisions":    fileColumns[postclear.Decision](),
}

func fileColumns[T postclear.Record]() (c struct{ structure, columns string }) {
	sc := postclear.SchemaOf[T]()
	var structure, columns []string
	for i := range sc.Fields {
		f := &sc.Fields[i]
		structure = append(structure, f.Name+" "+warehouse.ColumnType(f.Type))
		columns = append(columns, f.Name)
	}
	c.structure, c.columns = strings.Join(structure, ", "), strings.Join(columns, ", ")
	return c
}

// IngestResult is one kind's unvalidated load straight into the engine.
type IngestResult struct {
	Kind    string  `json:"kind"`
	Rows    uint64  `json:"rows"`
	Seconds float64 `json:"seconds"`
	PerSec  float64 `json:"rows_per_second"`
}

// runEngineIngest loads the seed CSV files straight into a fresh, migrated
// database with INSERT … SELECT FROM file(…, CSVWithNames): no validation,
// no Go on the data path, the same tables and materialized views. It is
// the ceiling `postclear ingest` is measured against.
func runEngineIngest(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("engine-ingest", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "fresh chDB data directory")
	seedDir := fs.String("seed-dir", "", "directory with events.csv, declarations.csv, decisions.csv")
	lib := fs.String("chdb-lib", "", "libchdb.so")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, err := chdb.Open(ctx, chdb.Options{LibPath: *lib, DataDir: *dataDir})
	if err != nil {
		return err
	}
	defer e.Close()
	layout := warehouse.Layout{Database: "postclear"}
	if _, err := warehouse.Migrate(ctx, e, layout); err != nil {
		return err
	}
	var out []IngestResult
	for _, kind := range []string{"events", "declarations", "decisions"} {
		path, err := filepath.Abs(filepath.Join(*seedDir, kind+".csv"))
		if err != nil {
			return err
		}
		ic := ingestColumns[kind]
		stmt := fmt.Sprintf("INSERT INTO postclear.%s (%s, ingest_version) SELECT %s, 1 FROM file(%s, 'CSVWithNames', %s) SETTINGS date_time_input_format = 'best_effort'",
			kind, ic.columns, ic.columns, warehouse.QuoteString(path), warehouse.QuoteString(ic.structure))
		start := time.Now()
		if err := e.Exec(ctx, stmt, nil); err != nil {
			return fmt.Errorf("engine ingest %s: %w", kind, err)
		}
		secs := time.Since(start).Seconds()
		rows, err := e.Query(ctx, "SELECT count() FROM postclear."+kind, nil)
		if err != nil {
			return err
		}
		var n uint64
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				return err
			}
		}
		rows.Close()
		out = append(out, IngestResult{Kind: kind, Rows: n, Seconds: secs, PerSec: float64(n) / secs})
		fmt.Fprintf(os.Stderr, "engine ingest %-12s %d rows in %.1f s (%.0f rows/s)\n", kind, n, secs, float64(n)/secs)
	}
	return json.NewEncoder(stdout).Encode(out)
}
