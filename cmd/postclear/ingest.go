package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

// runIngest loads files and returns the exit status the issue fixes: 0 when
// every row was accepted, 1 when some were rejected (the valid ones are
// stored), 2 when the run failed.
func runIngest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg := DefaultConfig()
	fs := newFlagSet("ingest", "ingest events|declarations|decisions|activities|disputes [flags] FILE...", stderr)
	cfg.engineFlags(fs)
	errorsFile := fs.String("errors", "", "write every rejected row (file, line, field, message) to this file: CSV, or JSON Lines when it ends in .jsonl")
	batch := fs.Int("batch-size", ingest.DefaultBatchSize, "rows per insert")
	maxRecord := fs.Int("max-record-bytes", ingest.DefaultMaxRecordBytes, "longest record (CSV row, JSON line) accepted, in bytes; a longer one is rejected with its line and field")
	quiet := fs.Bool("quiet", false, "no progress line")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fs.Usage()
			return 0
		}
		fmt.Fprintln(stderr, "postclear ingest: name the record kind first: events, declarations, decisions, activities or disputes")
		fs.Usage()
		return ingest.ExitFailed
	}
	kind := postclear.RecordKind(args[0])
	switch kind {
	case postclear.KindEvents, postclear.KindDeclarations, postclear.KindDecisions, postclear.KindActivities, postclear.KindDisputes:
	default:
		fmt.Fprintf(stderr, "postclear ingest: unknown record kind %q: use events, declarations, decisions, activities or disputes\n", args[0])
		return ingest.ExitFailed
	}
	if err := parse(fs, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return ingest.ExitFailed
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "postclear ingest: name at least one file (- for standard input)")
		return ingest.ExitFailed
	}

	opts := ingest.LoadOptions{Stdin: stdin, Now: time.Now(), BatchSize: *batch, MaxRecordBytes: *maxRecord}
	if *errorsFile != "" {
		f, err := os.Create(*errorsFile)
		if err != nil {
			fmt.Fprintln(stderr, "postclear ingest:", err)
			return ingest.ExitFailed
		}
		defer f.Close()
		opts.Errors = ingest.NewErrorReport(*errorsFile, f)
	}
	if !*quiet && isTerminal(stderr) {
		opts.Progress = progressPrinter(stderr)
	}

	logger := newLogger(cfg.LogFormat, stderr)
	e, store, err := openStore(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, "postclear ingest:", err)
		return ingest.ExitFailed
	}
	defer e.Close()

	var sum ingest.Summary
	if kind == postclear.KindActivities || kind == postclear.KindDisputes {
		sum, err = ingest.LoadCommitmentFiles(ctx, store, kind, files, opts)
	} else {
		sum, err = ingest.LoadFiles(ctx, store, kind, files, opts)
	}
	if opts.Errors != nil {
		if ferr := opts.Errors.Flush(); ferr != nil && err == nil {
			err = ferr
		}
	}
	if opts.Progress != nil {
		fmt.Fprintln(stderr)
	}
	for _, fe := range sum.FirstErrors {
		fmt.Fprintln(stderr, "rejected:", fe.Error())
	}
	if more := sum.Rejected - int64(len(sum.FirstErrors)); more > 0 && sum.Rejected > 0 {
		where := "use --errors FILE to get them all"
		if *errorsFile != "" {
			where = "all are in " + *errorsFile
		}
		fmt.Fprintf(stderr, "… and more rejected rows (%s)\n", where)
	}
	rate := 0.0
	if s := sum.Elapsed.Seconds(); s > 0 {
		rate = float64(sum.Read) / s
	}
	fmt.Fprintf(stdout, "%s: %d files, %d rows read, %d accepted, %d rejected in %s (%.0f rows/s)\n",
		kind, sum.Files, sum.Read, sum.Accepted, sum.Rejected, sum.Elapsed.Round(time.Millisecond), rate)
	for _, fe := range sum.FailedFiles {
		fmt.Fprintln(stderr, "postclear ingest:", fe)
	}
	if err != nil {
		fmt.Fprintln(stderr, "postclear ingest:", err)
	}
	return sum.ExitCode(err)
}

// progressPrinter rewrites one status line about once a second.
func progressPrinter(w io.Writer) func(ingest.Progress) {
	return func(p ingest.Progress) {
		fmt.Fprintf(w, "\r%s: %d rows, %d accepted, %d rejected, %.0f rows/s   ", p.File, p.Read, p.Accepted, p.Rejected, p.RowsPerSecond)
	}
}

// isTerminal reports whether w is a character device, so that progress
// lines are not written into logs and pipes.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
