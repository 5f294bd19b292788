package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/warehouse"
)

// runReport writes the quarterly evaluation of an MoU as PDF, CSV or JSON:
// the same evaluation as the mouEvaluation query and the downloads.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("report", "report --mou ID --quarter YYYY-Qn [--format pdf|csv|json] [-o FILE]", stderr)
	cfg.engineFlags(fs)
	mouID := fs.String("mou", "", "id of the MoU, e.g. mou-ke-2024 (see the mous query)")
	quarter := fs.String("quarter", "", "the quarter to evaluate, e.g. 2025-Q3")
	format := fs.String("format", "", "pdf, csv or json (default: from the -o file name's extension, else json)")
	out := fs.String("o", "-", "output file; - for standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *mouID == "" || *quarter == "" {
		fs.Usage()
		return fmt.Errorf("report: --mou and --quarter are required")
	}
	f := *format
	if f == "" {
		f = formatOf(*out)
	}
	write, ok := reportWriters[f]
	if !ok {
		return fmt.Errorf("report: --format %q: use pdf, csv or json", f)
	}
	logger := newLogger(cfg.LogFormat, stderr)
	e, store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer e.Close()
	ev, err := evaluator(e, store, cfg).Evaluate(ctx, *mouID, *quarter)
	if err != nil {
		return fmt.Errorf("report: %s", postclear.ErrorMessage(err))
	}
	w := stdout
	var file *os.File
	if *out != "-" {
		if file, err = os.Create(*out); err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriter(w)
	if err := write(bw, &ev); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		return file.Close()
	}
	return nil
}

var reportWriters = map[string]func(io.Writer, *postclear.Evaluation) error{
	"json": report.WriteJSON,
	"csv":  report.WriteCSV,
	"pdf": func(w io.Writer, ev *postclear.Evaluation) error {
		return report.WritePDF(w, ev, report.PDFOptions{Generated: time.Now()})
	},
}

func formatOf(name string) string {
	for _, f := range []string{"pdf", "csv", "json"} {
		if len(name) > len(f) && name[len(name)-len(f)-1:] == "."+f {
			return f
		}
	}
	return "json"
}

// evaluator computes evaluations over the KPI service of the engine.
func evaluator(e warehouse.Engine, store *warehouse.Store, cfg Config) *report.Evaluator {
	return &report.Evaluator{
		KPIs: &analytics.Service{Engine: e, Layout: cfg.layout(), Now: time.Now},
		MoUs: store,
		Data: store,
	}
}

// seedMoUs stores the demo MoUs with their activities and disputes unless
// an MoU exists already, so that a second seed does not duplicate them.
func seedMoUs(ctx context.Context, store *warehouse.Store) (int, error) {
	existing, err := store.MoUs(ctx, true)
	if err != nil || len(existing) > 0 {
		return 0, err
	}
	seeds := demo.MoUs()
	for _, s := range seeds {
		m, err := store.CreateMoU(ctx, s.MoU)
		if err != nil {
			return 0, fmt.Errorf("demo MoU %s: %w", s.MoU.Country, err)
		}
		for i := range s.Activities {
			s.Activities[i].MoUID = m.ID
		}
		for i := range s.Disputes {
			s.Disputes[i].MoUID = m.ID
		}
		if err := store.InsertActivities(ctx, s.Activities); err != nil {
			return 0, err
		}
		if err := store.InsertDisputes(ctx, s.Disputes); err != nil {
			return 0, err
		}
	}
	return len(seeds), nil
}
