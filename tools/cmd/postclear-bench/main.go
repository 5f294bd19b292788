// Command postclear-bench is the benchmark of issue 5 (docs/benchmarks.md),
// run by `make bench` through scripts/bench.sh. It drives the real
// binaries: it seeds CSV files with `postclear seed --out`, loads them with
// `postclear ingest`, times GraphQL over HTTP against `postclear serve`,
// and compares with the engine alone, a naive raw-events query, the
// engine's unvalidated CSV ingest and PostgreSQL.
//
// The embedded engine allows one engine per process and one process per
// data directory, so every step that opens chDB runs in its own process:
// the orchestrating `run` never opens it itself, it starts this binary's
// `engine` and `engine-ingest` subcommands.
//
//	postclear-bench run --items N          the whole benchmark at one size
//	postclear-bench queries --data-dir D   only the queries, over an existing database
//	postclear-bench engine ...             (child) SQL straight on the engine
//	postclear-bench engine-ingest ...      (child) INSERT … FROM file() ceiling
//	postclear-bench cpu -data-dir D CASE...  CPU per statement, cases interleaved
//	postclear-bench sql -data-dir D FILE     statements by hand, with rows and bytes read
//	postclear-bench plot OUT.png RESULT... latency against data size
//	postclear-bench report RESULT...       the Markdown of saved results
//	postclear-bench compare BASE RESULT    the regression check against a baseline
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: postclear-bench run|queries|engine|engine-ingest|cpu|sql|plot|report|compare [flags]")
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "run":
		err = runBench(ctx, args)
	case "queries":
		err = runQueries(ctx, args)
	case "engine":
		err = runEngine(ctx, args, os.Stdout)
	case "engine-ingest":
		err = runEngineIngest(ctx, args, os.Stdout)
	case "cpu":
		err = runCPU(ctx, args, os.Stdout)
	case "sql":
		err = runSQL(ctx, args, os.Stdout)
	case "plot":
		err = runPlot(args)
	case "report":
		err = runReport(args)
	case "compare":
		err = runCompare(args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "postclear-bench:", err)
		os.Exit(1)
	}
}
