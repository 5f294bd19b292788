package resultcache

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/postclear/postclear/internal/postclear"
)

func TestServesUntilVersionChanges(t *testing.T) {
	version := "1"
	c := New(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return version, nil })
	var computed int
	get := func() int {
		v, err := Do(context.Background(), c, "q", func(context.Context) (int, error) {
			computed++
			return computed, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if a, b := get(), get(); a != 1 || b != 1 {
		t.Errorf("same version: got %d then %d, want 1 twice", a, b)
	}
	version = "2" // an ingest was accepted
	if got := get(); got != 2 {
		t.Errorf("after a version change got %d, want a fresh result 2", got)
	}
	if h, m := c.Stats(); h != 1 || m != 2 {
		t.Errorf("hits, misses = %d, %d; want 1, 2", h, m)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	c := New(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return "v", nil })
	fail := true
	for i, want := range []bool{true, false} {
		_, err := Do(context.Background(), c, "q", func(context.Context) (int, error) {
			if fail {
				fail = false
				return 0, errors.New("engine down")
			}
			return 1, nil
		})
		if (err != nil) != want {
			t.Errorf("call %d: err = %v, want error %v", i, err, want)
		}
	}
}

func TestBoundedAndDeduplicated(t *testing.T) {
	c := New(Limits{MaxEntries: 2, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return "v", nil })
	for _, k := range []string{"a", "b", "c"} {
		Do(context.Background(), c, k, func(context.Context) (string, error) { return k, nil })
	}
	if c.lru.Len() != 2 {
		t.Errorf("entries = %d, want 2", c.lru.Len())
	}
	// Identical requests arriving while one computes wait for it.
	var calls atomic.Int32
	release := make(chan struct{})
	slow := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 1, nil
	}
	var wg sync.WaitGroup
	start := func() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := Do(context.Background(), c, "slow", slow); v != 1 || err != nil {
				t.Errorf("Do = %d, %v", v, err)
			}
		}()
	}
	start()
	for c.inflightLen() == 0 {
		runtime.Gosched()
	}
	_, missesBefore := c.Stats()
	for range 7 {
		start()
	}
	for _, m := c.Stats(); m < missesBefore+7; _, m = c.Stats() {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
}

func (c *Cache) inflightLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.inflight)
}

// The scope is part of every key by construction: the cache reads it from
// the context, so callers with different scopes never share an entry,
// whatever key the caller built, and agencies with the same countries do.
func TestKeyedByTheCallersScope(t *testing.T) {
	c := New(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return "v", nil })
	ask := func(ctx context.Context, answer string) string {
		v, err := Do(ctx, c, "same query", func(context.Context) (string, error) { return answer, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	admin := context.Background()
	ke := postclear.WithScope(admin, postclear.Scope{Restricted: true, Countries: []string{"KE", "TH"}})
	keAgain := postclear.WithScope(admin, postclear.Scope{Restricted: true, Countries: []string{"TH", "KE", "KE"}})
	ma := postclear.WithScope(admin, postclear.Scope{Restricted: true, Countries: []string{"MA"}})
	if got := ask(admin, "everything"); got != "everything" {
		t.Fatalf("admin got %q", got)
	}
	if got := ask(ke, "KE and TH"); got != "KE and TH" {
		t.Errorf("a KE+TH agency after an admin got %q, want its own answer", got)
	}
	if got := ask(keAgain, "computed again"); got != "KE and TH" {
		t.Errorf("a TH+KE agency got %q, want the KE+TH agency's answer (same scope)", got)
	}
	if got := ask(ma, "MA"); got != "MA" {
		t.Errorf("an MA agency got %q, want its own answer", got)
	}
	if got := ask(admin, "computed again"); got != "everything" {
		t.Errorf("admin got %q, want its cached answer", got)
	}
}

// The cache holds at most MaxBytes of estimated entry sizes, evicting the
// least recently used; a result larger than the whole budget is served
// but not kept.
func TestBoundedByBytes(t *testing.T) {
	const budget = 64 << 10
	c := New(Limits{MaxEntries: 1000, MaxBytes: budget}, func(context.Context) (string, error) { return "v", nil })
	rows := func(n int) []postclear.ClearanceStat {
		out := make([]postclear.ClearanceStat, n)
		for i := range out {
			country, v := "KE", float64(i)
			out[i] = postclear.ClearanceStat{Key: postclear.GroupKey{OriginCountry: &country}, MeanHours: &v}
		}
		return out
	}
	for i := range 100 {
		key := string(rune('a'+i%26)) + string(rune('a'+i/26))
		if _, err := Do(context.Background(), c, key, func(context.Context) ([]postclear.ClearanceStat, error) { return rows(50), nil }); err != nil {
			t.Fatal(err)
		}
		if b := c.Bytes(); b > budget {
			t.Fatalf("after %d entries the cache holds %d bytes, over its %d", i+1, b, budget)
		}
	}
	one := sizeOf(rows(50))
	if n := c.lru.Len(); n < int(budget/(one+entryOverhead+8))-1 || n > int(budget/one) {
		t.Errorf("%d entries of about %d bytes kept in %d bytes", n, one, budget)
	}
	huge := rows(5000)
	got, err := Do(context.Background(), c, "huge", func(context.Context) ([]postclear.ClearanceStat, error) { return huge, nil })
	if err != nil || len(got) != 5000 {
		t.Fatalf("huge result: %d rows, %v", len(got), err)
	}
	if _, ok := c.entries["v\x00all\x00huge"]; ok {
		t.Error("a result larger than the whole budget was kept")
	}
}

// sizeOf counts what a KPI result holds: the rows, and the strings and
// floats their pointers reach.
func TestSizeOf(t *testing.T) {
	country, v := "KE", 1.5
	row := postclear.ClearanceStat{Key: postclear.GroupKey{OriginCountry: &country}, MeanHours: &v, P50Hours: &v}
	rowSize := int64(unsafe.Sizeof(row))
	want := int64(unsafe.Sizeof([]postclear.ClearanceStat{})) + 10*rowSize +
		10*(int64(unsafe.Sizeof(country))+2) + 10*2*8
	if got := sizeOf(slices.Repeat([]postclear.ClearanceStat{row}, 10)); got != want {
		t.Errorf("sizeOf(10 rows) = %d, want %d", got, want)
	}
	if got := sizeOf(map[string]int{"ab": 1}); got < 8+2 {
		t.Errorf("sizeOf(map) = %d, too small", got)
	}
}

// A caller waiting for a computation another caller started gets its
// result even when that other caller goes away: the computation does not
// run under the first caller's context (issue 9: the waiter got "context
// canceled"). It keeps the first caller's values (the scope).
func TestWaitersDoNotInheritTheFirstCallersCancellation(t *testing.T) {
	c := New(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return "v", nil })
	started, release := make(chan struct{}), make(chan struct{})
	type scopeSeen struct{ restricted bool }
	compute := func(ctx context.Context) (scopeSeen, error) {
		close(started)
		<-release
		if err := ctx.Err(); err != nil {
			return scopeSeen{}, err
		}
		return scopeSeen{postclear.ScopeFrom(ctx).Restricted}, nil
	}
	scoped := postclear.WithScope(context.Background(), postclear.Scope{Restricted: true, Countries: []string{"KE"}})
	first, cancelFirst := context.WithCancel(scoped)
	firstErr := make(chan error)
	go func() {
		_, err := Do(first, c, "q", compute)
		firstErr <- err
	}()
	<-started
	second := make(chan error)
	var got scopeSeen
	go func() {
		var err error
		got, err = Do(scoped, c, "q", compute)
		second <- err
	}()
	for c.waiting("q") < 2 {
		runtime.Gosched()
	}
	cancelFirst()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the first caller, cancelled, got %v; want context.Canceled", err)
	}
	close(release)
	if err := <-second; err != nil {
		t.Fatalf("the second caller, still waiting, got %v; want the result", err)
	}
	if !got.restricted {
		t.Error("the computation did not see the callers' scope")
	}
	again, err := Do(scoped, c, "q", func(context.Context) (scopeSeen, error) { return scopeSeen{}, errors.New("computed again") })
	if err != nil || !again.restricted {
		t.Errorf("the same scope again got %v, %v; want the cached result", again, err)
	}
}

// When every caller waiting for a computation has gone, it is cancelled,
// nothing is cached, and the next caller computes afresh; a computation
// is bounded by MaxCompute whatever its callers' contexts say.
func TestAbandonedComputationIsCancelled(t *testing.T) {
	c := New(Limits{MaxCompute: time.Minute, MaxEntries: 10, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return "v", nil })
	cancelled := make(chan error, 1)
	var deadline time.Time
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := Do(ctx, c, "q", func(ctx context.Context) (int, error) {
			deadline, _ = ctx.Deadline()
			<-ctx.Done()
			cancelled <- ctx.Err()
			return 0, ctx.Err()
		})
		errc <- err
	}()
	for c.waiting("q") < 1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("caller got %v, want context.Canceled", err)
	}
	select {
	case err := <-cancelled:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the computation ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the abandoned computation was not cancelled")
	}
	if d := time.Until(deadline); d <= 0 || d > time.Minute {
		t.Errorf("the computation's deadline is %v away, want within MaxCompute (1m)", d)
	}
	v, err := Do(context.Background(), c, "q", func(context.Context) (int, error) { return 7, nil })
	if err != nil || v != 7 {
		t.Errorf("the next caller got %d, %v; want a fresh 7", v, err)
	}
}

// A panic in a computation is an internal error for its callers, not a
// crash of the process (it runs in a goroutine no recover covers).
func TestPanicIsAnError(t *testing.T) {
	c := New(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, func(context.Context) (string, error) { return "v", nil })
	_, err := Do(context.Background(), c, "q", func(context.Context) (int, error) { panic("boom") })
	if postclear.ErrorCode(err) != postclear.EInternal {
		t.Errorf("err = %v, want an internal error", err)
	}
}

func (c *Cache) waiting(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, cl := range c.inflight {
		if strings.HasSuffix(k, "\x00"+key) {
			return cl.waiters
		}
	}
	return 0
}

// An answer stored with DoPart is served until the version of its part
// moves, whatever the data version does; without a part version the data
// version keys it, as with Do.
func TestDoPartKeysByItsPartsVersion(t *testing.T) {
	all, ke := "1", "1"
	dataVersion := func(context.Context) (string, error) { return all, nil }
	partVersion := func(_ context.Context, dests []string, _ time.Time) (string, error) {
		if slices.Equal(dests, []string{"KE"}) {
			return ke, nil
		}
		return all, nil
	}
	for _, tt := range []struct {
		name  string
		cache *Cache
		// afterData: computations after the data version moved.
		afterData int
	}{
		{"parted", NewParted(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, dataVersion, partVersion), 1},
		{"not parted", New(Limits{MaxEntries: 10, MaxBytes: 1 << 20}, dataVersion), 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all, ke = "1", "1"
			computed := 0
			get := func() {
				t.Helper()
				if _, err := DoPart(context.Background(), tt.cache, Part{Destinations: []string{"KE"}}, "q", func(context.Context) (int, error) {
					computed++
					return computed, nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			get()
			all = "2" // an ingest elsewhere
			get()
			if computed != tt.afterData {
				t.Errorf("computed %d times after the data version moved, want %d", computed, tt.afterData)
			}
			if tt.cache.partial != nil {
				ke = "2" // an ingest into KE
				get()
				if computed != 2 {
					t.Errorf("computed %d times after KE's version moved, want 2", computed)
				}
			}
		})
	}
}
