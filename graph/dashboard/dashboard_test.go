package dashboard

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/postclear/postclear/graph/webasset/webassettest"
)

// requireAssets skips a test that needs the chart library when it was not
// fetched, unless POSTCLEAR_REQUIRE_DASHBOARD (set by make test) makes that
// a failure.
func requireAssets(t *testing.T) {
	t.Helper()
	webassettest.RequireVendored(t, Missing(), "POSTCLEAR_REQUIRE_DASHBOARD", "scripts/fetch-dashboard.sh")
}

var get = webassettest.Get

func sri(body string) string {
	sum := sha256.Sum256([]byte(body))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

var (
	refRE       = regexp.MustCompile(`(?:src|href)="([^"]+)"(?: integrity="([^"]+)")?`)
	importMapRE = regexp.MustCompile(`<script type="importmap">(.*?)</script>`)
	importRE    = regexp.MustCompile(`(?m)^import .* from '([^']+)';$`)
)

// The page loads every file from this handler with an integrity hash the
// file matches, its modules through an import map that the CSP allows by
// hash and that maps and checks every module imported, and forbids the
// browser anything else.
func TestServesPageAndAssets(t *testing.T) {
	requireAssets(t)
	h := Handler("/graphql")
	res, page := get(t, h, "/dashboard", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `data-endpoint="/graphql"`) {
		t.Fatalf("GET /dashboard: status %d, page:\n%s", res.StatusCode, page)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "connect-src 'self'", "style-src 'self';", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}

	// Every linked file, with its hash.
	for _, ref := range refRE.FindAllStringSubmatch(page, -1) {
		url, integrity := html.UnescapeString(ref[1]), html.UnescapeString(ref[2])
		if url == "/" || url == "#main" {
			continue // the link to GraphiQL, the skip link
		}
		if !strings.HasPrefix(url, Path+"/") || !strings.Contains(url, "?v=") {
			t.Errorf("the page refers to %s, not a versioned file of %s/", url, Path)
			continue
		}
		res, body := get(t, h, url, nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: status %d, Cache-Control %q", url, res.StatusCode, res.Header.Get("Cache-Control"))
		}
		if integrity != "" && sri(body) != integrity {
			t.Errorf("%s: body is %s, the page says %s", url, sri(body), integrity)
		}
	}
	for _, file := range []string{"vendor/echarts.common.min.js", "js/main.js", "dashboard.css"} {
		if !regexp.MustCompile(regexp.QuoteMeta(Path+"/"+file+"?v=") + `[0-9a-f]+" integrity="sha256-`).MatchString(page) {
			t.Errorf("the page does not load %s with an integrity hash", file)
		}
	}

	// The import map: allowed by the CSP, and mapping every module to a
	// versioned URL whose body matches the integrity it names.
	m := importMapRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no import map")
	}
	if !strings.Contains(csp, "'"+sri(m[1])+"'") {
		t.Errorf("the CSP %q does not allow the import map (%s)", csp, sri(m[1]))
	}
	var imports struct{ Imports, Integrity map[string]string }
	if err := json.Unmarshal([]byte(m[1]), &imports); err != nil {
		t.Fatalf("import map: %v", err)
	}
	modules, _ := fs.Glob(files, "page/js/*.js")
	panels, _ := fs.Glob(files, "page/js/panels/*.js")
	for _, file := range slices.Concat(modules, panels) {
		plain := Path + "/" + strings.TrimPrefix(file, "page/")
		versioned := imports.Imports[plain]
		res, body := get(t, h, versioned, nil)
		if res.StatusCode != http.StatusOK || imports.Integrity[versioned] != sri(body) {
			t.Errorf("module %s: mapped to %q, status %d, integrity %q for a body of %s", plain, versioned, res.StatusCode, imports.Integrity[versioned], sri(body))
		}
		// What it imports is in the map too.
		for _, imp := range importRE.FindAllStringSubmatch(body, -1) {
			if target := path.Join(path.Dir(plain), imp[1]); imports.Imports[target] == "" {
				t.Errorf("%s imports %s, which the import map lacks", plain, target)
			}
		}
	}

	webassettest.CheckRevalidation(t, h, "/dashboard", "/dashboard/nope.js", "/dashboard/../assets.txt", "/dashboard/index.html", "/dashboard/vendor/README.md")
}

// A build without the chart library compiles, and its page says which
// files are missing and how to get them.
func TestPageWithoutAssets(t *testing.T) {
	h := newHandler(webassettest.WithoutVendored(t, files), "/graphql")
	webassettest.CheckMissingPage(t, h, "/dashboard", "not in this build", "echarts.common.min.js", "make build", "scripts/fetch-dashboard.sh")
}

// TestOperationsMatchSchema validates every operation of the page against
// schema.graphqls, so that a change to either cannot leave a panel asking
// for what the API does not have. Each file holds one operation named as
// the file, which is how the page names it.
func TestOperationsMatchSchema(t *testing.T) {
	schema := webassettest.Schema(t)
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) == 0 {
		t.Fatal("no operation")
	}
	for _, op := range ops {
		doc, errs := gqlparser.LoadQuery(schema, op.Document)
		if len(errs) > 0 {
			t.Errorf("%s.graphql: %v", op.Name, errs)
			continue
		}
		if len(doc.Operations) != 1 || doc.Operations[0].Name != op.Name || len(doc.Fragments) > 0 {
			t.Errorf("%s.graphql: want exactly one operation, named %s, and no fragments", op.Name, op.Name)
		}
	}
}

var operationUseRE = regexp.MustCompile(`(?:query|subscribe)\('([A-Za-z]+)'|export const operation = '([A-Za-z]+)'`)

// Every operation the page's code names exists, and every operation file is
// used: the code and the .graphql files cannot drift apart either.
func TestPageUsesItsOperations(t *testing.T) {
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, op := range ops {
		have[op.Name] = false
	}
	err = fs.WalkDir(files, "page/js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(files, p)
		for _, m := range operationUseRE.FindAllStringSubmatch(string(b), -1) {
			name := m[1] + m[2]
			if _, ok := have[name]; !ok {
				t.Errorf("%s names operation %s, which operations/ lacks", p, name)
			}
			have[name] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, used := range have {
		if !used {
			t.Errorf("operations/%s.graphql is not used by the page", name)
		}
	}
}
