// Command postclear-load is a bounded load test for a postclear server on
// this machine: N concurrent clients send a mix of the KPI queries for a
// fixed time, then it reports requests per second, latency percentiles,
// errors, and the server's memory over the run.
//
//	postclear-load -url http://127.0.0.1:8080/graphql -clients 50 -duration 60s -pid PID
//
// With -ingest-share 0.1, one request in ten is instead a small ingest (the
// events and the release of one new item, as a post's feed sends them),
// so that the run measures what readers pay for concurrent writers; the
// report then gives queries and ingests separately.
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

	"github.com/postclear/postclear/internal/postclear"
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
	ingestShare := flag.Float64("ingest-share", 0, "share of requests that are small ingests, from 0 to 1 (the server must accept ingests from this client)")
	ingestDays := flag.Int("ingest-days", 30, "ingested items are posted within this many days before the end of the demo data (2025-12-01), as a live feed's are; 520 spreads them over the whole demo span")
	flag.Parse()
	if err := checkLoopback(*target); err != nil {
		fmt.Fprintln(os.Stderr, "postclear-load:", err)
		os.Exit(2)
	}
	if !(*ingestShare >= 0 && *ingestShare <= 1) || *ingestDays < 1 {
		fmt.Fprintln(os.Stderr, "postclear-load: -ingest-share must be between 0 and 1, -ingest-days at least 1")
		os.Exit(2)
	}
	res := run(*target, *clients, *duration, *pid, *token, mix{share: *ingestShare, days: *ingestDays})
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

// kind tells the two kinds of requests apart in the report.
type kind int

const (
	query kind = iota
	ingest
)

type result struct {
	latencies      [2][]time.Duration // by kind
	errors         int
	errorSamples   []string
	rssMin, rssMax int64 // kB
	rssSamples     int
}

// mix is the share of ingests among requests and the span of days their
// items are posted in.
type mix struct {
	share float64
	days  int
}

func run(target string, clients int, d time.Duration, pid int, token string, m mix) *result {
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
			items := itemIDs(i)
			for ctx.Err() == nil {
				k, body := query, request(rng)
				if rng.Float64() < m.share {
					k, body = ingest, ingestRequest(rng, items(), m.days)
				}
				start := time.Now()
				err := send(ctx, client, target, token, body)
				lat := time.Since(start)
				if ctx.Err() != nil && err != nil {
					return // the run ended mid-request: not a server error
				}
				mu.Lock()
				res.latencies[k] = append(res.latencies[k], lat)
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

// ingestMutation stores one item's events and its release, as a post's
// tracking feed and a customs system send them for one item.
const ingestMutation = `mutation($ev: [EventInput!]!, $dec: [DecisionInput!]!) {
  ingestEvents(records: $ev) { accepted rejected }
  ingestDecisions(records: $dec) { accepted rejected }
}`

// demoEnd is the end of the demo data's postings (demo.DefaultNow).
var demoEnd = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)

// ingestRequest is a small ingest of a new item into one of the demo
// destinations, posted within days before the end of the demo data, so
// that it changes the KPIs of its destination and dates.
func ingestRequest(rng *rand.Rand, id string, days int) []byte {
	dest := destinations[rng.IntN(len(destinations)-1)][0]
	posted := demoEnd.Add(-time.Duration(rng.IntN(days*24)+120) * time.Hour)
	office := dest + "LOAD1"
	ev := func(code string, at time.Time, office string) map[string]string {
		return map[string]string{"itemId": id, "eventCode": code, "eventTime": at.Format(time.RFC3339), "office": office,
			"originCountry": "CN", "destinationCountry": dest, "mailClass": "PACKET"}
	}
	events := []map[string]string{
		ev("EMA", posted, "CNPEKA"),
		ev("EMC", posted.Add(20*time.Hour), "CNPEKA"),
		ev("EMD", posted.Add(50*time.Hour), office),
		ev("EDB", posted.Add(54*time.Hour), office),
		ev("EMI", posted.Add(100*time.Hour), office),
	}
	decisions := []map[string]string{{"itemId": id, "decidedAt": posted.Add(60 * time.Hour).Format(time.RFC3339), "decision": "RELEASE"}}
	b, _ := json.Marshal(map[string]any{"query": ingestMutation, "variables": map[string]any{"ev": events, "dec": decisions}})
	return b
}

// itemIDs returns a generator of valid S10 identifiers unique to client
// and to this run (the serial starts from the clock), so that every ingest
// stores a new item.
func itemIDs(client int) func() string {
	serial := uint64(time.Now().UnixNano()/1000)%1_000_000*100 + uint64(client)%100
	return func() string {
		serial = (serial + 100) % 100_000_000
		return s10("LX", serial, "CN")
	}
}

// s10 formats a UPU S10 identifier with its check digit.
func s10(prefix string, serial uint64, country string) string {
	digits := fmt.Sprintf("%08d", serial)
	return fmt.Sprintf("%s%s%d%s", prefix, digits, postclear.S10CheckDigit(digits), country)
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
	var out struct {
		Errors []json.RawMessage
		Data   map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("response is not JSON: %w", err)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("GraphQL error: %.200s", out.Errors[0])
	}
	// An ingest's records are all valid (see ingestRequest): a rejection
	// is the server's fault.
	for field, raw := range out.Data {
		var v struct{ Rejected int }
		if json.Unmarshal(raw, &v) == nil && v.Rejected > 0 {
			return fmt.Errorf("%s rejected %d records: %.200s", field, v.Rejected, b)
		}
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
	var b strings.Builder
	n := len(r.latencies[query]) + len(r.latencies[ingest])
	fmt.Fprintf(&b, "clients %d, duration %s\n", clients, d)
	fmt.Fprintf(&b, "requests %d, %.1f req/s, errors %d\n", n, float64(n)/d.Seconds(), r.errors)
	for _, k := range []kind{query, ingest} {
		lat := r.latencies[k]
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))].Round(time.Microsecond) }
		name := map[kind]string{query: "queries", ingest: "ingests"}[k]
		fmt.Fprintf(&b, "%s %d, %.1f req/s, latency p50 %s, p90 %s, p99 %s, max %s\n", name, len(lat), float64(len(lat))/d.Seconds(), pct(.5), pct(.9), pct(.99), pct(1))
	}
	if r.rssSamples > 0 {
		fmt.Fprintf(&b, "server RSS min %d MB, max %d MB over %d samples\n", r.rssMin/1024, r.rssMax/1024, r.rssSamples)
	}
	for _, e := range r.errorSamples {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.String()
}
