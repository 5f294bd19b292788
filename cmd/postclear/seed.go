package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/postclear/postclear/graph/scalar"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("seed", "seed [flags]", stderr)
	cfg.engineFlags(fs)
	items := fs.Int("items", cfg.DemoItems, "number of items to generate")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	from := fs.String("from", "", "first posting day, YYYY-MM-DD (default: 18 months before the demo's fixed end, 2025-12-01)")
	to := fs.String("to", "", "day after the last posting day, YYYY-MM-DD (default and latest: 2025-12-01)")
	out := fs.String("out", "", "write events.csv, declarations.csv and decisions.csv into this directory instead of loading them")
	if err := parse(fs, args); err != nil {
		return err
	}
	dc := demo.Config{Items: *items, Seed: *seed}
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
	progress := progressPrinter(stderr)
	start := time.Now()
	if *out != "" {
		st, err := seedToFiles(ctx, *out, dc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d items: %d events, %d declarations, %d decisions to %s in %s\n",
			st.Items, st.Events, st.Declarations, st.Decisions, *out, time.Since(start).Round(time.Millisecond))
		return nil
	}
	logger := newLogger(cfg.LogFormat, stderr)
	e, store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer e.Close()
	st, err := ingest.Seed(ctx, store, dc, time.Now(), progress)
	if err != nil {
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

// seedToFiles writes the demo data as the CSV files `postclear ingest`
// reads, validating every record on the way as ingest would.
func seedToFiles(ctx context.Context, dir string, dc demo.Config) (demo.Stats, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return demo.Stats{}, err
	}
	fw, err := newFileSink(dir)
	if err != nil {
		return demo.Stats{}, err
	}
	st, err := ingest.Seed(ctx, fw, dc, time.Now(), nil)
	if cerr := fw.Close(); err == nil {
		err = cerr
	}
	return st, err
}

// fileSink writes each record kind to its CSV file.
type fileSink struct {
	files        []*os.File
	events       *ingest.CSVWriter[postclear.Event]
	declarations *ingest.CSVWriter[postclear.Declaration]
	decisions    *ingest.CSVWriter[postclear.Decision]
}

func newFileSink(dir string) (*fileSink, error) {
	s := &fileSink{}
	open := func(name string) (io.Writer, error) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		s.files = append(s.files, f)
		return f, nil
	}
	w, err := open("events.csv")
	if err != nil {
		return nil, err
	}
	s.events = ingest.NewCSVWriter[postclear.Event](w)
	if w, err = open("declarations.csv"); err != nil {
		s.Close()
		return nil, err
	}
	s.declarations = ingest.NewCSVWriter[postclear.Declaration](w)
	if w, err = open("decisions.csv"); err != nil {
		s.Close()
		return nil, err
	}
	s.decisions = ingest.NewCSVWriter[postclear.Decision](w)
	return s, nil
}

func writeAll[T ingest.Record](w *ingest.CSVWriter[T], recs []T) error {
	for i := range recs {
		if err := w.Write(recs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *fileSink) InsertEvents(_ context.Context, r []postclear.Event) error {
	return writeAll(s.events, r)
}
func (s *fileSink) InsertDeclarations(_ context.Context, r []postclear.Declaration) error {
	return writeAll(s.declarations, r)
}
func (s *fileSink) InsertDecisions(_ context.Context, r []postclear.Decision) error {
	return writeAll(s.decisions, r)
}

func (s *fileSink) Close() error {
	var first error
	for _, w := range []interface{ Flush() error }{s.events, s.declarations, s.decisions} {
		if w != nil {
			if err := w.Flush(); err != nil && first == nil {
				first = err
			}
		}
	}
	for _, f := range s.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
