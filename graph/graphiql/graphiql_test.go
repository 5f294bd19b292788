package graphiql

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// requireAssets skips a test that needs GraphiQL's files when they were
// not fetched, unless POSTCLEAR_REQUIRE_GRAPHIQL (set by make test) makes
// that a failure.
func requireAssets(t *testing.T) {
	t.Helper()
	if missing := Missing(); len(missing) > 0 {
		if os.Getenv("POSTCLEAR_REQUIRE_GRAPHIQL") != "" {
			t.Fatalf("GraphiQL's files are missing: %v (run scripts/fetch-graphiql.sh)", missing)
		}
		t.Skipf("skipping: GraphiQL's files are not fetched (%v); run scripts/fetch-graphiql.sh, POSTCLEAR_REQUIRE_GRAPHIQL=1 makes this a failure", missing)
	}
}

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

var refRE = regexp.MustCompile(`(?:src|href)="([^"]+)"(?: integrity="([^"]+)")?`)

// The page loads every file from this handler, each with an integrity
// hash the file matches, and forbids the browser anything else.
func TestServesPageAndAssets(t *testing.T) {
	requireAssets(t)
	h := Handler("/graphql")
	res, page := get(t, h, "/", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `data-endpoint="/graphql"`) {
		t.Fatalf("GET /: status %d, page:\n%s", res.StatusCode, page)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	refs := refRE.FindAllStringSubmatch(page, -1)
	manifest, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < len(manifest)+2 {
		t.Fatalf("the page refers to %d files, want the %d third-party ones and its own", len(refs), len(manifest))
	}
	loaded := map[string]bool{}
	for _, ref := range refs {
		url, integrity := html.UnescapeString(ref[1]), html.UnescapeString(ref[2])
		if !strings.HasPrefix(url, Prefix) {
			t.Errorf("the page refers to %s, outside %s", url, Prefix)
			continue
		}
		res, body := get(t, h, url, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", url, res.StatusCode)
			continue
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable (its URL carries its hash)", url, cc)
		}
		sum := sha256.Sum256([]byte(body))
		if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); integrity != "" && got != integrity {
			t.Errorf("%s: body is %s, the page says %s", url, got, integrity)
		}
		loaded[strings.SplitN(strings.TrimPrefix(url, Prefix), "?", 2)[0]] = integrity != ""
	}
	for _, v := range manifest {
		if !loaded[v.File] {
			t.Errorf("the page does not load %s with an integrity hash", v.File)
		}
	}
	// Revalidation and unknown paths.
	if res, _ := get(t, h, "/", map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
		t.Errorf("GET / with its ETag: status %d, want 304", res.StatusCode)
	}
	for _, p := range []string{"/graphiql/nope.js", "/other", "/graphiql/../assets.txt"} {
		if res, _ := get(t, h, p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
	}
}

// A build without the third-party files compiles, and its page says which
// are missing and how to get them.
func TestPageWithoutAssets(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "assets/") && p != "assets/README.md" {
			return err
		}
		b, err := fs.ReadFile(files, p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, page := get(t, newHandler(fsys, "/graphql"), "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("status %d", res.StatusCode)
	}
	for _, want := range []string{"not in this build", "graphiql.min.js", "make build", "scripts/fetch-graphiql.sh"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q:\n%s", want, page)
		}
	}
}

// TestExamplesMatchSchema validates every example query and its variables
// against schema.graphqls, so that editing examples.json or the schema
// cannot leave a tab that fails when an analyst runs it.
func TestExamplesMatchSchema(t *testing.T) {
	sdl, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if err != nil {
		t.Fatal(err)
	}
	examples, err := Examples()
	if err != nil {
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
		if len(doc.Operations) != 1 || doc.Operations[0].Name == "" {
			t.Errorf("example %q: want one named operation (GraphiQL titles the tab with it)", ex.Name)
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
