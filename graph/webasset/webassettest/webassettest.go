// Package webassettest holds what the tests of the pages served from the
// binary (GraphiQL, the dashboard) share.
package webassettest

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// RequireVendored skips a test that needs a page's third-party files when
// they were not fetched (missing names them), unless the environment
// variable env (set by make test) makes that a failure.
func RequireVendored(t *testing.T, missing []string, env, script string) {
	t.Helper()
	if len(missing) == 0 {
		return
	}
	if os.Getenv(env) != "" {
		t.Fatalf("the page's third-party files are missing: %v (run %s)", missing, script)
	}
	t.Skipf("skipping: the page's third-party files are not fetched (%v); run %s, %s=1 makes this a failure", missing, script, env)
}

// Get serves a GET of target with the given headers and returns the
// response and its body.
func Get(t *testing.T, h http.Handler, target string, hdr map[string]string) (*http.Response, string) {
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

// WithoutVendored is a copy of a page's files as a build without its
// third-party files (fetched into assets/) has them.
func WithoutVendored(t *testing.T, files fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "assets/") && p != "assets/README.md" {
			return err
		}
		b, err := fs.ReadFile(files, p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Schema is schema.graphqls, read from the package two levels below the
// repository's root, as graph/graphiql and graph/dashboard are.
func Schema(t *testing.T) *ast.Schema {
	t.Helper()
	sdl, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// CheckRevalidation requires that the page at path answers 304 to its own
// ETag, and that every path of notFound answers 404.
func CheckRevalidation(t *testing.T, h http.Handler, path string, notFound ...string) {
	t.Helper()
	res, _ := Get(t, h, path, nil)
	if res, _ := Get(t, h, path, map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
		t.Errorf("GET %s with its ETag: status %d, want 304", path, res.StatusCode)
	}
	for _, p := range notFound {
		if res, _ := Get(t, h, p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
	}
}

// CheckMissingPage requires that the page at path of a build without its
// third-party files answers and says every one of want (which files are
// missing, how to get them).
func CheckMissingPage(t *testing.T, h http.Handler, path string, want ...string) {
	t.Helper()
	res, page := Get(t, h, path, nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("status %d", res.StatusCode)
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page does not say %q:\n%s", w, page)
		}
	}
}
