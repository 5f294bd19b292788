package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/tools/internal/bench"
)

// runCPU times cases by the CPU this process spends on them, which on a
// shared machine varies less than their wall time: the embedded engine
// runs in this process, so its threads' CPU is the process's. Each
// argument is a case name ("stages/all-year"), run with the server's SQL,
// or name=file.sql, run with that file's text and the case's parameters
// (another version of the statement, to compare). The arguments run
// interleaved, round after round, and each is reported with its rows and
// bytes read, its CPU and wall time per run and its CPU over the first
// argument's; a file's result must equal the case's server result
// unless -same=false (to time parts of a statement).
//
//	postclear-bench cpu -data-dir DIR clearance/all-year stages/all-year stages/all-year=old.sql
func runCPU(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cpu", flag.ContinueOnError)
	ef := addEngineFlags(fs, "chDB data directory (a copy: it is migrated)")
	warmup := fs.Int("warmup", 1, "untimed rounds first")
	reps := fs.Int("reps", 10, "timed rounds")
	same := fs.Bool("same", true, "require a file's result to equal the case's (false: parts of a statement)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, svc, err := ef.open(ctx, true)
	if err != nil {
		return err
	}
	defer e.Close()
	type job struct {
		label, text string
		params      warehouse.Params
		read, bytes uint64
		cpu, wall   time.Duration
	}
	var jobs []*job
	for _, a := range fs.Args() {
		name, file, _ := strings.Cut(a, "=")
		c, err := caseNamed(name)
		if err != nil {
			return err
		}
		stmts, params, err := bench.SQL(ctx, svc, c)
		if err != nil {
			return err
		}
		if len(stmts) != 1 {
			return fmt.Errorf("%s: %d statements, not one", name, len(stmts))
		}
		j := &job{label: a, text: stmts[0], params: params}
		if file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			j.text = string(b)
		}
		if file != "" && *same {
			want, err := bench.Lines(ctx, e, stmts[0], params)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			got, err := bench.Lines(ctx, e, j.text, params)
			if err != nil {
				return fmt.Errorf("%s: %w", a, err)
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("%s: the result differs from the server SQL's", a)
			}
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return fmt.Errorf("no case given")
	}
	for r := 0; r < *warmup+*reps; r++ {
		for _, j := range jobs {
			cpu, start := processCPU(), time.Now()
			read, bytes, err := drain(ctx, e, j.text, j.params)
			if err != nil {
				return fmt.Errorf("%s: %w", j.label, err)
			}
			if r >= *warmup {
				j.cpu += processCPU() - cpu
				j.wall += time.Since(start)
				j.read, j.bytes = read, bytes
			}
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(*reps) }
	fmt.Fprintf(stdout, "%-48s %10s %8s %9s %9s %8s\n", "case", "rows read", "MB read", "CPU ms", "wall ms", "CPU ÷ 1st")
	for _, j := range jobs {
		fmt.Fprintf(stdout, "%-48s %10d %8.1f %9.1f %9.1f %8.2f\n", j.label, j.read, float64(j.bytes)/1e6,
			ms(j.cpu), ms(j.wall), float64(j.cpu)/float64(jobs[0].cpu))
	}
	return nil
}

// processCPU is the user and system CPU this process has spent.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// caseNamed returns the case of the default window named name
// ("stages/all-year").
func caseNamed(name string) (bench.Case, error) {
	cases := bench.Cases(bench.DefaultWindow)
	i := slices.IndexFunc(cases, func(c bench.Case) bool { return c.Name() == name })
	if i < 0 {
		return bench.Case{}, fmt.Errorf("no case %q", name)
	}
	return cases[i], nil
}
