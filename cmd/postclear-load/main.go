// Command postclear-load is a bounded load test for a postclear server on
// this machine: N concurrent clients send a mix of the KPI queries for a
// fixed time, then it reports requests per second, latency percentiles,
// errors, and the server's memory over the run.
//
//	postclear-load -url http://127.0.0.1:8080/graphql -clients 50 -duration 60s -pid PID
//
// It only targets loopback addresses: a load test here must never leave
// the machine.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// queries is the mix: every KPI family, in the shapes dashboards use, with
// varied ranges and countries so that not every request is a cache hit.
var families = []string{
	`query($f: AnalyticsFilter!) { clearanceTimes(filter: $f, groupBy: [ORIGIN_COUNTRY], granularity: MONTH) { key { period originCountry } items p50Hours p90Hours withinTargetRate } }`,
	`query($f: AnalyticsFilter!) { deliveryTimes(filter: $f, groupBy: [DESTINATION_COUNTRY], granularity: MONTH) { key { period destinationCountry } items delivered p90Days onTimeRate } }`,
	`query($f: AnalyticsFilter!) { complianceRates(filter: $f, granularity: MONTH) { key { period } itemsArrived eadCoverage declarationCompleteness inspectionRate hitRate } }`,
	`query($f: AnalyticsFilter!) { seizureTrends(filter: $f, granularity: MONTH, fillGaps: true) { key { period } seizureCategory seizures perTenThousandItems } }`,
}

var destinations = [][]string{{"KE"}, {"MA"}, {"TH"}, nil}

func main() {
	target := flag.String("url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint (loopback only)")
	clients := flag.Int("clients", 50, "concurrent clients")
	duration := flag.Duration("duration", 60*time.Second, "how long to send requests")
	pid := flag.Int("pid", 0, "server process to sample memory from (/proc/PID/status)")
	token := flag.String("token", "", "bearer token, if the server needs one")
	flag.Parse()
	if err := checkLoopback(*target); err != nil {
		fmt.Fprintln(os.Stderr, "postclear-load:", err)
		os.Exit(2)
	}
	res := run(*target, *clients, *duration, *pid, *token)
	fmt.Print(res.String(*clients, *duration))
	if res.errors > 0 {
		os.Exit(1)
	}
}

func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address; this tool only loads servers on this machine", host)
}

type result struct {
	latencies      []time.Duration
	errors         int
	errorSamples   []string
	rssMin, rssMax int64 // kB
	rssSamples     int
}

func run(target string, clients int, d time.Duration, pid int, token string) *result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	res := &result{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			for ctx.Err() == nil {
				body := request(rng)
				start := time.Now()
				err := send(ctx, client, target, token, body)
				lat := time.Since(start)
				if ctx.Err() != nil && err != nil {
					return // the run ended mid-request: not a server error
				}
				mu.Lock()
				res.latencies = append(res.latencies, lat)
				if err != nil {
					res.errors++
					if len(res.errorSamples) < 5 {
						res.errorSamples = append(res.errorSamples, err.Error())
					}
				}
				mu.Unlock()
			}
		}()
	}
	if pid > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				if kb, ok := rssKB(pid); ok {
					mu.Lock()
					if res.rssSamples == 0 || kb < res.rssMin {
						res.rssMin = kb
					}
					res.rssMax = max(res.rssMax, kb)
					res.rssSamples++
					mu.Unlock()
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	wg.Wait()
	return res
}

// request picks a family, a destination and a quarter of the demo span.
func request(rng *rand.Rand) []byte {
	q := families[rng.IntN(len(families))]
	start := time.Date(2024, time.Month(7+3*rng.IntN(5)), 1, 0, 0, 0, 0, time.UTC)
	f := map[string]any{"from": start.Format(time.DateOnly), "to": start.AddDate(0, 3, 0).Format(time.DateOnly)}
	if d := destinations[rng.IntN(len(destinations))]; d != nil {
		f["destinationCountries"] = d
	}
	b, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"f": f}})
	return b
}

func send(ctx context.Context, c *http.Client, target, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	var out struct{ Errors []json.RawMessage }
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("response is not JSON: %w", err)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("GraphQL error: %.200s", out.Errors[0])
	}
	return nil
}

func rssKB(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func (r *result) String(clients int, d time.Duration) string {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[int(p*float64(len(r.latencies)-1))]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "clients %d, duration %s\n", clients, d)
	fmt.Fprintf(&b, "requests %d, %.1f req/s, errors %d\n", len(r.latencies), float64(len(r.latencies))/d.Seconds(), r.errors)
	fmt.Fprintf(&b, "latency p50 %s, p90 %s, p99 %s, max %s\n", pct(.5).Round(time.Microsecond), pct(.9).Round(time.Microsecond), pct(.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))
	if r.rssSamples > 0 {
		fmt.Fprintf(&b, "server RSS min %d MB, max %d MB over %d samples\n", r.rssMin/1024, r.rssMax/1024, r.rssSamples)
	}
	for _, e := range r.errorSamples {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.String()
}
