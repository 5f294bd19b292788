package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestRateLimiterMiddleware(t *testing.T) {
	l := NewRateLimiter(0.5, 2, 0) // one request per 2s, bursts of 2
	clock := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return clock }
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	h := l.Middleware(ok)
	do := func(p *Principal) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/query", nil)
		if p != nil {
			req = req.WithContext(WithPrincipal(req.Context(), *p))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	alice := &Principal{Subject: "alice", Role: RoleAnalyst}
	bob := &Principal{Subject: "bob", Role: RoleAnalyst}

	for i := range 2 {
		if rec := do(alice); rec.Code != http.StatusOK {
			t.Fatalf("request %d within burst: status %d", i, rec.Code)
		}
	}
	rec := do(alice)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("request past burst: status %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2", got)
	}
	if msg, code := decodeError(t, rec); code != ERateLimited || msg == "" {
		t.Errorf("error = %q %q, want code %s", msg, code, ERateLimited)
	}
	if rec := do(bob); rec.Code != http.StatusOK {
		t.Errorf("another principal is limited too: status %d", rec.Code)
	}
	clock = clock.Add(1500 * time.Millisecond)
	if got := do(alice).Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After after 1.5s = %q, want 1 (rounded up)", got)
	}
	clock = clock.Add(500 * time.Millisecond)
	if rec := do(alice); rec.Code != http.StatusOK {
		t.Errorf("after refill: status %d", rec.Code)
	}
	// Without a principal the limit is per client address.
	for range 2 {
		do(nil)
	}
	if rec := do(nil); rec.Code != http.StatusTooManyRequests {
		t.Errorf("anonymous past burst: status %d, want 429", rec.Code)
	}
}

func TestRateLimiterMemory(t *testing.T) {
	l := NewRateLimiter(1, 3, 4)
	clock := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return clock }
	for i := range 100 {
		l.Allow(fmt.Sprint("k", i))
		if n := len(l.buckets); n > 4 {
			t.Fatalf("after %d keys: %d buckets, want at most 4", i+1, n)
		}
	}
	// An active caller keeps its state while idle ones come and go: its
	// bucket is not full, so sweeps leave it, and LRU eviction picks the
	// others first because it was used last.
	for range 3 {
		clock = clock.Add(time.Millisecond)
		l.Allow("busy")
	}
	for i := range 3 {
		clock = clock.Add(time.Millisecond)
		l.Allow(fmt.Sprint("idle", i))
	}
	if ok, _ := l.Allow("busy"); ok {
		t.Error("busy caller got a fresh burst after other keys were added")
	}
	// Idle buckets are dropped by the periodic sweep.
	clock = clock.Add(sweepEvery)
	l.Allow("late")
	if n := len(l.buckets); n != 1 {
		t.Errorf("after a sweep: %d buckets, want 1", n)
	}
}
