package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/auth"
)

// Bad serve flags are refused at start, through the real command line,
// with one line naming the flag and exit status 2: before, a zero burst
// or an infinite rate panicked, a negative or NaN rate switched limiting
// off and a zero query timeout made every request fail.
func TestServeRefusesBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		flag string
	}{
		{[]string{"--rate-burst", "0"}, "--rate-burst"},
		{[]string{"--rate-limit", "+Inf"}, "--rate-limit"},
		{[]string{"--rate-limit", "-1"}, "--rate-limit"},
		{[]string{"--rate-limit", "NaN"}, "--rate-limit"},
		{[]string{"--query-timeout", "0"}, "--query-timeout"},
		{[]string{"--idle-timeout", "0s"}, "--idle-timeout"},
		{[]string{"--max-connections", "0"}, "--max-connections"},
		{[]string{"--max-live-connections", "1024"}, "--max-live-connections"},
		{[]string{"--max-live-connections", "-1"}, "--max-live-connections"},
		{[]string{"--max-statements", "0"}, "--max-statements"},
		{[]string{"--max-filter-values", "0"}, "--max-filter-values"},
		{[]string{"--cache-bytes", "-1"}, "--cache-bytes"},
		{[]string{"--cors-origins", "*"}, "--cors-origins"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, tt.args...)
			code, stderr := runChild(t, 20*time.Second, args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2; stderr:\n%s", code, stderr)
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], tt.flag) {
				t.Errorf("stderr is not one line naming %s:\n%s", tt.flag, stderr)
			}
		})
	}
}

// runChild runs postclear with args in a child process (this test binary,
// see childMain) and returns its exit status and standard error. A child
// still running after limit is killed: a server that started instead of
// refusing its flags fails the test rather than hanging it.
func runChild(t *testing.T, limit time.Duration, args ...string) (int, string) {
	t.Helper()
	cmd := child(t, "run", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// Connections are bounded: beyond --max-connections a new client waits
// until one closes, and an idle keep-alive connection is closed after
// --idle-timeout (before, ~20,000 idle connections exhausted the file
// descriptors).
func TestServerBoundsConnections(t *testing.T) {
	s := startServerWith(t, "e2e_conns", func(c *Config) {
		c.MaxConnections = 2
		c.IdleTimeout = time.Second
	})
	c1, c2 := dialHealth(t, s), dialHealth(t, s)
	for _, c := range []*healthConn{c1, c2} {
		if err := c.roundTrip(2 * time.Second); err != nil {
			t.Fatalf("request within the bound: %v", err)
		}
	}
	c3 := dialHealth(t, s)
	if err := c3.roundTrip(300 * time.Millisecond); err == nil {
		t.Fatal("a third connection was served with --max-connections 2")
	}
	c1.Close()
	if err := c3.wait(2 * time.Second); err != nil {
		t.Fatalf("the third connection was not served after one closed: %v", err)
	}
	// c2 has been idle since its request: the server closes it.
	c2.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := c2.r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("idle connection after --idle-timeout: read gives %v, want EOF", err)
	}
}

type healthConn struct {
	net.Conn
	r *bufio.Reader
}

func dialHealth(t *testing.T, s *Server) *healthConn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &healthConn{Conn: c, r: bufio.NewReader(c)}
}

// roundTrip sends GET /healthz and waits up to d for the answer.
func (c *healthConn) roundTrip(d time.Duration) error {
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: postclear\r\n\r\n"); err != nil {
		return err
	}
	return c.wait(d)
}

func (c *healthConn) wait(d time.Duration) error {
	c.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// The access log records the status the client got: a request cut off by
// --query-timeout is logged 503, not the 200 of the handler it stopped.
func TestAccessLogRecordsTimeouts(t *testing.T) {
	requireEngine(t)
	var log syncBuffer
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Database = "127.0.0.1:0", testDataDir, "e2e_timeout"
	cfg.QueryTimeout = time.Nanosecond
	s := &Server{Config: cfg, Logger: newLogger("text", &log)}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := http.Post("http://"+s.Addr()+"/graphql", "application/json", strings.NewReader(`{"query":"{ dataStatus { events } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(log.String(), "path=/graphql status=503") {
		if time.Now().After(deadline) {
			t.Fatalf("no access log line with status=503:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// /metrics is for operators: administrators only on the main address, or
// on --metrics-addr alone. Before, anyone who could reach the server read
// it.
func TestMetricsAreRestricted(t *testing.T) {
	s, token := authServer(t, "e2e_metrics_auth")
	get := func(addr, token string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	analyst := token(auth.Principal{Subject: "ana", Role: auth.RoleAnalyst})
	admin := token(auth.Principal{Subject: "root", Role: auth.RoleAdmin})
	got := []int{get(s.Addr(), ""), get(s.Addr(), analyst), get(s.Addr(), admin)}
	if diff := cmp.Diff([]int{401, 403, 200}, got); diff != "" {
		t.Errorf("GET /metrics without a credential, as ANALYST, as ADMIN (-want +got):\n%s", diff)
	}

	sep := startServerWith(t, "e2e_metrics_addr", func(c *Config) { c.MetricsAddr = "127.0.0.1:0" })
	if got := get(sep.Addr(), ""); got != http.StatusNotFound {
		t.Errorf("GET /metrics on --addr with --metrics-addr set: %d, want 404", got)
	}
	if got := get(sep.MetricsAddr(), ""); got != http.StatusOK {
		t.Errorf("GET /metrics on --metrics-addr: %d, want 200", got)
	}
}
