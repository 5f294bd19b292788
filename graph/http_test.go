package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/auth"
)

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
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
	authn, err := auth.New(auth.Config{HS256Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
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
	secret := []byte("0123456789abcdef0123456789abcdef")
	authn, err := auth.New(auth.Config{HS256Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	h := limitsHandler(graph.Config{Auth: authn})
	token := func(p auth.Principal) string {
		tok, err := auth.MintHS256(secret, p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
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
