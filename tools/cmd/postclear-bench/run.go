package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/postclear/postclear/tools/internal/bench"
)

// Result is one benchmark run at one data size, written as JSON and
// Markdown into the output directory.
type Result struct {
	Items        int                `json:"items"`
	Command      string             `json:"command"`
	Machine      Machine            `json:"machine"`
	Started      time.Time          `json:"started"`
	SeedSeconds  float64            `json:"seed_seconds,omitempty"`
	Ingest       []IngestResult     `json:"ingest"`
	EngineIngest []IngestResult     `json:"engine_ingest"`
	HTTP         []HTTPResult       `json:"http"`
	RSS          RSS                `json:"server_rss"`
	Engine       []EngineResult     `json:"engine"`
	Postgres     []PGResult         `json:"postgres,omitempty"`
	PGLoad       float64            `json:"postgres_load_seconds,omitempty"`
	PGNote       string             `json:"postgres_note,omitempty"`
	Notes        map[string]float64 `json:"notes,omitempty"`
}

// Machine is what the figures were measured on.
type Machine struct {
	CPUs     int     `json:"cpus"`
	CPU      string  `json:"cpu"`
	MemoryGB float64 `json:"memory_gb"`
	Go       string  `json:"go"`
}

// HTTPResult is one case through GraphQL over HTTP.
type HTTPResult struct {
	Case string `json:"case"`
	// First is each run of the case with the server's result cache off,
	// interleaved with the other cases; Repeated is the second of two
	// identical requests sent back to back with the cache on.
	First    bench.Summary `json:"first"`
	Repeated bench.Summary `json:"repeated"`
	// Engine is the engine's time within each First request, as the
	// server reports it (Server-Timing), and Overhead each First
	// request's latency less its own engine time: the server's overhead
	// measured request by request in one process.
	Engine   bench.Summary `json:"engine_in_server"`
	Overhead bench.Summary `json:"overhead"`
	// FirstReads, for the item case, is the first request for each of
	// its items, before the timed runs: a point read whose granules the
	// engine reads from disk unless the OS still caches them.
	FirstReads *bench.Summary `json:"first_reads,omitempty"`
}

// RSS is the server's resident memory.
type RSS struct {
	// PeakKB is VmHWM at the end of the query runs: the high-water mark
	// since the server started, so it covers opening the data as well.
	PeakKB int64 `json:"peak_kb"`
	// MaxSampledKB is the largest VmRSS seen while queries ran.
	MaxSampledKB int64 `json:"max_sampled_kb"`
	// IdleKB is VmRSS once the server was ready, before any query.
	IdleKB int64 `json:"idle_kb"`
}

// PGResult is one case on PostgreSQL.
type PGResult struct {
	Case    string        `json:"case"`
	Timing  bench.Summary `json:"timing"`
	Matches bool          `json:"matches"`
	Error   string        `json:"error,omitempty"`
}

type config struct {
	items                    int
	work, out, postclear     string
	self, lib                string
	warmup, reps, naiveReps  int
	pg, engineIngest, keepDB bool
}

// flags registers on fs the flags run and queries share, with what
// --items and --work mean to each and the default of --naive-reps.
func (c *config) flags(fs *flag.FlagSet, items, work string, naiveReps int) {
	fs.IntVar(&c.items, "items", 1_000_000, items)
	fs.StringVar(&c.work, "work", "bench-out/work", work)
	fs.StringVar(&c.out, "out", "bench-out", "where results-N.json and results-N.md go")
	fs.StringVar(&c.postclear, "postclear", "bin/postclear", "the postclear binary under test")
	fs.StringVar(&c.lib, "chdb-lib", os.Getenv("POSTCLEAR_CHDB_LIB"), "libchdb.so")
	fs.IntVar(&c.warmup, "warmup", 3, "untimed runs of each query first")
	fs.IntVar(&c.reps, "reps", 20, "timed runs of each query")
	fs.IntVar(&c.naiveReps, "naive-reps", naiveReps, "timed runs of each naive query")
}

func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c config
	c.flags(fs, "items to generate", "work directory: seed files, data directories, PostgreSQL cluster", 3)
	fs.BoolVar(&c.pg, "postgres", true, "compare with PostgreSQL")
	fs.BoolVar(&c.engineIngest, "engine-ingest", true, "measure the unvalidated engine ingest ceiling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	res, err := c.start()
	if err != nil {
		return err
	}
	seedDir := filepath.Join(c.work, fmt.Sprintf("seed-%d", c.items))
	dataDir := filepath.Join(c.work, fmt.Sprintf("db-%d", c.items))

	if res.SeedSeconds, err = seed(ctx, c, seedDir); err != nil {
		return err
	}
	if err := os.RemoveAll(dataDir); err != nil {
		return err
	}
	for _, kind := range []string{"events", "declarations", "decisions"} {
		r, err := ingestKind(ctx, c, dataDir, seedDir, kind)
		if err != nil {
			return err
		}
		res.Ingest = append(res.Ingest, r)
	}
	// The demo calendars, which working-day delivery reads; a few rows,
	// left out of the ingest figures.
	if _, err := ingestKind(ctx, c, dataDir, seedDir, "holidays"); err != nil {
		return err
	}
	if c.engineIngest {
		rawDir := dataDir + "-raw"
		os.RemoveAll(rawDir)
		err := childJSON(ctx, &res.EngineIngest, c.self, "engine-ingest", "--data-dir", rawDir, "--seed-dir", seedDir, "--chdb-lib", c.lib)
		os.RemoveAll(rawDir) // the same data again: only its timing matters
		if err != nil {
			return err
		}
	}
	return queryAndWrite(ctx, c, dataDir, res)
}

// queryAndWrite times the queries over dataDir, through the server and
// then on the engine alone, compares with PostgreSQL when c.pg (over the
// milestones the engine phase exports), and writes the results.
func queryAndWrite(ctx context.Context, c config, dataDir string, res *Result) error {
	var item string
	var err error
	if res.HTTP, res.RSS, item, err = serveAndQuery(ctx, c, dataDir); err != nil {
		return err
	}
	exportDir := filepath.Join(c.work, fmt.Sprintf("pg-export-%d", c.items))
	engineArgs := []string{"engine", "--data-dir", dataDir, "--chdb-lib", c.lib,
		"--warmup", strconv.Itoa(c.warmup), "--reps", strconv.Itoa(c.reps), "--naive-reps", strconv.Itoa(c.naiveReps), "--item", item}
	if c.pg {
		engineArgs = append(engineArgs, "--export-dir", exportDir)
	}
	if err := childJSON(ctx, &res.Engine, c.self, engineArgs...); err != nil {
		return err
	}
	if c.pg {
		// PostgreSQL is a comparison, not the subject: report why it is
		// missing rather than lose the rest.
		if err := postgres(ctx, c, exportDir, res); err != nil {
			res.PGNote = err.Error()
			fmt.Fprintln(os.Stderr, "postgres:", err)
		}
		os.RemoveAll(exportDir)
	}
	for i := range res.Engine {
		res.Engine[i].Lines = nil
	}
	return writeResult(c, res)
}

// runQueries times the queries alone (HTTP, then the engine) over an
// existing database of --items items, such as the one a run left in its
// work directory: to measure a change to the server without seeding and
// ingesting again. Use a copy: the run's servers merge parts in it.
func runQueries(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("queries", flag.ContinueOnError)
	var c config
	dataDir := fs.String("data-dir", "", "the chDB data directory to query (a copy: it is written to)")
	c.flags(fs, "items in the database (names the results)", "where the server's log goes and the PostgreSQL cluster", 0)
	fs.BoolVar(&c.pg, "postgres", false, "compare with PostgreSQL too (a cluster in --work)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" {
		return errors.New("queries: --data-dir is required")
	}
	res, err := c.start()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.work, 0o755); err != nil {
		return err
	}
	return queryAndWrite(ctx, c, *dataDir, res)
}

// start sets c.self (the driver runs itself for its child phases) and
// returns the result of a run of c, stamped with its command, machine and
// start time.
func (c *config) start() (*Result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c.self = self
	return &Result{Items: c.items, Command: strings.Join(os.Args, " "), Machine: machine(), Started: time.Now().UTC()}, nil
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if mm := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(b); mm != nil {
			m.CPU = string(mm[1])
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if mm := regexp.MustCompile(`MemTotal:\s*(\d+) kB`).FindSubmatch(b); mm != nil {
			kb, _ := strconv.ParseFloat(string(mm[1]), 64)
			m.MemoryGB = kb / (1 << 20)
		}
	}
	return m
}

// seed writes the CSV files once per size; a marker file written last
// tells a complete set from one interrupted half-way.
func seed(ctx context.Context, c config, dir string) (float64, error) {
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err == nil {
		fmt.Fprintf(os.Stderr, "seed: reusing %s\n", dir)
		return 0, nil
	}
	os.RemoveAll(dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, c.postclear, "seed", "--items", strconv.Itoa(c.items), "--out", dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("seed: %w", err)
	}
	secs := time.Since(start).Seconds()
	return secs, os.WriteFile(marker, nil, 0o644)
}

var rowsRead = regexp.MustCompile(`(\d+) rows read, (\d+) accepted, (\d+) rejected`)

// ingestKind loads one file through `postclear ingest` and times the
// whole process, start-up and schema check included, as a user sees it.
func ingestKind(ctx context.Context, c config, dataDir, seedDir, kind string) (IngestResult, error) {
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, c.postclear, "ingest", kind, "--quiet", "--data-dir", dataDir, filepath.Join(seedDir, kind+".csv"))
	cmd.Env = append(os.Environ(), "POSTCLEAR_CHDB_LIB="+c.lib)
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest %s: %w: %s", kind, err, stdout.String())
	}
	m := rowsRead.FindStringSubmatch(stdout.String())
	if m == nil {
		return IngestResult{}, fmt.Errorf("ingest %s: unexpected output %q", kind, stdout.String())
	}
	if m[3] != "0" {
		return IngestResult{}, fmt.Errorf("ingest %s: %s rows rejected from generated data", kind, m[3])
	}
	n, _ := strconv.ParseUint(m[2], 10, 64)
	fmt.Fprintf(os.Stderr, "ingest %-12s %d rows in %.1f s (%.0f rows/s)\n", kind, n, secs, float64(n)/secs)
	return IngestResult{Kind: kind, Rows: n, Seconds: secs, PerSec: float64(n) / secs}, nil
}

// childJSON runs this binary with args and decodes its standard output.
func childJSON(ctx context.Context, dst any, self string, args ...string) error {
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return json.Unmarshal(stdout.Bytes(), dst)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// serveAndQuery times the query set through HTTP GraphQL twice, each time
// against a freshly started `postclear serve` over dataDir: once with the
// result cache off, so that every request does the whole work (the
// "first run" of a query), and once with it on, timing the second of two
// identical requests (a dashboard refresh). The server's memory is sampled
// throughout. The item case reads the items of the openItems page, one
// per run in turn, which it returns (comma-separated) for the engine's
// run; each is read once before the timed runs (FirstReads), as every
// other case's warm-up reads what its timed runs read.
func serveAndQuery(ctx context.Context, c config, dataDir string) ([]HTTPResult, RSS, string, error) {
	var rss RSS
	w := bench.DefaultWindow
	err := withServer(ctx, c, dataDir, false, &rss, func(post func(string) (reply, error)) error {
		var err error
		w.ItemIDs, err = openItemIDs(post)
		return err
	})
	if err != nil {
		return nil, rss, "", err
	}
	cases := bench.Cases(w)
	out := make([]HTTPResult, len(cases))
	postCase := func(post func(string) (reply, error), i, rep int) (reply, error) {
		r, err := post(bench.GraphQL(cases[i].Rep(rep)))
		if err != nil {
			return r, fmt.Errorf("%s over HTTP: %w", cases[i].Name(), err)
		}
		return r, nil
	}
	err = withServer(ctx, c, dataDir, false, &rss, func(post func(string) (reply, error)) error {
		// Every other case's warm-up reads what its timed runs read;
		// the item case reads another item each run, so its items are
		// each read once first, and those first reads reported apart.
		for i, cs := range cases {
			if len(cs.ItemIDs) == 0 {
				continue
			}
			var reads []time.Duration
			for rep := c.warmup; rep < c.warmup+c.reps; rep++ {
				r, err := postCase(post, i, rep)
				if err != nil {
					return err
				}
				reads = append(reads, r.latency)
			}
			s := bench.Summarize(reads)
			out[i].FirstReads = &s
		}
		first := make([][]time.Duration, len(cases))
		engine, overhead := make([][]time.Duration, len(cases)), make([][]time.Duration, len(cases))
		// Interleaved: each request differs from the one before it.
		for rep := 0; rep < c.warmup+c.reps; rep++ {
			for i := range cases {
				r, err := postCase(post, i, rep)
				if err != nil {
					return err
				}
				if rep >= c.warmup {
					first[i] = append(first[i], r.latency)
					if r.engineKnown {
						engine[i] = append(engine[i], r.engine)
						overhead[i] = append(overhead[i], r.latency-r.engine)
					}
				}
			}
		}
		for i := range cases {
			out[i].First = bench.Summarize(first[i])
			out[i].Engine, out[i].Overhead = bench.Summarize(engine[i]), bench.Summarize(overhead[i])
		}
		return nil
	})
	if err != nil {
		return nil, rss, "", err
	}
	err = withServer(ctx, c, dataDir, true, &rss, func(post func(string) (reply, error)) error {
		for i := range cases {
			var repeated []time.Duration
			for rep := 0; rep < c.reps; rep++ {
				if _, err := postCase(post, i, rep); err != nil {
					return err
				}
				r, err := postCase(post, i, rep)
				if err != nil {
					return err
				}
				repeated = append(repeated, r.latency)
			}
			out[i].Repeated = bench.Summarize(repeated)
		}
		return nil
	})
	for i, cs := range cases {
		out[i].Case = cs.Name()
		if f := out[i].FirstReads; f != nil {
			fmt.Fprintf(os.Stderr, "http %-28s first read of each item p50 %7.1f ms  p95 %7.1f ms\n", cs.Name(), f.Median, f.P95)
		}
		fmt.Fprintf(os.Stderr, "http %-28s p50 %7.1f ms  p95 %7.1f ms  engine in server p50 %7.1f ms  overhead p50 %5.2f ms  repeated p50 %7.2f ms\n",
			cs.Name(), out[i].First.Median, out[i].First.P95, out[i].Engine.Median, out[i].Overhead.Median, out[i].Repeated.Median)
	}
	return out, rss, strings.Join(w.ItemIDs, ","), err
}

// openItemIDs asks the openItems case's page and returns its items:
// items of the window's destination that surely exist.
func openItemIDs(post func(string) (reply, error)) ([]string, error) {
	cases := bench.Cases(bench.DefaultWindow)
	i := slices.IndexFunc(cases, func(c bench.Case) bool { return c.Family == bench.OpenItems })
	reply, err := post(bench.GraphQL(cases[i]))
	if err != nil {
		return nil, fmt.Errorf("openItems over HTTP: %w", err)
	}
	var r struct {
		Data struct {
			OpenItems struct {
				Edges []struct {
					Node struct{ ItemID string }
				}
			}
		}
	}
	if err := json.Unmarshal(reply.body, &r); err != nil {
		return nil, err
	}
	if len(r.Data.OpenItems.Edges) == 0 {
		return nil, errors.New("openItems: no open item for the item case")
	}
	var ids []string
	for _, e := range r.Data.OpenItems.Edges {
		ids = append(ids, e.Node.ItemID)
	}
	return ids, nil
}

// withServer starts `postclear serve` over dataDir, calls run with a
// function that posts a GraphQL document and returns its latency and the
// response body, and stops
// the server; rss keeps the largest figures seen over every call.
func withServer(ctx context.Context, c config, dataDir string, cache bool, rss *RSS, run func(post func(string) (reply, error)) error) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cmd := exec.Command(c.postclear, "serve", "--data-dir", dataDir, "--addr", addr, "--log-format", "json")
	// The per-caller rate limit protects a shared server from one client;
	// the benchmark is that one client on purpose.
	cmd.Env = append(os.Environ(), "POSTCLEAR_CHDB_LIB="+c.lib, "POSTCLEAR_RATE_LIMIT=0")
	if !cache {
		cmd.Env = append(cmd.Env, "POSTCLEAR_CACHE_ENTRIES=0")
	}
	logFile, err := os.OpenFile(filepath.Join(c.work, fmt.Sprintf("serve-%d.log", c.items)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	base := "http://" + addr
	client := &http.Client{Timeout: 5 * time.Minute}
	if err := waitReady(ctx, client, base+"/readyz"); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	rss.IdleKB = max(rss.IdleKB, procStatusKB(pid, "VmRSS"))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var sampled int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sampled = max(sampled, procStatusKB(pid, "VmRSS"))
			}
		}
	}()
	err = run(func(query string) (reply, error) {
		return graphql(ctx, client, base+"/graphql", query)
	})
	close(stop)
	wg.Wait()
	rss.MaxSampledKB = max(rss.MaxSampledKB, sampled)
	rss.PeakKB = max(rss.PeakKB, procStatusKB(pid, "VmHWM"))
	return err
}

func waitReady(ctx context.Context, client *http.Client, url string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("server not ready after 2 minutes")
}

// reply is the answer to one request: its latency (until the whole body
// was read), the engine's time within it as the server reported it, and
// the body.
type reply struct {
	latency, engine time.Duration
	engineKnown     bool
	body            []byte
}

// graphql posts one query and returns its reply; a response with errors,
// or with an empty list or null as a field's answer, is an error.
func graphql(ctx context.Context, client *http.Client, url, query string) (reply, error) {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return reply{}, err
	}
	var r struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []json.RawMessage          `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
		return reply{}, fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
	}
	for _, v := range r.Data {
		if s := string(bytes.TrimSpace(v)); s == "[]" || s == "null" {
			return reply{}, errors.New("no rows: the query measures nothing")
		}
	}
	engine, known := bench.ServerEngineTime(resp.Header)
	return reply{latency: d, engine: engine, engineKnown: known, body: b}, nil
}

// procStatusKB reads one kB field of /proc/PID/status.
func procStatusKB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return n
		}
	}
	return 0
}
