// Package graphiql serves GraphiQL, the GraphQL IDE, with its explorer
// plugin, entirely from the binary: the page, its script and every
// third-party file it loads come from this handler, and its
// Content-Security-Policy forbids the browser to load or send anything
// anywhere but the server itself, so it works on a network without
// internet access and leaks nothing.
//
// The third-party files (graphiql, react, react-dom, @graphiql/plugin-explorer
// at the versions gqlgen pins) are not in the repository: assets.txt lists
// them with their hashes, scripts/fetch-graphiql.sh fetches and checks them
// into assets/, and go:embed takes them from there. A binary built without
// them still works; its page at / says how to get them.
//
// The example queries in examples.json, a JSON array of {"name", "query",
// "variables"}, open as GraphiQL's first tabs; the test validates each one
// against schema.graphqls.
package graphiql

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/postclear/postclear/graph/webasset"
)

//go:embed assets assets.txt index.html missing.html init.js page.css favicon.svg examples.json
var files embed.FS

// Prefix is the path under which the page's files are served.
const Prefix = "/graphiql/"

// Manifest is assets.txt: the third-party files the page needs.
func Manifest() ([]webasset.Vendored, error) {
	return webasset.ReadManifest(files, "assets.txt")
}

// handler serves the page at / and its files under Prefix; nothing else.
type handler struct {
	page   *webasset.Asset
	assets map[string]*webasset.Asset
	// missing lists the third-party files absent from the binary or not
	// matching their pinned hash; the page then says how to get them.
	missing []string
}

// Handler returns the GraphiQL page, sending its requests to endpoint (a
// path on the same server, such as "/graphql"). Mount it at "/".
//
// Every response has an ETag and answers If-None-Match with 304. The page
// is revalidated on every load; the files it links carry a hash of their
// content in their URL and may be cached for a year.
//
// Handler panics if one of the package's own files is missing, which only
// a broken build can cause.
func Handler(endpoint string) http.Handler {
	return newHandler(files, endpoint)
}

// newHandler is Handler over the files of fsys, laid out as this
// directory is.
func newHandler(fsys fs.FS, endpoint string) *handler {
	assets, missing, err := webasset.LoadVendored(fsys, "assets.txt", "assets")
	if err != nil {
		panic("graphiql: " + err.Error())
	}
	h := &handler{assets: assets, missing: missing}
	for _, name := range []string{"init.js", "page.css", "favicon.svg", "examples.json"} {
		h.assets[name] = webasset.New(mustRead(fsys, name), webasset.ContentType(name))
	}

	name, data := "index.html", map[string]any{"Endpoint": endpoint}
	if len(h.missing) > 0 {
		name, data = "missing.html", map[string]any{"Missing": h.missing}
	}
	url := func(file string) string { return Prefix + file + "?v=" + h.assets[file].Version }
	tmpl := template.Must(template.New(name).Funcs(template.FuncMap{
		"url": url,
		"sri": func(file string) string { return h.assets[file].SRI },
	}).Parse(string(mustRead(fsys, name))))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		panic("graphiql: " + name + ": " + err.Error())
	}
	h.page = webasset.New(buf.Bytes(), webasset.ContentType(name))
	return h
}

// Missing lists the third-party files this binary lacks (or holds in
// another version than the pinned one); GraphiQL works when it is empty.
func Missing() []string {
	return newHandler(files, "/").missing
}

func mustRead(fsys fs.FS, name string) []byte {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic(fmt.Sprintf("graphiql: embedded %s: %v", name, err))
	}
	return b
}

// contentSecurityPolicy lets the page load scripts, styles and data from
// its own origin only. GraphiQL sets style attributes and inlines its
// fonts and icons as data: URLs; nothing else is allowed.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/" || r.URL.Path == "/index.html":
		webasset.Serve(w, r, h.page, "no-cache", contentSecurityPolicy)
	case strings.HasPrefix(r.URL.Path, Prefix):
		a := h.assets[strings.TrimPrefix(r.URL.Path, Prefix)]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		webasset.Serve(w, r, a, webasset.CacheFor(a, r), contentSecurityPolicy)
	default:
		http.NotFound(w, r)
	}
}

// Example is one entry of examples.json.
type Example struct {
	Name      string         `json:"name"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// Examples returns the example queries the page opens as tabs.
func Examples() ([]Example, error) {
	var out []Example
	dec := json.NewDecoder(bytes.NewReader(mustRead(files, "examples.json")))
	dec.DisallowUnknownFields()
	err := dec.Decode(&out)
	return out, err
}
