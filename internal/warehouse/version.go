package warehouse

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
)

// DataVersion identifies the state of the stored data: it changes when an
// insert completes, so a result cached under one version can never be
// served after an ingest has been accepted.
//
// With a single writer (the embedded engine) it is this process's count
// of completed writes: nothing else can write to its databases. A
// ClickHouse server may be written to by other postclear processes, so
// there it is derived from the set of active parts, which every insert
// changes (merges change it too, which only costs a cache miss).
func (s *Store) DataVersion(ctx context.Context) (string, error) { return s.facts.DataVersion(ctx) }

// DataVersion is Store.DataVersion, for holders of the Facts.
func (f *Facts) DataVersion(ctx context.Context) (string, error) {
	local := strconv.FormatUint(f.writes.Load(), 10)
	if f.caps.SingleWriter {
		return local, nil
	}
	rows, err := f.engine.Query(ctx, `SELECT count(), sum(rows), groupBitXor(cityHash64(name)), max(modification_time)
FROM system.parts WHERE database = {db:String} AND active`, Params{"db": f.layout.Database})
	if err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	defer rows.Close()
	var parts, nrows, hash uint64
	var modified time.Time
	for rows.Next() {
		if err := rows.Scan(&parts, &nrows, &hash, &modified); err != nil {
			return "", fmt.Errorf("data version: %w", err)
		}
	}
	return fmt.Sprintf("%s/%d/%d/%x/%d", local, parts, nrows, hash, modified.Unix()), rows.Err()
}

// VersionOf returns a version of what a KPI query reads of the items and
// declarations destined to destinations (nil: every destination, and the
// items without one) whose attribution instants are before to (the zero
// time: any): it changes whenever something such a query reads may have
// changed, and, unlike DataVersion, not when an ingest touches only other
// destinations or later times. A result cache keyed by it serves
// dashboards over past quarters from memory while today's items stream in.
//
// to is the end of the widest range the query reads (for KPI 4 that
// includes the bucket before `from`, which is earlier, so the query's own
// `to`); from does not matter. It covers item_facts, seizure_state and the
// declarations (raw and declaration_facts): everything a KPI family reads.
// Queries that read anything else (MoUs, commitments, raw events) use
// DataVersion.
//
// Why to alone suffices: every instant a KPI attributes an item by is one
// of its milestones or seizures, all at or after its first_seen_at, which
// only moves earlier as records arrive. A refresh records, per destination
// key it wrote under, the earliest first_seen_at of the items it wrote
// (rows under keys an item left count from the epoch); an item that a
// query attributed before `to`, before or after the refresh, makes that
// record earlier than `to`. Declarations are recorded by their own
// destination and received_at, when stored. The version is the largest
// stamp of the records that concern the query: stamps come from one
// increasing sequence, so any new record concerning it raises it.
//
// With Capabilities.SingleWriter the records are kept in memory. On a
// server other processes write too, and VersionOf is DataVersion.
func (f *Facts) VersionOf(ctx context.Context, destinations []string, to time.Time) (string, error) {
	if !f.caps.SingleWriter {
		return f.DataVersion(ctx)
	}
	return "c" + strconv.FormatUint(f.changes.version(destinations, to), 10), nil
}

// changeLog is what VersionOf reads: per destination key ("" for items
// without one, allKeys for any), the stamp of the latest change recorded
// from each month on.
type changeLog struct {
	mu   sync.Mutex
	seq  uint64
	keys map[string]map[int]uint64 // key → month number → stamp
}

// allKeys is the key every change is also recorded under, for queries
// over all destinations. It is not a country code (two letters).
const allKeys = "*"

// monthNumber numbers the UTC month of t from year 0.
func monthNumber(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// record notes changes, each to the data of a destination key from an
// instant on.
func (c *changeLog) record(changes map[string]time.Time) {
	if len(changes) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = map[string]map[int]uint64{}
	}
	c.seq++
	for key, since := range changes {
		m := monthNumber(since)
		for _, k := range []string{key, allKeys} {
			if c.keys[k] == nil {
				c.keys[k] = map[int]uint64{}
			}
			c.keys[k][m] = c.seq
		}
	}
}

// version is the largest stamp of a change to destinations (nil: all) from
// a month before to's month, or to's own month when to is not its first
// instant.
func (c *changeLog) version(destinations []string, to time.Time) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := destinations
	if keys == nil {
		keys = []string{allKeys}
	}
	limit := math.MaxInt // months < limit concern the query
	if !to.IsZero() {
		limit = monthNumber(to.Add(-time.Nanosecond)) + 1
	}
	var v uint64
	for _, k := range keys {
		for m, stamp := range c.keys[k] {
			if m < limit && stamp > v {
				v = stamp
			}
		}
	}
	return v
}
