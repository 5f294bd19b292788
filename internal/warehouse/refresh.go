package warehouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// dirtyState is this process's bookkeeping of the items its inserts have
// marked dirty in one database (migration 0005, dirty_items).
type dirtyState struct {
	// inserts is held shared by every insert from before it marks its
	// items dirty until its records are stored, and exclusively by a
	// refresh while it takes its generation, so that every generation up
	// to the one taken belongs to an insert that has completed.
	inserts sync.RWMutex
	gen     atomic.Uint64

	// refresh serialises the refreshes of the process; refreshed and
	// checked are guarded by it.
	refresh   sync.Mutex
	refreshed uint64
	// checked is set once dirty_items has been read in this process: rows
	// left by an earlier process (a crash) are only known by reading it.
	checked bool

	// writes is the database's write count (see writeCounter).
	writes atomic.Uint64
}

// dirtyStates holds the process-wide state of each database: one entry
// per database name, shared by every Store of that database.
var dirtyStates sync.Map // database name → *dirtyState

func dirtyFor(db string) *dirtyState {
	s, _ := dirtyStates.LoadOrStore(db, new(dirtyState))
	return s.(*dirtyState)
}

// writerID tells this process's dirty rows from those of other processes
// writing to the same ClickHouse server.
var writerID = func() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}()

// factVersions hands out item_facts versions: larger than every earlier
// one of this process, and, being times, than those of earlier processes.
var factVersions struct {
	sync.Mutex
	last uint64
}

func factVersion() uint64 {
	factVersions.Lock()
	defer factVersions.Unlock()
	v := uint64(time.Now().UnixNano())
	if v <= factVersions.last {
		v = factVersions.last + 1
	}
	factVersions.last = v
	return v
}

// markDirty records the items of rows (item_id first) as dirty and then
// runs store, the insert of the rows themselves, while holding the insert
// lock shared. Marking first means a crash between the two refreshes an
// item too many, never one too few.
func (s *Store) markDirty(ctx context.Context, rows [][]any, store func() error) error {
	st := dirtyFor(s.Layout.Database)
	st.inserts.RLock()
	defer st.inserts.RUnlock()
	gen := st.gen.Add(1)
	seen := make(map[string]struct{}, len(rows))
	dirty := make([][]any, 0, len(rows))
	for _, r := range rows {
		id := r[0].(string)
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			dirty = append(dirty, []any{id, writerID, gen})
		}
	}
	if err := s.Engine.Insert(ctx, s.Layout.Database+".dirty_items", []string{"item_id", "writer", "generation"}, dirty); err != nil {
		return fmt.Errorf("mark items dirty: %w", err)
	}
	return store()
}

// Refresh brings item_facts up to date with every record stored so far:
// it finalizes the dirty items from item_milestones and then clears the
// dirty rows it has processed. Items dirtied while it runs stay dirty for
// the next refresh. When nothing is dirty it costs a mutex on the embedded
// engine (this process is its only writer) and one count() on a server.
func (s *Store) Refresh(ctx context.Context) error { return Refresh(ctx, s.Engine, s.Layout) }

// Refresh is Store.Refresh for callers that hold an engine and a layout
// (the analytics service, which refreshes before every KPI query so that
// it never reads facts older than the stored records).
func Refresh(ctx context.Context, e Engine, layout Layout) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("refresh item facts: %w", err)
		}
	}()
	st := dirtyFor(layout.Database)
	st.refresh.Lock()
	defer st.refresh.Unlock()

	st.inserts.Lock()
	gen := st.gen.Load()
	st.inserts.Unlock()
	embedded := e.Name() == "chdb"
	if embedded && st.checked && gen == st.refreshed {
		return nil
	}

	// foreign says whether the rows of other writers are processed: on a
	// server always (other processes may be storing records now); on the
	// embedded engine only once, since they are left by an earlier process.
	foreign := !embedded || !st.checked
	params := Params{"db": layout.Database, "writer": writerID, "from": st.refreshed, "gen": gen, "version": factVersion(), "foreign": foreign}
	if !st.checked {
		// A database migrated to 0005 with items already stored has no
		// facts and no dirty rows for those items: finalize every item.
		// That covers the dirty rows up to gen too (their inserts have
		// completed), so they are only cleared, not processed again.
		n, err := count(ctx, e, "SELECT toUInt64((SELECT count() FROM {db:Identifier}.item_facts) = 0 AND (SELECT count() FROM {db:Identifier}.item_state) > 0)", params)
		if err != nil {
			return err
		}
		if n == 1 {
			if err := finalize(ctx, e, layout, "SELECT item_id FROM {db:Identifier}.item_state", params); err != nil {
				return err
			}
			if err := clearDirty(ctx, e, layout, st, params); err != nil {
				return err
			}
			st.refreshed, st.checked = gen, true
			return nil
		}
	}
	// The dirty items this refresh processes: this writer's rows after the
	// last refresh up to gen, and other writers' rows as foreign says
	// (on a server they may be on their way to being stored: processing
	// them again later is harmless).
	const dirty = "SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND {foreign:Bool})"
	n, err := count(ctx, e, "SELECT count() FROM ("+dirty+")", params)
	if err != nil {
		return err
	}
	if n > 0 {
		if err := finalize(ctx, e, layout, dirty, params); err != nil {
			return err
		}
		if err := clearDirty(ctx, e, layout, st, params); err != nil {
			return err
		}
	}
	st.refreshed, st.checked = gen, true
	return nil
}

// finalize writes the item_facts rows of the dirty items, records their
// destination keys and deletes their rows under keys they have left. The
// keys are read back from the rows just written (version = this
// refresh's), so that facts and keys come from one reading of item_state
// even while inserts go on. Rows newer than every recorded key are read
// back too: those of an earlier refresh that stopped (cancelled, failed)
// after writing facts, whose items are dirty still and so among this
// refresh's, and whose keys must be known to be deleted.
func finalize(ctx context.Context, e Engine, layout Layout, dirty string, params Params) error {
	steps := []string{
		`INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, version, is_deleted)
SELECT ifNull(destination_country, ''), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id IN (` + dirty + `)`,
		`INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, version)
SELECT item_id, destination_country_key, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys))`,
		`INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key) NOT IN
      (SELECT item_id, destination_country_key FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})`,
	}
	for _, q := range steps {
		err := e.Exec(ctx, q, params)
		// New facts change what KPI queries return, so the data version
		// moves (and with it the result cache), as after an insert.
		writeCounter(layout.Database).Add(1)
		if err != nil {
			return err
		}
	}
	return nil
}

// clearDirty removes the dirty rows the refresh has processed. The
// embedded engine has one writer, this process: rows of other writers are
// left over from earlier processes and were processed, and this writer's
// rows up to the last refresh are skipped by generation, so the table is
// only truncated, when no insert has come since the refresh took its
// generation (a lightweight DELETE costs as much as the refresh itself;
// rows left behind cost a little reading until the next truncation). On
// a server, other processes may be inserting: only this writer's rows up
// to gen are deleted, and only rows that exist when the DELETE starts are
// affected, so later ones stay.
func clearDirty(ctx context.Context, e Engine, layout Layout, st *dirtyState, params Params) error {
	if e.Name() == "chdb" {
		st.inserts.Lock()
		defer st.inserts.Unlock()
		if st.gen.Load() == params["gen"].(uint64) {
			return e.Exec(ctx, "TRUNCATE TABLE {db:Identifier}.dirty_items", params)
		}
		return nil
	}
	table, onCluster := "dirty_items", ""
	if layout.Cluster != "" {
		// A Distributed table takes no DELETE; each shard deletes its own.
		table, onCluster = "dirty_items_local", " ON CLUSTER "+layout.Cluster
	}
	return e.Exec(ctx, "DELETE FROM {db:Identifier}."+table+onCluster+
		" WHERE writer = {writer:String} AND generation <= {gen:UInt64}", params)
}

func count(ctx context.Context, e Engine, q string, params Params) (uint64, error) {
	rows, err := e.Query(ctx, q, params)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}

// Compact merges the parts of the tables KPI queries read with FINAL,
// item_facts and declarations, each when the rows written since its
// largest part was formed are a large share of it. A load refreshes its
// items several times (every few million rows, then once per record kind),
// and until the versions are merged FINAL has to merge them in every query:
// on 1 M items, 45–60 ms instead of 4 ms for one destination and quarter.
// Merging is a background job ClickHouse may leave for long, so a load
// calls Compact at its end. It costs about a second per million rows, so
// a table is left alone after small writes, when its largest part holds
// nearly everything already.
func (s *Store) Compact(ctx context.Context) error {
	for _, table := range []string{"item_facts", "declarations"} {
		if err := s.compact(ctx, table); err != nil {
			return fmt.Errorf("compact %s: %w", table, err)
		}
	}
	return nil
}

func (s *Store) compact(ctx context.Context, table string) error {
	onCluster := ""
	if s.Layout.Cluster != "" {
		// A Distributed table cannot be optimized; each shard merges its
		// own parts. The share below is this node's, taken as typical.
		table, onCluster = table+"_local", " ON CLUSTER "+s.Layout.Cluster
	}
	params := Params{"db": s.Layout.Database, "table": table}
	rows, err := s.Engine.Query(ctx, `SELECT count(), sum(rows), max(rows) FROM system.parts
WHERE database = {db:String} AND table = {table:String} AND active`, params)
	if err != nil {
		return err
	}
	defer rows.Close()
	var parts, total, largest uint64
	for rows.Next() {
		if err := rows.Scan(&parts, &total, &largest); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if parts < 2 || largest*10 >= total*8 {
		return nil
	}
	err = s.Engine.Exec(ctx, "OPTIMIZE TABLE {db:Identifier}."+table+onCluster+" FINAL", params)
	// Merging changes no result, but the server engine's data version is
	// its set of parts; count it as a write for the embedded one too.
	writeCounter(s.Layout.Database).Add(1)
	return err
}
