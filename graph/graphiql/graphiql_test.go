package graphiql

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/postclear/postclear/graph/webasset/webassettest"
)

// requireAssets skips a test that needs GraphiQL's files when they were not
// fetched, unless POSTCLEAR_REQUIRE_GRAPHIQL (set by make test) makes that
// a failure.
func requireAssets(t *testing.T) {
	t.Helper()
	webassettest.RequireVendored(t, Missing(), "POSTCLEAR_REQUIRE_GRAPHIQL", "scripts/fetch-graphiql.sh")
}

var get = webassettest.Get

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
	webassettest.CheckRevalidation(t, h, "/", "/graphiql/nope.js", "/other", "/graphiql/../assets.txt")
}

// A build without the third-party files compiles, and its page says which
// are missing and how to get them.
func TestPageWithoutAssets(t *testing.T) {
	h := newHandler(webassettest.WithoutVendored(t, files), "/graphql")
	webassettest.CheckMissingPage(t, h, "/", "not in this build", "graphiql.min.js", "make build", "scripts/fetch-graphiql.sh")
}

// TestExamplesMatchSchema validates every example query and its variables
// against schema.graphqls, so that editing examples.json or the schema
// cannot leave a tab that fails when an analyst runs it.
func TestExamplesMatchSchema(t *testing.T) {
	schema := webassettest.Schema(t)
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
