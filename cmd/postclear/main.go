// Command postclear is the GraphQL analytics and reporting server of a
// customs–post MoU: it ingests postal tracking events, customs declarations
// and decisions into ClickHouse (embedded chDB or a server) and answers KPI
// queries over GraphQL.
//
//	postclear serve     run the GraphQL server
//	postclear ingest    load records, or MoU activities, disputes and actions, from files
//	postclear seed      generate deterministic demo data
//	postclear report    write the quarterly evaluation of an MoU
//	postclear mou       list, create or archive MoUs
//	postclear token     mint a JWT for a role and countries
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
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…" (the
// Makefile and the Dockerfile do).
var version = "dev"

const usage = `postclear: GraphQL analytics for customs–post MoU evaluation

Usage:
  postclear serve   [flags]                          run the GraphQL server
  postclear ingest  events|declarations|decisions|holidays|activities|disputes|actions FILE... [flags]
                                                     load records (CSV or JSON Lines, optionally .gz; - for stdin)
  postclear seed    [flags]                          generate deterministic demo data (load it, or --out DIR)
  postclear report  --mou ID --quarter 2025-Q3 [--format pdf|csv|json] [-o FILE] [--server URL]
                                                     write the quarterly evaluation of an MoU
  postclear mou     list|create|archive [flags]      list, create or archive MoUs
  postclear token   --role ROLE [--countries KE,TH] [flags]
                                                     mint a JWT for the server's HS256 secret
  postclear migrate [flags]                          create or upgrade the schema
  postclear healthcheck [--addr HOST:PORT]           ask a running server whether it is ready (exit 0 if so)
  postclear version                                  print the version

Flags may come before or after the other arguments; -- ends them. Run
'postclear COMMAND --help' for the flags of a command. Every flag can also
be set by an environment variable: --data-dir is POSTCLEAR_DATA_DIR.
`

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// runMain runs one command with SIGINT and SIGTERM cancelling its context,
// so that a load stops at its next read and says what it stored. A second
// signal is not caught: it ends the process at once, for a user who will
// not wait.
func runMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return run(ctx, args, stdin, stdout, stderr)
}

// Exit statuses of every command (ingest refines 1: ingest.ExitRejected).
const (
	exitOK      = 0
	exitFailure = 1 // the command failed
	exitUsage   = 2 // the command line is wrong; nothing was done
)

// usageError is a mistake on the command line (an unknown flag, a bad flag
// value, a missing argument). It is reported in one line and exits 2,
// before anything is opened or stored.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitStatus is a failure already reported to the user, ending the
// process with its code.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// commands are the subcommands, by name.
var commands = map[string]func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error{
	"serve": func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return runServe(ctx, args, stdout, stderr)
	},
	"ingest":  runIngest,
	"seed":    runSeed,
	"report":  runReport,
	"mou":     runMoU,
	"token":   runToken,
	"migrate": runMigrate,
	"healthcheck": func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return runHealthcheck(ctx, args, stdout, stderr)
	},
	"version": runVersion,
}

// run executes one command and returns the process exit status: 0 done
// (or --help), 1 failed, 2 a mistake on the command line (ingest also
// uses 1 for rejected rows, docs/records.md).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "postclear: name a command (serve, ingest, seed, report, mou, token, migrate, healthcheck, version); postclear --help lists them")
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "--version", "-version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "postclear: unknown command %q; postclear --help lists the commands\n", name)
		return exitUsage
	}
	err := cmd(ctx, rest, stdin, stdout, stderr)
	var ue usageError
	var status exitStatus
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "postclear %s: %v (postclear %s --help)\n", name, ue.error, name)
		return exitUsage
	case errors.As(err, &status):
		return int(status)
	}
	fmt.Fprintf(stderr, "postclear %s: %v\n", name, err)
	return exitFailure
}

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	fs := newFlagSet("version", "version", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "postclear", buildVersion())
	return nil
}

// buildVersion is the version stamped by the build, or else what the Go
// toolchain recorded: the module version, or the VCS revision of a build
// from a checkout.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return version
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}
