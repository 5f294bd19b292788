package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The embedded engine is one per process, so every test of this package
// shares one data directory, made once.
var testDataDir string

func TestMain(m *testing.M) {
	if childMain() {
		return
	}
	dir, err := os.MkdirTemp("", "postclear-cmd-test")
	if err != nil {
		panic(err)
	}
	testDataDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func requireEngine(t *testing.T) {
	t.Helper()
	if os.Getenv("POSTCLEAR_REQUIRE_CHDB") == "" && os.Getenv("POSTCLEAR_CHDB_LIB") == "" {
		if _, err := os.Stat(filepath.Join(os.Getenv("HOME"), ".cache/postclear/chdb")); err != nil {
			t.Skip("skipping: libchdb not fetched (run `make chdb`; POSTCLEAR_REQUIRE_CHDB=1 makes this a failure)")
		}
	}
}

// startServer runs the whole program's server on port 0 over its own
// database.
func startServer(t *testing.T, database string) *Server {
	t.Helper()
	return startServerWith(t, database, nil)
}

// startServerWith is startServer with settings changed by set.
func startServerWith(t *testing.T, database string, set func(*Config)) *Server {
	t.Helper()
	requireEngine(t)
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = testDataDir
	cfg.Database = database
	if set != nil {
		set(&cfg)
	}
	s := &Server{Config: cfg, Logger: newLogger("text", io.Discard)}
	if err := s.Open(context.Background()); err != nil {
		t.Fatalf("open server: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func post(t *testing.T, s *Server, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post("http://"+s.Addr()+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode response (status %d): %v", resp.StatusCode, err)
	}
	return out
}

const ingestEvents = `mutation($r: [EventInput!]!) { ingestEvents(records: $r) { accepted rejected errors { index field message } } }`

func event(id, code, at string) map[string]any {
	return map[string]any{"itemId": id, "eventCode": code, "eventTime": at, "office": "KENBOA",
		"originCountry": "CN", "destinationCountry": "KE", "mailClass": "PARCEL"}
}

func TestEndToEndIngestAndDataStatus(t *testing.T) {
	s := startServer(t, "e2e_status")
	records := []map[string]any{
		event("CP123456785CN", "EMA", "2025-03-01T10:00:00Z"),
		event("CP123456785CN", "EMD", "2025-03-05T12:00:00+02:00"),
		event("CP123456784CN", "EMA", "2025-03-01T10:00:00Z"), // wrong check digit
		event("CP123456785CN", "EZZ", "2025-03-06T10:00:00Z"), // unknown code
		event("CP123456785CN", "EDB", "2025-03-06"),           // no time or offset
	}
	got := post(t, s, ingestEvents, map[string]any{"r": records})
	if len(got.Errors) > 0 {
		t.Fatalf("ingest errors: %+v", got.Errors)
	}
	var res struct {
		IngestEvents struct {
			Accepted, Rejected int
			Errors             []struct {
				Index          int
				Field, Message string
			}
		}
	}
	json.Unmarshal(got.Data, &res)
	if res.IngestEvents.Accepted != 2 || res.IngestEvents.Rejected != 3 {
		t.Errorf("accepted, rejected = %d, %d; want 2, 3", res.IngestEvents.Accepted, res.IngestEvents.Rejected)
	}
	var where []string
	for _, e := range res.IngestEvents.Errors {
		where = append(where, e.Field+"@"+string(rune('0'+e.Index)))
		if e.Message == "" {
			t.Errorf("record %d field %s: empty message", e.Index, e.Field)
		}
	}
	if diff := cmp.Diff([]string{"itemId@2", "eventCode@3", "eventTime@4"}, where); diff != "" {
		t.Errorf("rejected fields (-want +got):\n%s", diff)
	}

	// The same records again change nothing.
	post(t, s, ingestEvents, map[string]any{"r": records[:2]})

	st := post(t, s, `{ dataStatus { events declarations decisions items firstEventAt lastEventAt engine } }`, nil)
	if len(st.Errors) > 0 {
		t.Fatalf("dataStatus errors: %+v", st.Errors)
	}
	want := `{"dataStatus":{"events":2,"declarations":0,"decisions":0,"items":1,"firstEventAt":"2025-03-01T10:00:00Z","lastEventAt":"2025-03-05T10:00:00Z","engine":"chdb"}}`
	if diff := cmp.Diff(want, string(st.Data)); diff != "" {
		t.Errorf("dataStatus (-want +got):\n%s", diff)
	}
}

func TestBadInputGetsCodedErrors(t *testing.T) {
	s := startServer(t, "e2e_errors")
	tests := []struct {
		name, query string
		vars        map[string]any
		code, msg   string
	}{
		{"malformed date", `{ clearanceTimes(filter: {from: "2025-13-01", to: "2025-02-01"}) { items } }`, nil, "BAD_USER_INPUT", "2025-13-01"},
		{"unknown enum", `{ clearanceTimes(filter: {from: "2025-01-01", to: "2025-02-01"}, groupBy: [COLOUR]) { items } }`, nil, "GRAPHQL_VALIDATION_FAILED", "COLOUR"},
		{"too many records", ingestEvents, map[string]any{"r": manyEvents(10_001)}, "TOO_LARGE", "10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := post(t, s, tt.query, tt.vars)
			if len(got.Errors) == 0 {
				t.Fatalf("no error; data %s", got.Data)
			}
			e := got.Errors[0]
			if e.Extensions["code"] != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("error = %q (code %v); want code %s and a message naming %q", e.Message, e.Extensions["code"], tt.code, tt.msg)
			}
		})
	}
}

func manyEvents(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = event("CP123456785CN", "EMA", "2025-03-01T10:00:00Z")
	}
	return out
}

func TestHealthAndGraphiQL(t *testing.T) {
	s := startServer(t, "e2e_health")
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/": 200} {
		resp, err := http.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestRefusesOpenServerOffLoopback(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Addr = "0.0.0.0:0"
	cfg.DataDir = testDataDir
	s := &Server{Config: cfg, Logger: newLogger("text", io.Discard)}
	err := s.Open(context.Background())
	if err == nil {
		s.Close()
		t.Fatal("an open server on every interface started")
	}
	if !strings.Contains(err.Error(), "without authentication") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestMetricsAndRequestID(t *testing.T) {
	s := startServer(t, "e2e_metrics")
	post(t, s, `{ dataStatus { events } }`, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.Addr()+"/metrics", nil)
	req.Header.Set("X-Request-ID", "trace-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got != "trace-42" {
		t.Errorf("X-Request-ID = %q, want the caller's trace-42", got)
	}
	for _, want := range []string{
		`postclear_graphql_requests_total{operation="dataStatus",outcome="ok"} 1`,
		`postclear_engine_query_duration_seconds_count{statement="query"}`,
		`postclear_cache_hits_total`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A ClickHouse server that is down does not keep postclear down: it serves,
// /readyz fails, queries answer ENGINE_UNAVAILABLE, and /healthz is fine.
func TestServesWhileClickHouseIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.ClickHouseURL = "clickhouse://default:@" + closed + "/default?dial_timeout=200ms"
	s := &Server{Config: cfg, Logger: newLogger("text", io.Discard)}
	if err := s.Open(context.Background()); err != nil {
		t.Fatalf("the server did not start with its engine down: %v", err)
	}
	defer s.Close()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 503} {
		resp, err := http.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	got := post(t, s, `{ dataStatus { events } }`, nil)
	if len(got.Errors) == 0 || got.Errors[0].Extensions["code"] != "ENGINE_UNAVAILABLE" {
		t.Errorf("query with the engine down: %+v, want ENGINE_UNAVAILABLE", got.Errors)
	}
}
