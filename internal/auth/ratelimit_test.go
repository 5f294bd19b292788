package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestGuardLimits(t *testing.T) {
	l := NewRateLimiter(0.5, 2, 0) // one request per 2s, bursts of 2
	clock := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return clock }
	a := mustNew(t, Config{HS256Secret: secret})
	h := a.Guard(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	token := func(subject string) string {
		tok, err := MintHS256(secret, Principal{Subject: subject, Role: RoleAnalyst}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	alice, bob := token("alice"), token("bob")
	do := func(authorization, ip string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/query", nil)
		req.RemoteAddr = ip + ":40000"
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	for i := range 2 {
		if rec := do(alice, "192.0.2.1"); rec.Code != http.StatusOK {
			t.Fatalf("request %d within burst: status %d", i, rec.Code)
		}
	}
	rec := do(alice, "192.0.2.2") // another address, same principal
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("request past burst: status %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2", got)
	}
	if msg, code := decodeError(t, rec); code != ERateLimited || msg == "" {
		t.Errorf("error = %q %q, want code %s", msg, code, ERateLimited)
	}
	if rec := do(bob, "192.0.2.1"); rec.Code != http.StatusOK {
		t.Errorf("another principal on the same address is limited too: status %d", rec.Code)
	}
	clock = clock.Add(1500 * time.Millisecond)
	if got := do(alice, "192.0.2.1").Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After after 1.5s = %q, want 1 (rounded up)", got)
	}
	clock = clock.Add(500 * time.Millisecond)
	if rec := do(alice, "192.0.2.1"); rec.Code != http.StatusOK {
		t.Errorf("after refill: status %d", rec.Code)
	}

	// Requests without a valid credential are limited per client IP: two
	// failures use the burst, the third request from that address is
	// refused before its credential is looked at, even a valid one.
	for _, cred := range []string{"", "Bearer not-a-key"} {
		if rec := do(cred, "198.51.100.7"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("bad credential %q: status %d, want 401", cred, rec.Code)
		}
	}
	if rec := do("Bearer guess", "198.51.100.7"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("third bad credential from one address: status %d, want 429", rec.Code)
	}
	if rec := do(bob, "198.51.100.7"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("valid credential from an address out of tokens: status %d, want 429", rec.Code)
	}
	if rec := do("", "198.51.100.8"); rec.Code != http.StatusUnauthorized {
		t.Errorf("another address: status %d, want 401", rec.Code)
	}

	// With authentication off every caller is the local administrator:
	// the limit is per client IP.
	open := mustNew(t, Config{}).Guard(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for range 2 {
		open.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/query", nil))
	}
	rec = httptest.NewRecorder()
	open.ServeHTTP(rec, httptest.NewRequest("POST", "/query", nil))
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("open server, past the burst: status %d, want 429", rec.Code)
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
