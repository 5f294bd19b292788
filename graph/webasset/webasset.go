// Package webasset serves the files of a page that postclear embeds in its
// binary (GraphiQL, the dashboard): each file hashed once, linked with its
// hash in its URL and in integrity=, revalidated by ETag, and sent with a
// Content-Security-Policy that keeps the page on this server.
//
// Third-party files are not in the repository: a manifest (assets.txt)
// pins each one by npm package, version, tarball integrity and file
// sha256; scripts/lib.sh's fetch_npm_files fetches and checks them into an
// ignored directory that go:embed reads, and Vendored here checks them
// again, so a build without them, or with other ones, still compiles and
// its page can say which are missing.
package webasset

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Asset is one file a page serves, with its headers computed once.
type Asset struct {
	Body        []byte
	ContentType string
	ETag        string // a quoted hash of Body, weak since answers may be compressed
	SRI         string // sha256-… for integrity=
	Version     string // short hash of Body, the ?v= that makes its URL change with it
}

// New hashes body into an Asset.
func New(body []byte, contentType string) *Asset {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	return &Asset{Body: body, ContentType: contentType, ETag: `W/"` + h[:32] + `"`,
		SRI: "sha256-" + base64.StdEncoding.EncodeToString(sum[:]), Version: h[:12]}
}

var contentTypes = map[string]string{
	".html":    "text/html; charset=utf-8",
	".js":      "text/javascript; charset=utf-8",
	".css":     "text/css; charset=utf-8",
	".svg":     "image/svg+xml",
	".json":    "application/json",
	".txt":     "text/plain; charset=utf-8",
	".graphql": "application/graphql; charset=utf-8",
}

// ContentType is the media type of a file name's extension.
func ContentType(name string) string {
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// Vendored is one third-party file of a manifest.
type Vendored struct {
	File, Package, Version, Integrity, Path, SHA256 string
}

// ReadManifest reads a manifest: one file a line, as
// "file package version tarball-integrity path-in-package sha256";
// blank lines and lines starting with # are comments.
func ReadManifest(fsys fs.FS, name string) ([]Vendored, error) {
	raw, err := fs.ReadFile(fsys, name)
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
			return nil, fmt.Errorf("%s: %q: want 6 fields", name, line)
		}
		out = append(out, Vendored{f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	return out, sc.Err()
}

// LoadVendored reads the files of manifest from dir in fsys. It returns
// those present with their pinned hash, and names the others: absent, or
// "(not the pinned file)".
func LoadVendored(fsys fs.FS, manifest, dir string) (map[string]*Asset, []string, error) {
	files, err := ReadManifest(fsys, manifest)
	if err != nil {
		return nil, nil, err
	}
	assets := map[string]*Asset{}
	var missing []string
	for _, v := range files {
		body, err := fs.ReadFile(fsys, path.Join(dir, v.File))
		if err != nil {
			missing = append(missing, v.File)
			continue
		}
		a := New(body, ContentType(v.File))
		if a.SRI != v.SHA256 {
			missing = append(missing, v.File+" (not the pinned file)")
			continue
		}
		assets[v.File] = a
	}
	return assets, missing, nil
}

// Immutable is the Cache-Control of a file asked for by its versioned URL:
// the URL changes with the file, so it may be kept for a year.
const Immutable = "public, max-age=31536000, immutable"

// CacheFor is the Cache-Control of a's answer to r: Immutable when r asks
// for its current version (?v=), otherwise revalidate every time.
func CacheFor(a *Asset, r *http.Request) string {
	if r.URL.Query().Get("v") == a.Version {
		return Immutable
	}
	return "no-cache"
}

// Serve answers r with a: GET and HEAD only, with its ETag (304 for
// If-None-Match), cacheControl, the page's Content-Security-Policy and the
// headers that keep it from being framed or sniffed.
func Serve(w http.ResponseWriter, r *http.Request, a *Asset, cacheControl, csp string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Cache-Control", cacheControl)
	hd.Set("ETag", a.ETag)
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	// ServeContent handles If-None-Match (304), HEAD and ranges; the zero
	// modtime leaves Last-Modified out.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.Body))
}
