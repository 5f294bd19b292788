// Command postclear is the GraphQL analytics and reporting server of a
// customs–post MoU: it ingests postal tracking events, customs declarations
// and decisions into ClickHouse (embedded chDB or a server) and answers KPI
// queries over GraphQL.
//
//	postclear serve     run the GraphQL server
//	postclear ingest    load events, declarations, decisions, MoU activities or disputes from files
//	postclear seed      generate deterministic demo data
//	postclear report    write the quarterly evaluation of an MoU
//	postclear migrate   create or upgrade the schema
//	postclear healthcheck  ask a running server whether it is ready
//	postclear version   print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `postclear: GraphQL analytics for customs–post MoU evaluation

Usage:
  postclear serve   [flags]                          run the GraphQL server
  postclear ingest  events|declarations|decisions|activities|disputes [flags] FILE...
                                                     load records (CSV or JSON Lines, optionally .gz; - for stdin)
  postclear seed    [flags]                          generate deterministic demo data (load it, or --out DIR)
  postclear report  --mou ID --quarter 2025-Q3 [--format pdf|csv|json] [-o FILE]
                                                     write the quarterly evaluation of an MoU
  postclear migrate [flags]                          create or upgrade the schema
  postclear version                                  print the version

Run 'postclear COMMAND --help' for the flags of a command. Every flag can
also be set by an environment variable: --data-dir is POSTCLEAR_DATA_DIR.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = runServe(ctx, rest, stderr)
	case "ingest":
		return runIngest(ctx, rest, stdin, stdout, stderr)
	case "seed":
		err = runSeed(ctx, rest, stdout, stderr)
	case "report":
		err = runReport(ctx, rest, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, rest, stdout, stderr)
	case "healthcheck":
		err = runHealthcheck(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "postclear", version)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "postclear: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if ue := (usageError{}); errors.As(err, &ue) {
		fmt.Fprintln(stderr, "postclear:", err)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "postclear:", err)
		return 1
	}
	return 0
}

// usageError is a command line the command refuses to run with (a bad
// flag value): exit status 2, as for a flag the command does not know.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: postclear %s\n\nFlags (each also settable as POSTCLEAR_<FLAG>, e.g. POSTCLEAR_DATA_DIR):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}
