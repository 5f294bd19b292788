package main

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/postclear/postclear/internal/postclear"
)

// cacheHits reads postclear_cache_hits_total from /metrics.
func cacheHits(t *testing.T, s *Server) int {
	t.Helper()
	resp, err := http.Get("http://" + s.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^postclear_cache_hits_total (\d+)`).FindSubmatch(body)
	if m == nil {
		t.Fatal("/metrics lacks postclear_cache_hits_total")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Cached answers are never older than the last accepted ingest, and an
// ingest leaves cached the answers it cannot change: those of another
// destination, and those of the same destination over months before the
// ingested items (Facts.VersionOf).
func TestCachedAnswersFollowIngests(t *testing.T) {
	s := startServer(t, "e2e_cache")
	id := func(serial string) string {
		return "CP" + serial + strconv.Itoa(postclear.S10CheckDigit(serial)) + "CN"
	}
	cleared := func(id, dest, day string) []map[string]any {
		ev := func(code, at string) map[string]any {
			return map[string]any{"itemId": id, "eventCode": code, "eventTime": day + "T" + at + "Z", "office": dest + "OFFICE",
				"originCountry": "CN", "destinationCountry": dest, "mailClass": "PARCEL"}
		}
		return []map[string]any{ev("EMA", "01:00:00"), ev("EDB", "02:00:00"), ev("EDC", "08:00:00")}
	}
	ingest := func(records []map[string]any) {
		t.Helper()
		got := post(t, s, ingestEvents, map[string]any{"r": records})
		var res struct{ IngestEvents struct{ Rejected int } }
		json.Unmarshal(got.Data, &res)
		if len(got.Errors) > 0 || res.IngestEvents.Rejected > 0 {
			t.Fatalf("ingest: %+v %s", got.Errors, got.Data)
		}
	}
	items := func(dest string) int {
		t.Helper()
		got := post(t, s, `query($d: [String!]) { clearanceTimes(filter: {from: "2025-03-01", to: "2025-04-01", destinationCountries: $d}) { items } }`,
			map[string]any{"d": []string{dest}})
		if len(got.Errors) > 0 {
			t.Fatalf("clearanceTimes: %+v", got.Errors)
		}
		var res struct{ ClearanceTimes []struct{ Items int } }
		json.Unmarshal(got.Data, &res)
		n := 0
		for _, r := range res.ClearanceTimes {
			n += r.Items
		}
		return n
	}
	ingest(append(cleared(id("12345678"), "KE", "2025-03-03"), cleared(id("00000001"), "TH", "2025-03-04")...))
	if ke, th := items("KE"), items("TH"); ke != 1 || th != 1 {
		t.Fatalf("March items KE %d, TH %d; want 1 and 1", ke, th)
	}

	ingest(cleared(id("00000002"), "KE", "2025-03-10"))
	hits := cacheHits(t, s)
	if ke := items("KE"); ke != 2 {
		t.Errorf("KE after a KE ingest in March: %d items, want 2 (a stale cached answer?)", ke)
	}
	if th := items("TH"); th != 1 {
		t.Errorf("TH after a KE ingest: %d items, want 1", th)
	}
	if got := cacheHits(t, s) - hits; got != 1 {
		t.Errorf("%d cache hits for the KE and TH queries after a KE ingest, want 1 (TH's)", got)
	}

	ingest(cleared(id("00000003"), "KE", "2025-05-02"))
	hits = cacheHits(t, s)
	if ke := items("KE"); ke != 2 {
		t.Errorf("KE March after a KE ingest in May: %d items, want 2", ke)
	}
	if got := cacheHits(t, s) - hits; got != 1 {
		t.Errorf("%d cache hits for KE's March after an ingest in May, want 1", got)
	}
}
