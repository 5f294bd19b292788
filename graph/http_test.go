package graph_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
