package graph

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/auth"
)

// DataVersion names the data a query reads: it changes whenever an ingest
// is accepted (implemented by warehouse.Store.DataVersion).
type DataVersion func(ctx context.Context) (string, error)

// todaySlot is how long "today" stays the same in every time zone: zone
// offsets are whole quarter hours, so the date somewhere changes only at a
// quarter-hour boundary. On-time delivery is judged against today, so an
// answer's validator includes the current slot.
const todaySlot = 15 * time.Minute

// revalidate makes GET answers cheap to ask for again. A GET /graphql (a
// query, or an automatic persisted query by hash) or a report download
// answers with a weak ETag derived from what decides the answer: the data
// version, the request (path, query string, Accept), the caller's role and
// scope, the current quarter hour (see todaySlot) and this process (an
// embedded engine's version restarts with it). A request whose
// If-None-Match names it gets 304 without running anything. The answer is
// "Cache-Control: private, no-cache": a browser may keep it but must ask
// each time, and no shared cache may keep it. Answers with errors, and
// every other method, are "no-store"; without a data version there are no
// ETags.
func revalidate(version DataVersion, now func() time.Time, next http.Handler) http.Handler {
	var instance [16]byte
	rand.Read(instance[:])
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead || version == nil {
			w.Header().Set("Cache-Control", "no-store")
			next.ServeHTTP(w, r)
			return
		}
		v, err := version(r.Context())
		if err != nil {
			// The engine is down: the request will say so.
			w.Header().Set("Cache-Control", "no-store")
			next.ServeHTTP(w, r)
			return
		}
		etag := answerTag(instance[:], v, now().Truncate(todaySlot), r)
		h := w.Header()
		h.Add("Vary", "Authorization")
		h.Add("Vary", "Accept")
		if matches(r.Header.Get("If-None-Match"), etag) {
			h.Set("ETag", etag)
			h.Set("Cache-Control", "private, no-cache")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		for k, vs := range rec.header {
			h[k] = vs
		}
		if rec.status == http.StatusOK && !answersErrors(rec.body.Bytes()) {
			h.Set("ETag", etag)
			h.Set("Cache-Control", "private, no-cache")
		} else {
			h.Set("Cache-Control", "no-store")
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	})
}

// answerTag is the weak validator of r's answer.
func answerTag(instance []byte, version string, slot time.Time, r *http.Request) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(instance)
	field(version)
	field(slot.UTC().Format(time.RFC3339))
	field(r.URL.Path)
	field(r.URL.RawQuery)
	field(r.Header.Get("Accept"))
	if p, ok := auth.FromContext(r.Context()); ok {
		field(string(p.Role))
		field(strings.Join(p.Countries, ","))
	}
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// matches reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 requires for If-None-Match).
func matches(ifNoneMatch, etag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// answersErrors reports whether a GraphQL answer carries errors; gqlgen
// writes "errors" as the first member when there are any. A report
// download that failed is not a 200, so this does not look at it.
func answersErrors(body []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte(`{"errors"`))
}

// recorder holds an answer until revalidate knows whether it may be
// validated. Answers are bounded (rows per KPI, a rendered report), and
// the request timeout buffers them anyway.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
