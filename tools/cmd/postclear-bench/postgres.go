package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/tools/internal/bench"
)

// pgSettings are the server settings of the PostgreSQL cluster: sized for
// an analytics box of this kind (a quarter of memory for shared buffers,
// generous sort memory, both cores for parallel scans), so the comparison
// is with a tuned PostgreSQL, not a default one.
var pgSettings = []string{
	"listen_addresses=127.0.0.1", "shared_buffers=4GB", "work_mem=256MB",
	"maintenance_work_mem=1GB", "effective_cache_size=16GB",
	"max_parallel_workers_per_gather=2", "random_page_cost=1.1",
	"fsync=off", "synchronous_commit=off", "full_page_writes=off",
}

// postgres starts a throw-away cluster (Debian's postgresql package, as
// the postgres user because the server refuses to run as root), loads the
// exported tables, indexes them, times the PostgreSQL SQL of every case
// and checks its numbers against the engine's.
func postgres(ctx context.Context, c config, exportDir string, res *Result) error {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		return fmt.Errorf("PostgreSQL is not installed (apt-get install postgresql)")
	}
	bin := filepath.Dir(bins[len(bins)-1])
	cluster, err := filepath.Abs(filepath.Join(c.work, "pg"))
	if err != nil {
		return err
	}
	os.RemoveAll(cluster)
	if err := os.MkdirAll(cluster, 0o700); err != nil {
		return err
	}
	asPG := func(name string, args ...string) *exec.Cmd {
		if os.Geteuid() == 0 {
			return exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", filepath.Join(bin, name)}, args...)...)
		}
		return exec.CommandContext(ctx, filepath.Join(bin, name), args...)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "-R", "postgres:postgres", cluster).CombinedOutput(); err != nil {
			return fmt.Errorf("chown: %v: %s", err, out)
		}
	}
	if out, err := asPG("initdb", "-D", cluster, "-A", "trust", "-U", "postgres", "--no-locale", "-E", "UTF8").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v: %s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	port := addr[strings.LastIndex(addr, ":")+1:]
	opts := "-p " + port + " -k /tmp"
	for _, s := range pgSettings {
		opts += " -c " + s
	}
	if out, err := asPG("pg_ctl", "-D", cluster, "-o", opts, "-l", filepath.Join(cluster, "log"), "-w", "start").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	defer asPG("pg_ctl", "-D", cluster, "-m", "fast", "-w", "stop").Run()

	psql := func(stdin string, extra ...string) (string, error) {
		args := append([]string{"-X", "-q", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"}, extra...)
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "psql"), args...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("psql: %v: %s", err, errb.String())
		}
		return out.String(), nil
	}
	start := time.Now()
	load := bench.PGSchema + "\n"
	for _, t := range []string{"milestones", "seizures", "declarations"} {
		load += fmt.Sprintf("\\copy %s FROM '%s' WITH (FORMAT csv, NULL '\\N')\n", t, filepath.Join(exportDir, t+".csv"))
	}
	load += bench.PGIndexes + "\n"
	if _, err := psql(load); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	res.PGLoad = time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "postgres: loaded and indexed in %.1f s\n", res.PGLoad)

	// The engine's result of each case, to check PostgreSQL's against.
	lines := map[string][]string{}
	for _, r := range res.Engine {
		lines[r.Case] = r.Lines
	}
	// Parameters as the server would bind them, so that "today" and the
	// seizure look-back agree with the engine's run.
	svc := newParamService()
	for _, cs := range bench.Cases(bench.DefaultWindow) {
		if !bench.Compared(cs.Family) {
			continue
		}
		_, params, err := bench.SQL(ctx, svc, cs)
		if err != nil {
			return err
		}
		q, err := bench.PGSQL(cs, params)
		if err != nil {
			return err
		}
		r := PGResult{Case: cs.Name()}
		out, err := psql(q+";\n", "-A", "-t", "-F", "\t")
		if err == nil {
			got := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if cerr := bench.SameNumbers(lines[cs.Name()], got); cerr != nil {
				r.Error = "numbers differ from the engine's: " + cerr.Error()
			} else {
				r.Matches = true
			}
			r.Timing, err = pgTime(psql, q, c.warmup, c.reps)
		}
		if err != nil {
			r.Error = err.Error()
		}
		fmt.Fprintf(os.Stderr, "postgres %-26s p50 %8.1f ms  p95 %8.1f ms  match %v %s\n", cs.Name(), r.Timing.Median, r.Timing.P95, r.Matches, r.Error)
		res.Postgres = append(res.Postgres, r)
	}
	return nil
}

var psqlTime = regexp.MustCompile(`(?m)^Time: ([0-9.]+) ms`)

// pgTime runs q warmup+reps times in one psql session with \timing, which
// measures each statement from the client's side of the socket.
func pgTime(psql func(string, ...string) (string, error), q string, warmup, reps int) (bench.Summary, error) {
	var script strings.Builder
	script.WriteString("\\timing on\n\\o /dev/null\n")
	for i := 0; i < warmup+reps; i++ {
		script.WriteString(q + ";\n")
	}
	out, err := psql(script.String())
	if err != nil {
		return bench.Summary{}, err
	}
	m := psqlTime.FindAllStringSubmatch(out, -1)
	if len(m) != warmup+reps {
		return bench.Summary{}, fmt.Errorf("psql printed %d timings, want %d", len(m), warmup+reps)
	}
	var ds []time.Duration
	for _, t := range m[warmup:] {
		ms, _ := strconv.ParseFloat(t[1], 64)
		ds = append(ds, time.Duration(ms*float64(time.Millisecond)))
	}
	return bench.Summarize(ds), nil
}

// newParamService builds SQL parameters without an engine: the analytics
// service needs one only to run queries.
func newParamService() *analytics.Service {
	return &analytics.Service{Layout: warehouse.Layout{Database: "postclear"}, Now: time.Now}
}
