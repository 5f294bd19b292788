package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// liveConn is a graphql-transport-ws client over one WebSocket.
type liveConn struct {
	t *testing.T
	c *websocket.Conn
}

// dialLive opens a WebSocket to /graphql of srv with the protocol's
// subprotocol; origin, when set, is sent as the browser would.
func dialLive(t *testing.T, srv *httptest.Server, origin string) (*liveConn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
	if err != nil {
		return nil, res, err
	}
	t.Cleanup(func() { c.CloseNow() })
	return &liveConn{t: t, c: c}, res, nil
}

func (l *liveConn) send(msg map[string]any) {
	l.t.Helper()
	b, _ := json.Marshal(msg)
	if err := l.c.Write(context.Background(), websocket.MessageText, b); err != nil {
		l.t.Fatalf("send %v: %v", msg["type"], err)
	}
}

// next returns the next message other than ping (which it answers), or
// the error that ended the connection.
func (l *liveConn) next(timeout time.Duration) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		_, b, err := l.c.Read(ctx)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		if m["type"] == "ping" {
			l.send(map[string]any{"type": "pong"})
			continue
		}
		return m, nil
	}
}

func (l *liveConn) must(timeout time.Duration) map[string]any {
	l.t.Helper()
	m, err := l.next(timeout)
	if err != nil {
		l.t.Fatalf("reading: %v", err)
	}
	return m
}

// init sends connection_init with a bearer token (none when empty) and
// returns the server's answer: the ack, or the error closing the socket.
func (l *liveConn) init(token string) (map[string]any, error) {
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	l.send(map[string]any{"type": "connection_init", "payload": payload})
	return l.next(5 * time.Second)
}

func (l *liveConn) subscribe(id, query string) {
	l.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}})
}

const dataChanged = `subscription { dataChanged { version at } }`

// version is the dataChanged version of a next message, failing the test
// on anything else.
func version(t *testing.T, m map[string]any) string {
	t.Helper()
	var msg struct {
		Type    string
		Payload struct {
			Data   struct{ DataChanged struct{ Version, At string } }
			Errors []any
		}
	}
	b, _ := json.Marshal(m)
	json.Unmarshal(b, &msg)
	if msg.Type != "next" || len(msg.Payload.Errors) > 0 || msg.Payload.Data.DataChanged.At == "" {
		t.Fatalf("want a dataChanged message, got %s", b)
	}
	return msg.Payload.Data.DataChanged.Version
}

func closeStatus(err error) websocket.StatusCode { return websocket.CloseStatus(err) }

// The subscription announces the data version in force, then a new one
// after each ingest mutation that stored records (on the real engine, the
// version the store reports), and nothing for one that stored none.
func TestDataChangedAfterIngest(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	st := warehouse.NewStore(e, layout)
	authn, mint := hs256(t)
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Records: st, Now: func() time.Time { return testenv.Now }},
		func(context.Context) error { return nil }, graph.Config{Auth: authn, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	c, _, err := dialLive(t, srv, "")
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := c.init(mint(auth.Principal{Subject: "dash", Role: auth.RoleAnalyst})); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v %v", ack, err)
	}
	c.subscribe("1", dataChanged)
	before, _ := st.DataVersion(context.Background())
	if got := version(t, c.must(5*time.Second)); got != before {
		t.Errorf("first message: version %q, want the version in force, %q", got, before)
	}

	ingester := mint(auth.Principal{Subject: "feed", Role: auth.RoleIngest})
	ingest := func(eventCode string) int {
		status, out := postAuth(t, srv.URL+"/graphql", ingester, `mutation { ingestEvents(records: [
			{itemId: "RR123456785CN", eventCode: "`+eventCode+`", eventTime: "2025-03-05T10:00:00Z", office: "KENBOA", originCountry: "CN", destinationCountry: "KE", mailClass: "LETTER"}
		]) { accepted } }`)
		if status != http.StatusOK {
			t.Fatalf("ingest: status %d %v", status, out)
		}
		return int(out["data"].(map[string]any)["ingestEvents"].(map[string]any)["accepted"].(float64))
	}
	if n := ingest("NOPE"); n != 0 {
		t.Fatalf("a bad event code was accepted")
	}
	if n := ingest("EDB"); n != 1 {
		t.Fatalf("accepted %d events, want 1", n)
	}
	after, _ := st.DataVersion(context.Background())
	if after == before {
		t.Fatal("the store's data version did not change with an ingest")
	}
	// The rejected ingest announced nothing: the next message is the
	// accepted one's.
	if got := version(t, c.must(5*time.Second)); got != after {
		t.Errorf("after the ingest: version %q, want %q", got, after)
	}
}

// postAuth posts a GraphQL document with a bearer token.
func postAuth(t *testing.T, url, token, query string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// versionRecords is the data version and nothing else; it records the
// scope of the contexts it is asked in. Any other method would panic.
type versionRecords struct {
	graph.Records
	mu     sync.Mutex
	scopes []postclear.Scope
}

func (v *versionRecords) DataVersion(ctx context.Context) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.scopes = append(v.scopes, postclear.ScopeFrom(ctx))
	return "v1", nil
}

// liveServer serves a resolver over versionRecords with HS256
// authentication.
func liveServer(t *testing.T, cfg graph.Config) (*httptest.Server, *versionRecords, *graph.Resolver, func(auth.Principal) string) {
	t.Helper()
	authn, mint := hs256(t)
	cfg.Auth = authn
	cfg.Logger = slog.New(slog.DiscardHandler)
	rec := &versionRecords{}
	r := &graph.Resolver{Records: rec}
	srv := httptest.NewServer(graph.NewHandler(r, nil, cfg))
	t.Cleanup(srv.Close)
	return srv, rec, r, mint
}

// connection_init is admitted as an HTTP request's Authorization header
// is: no or a bad credential closes the socket with 4403, a role that may
// not read is refused the subscription, and an AGENCY caller's
// subscription runs in its scope.
func TestWebSocketAdmission(t *testing.T) {
	srv, rec, _, mint := liveServer(t, graph.Config{})
	for _, tc := range []struct{ name, token string }{
		{"no credential", ""},
		{"bad credential", "not-a-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := dialLive(t, srv, "")
			if err != nil {
				t.Fatal(err)
			}
			m, err := c.init(tc.token)
			if closeStatus(err) != 4403 {
				t.Errorf("connection_init: got %v, %v; want the socket closed with 4403", m, err)
			}
		})
	}

	t.Run("INGEST may not subscribe", func(t *testing.T) {
		c, _, err := dialLive(t, srv, "")
		if err != nil {
			t.Fatal(err)
		}
		if ack, err := c.init(mint(auth.Principal{Subject: "feed", Role: auth.RoleIngest})); err != nil || ack["type"] != "connection_ack" {
			t.Fatalf("connection_init: %v %v", ack, err)
		}
		c.subscribe("1", dataChanged)
		m := c.must(5 * time.Second)
		if b, _ := json.Marshal(m); !strings.Contains(string(b), "FORBIDDEN") {
			t.Errorf("subscription as INGEST: %s, want FORBIDDEN", b)
		}
	})

	t.Run("AGENCY subscribes in its scope", func(t *testing.T) {
		c, _, err := dialLive(t, srv, "")
		if err != nil {
			t.Fatal(err)
		}
		if ack, err := c.init(mint(auth.Principal{Subject: "ke", Role: auth.RoleAgency, Countries: []string{"KE"}})); err != nil || ack["type"] != "connection_ack" {
			t.Fatalf("connection_init: %v %v", ack, err)
		}
		c.subscribe("1", dataChanged)
		if v := version(t, c.must(5*time.Second)); v != "v1" {
			t.Errorf("version %q", v)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		want := []postclear.Scope{{Restricted: true, Countries: []string{"KE"}}}
		if diff := cmp.Diff(want, rec.scopes); diff != "" {
			t.Errorf("scope of the subscription (-want +got):\n%s", diff)
		}
	})
}

// The WebSocket serves subscriptions only, and HTTP requests everything
// else: each says where the other kind goes.
func TestOperationKindsPerTransport(t *testing.T) {
	srv, _, _, mint := liveServer(t, graph.Config{})
	token := mint(auth.Principal{Subject: "a", Role: auth.RoleAnalyst})
	c, _, err := dialLive(t, srv, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.init(token); err != nil {
		t.Fatal(err)
	}
	c.subscribe("q", `{ viewer { role } }`)
	if b, _ := json.Marshal(c.must(5 * time.Second)); !strings.Contains(string(b), "only subscriptions are served over the WebSocket") {
		t.Errorf("a query over the WebSocket: %s", b)
	}
	status, out := postAuth(t, srv.URL+"/graphql", token, dataChanged)
	if b, _ := json.Marshal(out); status != http.StatusOK || !strings.Contains(string(b), "subscriptions are served over a WebSocket") {
		t.Errorf("a subscription over HTTP: %d %s", status, b)
	}
}

// Browsers send their page's origin: a WebSocket from a page of another
// origin is refused unless --cors-origins lists it, like a cross-origin
// request.
func TestWebSocketOrigins(t *testing.T) {
	srv, _, _, _ := liveServer(t, graph.Config{CORSOrigins: []string{"https://dash.example.org"}})
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{srv.URL, true},
		{"https://dash.example.org", true},
		{"https://evil.example.org", false},
	} {
		_, res, err := dialLive(t, srv, tc.origin)
		if tc.ok && err != nil {
			t.Errorf("origin %q: refused: %v", tc.origin, err)
		}
		if !tc.ok && (err == nil || res == nil || res.StatusCode != http.StatusForbidden) {
			t.Errorf("origin %q: accepted (%v), want 403", tc.origin, err)
		}
	}
}

// WebSockets are bounded: beyond MaxLiveConnections a new one is refused
// with 503, and one connection holds at most a few subscriptions.
func TestWebSocketBounds(t *testing.T) {
	srv, _, _, mint := liveServer(t, graph.Config{MaxLiveConnections: 1})
	c, _, err := dialLive(t, srv, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.init(mint(auth.Principal{Subject: "a", Role: auth.RoleAnalyst})); err != nil {
		t.Fatal(err)
	}
	if _, res, err := dialLive(t, srv, ""); err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a second WebSocket with a limit of one: %v, want 503", err)
	}
	var refused bool
	for i := range 5 {
		c.subscribe(string(rune('a'+i)), dataChanged)
		b, _ := json.Marshal(c.must(5 * time.Second))
		refused = refused || strings.Contains(string(b), "at most 4 subscriptions")
	}
	if !refused {
		t.Error("a fifth subscription on one connection was accepted")
	}
}

// A connection closes when its credential expires, and when the server
// closes its broker (shutting down).
func TestWebSocketEnds(t *testing.T) {
	srv, _, r, mint := liveServer(t, graph.Config{})
	short, err := auth.MintHS256([]byte("0123456789abcdef0123456789abcdef"), auth.Principal{Subject: "a", Role: auth.RoleAnalyst}, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	expiring, _, err := dialLive(t, srv, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := expiring.init(short); err != nil {
		t.Fatal(err)
	}
	expiring.subscribe("1", dataChanged)
	version(t, expiring.must(5*time.Second))
	var ended error
	for ended == nil {
		_, ended = expiring.next(10 * time.Second)
	}
	if errors.Is(ended, context.DeadlineExceeded) {
		t.Error("the connection outlived its credential")
	}

	c, _, err := dialLive(t, srv, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.init(mint(auth.Principal{Subject: "a", Role: auth.RoleAnalyst})); err != nil {
		t.Fatal(err)
	}
	c.subscribe("1", dataChanged)
	version(t, c.must(5*time.Second))
	r.Live.Close()
	for ended = nil; ended == nil; {
		_, ended = c.next(10 * time.Second)
	}
	if errors.Is(ended, context.DeadlineExceeded) {
		t.Error("the connection outlived the broker")
	}
}

// Failed connection_inits cost the client's IP like failed requests: once
// its bucket is empty, the socket closes with 4429.
func TestWebSocketRateLimit(t *testing.T) {
	srv, _, _, _ := liveServer(t, graph.Config{RateLimit: auth.NewRateLimiter(0.001, 2, 0)})
	var codes []websocket.StatusCode
	for range 3 {
		c, _, err := dialLive(t, srv, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.init("bad")
		codes = append(codes, closeStatus(err))
	}
	if diff := cmp.Diff([]websocket.StatusCode{4403, 4403, 4429}, codes); diff != "" {
		t.Errorf("close codes of three bad connection_inits (-want +got):\n%s", diff)
	}
}
