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
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets assets.txt index.html missing.html init.js page.css favicon.svg examples.json
var files embed.FS

// Prefix is the path under which the page's files are served.
const Prefix = "/graphiql/"

// asset is one file the handler serves, with its headers computed once.
type asset struct {
	body        []byte
	contentType string
	etag        string // a quoted hash of body, weak since answers may be compressed
	sri         string // sha256-… for integrity=
	version     string // short hash of body, the ?v= that makes its URL change with it
}

func newAsset(body []byte, contentType string) *asset {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	return &asset{body: body, contentType: contentType, etag: `W/"` + h[:32] + `"`,
		sri: "sha256-" + base64.StdEncoding.EncodeToString(sum[:]), version: h[:12]}
}

// Vendored is one third-party file of assets.txt.
type Vendored struct {
	File, Package, Version, Integrity, Path, SHA256 string
}

// Manifest is assets.txt: the third-party files the page needs.
func Manifest() ([]Vendored, error) {
	return readManifest(files)
}

func readManifest(fsys fs.FS) ([]Vendored, error) {
	raw, err := fs.ReadFile(fsys, "assets.txt")
	if err != nil {
		return nil, err
	}
	var out []Vendored
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 6 {
			return nil, fmt.Errorf("assets.txt: %q: want 6 fields", line)
		}
		out = append(out, Vendored{f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	return out, sc.Err()
}

var contentTypes = map[string]string{
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

// handler serves the page at / and its files under Prefix; nothing else.
type handler struct {
	page   *asset
	assets map[string]*asset
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
	h := &handler{assets: map[string]*asset{}}
	for _, name := range []string{"init.js", "page.css", "favicon.svg", "examples.json"} {
		h.assets[name] = newAsset(mustRead(fsys, name), contentTypes[path.Ext(name)])
	}
	manifest, err := readManifest(fsys)
	if err != nil {
		panic("graphiql: " + err.Error())
	}
	for _, v := range manifest {
		body, err := fs.ReadFile(fsys, "assets/"+v.File)
		if err != nil {
			h.missing = append(h.missing, v.File)
			continue
		}
		a := newAsset(body, contentTypes[path.Ext(v.File)])
		if a.sri != v.SHA256 {
			h.missing = append(h.missing, v.File+" (not the pinned file)")
			continue
		}
		h.assets[v.File] = a
	}

	name, data := "index.html", map[string]any{"Endpoint": endpoint}
	if len(h.missing) > 0 {
		name, data = "missing.html", map[string]any{"Missing": h.missing}
	}
	url := func(file string) string { return Prefix + file + "?v=" + h.assets[file].version }
	tmpl := template.Must(template.New(name).Funcs(template.FuncMap{
		"url": url,
		"sri": func(file string) string { return h.assets[file].sri },
	}).Parse(string(mustRead(fsys, name))))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		panic("graphiql: " + name + ": " + err.Error())
	}
	h.page = newAsset(buf.Bytes(), "text/html; charset=utf-8")
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
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var a *asset
	cache := "no-cache"
	switch {
	case r.URL.Path == "/" || r.URL.Path == "/index.html":
		a = h.page
	case strings.HasPrefix(r.URL.Path, Prefix):
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		if a = h.assets[name]; a == nil {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == a.version {
			cache = "public, max-age=31536000, immutable"
		}
	default:
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", cache)
	hd.Set("ETag", a.etag)
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	// ServeContent handles If-None-Match (304), HEAD and ranges; the zero
	// modtime leaves Last-Modified out.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
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
