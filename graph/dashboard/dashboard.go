// Package dashboard serves postclear's built-in dashboard at /dashboard: the
// MoU scorecard and the KPI trends of issue 16, live, built only on the
// public GraphQL API, working with no internet access.
//
// The page is plain HTML, CSS and JavaScript modules in page/, and its
// GraphQL operations are the .graphql files in operations/ (one named
// operation each, named as its file, validated against schema.graphqls by
// the tests). The handler embeds them, inlines the operations into the
// page, and links every file by a URL that carries its hash, with
// integrity= hashes: an import map remaps and checks the modules the page
// imports. Its Content-Security-Policy lets the page talk to this server
// only.
//
// The chart library (Apache ECharts) is third-party: assets.txt pins it,
// scripts/fetch-dashboard.sh fetches and checks it into assets/ (ignored
// by git), go:embed takes it from there. A binary built without it still
// works; its dashboard says how to get it.
//
// A panel is one module in page/js/panels/ and one operation in
// operations/; see docs/dashboard.md for how to add one.
package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/postclear/postclear/graph/webasset"
)

//go:embed assets assets.txt page operations
var files embed.FS

// Path is where the page is served; its files are under Path + "/".
const Path = "/dashboard"

// Operation is one GraphQL operation of the page.
type Operation struct {
	Name     string // the operation's name, which is its file's name
	Document string
}

// Operations returns the page's GraphQL operations, by name.
func Operations() ([]Operation, error) {
	return readOperations(files)
}

func readOperations(fsys fs.FS) ([]Operation, error) {
	names, err := fs.Glob(fsys, "operations/*.graphql")
	if err != nil {
		return nil, err
	}
	var out []Operation
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Operation{Name: strings.TrimSuffix(path.Base(name), ".graphql"), Document: string(b)})
	}
	return out, nil
}

// Manifest is assets.txt: the third-party files the page needs.
func Manifest() ([]webasset.Vendored, error) {
	return webasset.ReadManifest(files, "assets.txt")
}

// Missing lists the third-party files this binary lacks (or holds in
// another version than the pinned one); the dashboard works when it is
// empty.
func Missing() []string {
	return newHandler(files, "/graphql").missing
}

// handler serves the page at Path and its files under Path + "/".
type handler struct {
	page    *webasset.Asset
	assets  map[string]*webasset.Asset // by path under Path + "/"
	missing []string
	csp     string
}

// Handler returns the dashboard, sending its GraphQL requests (and its
// WebSocket) to endpoint, a path on the same server such as "/graphql".
// Mount it at Path and Path + "/".
//
// Every response has an ETag and answers If-None-Match with 304. The page
// is revalidated on every load; the files it links carry a hash of their
// content in their URL and may be cached for a year.
//
// Handler panics if one of the package's own files is missing or
// malformed, which only a broken build can cause.
func Handler(endpoint string) http.Handler {
	return newHandler(files, endpoint)
}

// importMap is the page's import map: every module's plain URL mapped to
// its versioned one, which is checked against its hash.
type importMap struct {
	Imports   map[string]string `json:"imports"`
	Integrity map[string]string `json:"integrity"`
}

func newHandler(fsys fs.FS, endpoint string) *handler {
	vendored, missing, err := webasset.LoadVendored(fsys, "assets.txt", "assets")
	if err != nil {
		panic("dashboard: " + err.Error())
	}
	h := &handler{assets: map[string]*webasset.Asset{}, missing: missing}
	for name, a := range vendored {
		h.assets["vendor/"+name] = a
	}
	modules := importMap{Imports: map[string]string{}, Integrity: map[string]string{}}
	err = fs.WalkDir(fsys, "page", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "page/index.html" || p == "page/missing.html" {
			return err
		}
		name := strings.TrimPrefix(p, "page/")
		a := webasset.New(mustRead(fsys, p), webasset.ContentType(name))
		h.assets[name] = a
		if path.Ext(name) == ".js" {
			plain := Path + "/" + name
			modules.Imports[plain] = h.url(name)
			modules.Integrity[h.url(name)] = a.SRI
		}
		return nil
	})
	if err != nil {
		panic("dashboard: " + err.Error())
	}
	ops, err := readOperations(fsys)
	if err != nil {
		panic("dashboard: " + err.Error())
	}
	documents := map[string]string{}
	for _, op := range ops {
		documents[op.Name] = op.Document
	}

	name, data := "index.html", map[string]any{"Endpoint": endpoint}
	if len(h.missing) > 0 {
		name, data = "missing.html", map[string]any{"Missing": h.missing}
	}
	imports := mustJSON(modules)
	// The browser reads a script element's text raw; html/template takes
	// an import map for HTML text and would escape it. json.Marshal has
	// escaped <, > and &, so the map cannot close the element.
	data["ImportMap"] = template.HTML(imports)
	data["Operations"] = documents
	tmpl := template.Must(template.New(name).Funcs(template.FuncMap{
		"url": h.url,
		"sri": func(file string) string { return h.assets[file].SRI },
	}).Parse(string(mustRead(fsys, "page/"+name))))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		panic("dashboard: " + name + ": " + err.Error())
	}
	h.page = webasset.New(buf.Bytes(), webasset.ContentType(name))
	h.csp = contentSecurityPolicy(inlineScripts(buf.Bytes()))
	return h
}

// url is the versioned URL of one of the page's files.
func (h *handler) url(file string) string {
	a := h.assets[file]
	if a == nil {
		panic("dashboard: the page links " + file + ", which it does not have")
	}
	return Path + "/" + file + "?v=" + a.Version
}

// inlineScripts returns the CSP hashes of the page's inline scripts that
// the browser runs: the import map (its data scripts are not run, so CSP
// does not apply to them).
func inlineScripts(page []byte) []string {
	var hashes []string
	rest := page
	for {
		i := bytes.Index(rest, []byte(`<script type="importmap">`))
		if i < 0 {
			break
		}
		rest = rest[i+len(`<script type="importmap">`):]
		j := bytes.Index(rest, []byte(`</script>`))
		sum := sha256.Sum256(rest[:j])
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = rest[j:]
	}
	return hashes
}

// contentSecurityPolicy lets the page load scripts, styles and images from
// its own origin only, run its import map (by hash), and connect to this
// server only (fetch and WebSocket): with no internet access it loses
// nothing, and it leaks nothing.
func contentSecurityPolicy(scriptHashes []string) string {
	script := strings.Join(slices.Concat([]string{"'self'"}, scriptHashes), " ")
	return "default-src 'none'; script-src " + script + "; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

func mustRead(fsys fs.FS, name string) []byte {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic(fmt.Sprintf("dashboard: embedded %s: %v", name, err))
	}
	return b
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("dashboard: " + err.Error())
	}
	return string(b)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == Path || r.URL.Path == Path+"/" {
		webasset.Serve(w, r, h.page, "no-cache", h.csp)
		return
	}
	a := h.assets[strings.TrimPrefix(r.URL.Path, Path+"/")]
	if a == nil || !strings.HasPrefix(r.URL.Path, Path+"/") {
		http.NotFound(w, r)
		return
	}
	webasset.Serve(w, r, a, webasset.CacheFor(a, r), h.csp)
}
