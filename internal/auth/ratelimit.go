package auth

import (
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// RateLimiter limits requests per principal with one token bucket each:
// a bucket holds up to Burst tokens, refills at Rate tokens per second, and
// each request takes one. It is safe for concurrent use.
//
// Memory is bounded by MaxBuckets. A bucket that has refilled to Burst is
// indistinguishable from a new one, so dropping it loses nothing; those are
// swept once a minute and whenever the map is full. Only when every bucket
// is in use does the least recently used one go, which at worst gives that
// caller a fresh burst.
type RateLimiter struct {
	rate       float64 // tokens per second
	burst      float64
	maxBuckets int
	now        func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time // when tokens was computed; also the last use
}

// DefaultMaxBuckets bounds a RateLimiter's memory when NewRateLimiter is
// given no bound: about a megabyte, far more principals than two agencies
// will have.
const DefaultMaxBuckets = 10000

// sweepEvery is how often Allow drops refilled buckets even when the map
// is not full, so that memory follows the number of active callers.
const sweepEvery = time.Minute

// NewRateLimiter returns a limiter allowing rate requests per second per
// key on average, in bursts of up to burst, tracking at most maxBuckets
// keys (DefaultMaxBuckets when maxBuckets <= 0). rate must be positive and
// burst at least 1.
func NewRateLimiter(rate float64, burst, maxBuckets int) *RateLimiter {
	if !(rate > 0) || math.IsInf(rate, 0) {
		panic("auth.NewRateLimiter: rate must be positive and finite")
	}
	if burst < 1 {
		panic("auth.NewRateLimiter: burst must be at least 1")
	}
	if maxBuckets <= 0 {
		maxBuckets = DefaultMaxBuckets
	}
	return &RateLimiter{
		rate:       rate,
		burst:      float64(burst),
		maxBuckets: maxBuckets,
		now:        time.Now,
		buckets:    make(map[string]*bucket),
	}
}

// Allow takes a token from key's bucket. When the bucket is empty it
// returns false and how long until a token will be there.
func (l *RateLimiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	return l.check(key, true)
}

func (l *RateLimiter) check(key string, take bool) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.sweep(now)
	}
	b, found := l.buckets[key]
	if !found && !take {
		return true, 0 // a new bucket is full: nothing to keep
	}
	if !found {
		if len(l.buckets) >= l.maxBuckets {
			l.sweep(now)
			if len(l.buckets) >= l.maxBuckets {
				l.evictOldest()
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		if take {
			b.tokens--
		}
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *RateLimiter) refill(b *bucket, now time.Time) {
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt.Seconds()*l.rate)
	}
	b.last = now
}

// sweep drops every bucket that would be full by now.
func (l *RateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

func (l *RateLimiter) evictOldest() {
	var oldest string
	var t time.Time
	for k, b := range l.buckets {
		if t.IsZero() || b.last.Before(t) {
			oldest, t = k, b.last
		}
	}
	delete(l.buckets, oldest)
}

// ClientIP is the peer address. Forwarded headers are deliberately not
// trusted: any client can set them to get a fresh bucket per request.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
