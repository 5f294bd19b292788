// Package resultcache remembers query results for as long as the data they
// were computed from is unchanged. Every entry is keyed by the data version
// (warehouse.Store.DataVersion) in force when it was computed, so a result
// can never be served once an ingest has been accepted since: dashboards
// refreshing the same query get it from memory, and never a stale number.
//
// Every entry is also keyed by the caller's scope, which the cache reads
// from the request context itself (postclear.ScopeFrom): no caller can be
// served an answer computed for a caller who may see other items, and no
// constructor or wrapper can forget to say so.
package resultcache

import (
	"container/list"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Cache is an LRU of results, bounded by entries and by an estimate of
// the bytes they hold, with in-flight deduplication: identical requests
// arriving together compute once.
type Cache struct {
	version    func(ctx context.Context) (string, error)
	partial    PartVersion
	maxCompute time.Duration
	maxEntries int
	maxBytes   int64

	mu       sync.Mutex
	lru      *list.List // of *entry, most recent first
	entries  map[string]*list.Element
	bytes    int64 // the sum of the entries' sizes
	inflight map[string]*call

	hits, misses uint64
}

type entry struct {
	key   string
	value any
	size  int64
}

// call is one computation in flight, shared by every caller waiting for
// it. It runs under its own context, detached from the caller that started
// it, so that one waiter leaving (a closed connection, its own deadline)
// does not fail the others; it is cancelled when the last waiter has left.
type call struct {
	done   chan struct{}
	value  any
	err    error
	cancel context.CancelFunc
	// waiters counts the callers waiting; guarded by Cache.mu.
	waiters int
}

// Limits bound a cache. A result larger than MaxBytes on its own is
// returned but not kept.
type Limits struct {
	// MaxCompute bounds the time of one computation, which runs detached
	// from the callers waiting for it. 0 takes the deadline of the caller
	// that starts it, if it has one.
	MaxCompute time.Duration
	MaxEntries int
	// MaxBytes bounds the estimated memory of the entries: their keys,
	// their values with everything these point to, and a fixed overhead
	// each (see sizeOf).
	MaxBytes int64
}

// New returns a cache within limits whose keys are qualified by version.
func New(limits Limits, version func(ctx context.Context) (string, error)) *Cache {
	return &Cache{version: version, maxCompute: limits.MaxCompute, maxEntries: limits.MaxEntries, maxBytes: limits.MaxBytes,
		lru: list.New(), entries: map[string]*list.Element{}, inflight: map[string]*call{}}
}

// A Part is the part of the data a result reads: the items (and
// declarations) destined to Destinations (nil: every destination) whose
// attribution instants are before To (the zero time: any).
type Part struct {
	Destinations []string
	To           time.Time
}

// PartVersion returns the version of a part of the data: it moves when
// something a result over that part reads may have changed, and not when
// only other parts did (warehouse.Facts.VersionOf).
type PartVersion func(ctx context.Context, destinations []string, to time.Time) (string, error)

// NewParted is New for a cache that also versions the entries stored with
// DoPart by the part of the data they read, so that an ingest moves only
// the versions of the parts it touched.
func NewParted(limits Limits, version func(ctx context.Context) (string, error), part PartVersion) *Cache {
	c := New(limits, version)
	c.partial = part
	return c
}

// Bytes returns the estimated bytes held by the entries.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Stats returns the hit and miss counts so far.
func (c *Cache) Stats() (hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// scopeKey names what the caller in ctx may see: every unrestricted caller
// sees the same data, and agencies with the same countries (in any order)
// see the same data as each other.
func scopeKey(ctx context.Context) string {
	s := postclear.ScopeFrom(ctx)
	if !s.Restricted {
		return "all"
	}
	cs := slices.Clone(s.Countries)
	slices.Sort(cs)
	return "countries:" + strings.Join(slices.Compact(cs), ",")
}

// Do returns the cached result of key under the current data version for
// the caller's scope, or computes it. key must say everything besides the
// data and the scope that decides the result (the query, its arguments,
// the day when the result depends on today). Errors are not cached.
// Callers must treat the returned value as read-only: it is shared.
//
// compute runs under a context that carries the values of ctx (the scope,
// the request id) but not its cancellation: it ends when every caller
// waiting for the result has gone, or at its own deadline (Limits).
func Do[T any](ctx context.Context, c *Cache, key string, compute func(context.Context) (T, error)) (T, error) {
	if c == nil {
		return compute(ctx)
	}
	return do(ctx, c, c.version, key, compute)
}

// DoPart is Do for a result that reads only part of the data: its entry
// is keyed by that part's version when the cache has one (NewParted), and
// by the data version otherwise.
func DoPart[T any](ctx context.Context, c *Cache, part Part, key string, compute func(context.Context) (T, error)) (T, error) {
	if c == nil {
		return compute(ctx)
	}
	version := c.version
	if c.partial != nil {
		version = func(ctx context.Context) (string, error) {
			v, err := c.partial(ctx, part.Destinations, part.To)
			return "part:" + v, err
		}
	}
	return do(ctx, c, version, key, compute)
}

func do[T any](ctx context.Context, c *Cache, version func(context.Context) (string, error), key string, compute func(context.Context) (T, error)) (T, error) {
	var zero T
	v, err := version(ctx)
	if err != nil {
		return zero, err
	}
	key = v + "\x00" + scopeKey(ctx) + "\x00" + key
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.lru.MoveToFront(el)
		c.hits++
		c.mu.Unlock()
		v, _ := el.Value.(*entry).value.(T)
		return v, nil
	}
	c.misses++
	cl, ok := c.inflight[key]
	if !ok {
		cl = c.start(ctx, key, func(ctx context.Context) (any, error) { return compute(ctx) })
	}
	cl.waiters++
	c.mu.Unlock()

	select {
	case <-cl.done:
	case <-ctx.Done():
		c.leave(key, cl)
		return zero, ctx.Err()
	}
	if cl.err != nil {
		return zero, cl.err
	}
	res, _ := cl.value.(T)
	return res, nil
}

// start runs compute for key in its own goroutine, under a context
// detached from ctx. c.mu is held.
func (c *Cache) start(ctx context.Context, key string, compute func(context.Context) (any, error)) *call {
	detached := context.WithoutCancel(ctx)
	var cctx context.Context
	var cancel context.CancelFunc
	switch deadline, ok := ctx.Deadline(); {
	case c.maxCompute > 0:
		cctx, cancel = context.WithTimeout(detached, c.maxCompute)
	case ok:
		cctx, cancel = context.WithDeadline(detached, deadline)
	default:
		cctx, cancel = context.WithCancel(detached)
	}
	cl := &call{done: make(chan struct{}), cancel: cancel}
	c.inflight[key] = cl
	go func() {
		defer cancel()
		res, err := protect(cctx, compute)
		c.mu.Lock()
		// An abandoned call has left inflight already (leave), and its
		// result, computed under a cancelled context, is not kept.
		if c.inflight[key] == cl {
			delete(c.inflight, key)
			if err == nil {
				c.add(key, res)
			}
		}
		cl.value, cl.err = res, err
		c.mu.Unlock()
		close(cl.done)
	}()
	return cl
}

// leave records that a waiter of cl has gone; the last one cancels the
// computation, and a caller arriving later starts a new one.
func (c *Cache) leave(key string, cl *call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl.waiters--; cl.waiters == 0 {
		cl.cancel()
		if c.inflight[key] == cl {
			delete(c.inflight, key)
		}
	}
}

// protect runs compute, turning a panic into an internal error: it runs
// in a goroutine of its own, where no resolver's recover would catch it.
func protect(ctx context.Context, compute func(context.Context) (any, error)) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &postclear.Error{Code: postclear.EInternal, Message: "internal error",
				Err: fmt.Errorf("panic in a cached computation: %v\n%s", p, debug.Stack())}
		}
	}()
	return compute(ctx)
}

// add keeps value under key, evicting the least recently used entries
// until the cache is within its limits. c.mu is held.
func (c *Cache) add(key string, value any) {
	size := entryOverhead + int64(len(key)) + sizeOf(value)
	if size > c.maxBytes || c.maxEntries <= 0 {
		return
	}
	c.entries[key] = c.lru.PushFront(&entry{key: key, value: value, size: size})
	c.bytes += size
	for c.lru.Len() > c.maxEntries || c.bytes > c.maxBytes {
		old := c.lru.Back()
		c.lru.Remove(old)
		e := old.Value.(*entry)
		delete(c.entries, e.key)
		c.bytes -= e.size
	}
}
