package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/postclear/postclear/tools/internal/bench"
)

// writeResult writes results-N.json (for the plot and later comparison)
// and results-N.md (for docs/benchmarks.md) into the output directory.
func writeResult(c config, res *Result) error {
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	base := filepath.Join(c.out, fmt.Sprintf("results-%d", res.Items))
	if err := os.WriteFile(base+".json", b, 0o644); err != nil {
		return err
	}
	md := markdown(res)
	fmt.Print(md)
	return os.WriteFile(base+".md", []byte(md), 0o644)
}

func markdown(r *Result) string {
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	p("## %d items (%s)\n\n", r.Items, r.Started.Format("2006-01-02 15:04 UTC"))
	p("Machine: %d CPUs, %s, %.1f GB; %s. Command: `%s`.\n\n", r.Machine.CPUs, r.Machine.CPU, r.Machine.MemoryGB, r.Machine.Go, r.Command)

	p("### Ingest\n\n| kind | rows | `postclear ingest` s | rows/s | engine `INSERT … FROM file()` s | rows/s | ratio |\n|---|---:|---:|---:|---:|---:|---:|\n")
	var tr, ts, er, es float64
	for i, in := range r.Ingest {
		tr += float64(in.Rows)
		ts += in.Seconds
		line := fmt.Sprintf("| %s | %d | %.1f | %.0f |", in.Kind, in.Rows, in.Seconds, in.PerSec)
		if i < len(r.EngineIngest) {
			e := r.EngineIngest[i]
			er += float64(e.Rows)
			es += e.Seconds
			line += fmt.Sprintf(" %.1f | %.0f | %.2f |", e.Seconds, e.PerSec, in.PerSec/e.PerSec)
		} else {
			line += " | | |"
		}
		p("%s\n", line)
	}
	if ts > 0 && es > 0 {
		p("| all | %.0f | %.1f | %.0f | %.1f | %.0f | %.2f |\n", tr, ts, tr/ts, es, er/es, (tr/ts)/(er/es))
	}

	p("\n### Queries (ms; median / p95 over %d runs after %s)\n\n", firstRuns(r), "a warm-up")
	p("Rows needed: the rows of the query's populations (the facts that pass its filters and range, before grouping); read ÷ needed: engine read rows ÷ rows needed, which is also its bytes read ÷ the bytes of the needed rows at the width per row of the columns it read (issue 17: at most 3 for one destination × one quarter).\n\n")
	p("| case | HTTP GraphQL | HTTP repeated | engine, same SQL | engine in the server | server overhead (p50) | naive raw events | naive ÷ HTTP | PostgreSQL | PG ÷ HTTP | result rows | engine read rows | engine read MB | rows needed | read ÷ needed |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, h := range r.HTTP {
		e := find(r.Engine, func(x EngineResult) bool { return x.Case == h.Case })
		pg := find(r.Postgres, func(x PGResult) bool { return x.Case == h.Case })
		naive, pgCell, ratioN, ratioPG := "", "", "", ""
		// Only the families of issue 5 have a naive version.
		if e != nil && (e.Naive.Runs > 0 || e.NaiveError != "") {
			naive = cell(e.Naive)
			if !e.NaiveMatches {
				naive += " (differs!)"
			}
			ratioN = ratio(e.Naive.Median / h.First.Median)
		}
		if pg != nil {
			pgCell = cell(pg.Timing)
			if !pg.Matches {
				pgCell += " (differs!)"
			}
			ratioPG = ratio(pg.Timing.Median / h.First.Median)
		}
		eng, rows, read, readMB, needed, ratioRead := "", "", "", "", "", ""
		if e != nil {
			eng = cell(e.Engine)
			rows = fmt.Sprint(e.Rows)
			read, readMB = fmt.Sprint(e.ReadRows), fmt.Sprintf("%.1f", float64(e.ReadBytes)/1e6)
			if e.MatchRows > 0 {
				needed, ratioRead = fmt.Sprint(e.MatchRows), fmt.Sprintf("%.1f", float64(e.ReadRows)/float64(e.MatchRows))
			}
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", h.Case, cell(h.First), cell(h.Repeated), eng, cell(h.Engine), overhead(h, e),
			naive, ratioN, pgCell, ratioPG, rows, read, readMB, needed, ratioRead)
	}
	for _, h := range r.HTTP {
		if h.FirstReads != nil {
			p("\n%s: its timed runs read items read once before (as every case's warm-up reads what its runs read); the first read of each, before them: %s ms (median / p95).\n", h.Case, cell(*h.FirstReads))
		}
	}
	p("\nServer RSS: peak (VmHWM) %.0f MB, largest sampled during queries %.0f MB, idle after start %.0f MB.\n",
		float64(r.RSS.PeakKB)/1024, float64(r.RSS.MaxSampledKB)/1024, float64(r.RSS.IdleKB)/1024)
	if r.PGLoad > 0 {
		p("PostgreSQL load of milestones, first seizures and declarations, with indexes and ANALYZE: %.0f s.\n", r.PGLoad)
	}
	if r.PGNote != "" {
		p("PostgreSQL: %s\n", r.PGNote)
	}
	return sb.String()
}

// overhead is the median of the server's overhead over the engine: of
// each request's latency less the engine's time the server reported for
// it (Server-Timing). For a result of a server that did not report it,
// the difference of the HTTP and engine-only medians, marked "≈": two
// runs in different processes, minutes apart.
func overhead(h HTTPResult, e *EngineResult) string {
	switch {
	case h.Overhead.Runs > 0:
		return ms(h.Overhead.Median)
	case e != nil:
		return fmt.Sprintf("≈ %.1f", h.First.Median-e.Engine.Median)
	}
	return ""
}

func firstRuns(r *Result) int {
	if len(r.HTTP) > 0 {
		return r.HTTP[0].First.Runs
	}
	return 0
}

func cell(s bench.Summary) string {
	if s.Runs == 0 {
		return "–"
	}
	return fmt.Sprintf("%s / %s", ms(s.Median), ms(s.P95))
}

func ms(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func find[T any](xs []T, f func(T) bool) *T {
	if i := slices.IndexFunc(xs, f); i >= 0 {
		return &xs[i]
	}
	return nil
}

// ratio prints how many times slower the alternative is; below 1 the
// alternative is faster, which the table must not round away.
func ratio(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.0f×", v)
	}
	return fmt.Sprintf("%.2f×", v)
}

// runReport prints the Markdown of a results-N.json file again, e.g.
// after the report's layout changed.
func runReport(args []string) error {
	for _, f := range args {
		var r Result
		if err := readJSON(f, &r); err != nil {
			return err
		}
		fmt.Print(markdown(&r))
	}
	return nil
}
