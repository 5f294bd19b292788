package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/postclear/postclear/tools/internal/bench"
)

// runCompare is the regression check of `make bench-quick`: it compares
// a results-N.json against the committed baseline as ratios (see
// bench.Baseline) and prints each case that got worse beyond the
// tolerance. It fails only with --fail; --update writes the baseline
// from the run instead.
func runCompare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	update := fs.Bool("update", false, "write the baseline from the result instead of comparing")
	fail := fs.Bool("fail", false, "exit non-zero when a case got worse beyond the tolerance")
	tol := bench.DefaultTolerance
	fs.Float64Var(&tol.Time, "time-tolerance", tol.Time, "factor a case's time ÷ clearance's may grow by")
	fs.Float64Var(&tol.Read, "read-tolerance", tol.Read, "factor a case's rows and bytes read may grow by")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: postclear-bench compare [--update] [--fail] BASELINE.json RESULTS-N.json")
	}
	basePath, resultPath := fs.Arg(0), fs.Arg(1)
	var res Result
	if err := readJSON(resultPath, &res); err != nil {
		return err
	}
	run := baselineOf(&res)
	if *update {
		b, err := json.MarshalIndent(run, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: wrote the baseline %s from %s\n", basePath, resultPath)
		return os.WriteFile(basePath, append(b, '\n'), 0o644)
	}
	var base bench.Baseline
	if _, err := os.Stat(basePath); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "bench: no baseline %s to compare with (--update writes it)\n", basePath)
		return nil
	}
	if err := readJSON(basePath, &base); err != nil {
		return err
	}
	regs, err := bench.Compare(base, run, tol)
	if err != nil {
		return err
	}
	if len(regs) == 0 {
		fmt.Fprintf(os.Stderr, "bench: no case worse than %s (time ÷ clearance ×%.2f, reads ×%.2f)\n", basePath, tol.Time, tol.Read)
		return nil
	}
	fmt.Fprintf(os.Stderr, "bench: %d case(s) worse than %s (time ÷ clearance ×%.2f, reads ×%.2f):\n", len(regs), basePath, tol.Time, tol.Read)
	for _, r := range regs {
		fmt.Fprintln(os.Stderr, "  "+r.String())
	}
	if *fail {
		return fmt.Errorf("%d regression(s)", len(regs))
	}
	return nil
}

// baselineOf takes each case's HTTP median (result cache off) and the
// engine's reads for its SQL.
func baselineOf(r *Result) bench.Baseline {
	var ms []bench.Measured
	for _, h := range r.HTTP {
		m := bench.Measured{Case: h.Case, MedianMS: h.First.Median}
		if e := find(r.Engine, func(x EngineResult) bool { return x.Case == h.Case }); e != nil {
			m.ReadRows, m.ReadBytes = e.ReadRows, e.ReadBytes
		}
		ms = append(ms, m)
	}
	return bench.NewBaseline(r.Items, ms)
}

func readJSON(path string, dst any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
