package playground

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

func get(t *testing.T, h http.Handler, target string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

var assetRef = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

func TestServesPageAndAssets(t *testing.T) {
	h := Handler("/query", "postclear <playground>")
	res, page := get(t, h, "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /: status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET /: Content-Type %q", ct)
	}
	if !strings.Contains(page, `<meta name="graphql-endpoint" content="/query">`) {
		t.Errorf("page does not carry the endpoint")
	}
	if !strings.Contains(page, "<title>postclear &lt;playground&gt;</title>") {
		t.Errorf("page does not carry the escaped title")
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " style=") || strings.Contains(page, "<style") {
		t.Errorf("page has inline script or style, which its CSP forbids")
	}

	want := map[string]string{
		"playground.js":  "text/javascript; charset=utf-8",
		"playground.css": "text/css; charset=utf-8",
		"favicon.svg":    "image/svg+xml",
	}
	refs := assetRef.FindAllStringSubmatch(page, -1)
	seen := map[string]bool{}
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "#") {
			continue
		}
		name, version, _ := strings.Cut(ref, "?v=")
		ctype, ok := want[name]
		if !ok {
			t.Errorf("page refers to %q, which is not one of the embedded assets", ref)
			continue
		}
		seen[name] = true
		res, body := get(t, h, "/"+ref, nil)
		if res.StatusCode != http.StatusOK || body == "" {
			t.Errorf("GET %s: status %d, %d bytes", ref, res.StatusCode, len(body))
		}
		if ct := res.Header.Get("Content-Type"); ct != ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", ref, ct, ctype)
		}
		if version == "" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: versioned asset has Cache-Control %q", ref, res.Header.Get("Cache-Control"))
		}
		// Without the current version the asset must be revalidated.
		res, _ = get(t, h, "/"+name+"?v=old", nil)
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s?v=old: Cache-Control %q, want no-cache", name, cc)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("page does not refer to %s", name)
		}
	}

	res, body := get(t, h, "/examples.json", nil)
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || ct != "application/json" {
		t.Errorf("GET /examples.json: status %d, Content-Type %q", res.StatusCode, ct)
	}
	if !json.Valid([]byte(body)) {
		t.Errorf("examples.json is not valid JSON")
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := Handler("/query", "postclear")
	for _, path := range []string{"/", "/index.html", "/playground.js", "/playground.css", "/favicon.svg", "/examples.json"} {
		res, _ := get(t, h, path, nil)
		csp := res.Header.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("GET %s: CSP %q lacks %q", path, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-") || strings.Contains(csp, "*") || strings.Contains(csp, "data:") {
			t.Errorf("GET %s: CSP %q is not strict", path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", path)
		}
	}

	// An endpoint on another origin is the one addition to connect-src.
	res, _ := get(t, Handler("https://analytics.example:8443/query", "postclear"), "/", nil)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://analytics.example:8443;") {
		t.Errorf("CSP for an absolute endpoint: %q", csp)
	}
}

func TestCachingAndErrors(t *testing.T) {
	h := Handler("/query", "postclear")
	for _, path := range []string{"/", "/playground.js", "/playground.css", "/favicon.svg", "/examples.json"} {
		res, _ := get(t, h, path, nil)
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Errorf("GET %s: no ETag", path)
			continue
		}
		res, body := get(t, h, path, map[string]string{"If-None-Match": etag})
		if res.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("GET %s with If-None-Match: status %d, %d bytes, want 304", path, res.StatusCode, len(body))
		}
	}
	res, _ := get(t, h, "/", nil)
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("GET /: Cache-Control %q, want no-cache", cc)
	}

	for _, path := range []string{"/nope.js", "/playground.go", "/playground_test.go", "/../go.mod", "/favicon.ico"} {
		if res, _ := get(t, h, path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.StatusCode)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD /: status %d, %d bytes", rec.Code, rec.Body.Len())
	}

	// Mounted under a prefix with StripPrefix, the page is served at the prefix.
	mux := http.NewServeMux()
	mux.Handle("/playground/", http.StripPrefix("/playground", h))
	for _, path := range []string{"/playground/", "/playground/playground.css"} {
		if res, _ := get(t, mux, path, nil); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s under a prefix: status %d", path, res.StatusCode)
		}
	}
}

// stripComments removes /* */ block comments, <!-- --> comments and whole-line // comments, so that the
// scan for external URLs below looks at code and markup only.
func stripComments(s string) string {
	s = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`(?m)^\s*//.*$`).ReplaceAllString(s, "")
	return s
}

// TestNoExternalReferences guards the offline promise: no served file refers to another site, and the
// page refers to nothing but its own assets.
func TestNoExternalReferences(t *testing.T) {
	const endpoint = "/query"
	h := Handler(endpoint, "postclear")
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|https?:`)
	for _, path := range []string{"/", "/playground.js", "/playground.css", "/favicon.svg", "/examples.json"} {
		_, body := get(t, h, path, nil)
		code := strings.ReplaceAll(stripComments(body), endpoint, "")
		// An XML namespace is a name, not a place the browser loads anything from.
		code = strings.ReplaceAll(code, `xmlns="http://www.w3.org/2000/svg"`, "")
		for _, m := range external.FindAllString(code, -1) {
			t.Errorf("%s refers to an external URL: %q", path, m)
		}
		for _, bad := range []string{"@import", "@font-face", "cdn", "unpkg", "jsdelivr", "googleapis"} {
			if strings.Contains(strings.ToLower(code), bad) {
				t.Errorf("%s contains %q", path, bad)
			}
		}
		// CSS may load nothing at all: no images, no fonts.
		if strings.HasSuffix(path, ".css") && strings.Contains(code, "url(") {
			t.Errorf("%s loads a resource with url()", path)
		}
	}
}

type example struct {
	Name      string         `json:"name"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// TestExamplesMatchSchema validates every example query and its variables against schema.graphqls, so
// that editing examples.json or the schema cannot leave an example that fails when an analyst runs it.
func TestExamplesMatchSchema(t *testing.T) {
	sdl, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := files.ReadFile("examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []example
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&examples); err != nil {
		t.Fatalf("examples.json: %v", err)
	}
	if len(examples) == 0 {
		t.Fatal("examples.json has no example")
	}
	names := map[string]bool{}
	for _, ex := range examples {
		if ex.Name == "" || names[ex.Name] {
			t.Errorf("example %q: a name must be present and unique", ex.Name)
		}
		names[ex.Name] = true
		doc, errs := gqlparser.LoadQuery(schema, ex.Query)
		if len(errs) > 0 {
			t.Errorf("example %q: %v", ex.Name, errs)
			continue
		}
		if len(doc.Operations) != 1 {
			t.Errorf("example %q: %d operations, want 1", ex.Name, len(doc.Operations))
			continue
		}
		vars := ex.Variables
		if vars == nil {
			vars = map[string]any{}
		}
		if _, err := validator.VariableValues(schema, doc.Operations[0], vars); err != nil {
			t.Errorf("example %q: variables: %v", ex.Name, err)
		}
	}
}
