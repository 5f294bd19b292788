// Package playground serves postclear's own GraphQL playground: a single page with a query editor,
// a variables and headers editor, a result pane, a schema documentation explorer built from an
// introspection query, example queries and a query history.
//
// Everything the page needs is embedded in the binary and served by [Handler], so the playground works
// on networks without internet access: it loads nothing from anywhere but its own handler and the
// GraphQL endpoint, and the Content-Security-Policy it sends forbids the browser to do otherwise.
//
// The example queries shown in the page come from examples.json, embedded from this directory: a JSON
// array of {"name", "query", "variables"} objects. Its test validates every example against
// schema.graphqls, so an example cannot drift from the API unnoticed.
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

//go:embed index.html playground.js playground.css favicon.svg examples.json
var files embed.FS

// asset is one file the handler serves, with the headers computed once.
type asset struct {
	body        []byte
	contentType string
	etag        string // strong validator: a quoted hash of body
	version     string // short hash of body, used as ?v= in index.html to make the URL change with the content
}

func newAsset(body []byte, contentType string) *asset {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	return &asset{body: body, contentType: contentType, etag: `"` + h[:32] + `"`, version: h[:12]}
}

// handler serves the page at "" or "index.html" and the assets by name; nothing else.
type handler struct {
	index  *asset
	assets map[string]*asset
	csp    string
}

// Handler returns an http.Handler that serves the playground page and its assets. Mount it at the root
// ("/"), or under a prefix ending in a slash with [http.StripPrefix], since the page refers to its assets
// with relative URLs.
//
// endpoint is the URL the page sends GraphQL requests to, usually a path on the same server such as
// "/query". The Content-Security-Policy lets the page connect to its own origin only; when endpoint is an
// absolute http(s) URL on another origin, that origin is allowed too, and the GraphQL server must then
// answer CORS requests from the playground's origin. title is shown as the page title.
//
// Every response has a validator (ETag) and answers If-None-Match with 304. index.html must be
// revalidated on every load; the scripts and styles it links carry a hash of their content in their URL,
// so they can be cached for a year.
//
// Handler panics if an embedded file is missing, which only a broken build can cause.
func Handler(endpoint string, title string) http.Handler {
	h := &handler{assets: map[string]*asset{}, csp: contentSecurityPolicy(endpoint)}
	for name, ctype := range map[string]string{
		"playground.js":  "text/javascript; charset=utf-8",
		"playground.css": "text/css; charset=utf-8",
		"favicon.svg":    "image/svg+xml",
		"examples.json":  "application/json",
	} {
		body, err := files.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("playground: embedded %s: %v", name, err))
		}
		h.assets[name] = newAsset(body, ctype)
	}

	page, err := files.ReadFile("index.html")
	if err != nil {
		panic(fmt.Sprintf("playground: embedded index.html: %v", err))
	}
	tmpl := template.Must(template.New("index.html").Parse(string(page)))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, struct {
		Title, Endpoint, JSVersion, CSSVersion, IconVersion string
	}{
		Title:       title,
		Endpoint:    endpoint,
		JSVersion:   h.assets["playground.js"].version,
		CSSVersion:  h.assets["playground.css"].version,
		IconVersion: h.assets["favicon.svg"].version,
	}); err != nil {
		panic(fmt.Sprintf("playground: index.html: %v", err))
	}
	h.index = newAsset(buf.Bytes(), "text/html; charset=utf-8")
	return h
}

// contentSecurityPolicy allows scripts, styles and requests from the page's own origin only, plus the
// endpoint's origin for requests when the endpoint is an absolute URL elsewhere.
func contentSecurityPolicy(endpoint string) string {
	connect := "'self'"
	if u, err := url.Parse(endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self'",
		"connect-src " + connect,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	var a *asset
	cache := "no-cache"
	switch name {
	case "", "index.html":
		a = h.index
	default:
		a = h.assets[name]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		if name != "examples.json" && r.URL.Query().Get("v") == a.version {
			cache = "public, max-age=31536000, immutable"
		}
	}

	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", cache)
	hd.Set("ETag", a.etag)
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	// ServeContent handles If-None-Match (304), HEAD and ranges; the zero modtime leaves Last-Modified out.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
