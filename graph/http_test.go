package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/postclear"
)

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// hs256 is authentication with a test secret, and a function minting a
// token for a principal.
func hs256(t *testing.T) (*auth.Authenticator, func(auth.Principal) string) {
	t.Helper()
	secret := []byte("0123456789abcdef0123456789abcdef")
	authn, err := auth.New(auth.Config{HS256Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return authn, func(p auth.Principal) string {
		tok, err := auth.MintHS256(secret, p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
}

func preflight(path, origin string) *http.Request {
	req := httptest.NewRequest(http.MethodOptions, path, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodGet)
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	return req
}

// With no --cors-origins no web page of another origin may read an answer
// (rs/cors alone treats an empty list as "*"); listed origins may, on
// /graphql and on the report downloads alike.
func TestCORS(t *testing.T) {
	const page = "https://dashboard.example"
	paths := []string{"/graphql", "/reports/mous/mou-ke/2025-Q1.csv"}
	t.Run("none by default", func(t *testing.T) {
		h := limitsHandler(graph.Config{})
		for _, path := range paths {
			if got := serve(h, preflight(path, page)).Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("preflight %s from %s: Access-Control-Allow-Origin %q, want none", path, page, got)
			}
			req := httptest.NewRequest(http.MethodGet, path+"?query={__typename}", nil)
			req.Header.Set("Origin", page)
			if got := serve(h, req).Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("GET %s from %s: Access-Control-Allow-Origin %q, want none", path, page, got)
			}
		}
	})
	t.Run("listed origin", func(t *testing.T) {
		h := limitsHandler(graph.Config{CORSOrigins: []string{page}})
		for _, path := range paths {
			rec := serve(h, preflight(path, page))
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != page {
				t.Errorf("preflight %s from %s: status %d, Access-Control-Allow-Origin %q, want %q", path, page, rec.Code, got, page)
			}
			if got := serve(h, preflight(path, "https://evil.example")).Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("preflight %s from an unlisted origin: Access-Control-Allow-Origin %q", path, got)
			}
		}
	})
}

// Requests that are not authenticated are rate-limited per client IP
// (before, the limiter ran after authentication, so failed credentials
// could be tried as fast as the server answered).
func TestUnauthenticatedRequestsAreLimited(t *testing.T) {
	authn, _ := hs256(t)
	h := limitsHandler(graph.Config{Auth: authn, RateLimit: auth.NewRateLimiter(1, 2, 0)})
	var codes []int
	for range 3 {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer guessed")
		codes = append(codes, serve(h, req).Code)
	}
	if diff := cmp.Diff([]int{401, 401, 429}, codes); diff != "" {
		t.Errorf("statuses of three bad credentials with bursts of 2 (-want +got):\n%s", diff)
	}
}

// The automatic-persisted-query store is per caller: a hash another caller
// registered is unknown to everyone else, so its answer does not tell
// whether someone ran that query.
func TestPersistedQueriesArePerCaller(t *testing.T) {
	authn, token := hs256(t)
	h := limitsHandler(graph.Config{Auth: authn})
	ke := token(auth.Principal{Subject: "kra", Role: auth.RoleAgency, Countries: []string{"KE"}})
	ma := token(auth.Principal{Subject: "adii", Role: auth.RoleAgency, Countries: []string{"MA"}})
	const query = "query Probe { __typename }"
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	send := func(token string, withQuery bool) string {
		body := map[string]any{"extensions": ext}
		if withQuery {
			body["query"] = query
		}
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		var out map[string]any
		json.Unmarshal(serve(h, req).Body.Bytes(), &out)
		if code := errorCode(out); code != "" {
			return code
		}
		return "ok"
	}
	steps := []string{send(ke, true), send(ke, false), send(ma, false), send(ma, true), send(ma, false)}
	want := []string{"ok", "ok", "PERSISTED_QUERY_NOT_FOUND", "ok", "ok"}
	if diff := cmp.Diff(want, steps); diff != "" {
		t.Errorf("KE registers, KE by hash, MA by hash, MA registers, MA by hash (-want +got):\n%s", diff)
	}
}

// Answers that hold data, and errors, are not stored by any cache.
func TestDataIsNotStored(t *testing.T) {
	h := limitsHandler(graph.Config{})
	post := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	post.Header.Set("Content-Type", "application/json")
	for _, req := range []*http.Request{
		post,
		httptest.NewRequest(http.MethodGet, "/reports/mous/mou-ke/2025-Q1.csv", nil),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
	} {
		rec := serve(h, req)
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: status %d, Cache-Control %q, want no-store", req.Method, req.URL, rec.Code, got)
		}
	}
}

// fakeEvaluations evaluates every MoU to the same figures and counts its
// calls.
type fakeEvaluations struct{ calls *int }

func (f fakeEvaluations) Evaluate(_ context.Context, mouID, quarter string) (postclear.Evaluation, error) {
	*f.calls++
	ev := postclear.Evaluation{MoU: postclear.MoU{ID: mouID, Country: "KE"}, Quarter: quarter}
	for i, k := range postclear.KPIs {
		v := float64(i) / 7
		ev.KPIs = append(ev.KPIs, postclear.KPIResult{KPI: k, Unit: k.Unit(), Actual: &v, Previous: &v})
	}
	return ev, nil
}

func (f fakeEvaluations) TargetBreaches(context.Context, time.Time, int) ([]postclear.TargetBreach, error) {
	*f.calls++
	return nil, nil
}

// Answers of 1 KiB or more are compressed with zstd or gzip when the
// client accepts it, GraphQL answers and downloads alike; small ones are
// not.
func TestCompression(t *testing.T) {
	calls := 0
	h := limitsHandler(graph.Config{Introspection: true})
	hr := graph.NewHandler(&graph.Resolver{Evaluations: fakeEvaluations{&calls}}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)})
	introspection := "/graphql?query=" + url.QueryEscape("{ __schema { types { name fields { name description } } } }")
	for _, tt := range []struct {
		h              http.Handler
		target, accept string
		encoding       string
	}{
		{h, introspection, "gzip", "gzip"},
		{h, introspection, "zstd", "zstd"},
		{h, introspection, "gzip, zstd", "zstd"},
		{h, introspection, "gzip;q=1, zstd;q=0", "gzip"},
		{h, introspection, "", ""},
		{h, "/graphql?query=" + url.QueryEscape("{ __typename }"), "gzip", ""},
		{hr, "/reports/mous/mou-ke/2025-Q1.csv", "gzip", "gzip"},
	} {
		req := httptest.NewRequest(http.MethodGet, tt.target, nil)
		plain := serve(tt.h, req).Body.Bytes()
		req = httptest.NewRequest(http.MethodGet, tt.target, nil)
		req.Header.Set("Accept-Encoding", tt.accept)
		rec := serve(tt.h, req)
		if got := rec.Header().Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("%.60s, Accept-Encoding %q: Content-Encoding %q, want %q", tt.target, tt.accept, got, tt.encoding)
			continue
		}
		body := rec.Body.Bytes()
		switch tt.encoding {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, err = io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
		case "zstd":
			zr, err := zstd.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, err = io.ReadAll(zr)
			zr.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		if tt.encoding != "" && !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%.60s: Vary %q lacks Accept-Encoding", tt.target, rec.Header().Get("Vary"))
		}
		if !bytes.Equal(body, plain) || len(plain) == 0 {
			t.Errorf("%.60s, %s: the decoded answer (%d bytes) differs from the plain one (%d bytes)", tt.target, tt.encoding, len(body), len(plain))
		}
		t.Logf("%.60s: %d bytes, %d with %q", tt.target, len(plain), rec.Body.Len(), tt.encoding)
	}
}

// countingAnalytics answers clearanceTimes with no rows and counts the
// calls; any other family would panic (the embedded interface is nil).
type countingAnalytics struct {
	postclear.Analytics
	calls *int
}

func (c countingAnalytics) ClearanceTimes(context.Context, postclear.KPIQuery, float64) ([]postclear.ClearanceStat, error) {
	*c.calls++
	return nil, nil
}

// GET answers carry an ETag derived from the data version, the request and
// the caller's scope, and "private, no-cache"; If-None-Match with it is 304
// without running anything. POSTs and answers with errors are not stored.
func TestGETAnswersRevalidate(t *testing.T) {
	authn, token := hs256(t)
	version := "v1"
	kpis, evaluations := 0, 0
	h := graph.NewHandler(&graph.Resolver{Analytics: countingAnalytics{calls: &kpis}, Evaluations: fakeEvaluations{&evaluations}}, nil, graph.Config{
		Auth:        authn,
		Logger:      slog.New(slog.DiscardHandler),
		DataVersion: func(context.Context) (string, error) { return version, nil },
	})
	ke := token(auth.Principal{Subject: "kra", Role: auth.RoleAgency, Countries: []string{"KE"}})
	ke2 := token(auth.Principal{Subject: "kra-2", Role: auth.RoleAgency, Countries: []string{"KE"}})
	ma := token(auth.Principal{Subject: "adii", Role: auth.RoleAgency, Countries: []string{"MA"}})
	query := "/graphql?query=" + url.QueryEscape(`{ clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01"}) { items } }`)
	get := func(target, token, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		return serve(h, req)
	}

	for _, target := range []string{query, "/reports/mous/mou-ke/2025-Q1.csv"} {
		t.Run(target[:12], func(t *testing.T) {
			first := get(target, ke, "")
			etag := first.Header().Get("ETag")
			if first.Code != http.StatusOK || etag == "" || first.Header().Get("Cache-Control") != "private, no-cache" {
				t.Fatalf("first GET: status %d, ETag %q, Cache-Control %q", first.Code, etag, first.Header().Get("Cache-Control"))
			}
			runs := kpis + evaluations
			again := get(target, ke, etag)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != etag {
				t.Errorf("GET with If-None-Match: status %d, %d bytes, ETag %q", again.Code, again.Body.Len(), again.Header().Get("ETag"))
			}
			if kpis+evaluations != runs {
				t.Error("a 304 ran the query")
			}
			if got := get(target, ke2, etag); got.Code != http.StatusNotModified {
				t.Errorf("another caller of the same scope: status %d, want 304", got.Code)
			}
			if got := get(target, ma, etag); got.Code != http.StatusOK || got.Header().Get("ETag") == etag {
				t.Errorf("a caller of another scope: status %d, ETag %q: want 200 and another ETag", got.Code, got.Header().Get("ETag"))
			}
			version = "v2"
			defer func() { version = "v1" }()
			if got := get(target, ke, etag); got.Code != http.StatusOK || got.Header().Get("ETag") == etag {
				t.Errorf("after an ingest: status %d, ETag %q: want 200 and another ETag", got.Code, got.Header().Get("ETag"))
			}
		})
	}

	t.Run("not stored", func(t *testing.T) {
		// dataStatus fails here (no records), in a 200 answer with errors;
		// an unknown field fails validation.
		failed := get("/graphql?query="+url.QueryEscape(`{ dataStatus { events } }`), ke, "")
		invalid := get("/graphql?query="+url.QueryEscape(`{ nope }`), ke, "")
		if failed.Code != http.StatusOK || !strings.Contains(failed.Body.String(), `"errors"`) {
			t.Fatalf("dataStatus without records: status %d, %s; want 200 with errors", failed.Code, failed.Body)
		}
		post := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		post.Header.Set("Content-Type", "application/json")
		post.Header.Set("Authorization", "Bearer "+ke)
		for name, rec := range map[string]*httptest.ResponseRecorder{"a failed query": failed, "an invalid query": invalid, "a POST": serve(h, post)} {
			if rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s: ETag %q, Cache-Control %q; want none and no-store", name, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
			}
		}
	})
}

// The automatic-persisted-query example of docs/api.md, over GET: a hash
// alone is unknown, the query with its hash registers it, the hash alone
// then runs it, and its ETag revalidates.
func TestPersistedQueryOverGET(t *testing.T) {
	kpis := 0
	h := graph.NewHandler(&graph.Resolver{Analytics: countingAnalytics{calls: &kpis}}, nil, graph.Config{
		Logger:      slog.New(slog.DiscardHandler),
		DataVersion: func(context.Context) (string, error) { return "v1", nil },
	})
	const query = `{ clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01"}) { items } }`
	sum := sha256.Sum256([]byte(query))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	get := func(params url.Values, ifNoneMatch string) (*httptest.ResponseRecorder, string) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+params.Encode(), nil)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := serve(h, req)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		return rec, errorCode(out)
	}
	if _, code := get(url.Values{"extensions": {ext}}, ""); code != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("an unknown hash: code %q", code)
	}
	if rec, code := get(url.Values{"query": {query}, "extensions": {ext}}, ""); code != "" || rec.Code != http.StatusOK {
		t.Errorf("query and hash: status %d, code %q", rec.Code, code)
	}
	rec, code := get(url.Values{"extensions": {ext}}, "")
	if code != "" || rec.Header().Get("ETag") == "" {
		t.Fatalf("the hash alone, registered: code %q, ETag %q", code, rec.Header().Get("ETag"))
	}
	if again, _ := get(url.Values{"extensions": {ext}}, rec.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("the hash with If-None-Match: status %d, want 304", again.Code)
	}
}
