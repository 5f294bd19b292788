package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

// ingestKinds are the record kinds `postclear ingest` loads.
var ingestKinds = []postclear.RecordKind{postclear.KindEvents, postclear.KindDeclarations, postclear.KindDecisions,
	postclear.KindHolidays, postclear.KindActivities, postclear.KindDisputes, postclear.KindActions}

// runIngest loads files. Its exit status says what happened to the input
// (docs/records.md): 0 every row was accepted; 1 some rows were rejected or
// a file could not be read to its end (everything else is stored); 2 the
// run failed or the command line is wrong.
func runIngest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("ingest", "ingest "+kindList("|")+" FILE... [flags]", stdout)
	cfg.engineFlags(fs)
	errorsFile := fs.String("errors", "", "write every rejected row (file, line, field, message) to this file: CSV, or JSON Lines when it ends in .jsonl")
	batch := fs.Int("batch-size", ingest.DefaultBatchSize, "rows per insert")
	cfg.recordFlags(fs)
	quiet := fs.Bool("quiet", false, "no progress line")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("name the record kind (%s) and at least one file (- for standard input)", kindList(", "))
	}
	kind := postclear.RecordKind(rest[0])
	if !slices.Contains(ingestKinds, kind) {
		return usagef("unknown record kind %q: use %s", rest[0], kindList(", "))
	}
	files := rest[1:]
	if len(files) == 0 {
		return usagef("name at least one file (- for standard input)")
	}
	if *batch <= 0 || cfg.MaxRecordBytes <= 0 {
		return usagef("--batch-size and --max-record-bytes must be positive")
	}

	opts := ingest.LoadOptions{Stdin: stdin, Now: time.Now(), BatchSize: *batch, MaxRecordBytes: cfg.MaxRecordBytes}
	if *errorsFile != "" {
		f, err := os.Create(*errorsFile)
		if err != nil {
			return err
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
		return exitStatus(ingest.ExitFailed)
	}
	defer e.Close()

	sum, err := ingest.LoadFiles(ctx, store, kind, files, opts)
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
	if code := sum.ExitCode(err); code != ingest.ExitOK {
		return exitStatus(code)
	}
	return nil
}

func kindList(sep string) string {
	names := make([]string, len(ingestKinds))
	for i, k := range ingestKinds {
		names[i] = string(k)
	}
	return strings.Join(names, sep)
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
