package warehouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Facts owns item_facts, the finalized milestones every KPI reads
// (migrations 0005 and 0006): it is told of every insert of item records,
// and Refresh brings the facts up to date with them. There is one Facts per
// database per process, built with the Store (NewStore) and handed to
// whatever reads the facts (the KPI service), so that inserts and refreshes
// share one bookkeeping.
//
// Invariants (the tests in facts_test.go check each):
//
//  1. After Refresh returns nil, item_facts read with FINAL holds exactly
//     the milestones of item_milestones, one row per item under its
//     current destination key, for every item whose records were stored by
//     an insert of this process that completed before Refresh was called.
//     On a server, the writer that stored records refreshes them before it
//     reports them stored (Store callers: ingest, the GraphQL mutations).
//     The newest card of each such item in item_dossier holds the fields
//     of that row (cardFields; checked through analytics' Item against the
//     oracle in oracle_test.go). item_checks read with FINAL holds, for
//     each kind of check (CheckKinds), exactly the item_facts rows of the
//     items that have one (migration 0014).
//  2. An insert marks its items dirty (dirty_items) before it stores their
//     records, so a crash between the two refreshes an item too many,
//     never one too few. Only item records (events, declarations,
//     decisions) mark items: MoU commitments are not items.
//  3. A refresh processes only dirty rows whose inserts have completed:
//     this process's rows up to the generation it took while no insert of
//     this process was in flight; rows of other writers only when they
//     are known to be abandoned. With Capabilities.SingleWriter, every
//     other writer is an earlier process, so its rows are processed at
//     the first refresh. On a server, another writer's rows are processed
//     once older than AbandonAfter: a live writer refreshes its own rows
//     long before that, and processing them earlier could read an item
//     before the records that marked it are stored. Abandoned rows are
//     looked for by the first refresh of a process (which a server runs
//     before it listens) and by every refresh that this process's own
//     inserts call for.
//  4. A refresh deletes exactly the dirty rows it processed (on a single
//     writer, by truncating when no insert came since it took its
//     generation), so rows are neither processed forever nor lost.
//  5. item_facts versions grow: each refresh writes under a version larger
//     than every earlier one of this process and, being a time, than
//     those of earlier processes; FINAL keeps the newest row of a key.
//  6. The data versions (DataVersion, VersionOf) move after every write
//     that can change what a KPI reads, before the write's call returns:
//     an answer cached under a version is never served after a later
//     insert has been refreshed.
//
// Why a hand-written refresh rather than one more materialized view: see
// docs/scaling.md, "Keeping item_facts".
type Facts struct {
	engine Engine
	layout Layout
	caps   Capabilities
	// writer tells this process's dirty rows from those of other
	// processes writing to the same server.
	writer string

	// inserts is held shared by every insert from before it marks its
	// items dirty until its records are stored, and exclusively by a
	// refresh while it takes its generation, so that every generation up
	// to the one taken belongs to an insert that has completed.
	inserts sync.RWMutex
	gen     atomic.Uint64

	// refresh serialises refreshes: a caller that finds one running waits
	// for it and then finds its own inserts covered or runs the next one,
	// so that many small inserts share a refresh.
	refresh   sync.Mutex
	refreshed atomic.Uint64 // generation covered by the last refresh
	// declared is the generation of the last insert of declarations,
	// the only records declaration_facts depends on; marked counts the
	// dirty rows written since dirty_items was last truncated (single
	// writer).
	declared, marked atomic.Uint64
	// recovered is set once a refresh has processed the rows that other
	// writers left (single writer: all of them, once).
	recovered atomic.Bool

	// writes counts completed writes: the embedded engine's data version.
	writes atomic.Uint64
	// changes is the finer version (VersionOf) of a single writer.
	changes changeLog

	versions struct {
		sync.Mutex
		lastIngest, lastFact uint64
	}
}

// AbandonAfter is how old another writer's dirty rows must be before a
// refresh on a server takes them over: far longer than one insert can run,
// so their writer has crashed (or its insert has long completed).
const AbandonAfter = time.Hour

// NewFacts returns the owner of layout's item_facts on e. Build one per
// database per process: two would each miss the other's inserts.
func NewFacts(e Engine, layout Layout) *Facts {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return &Facts{engine: e, layout: layout, caps: e.Capabilities(), writer: hex.EncodeToString(b)}
}

// ingestVersions returns the first of n record versions, each smaller than
// the one before and than every version handed out before, so that
// ReplacingMergeTree, which keeps the largest, and the min() of
// bitNot(ingest_version) in item_state keep the first stored copy of a key,
// row i of a batch getting first − i (within a file, the first row of a
// key is the one stored). Versions are MaxUint64 minus the time, so later
// processes hand out smaller ones too.
func (f *Facts) ingestVersions(n int) uint64 {
	f.versions.Lock()
	defer f.versions.Unlock()
	v := ^uint64(0) - uint64(time.Now().UnixNano())
	if last := f.versions.lastIngest; last != 0 && v >= last {
		v = last - 1
	}
	f.versions.lastIngest = v - uint64(max(n, 1)-1)
	return v
}

// factVersion returns an item_facts version (invariant 5).
func (f *Facts) factVersion() uint64 {
	f.versions.Lock()
	defer f.versions.Unlock()
	v := uint64(time.Now().UnixNano())
	if v <= f.versions.lastFact {
		v = f.versions.lastFact + 1
	}
	f.versions.lastFact = v
	return v
}

// store marks the items of a batch dirty (ids, in any order, repeats
// allowed) and then runs insert, the insert of their records, holding the
// insert lock shared throughout (invariants 2 and 3).
func (f *Facts) store(ctx context.Context, table string, ids []string, insert func() error) error {
	f.inserts.RLock()
	defer f.inserts.RUnlock()
	gen := f.gen.Add(1)
	if table == "declarations" {
		f.declared.Store(gen)
	}
	dirty := distinct(ids)
	writers, gens := make([]string, len(dirty)), make([]uint64, len(dirty))
	for i := range dirty {
		writers[i], gens[i] = f.writer, gen
	}
	f.marked.Add(uint64(len(dirty)))
	err := InsertColumns(ctx, f.engine, f.layout.Database+".dirty_items",
		[]Column{{"item_id", dirty}, {"writer", writers}, {"generation", gens}})
	if err == nil {
		err = insert()
	} else {
		err = fmt.Errorf("mark items dirty: %w", err)
	}
	// Even a failed insert may have stored part of its rows.
	f.wrote()
	return err
}

// distinct returns ids without repeats, in the order of their first
// occurrence. Item records usually come grouped by item, so a repeat of
// the previous id is skipped without a map lookup.
func distinct(ids []string) []string {
	seen := make(map[string]struct{}, len(ids)/4)
	out := make([]string, 0, len(ids)/4)
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// wrote records a completed write for DataVersion.
func (f *Facts) wrote() { f.writes.Add(1) }

// Refresh brings item_facts up to date with every record stored so far
// (invariant 1): it finalizes the dirty items and then clears the dirty
// rows it processed. Items dirtied while it runs stay dirty for the next
// refresh.
//
// Callers share refreshes: a caller needs one refresh that starts after
// its call (and so after its own inserts), so one that finds a refresh
// running waits for it and then for the next, and every caller that came
// while the first was running is served by that next one. Under many
// small ingests the refreshes thus run back to back, each covering all the
// ingests that arrived during the one before, rather than one per ingest.
// When this process has stored nothing since the last refresh it costs two
// atomic loads.
func (f *Facts) Refresh(ctx context.Context) (err error) {
	// Every insert of this process up to target has begun; the caller's
	// own have completed.
	target := f.gen.Load()
	if f.recovered.Load() && f.refreshed.Load() >= target {
		return nil
	}
	defer postclear.Wrap(&err, "refresh item facts")
	f.refresh.Lock()
	defer f.refresh.Unlock()
	if f.recovered.Load() && f.refreshed.Load() >= target {
		return nil // a refresh that began after this call ran meanwhile
	}

	f.inserts.Lock()
	gen := f.gen.Load()
	f.inserts.Unlock()
	from := f.refreshed.Load()
	single := f.caps.SingleWriter
	if single && f.recovered.Load() && gen == from {
		return nil
	}
	r := refresh{f: f, params: Params{"db": f.layout.Database, "writer": f.writer, "from": from, "gen": gen}}
	switch {
	case single && f.recovered.Load():
		// The rows of this writer since the last refresh, told by
		// generation: nothing else can be in the table.
		r.dirty = "SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}"
	case single:
		// Every other writer was an earlier process (invariant 3).
		r.dirty = "SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer != {writer:String} OR generation <= {gen:UInt64}"
	default:
		// Other writers' rows once abandoned, by the server's clock,
		// read once so that the rows processed and those deleted are
		// the same.
		cutoff, err := f.serverTime(ctx)
		if err != nil {
			return err
		}
		r.params["cutoff"] = cutoff.Add(-AbandonAfter)
		r.dirty = "SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')})"
	}
	if err := r.run(ctx); err != nil {
		return err
	}
	f.refreshed.Store(gen)
	f.recovered.Store(true)
	return nil
}

// serverTime returns the engine's clock, which dirty_items.marked_at is
// stamped with, so that writers' clocks need not agree.
func (f *Facts) serverTime(ctx context.Context) (time.Time, error) {
	rows, err := f.engine.Query(ctx, "SELECT now('UTC')", nil)
	if err != nil {
		return time.Time{}, err
	}
	defer rows.Close()
	var now time.Time
	for rows.Next() {
		if err := rows.Scan(&now); err != nil {
			return now, err
		}
	}
	return now, rows.Err()
}

// refresh is one run of Facts.Refresh: dirty is the SQL selecting the
// item_ids it processes, bound by params.
type refresh struct {
	f      *Facts
	dirty  string
	params Params
}

// run finalizes the dirty items, in slices of about refreshSlice items at
// most, each a range of item_id (sliceBounds), so that finalizing a whole
// database (after an upgrade) or the items of a large load stays within
// the engine's memory limit, and clears the
// dirty rows. On a single writer after the first refresh, the dirty rows
// are this process's since the last refresh, at most the rows marked
// since dirty_items was last truncated (marked), which is then the count
// the slices are cut by: loads refresh every 2 M records, and 2 M
// declarations are up to 2 M items, whose finalizing in one statement
// asked for more than the engine's 4 GB at 5 M items.
func (r *refresh) run(ctx context.Context) error {
	n := max(r.f.marked.Load(), 1)
	if !r.f.caps.SingleWriter || !r.f.recovered.Load() {
		var err error
		if n, err = count(ctx, r.f.engine, "SELECT count() FROM ("+r.dirty+")", r.params); err != nil || n == 0 {
			return err
		}
	}
	var bounds []string // none: one slice
	if slices := (n + refreshSlice - 1) / refreshSlice; slices > 1 {
		var err error
		if bounds, err = r.sliceBounds(ctx, n, slices); err != nil {
			return err
		}
	}
	for i := range len(bounds) + 1 {
		var conds []string
		if i > 0 {
			r.params["slice_from"] = bounds[i-1]
			conds = append(conds, "item_id >= {slice_from:String}")
		}
		if i < len(bounds) {
			r.params["slice_to"] = bounds[i]
			conds = append(conds, "item_id < {slice_to:String}")
		}
		dirty := r.dirty
		if len(conds) > 0 {
			dirty = "SELECT item_id FROM (" + r.dirty + ") WHERE " + strings.Join(conds, " AND ")
		}
		if err := r.finalize(ctx, dirty); err != nil {
			return err
		}
	}
	return r.clear(ctx)
}

// sliceBounds returns the item_ids that cut the dirty items, about n of
// them, into slices ranges of item_id of about equal size, in order: a
// slice then reads only its range of item_state and declarations, which
// are sorted by item_id. (Slices by a hash of item_id, as before, each
// read every granule holding a dirty item, nearly all of them: at 20 M
// items the milestones of 1 M items cut by hash read 67.6 M rows in 8.3 s,
// those of 2 M items in one range 4.8 M rows in 4.3 s; docs/facts.md,
// "Refreshing in slices".) The bounds are taken from a sample of at most
// about a million of the dirty items, chosen by a hash of item_id, so that
// sorting them stays small however many items are dirty; a range then
// holds about n/slices items, give or take a few per cent.
func (r *refresh) sliceBounds(ctx context.Context, n, slices uint64) (bounds []string, err error) {
	r.params["slices"] = slices
	r.params["sample"] = max(n/sliceSample, 1)
	err = Each(ctx, r.f.engine, `SELECT arrayMap(i -> ids[intDiv(i * length(ids), {slices:UInt64}) + 1], range(1, {slices:UInt64}))
FROM (
    SELECT arraySort(groupUniqArray(item_id)) AS ids
    FROM (`+r.dirty+`)
    WHERE cityHash64(item_id) % {sample:UInt64} = 0
)`, r.params, func(rows Rows) error { return rows.Scan(&bounds) })
	return bounds, err
}

// sliceSample is about how many dirty items sliceBounds sorts. A variable
// for the tests.
var sliceSample uint64 = 1_000_000

// refreshSlice bounds the items one finalizing statement reads: 1.9 M
// items asked for 4.06 GB (the aggregation of their partial rows), so a
// slice asks for about 2 GB at most. A variable for the tests.
var refreshSlice uint64 = 1_000_000

// truncateAfter is how many dirty rows a single writer lets pile up before
// it truncates dirty_items: small ingests then share a truncation.
const truncateAfter = 100_000

// factColumns are the columns item_facts takes from item_milestones.
const factColumns = `origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at`

// FactKey is item_facts' sort key before item_id (migration 0011), the
// key under which FINAL keeps an item's newest row, and what
// item_fact_keys records of every key an item was stored under:
//   - destination_country_key: the destination, empty when unknown;
//   - unclosed: 1 while the item has no closed_at (unclosedSQL);
//   - last_month: the UTC month of its latest milestone, UnboundedMonth
//     for a seized item (lastMonthSQL);
//   - first_seen_month: the UTC month of its first record.
//
// A KPI attributed to a milestone in [from, to) reads the items with
// last_month at or after from's month and first_seen_month at or before
// to's (analytics: builder.attributed): the items whose life overlaps the
// range, by two ranges of the sort key. An item open at a moment T is not
// closed, or closed after T, and then its latest milestone (closed_at at
// the latest) is after T too: the backlog adds unclosed = 1 or last_month
// at or after T's month (analytics: openKeys).
const FactKey = "destination_country_key, unclosed, last_month, first_seen_month"

// unclosedSQL and lastMonthSQL compute FactKey's middle columns over the
// columns of item_milestones. Every date column of item_facts is in
// last_month, so that a query attributed to any of them may bound it. A
// seized item's last_month is UnboundedMonth: its seizures are decisions,
// at instants no milestone bounds, and seizure trends read the seized
// items' facts from that month alone.
const (
	unclosedSQL  = `toUInt8(closed_at IS NULL)`
	lastMonthSQL = `if(seized, toDate('` + UnboundedMonth + `'), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at))))`
)

// cardFields is an item's card in item_dossier (migration 0012), the
// fields of its item_facts row that its page shows, as text:
// destination_country_key, origin_country, destination_country,
// mail_class, office, category, inspection_channel, then the milestones
// posted_at, departed_origin_at, arrived_at, presented_at, released_at,
// departed_inward_at, delivered_at, closed_at, ead_at, requested_at,
// inspected_at as Unix seconds, NULL when unknown (analytics reads them
// in this order).
const cardFields = `[destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
    toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
    toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
    toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
    toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]`

// UnboundedMonth is the last_month of the seized items, which no date
// bounds: the last month a Date holds.
const UnboundedMonth = "2149-06-01"

// finalize writes the item_facts rows of the dirty items, records their
// keys (FactKey) and deletes their rows under keys they have left: a key
// changes when the item's destination does, when a record earlier than
// its first arrives late and moves its first-seen month earlier, when a
// later milestone moves its last month, or when it closes. The keys, and
// the items' cards in item_dossier (their pages' copy of the row), are
// read back from the rows just written (version = this refresh's), so
// that facts, cards and keys come from one reading of item_state even
// while inserts go on. Rows newer than every recorded key are read back too:
// those of an earlier refresh that stopped (cancelled, failed) after
// writing facts, whose items are dirty still and so among this refresh's,
// and whose keys must be known to be deleted. It then copies the rows it
// wrote to item_checks (checksSQL), writes the declaration facts of the
// same items, and records what changed for VersionOf.
func (r *refresh) finalize(ctx context.Context, dirty string) error {
	r.params["version"] = r.f.factVersion()
	in, notIn := r.f.layout.In(), r.f.layout.NotIn()
	steps := []string{
		`INSERT INTO {db:Identifier}.item_facts (` + FactKey + `, item_id, ` + factColumns + `, version, is_deleted)
SELECT ifNull(destination_country, ''), ` + unclosedSQL + `, ` + lastMonthSQL + `, toStartOfMonth(first_seen_at), item_id, ` + factColumns + `, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id ` + in + ` (` + dirty + `)`,
		`INSERT INTO {db:Identifier}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version, ` + cardFields + `
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0 AND version = {version:UInt64}`,
		`INSERT INTO {db:Identifier}.item_fact_keys (item_id, ` + FactKey + `, version)
SELECT item_id, ` + FactKey + `, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys))`,
		`INSERT INTO {db:Identifier}.item_facts (` + FactKey + `, item_id, version, is_deleted)
SELECT DISTINCT ` + FactKey + `, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id ` + in + ` (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, ` + FactKey + `) ` + notIn + `
      (SELECT item_id, ` + FactKey + ` FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})`,
		checksSQL(in),
		// FINAL reads each declaration's first stored copy. (The last
		// step: skipped when no declaration was stored since.)
		`INSERT INTO {db:Identifier}.declaration_facts (destination_country, received_at, item_id, origin_country, mail_class,
    category, fails_description, fails_value, fails_currency, fails_weight, fails_hs_code, version)
SELECT destination_country, received_at, item_id, origin_country, mail_class, category, ` + declarationRules + `, {version:UInt64}
FROM {db:Identifier}.declarations FINAL
WHERE item_id ` + in + ` (` + dirty + `)`,
	}
	if !r.declarations() {
		steps = steps[:len(steps)-1]
	}
	for _, q := range steps {
		err := r.f.engine.Exec(ctx, q+maintenanceSettings(ctx), r.params)
		// New facts change what KPI queries return, so the data
		// version moves, as after an insert.
		r.f.wrote()
		if err != nil {
			return err
		}
	}
	if r.f.caps.SingleWriter {
		return r.recordChanges(ctx)
	}
	return nil
}

// CheckKinds are item_checks' kinds of check (migration 0014), by the
// item_facts column whose presence gives an item a row of that kind: an
// inspection and a hold request. Migration 0014, which fills the table
// from item_facts, repeats them.
var CheckKinds = map[string]int{"inspected_at": 1, "requested_at": 2}

// checkKindsSQL returns the array of every kind of check, and that of
// the kinds an item_facts row has.
func checkKindsSQL() (all, has string) {
	var kinds, conds []string
	for _, column := range slices.Sorted(maps.Keys(CheckKinds)) {
		kinds = append(kinds, fmt.Sprint(CheckKinds[column]))
		conds = append(conds, fmt.Sprintf("(k = %d AND %s IS NOT NULL)", CheckKinds[column], column))
	}
	all = "[" + strings.Join(kinds, ", ") + "]"
	return all, "arrayFilter(k -> " + strings.Join(conds, " OR ") + ", " + all + ")"
}

// checksSQL copies the item_facts rows of this refresh (version) to
// item_checks, under every kind of check the item's new row has: its new
// row, and its deletion rows for the keys it has left (which have no
// milestones, hence the kinds of the new row). A check never goes away
// (inspected_at and requested_at are minima over records that are only
// added), so the kinds of its new row are all it was stored under before.
func checksSQL(in string) string {
	all, has := checkKindsSQL()
	return `INSERT INTO {db:Identifier}.item_checks (check_kind, ` + FactKey + `, item_id, ` + factColumns + `, version, is_deleted)
SELECT check_kind, ` + FactKey + `, item_id, ` + factColumns + `, version, is_deleted
FROM {db:Identifier}.item_facts
ARRAY JOIN ` + all + ` AS check_kind
WHERE version = {version:UInt64}
  AND (item_id, check_kind) ` + in + ` (SELECT item_id, arrayJoin(` + has + `) FROM {db:Identifier}.item_facts
      WHERE version = {version:UInt64} AND is_deleted = 0)`
}

// MaintenanceLimit bounds each statement of a refresh that runs outside a
// request (a load, a start): the engine's max_execution_time
// (--max-execution-time, 30 s by default) is the bound of a caller's
// query, whose size its filter sets, while a refresh's size is set by the
// load that dirtied its items: a load refreshes every 2 M records, and 2 M
// declarations are up to 2 M items, which took over 30 s at 5 M items on
// a loaded 2-core machine and stopped the load. Within a request (a
// context with a deadline) the request's own bound applies.
const MaintenanceLimit = time.Hour

// maintenanceSettings is the SETTINGS clause that gives a statement
// MaintenanceLimit, when ctx has no deadline of its own.
func maintenanceSettings(ctx context.Context) string {
	if _, ok := ctx.Deadline(); ok {
		return ""
	}
	return fmt.Sprintf("\nSETTINGS max_execution_time = %d", int(MaintenanceLimit/time.Second))
}

// declarations reports whether declarations may have been stored for the
// dirty items: always on a server (other writers) and at a first refresh,
// otherwise when an insert of declarations came after the last refresh.
func (r *refresh) declarations() bool {
	f := r.f
	return !f.caps.SingleWriter || !f.recovered.Load() || f.declared.Load() > r.params["from"].(uint64)
}

// recordChanges records, for VersionOf, what this refresh's version
// wrote: per destination key, from the earliest first_seen_at of the items
// written under it (rows under keys an item left have none: from the
// epoch), and per destination of the declarations written, from the
// earliest received_at.
func (r *refresh) recordChanges(ctx context.Context) error {
	rows, err := r.f.engine.Query(ctx, `SELECT toString(destination_country_key), min(first_seen_at)
FROM {db:Identifier}.item_facts WHERE version = {version:UInt64} GROUP BY destination_country_key
UNION ALL
SELECT toString(destination_country), min(received_at)
FROM {db:Identifier}.declaration_facts WHERE version = {version:UInt64} GROUP BY destination_country`, r.params)
	if err != nil {
		return err
	}
	defer rows.Close()
	changes := map[string]time.Time{}
	for rows.Next() {
		var key string
		var since time.Time
		if err := rows.Scan(&key, &since); err != nil {
			return err
		}
		if old, ok := changes[key]; !ok || since.Before(old) {
			changes[key] = since
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.f.changes.record(changes)
	return nil
}

// declarationRules are the five completeness rules of docs/domain.md
// (KPIs 3 and 8) over a row of declarations, in the order of
// declaration_facts' fails_* columns: 1 when the declaration fails the
// rule. A declaration is complete when it fails none. The description
// test matches strings.EqualFold against the ASCII vague words exactly
// (postclear.Declaration.Complete): besides ASCII case, EqualFold folds
// only U+017F (long s) to s and U+212A (Kelvin sign) to k among letters
// that could spell one of them, so those two are mapped first and the rest
// compared with lower(), which changes ASCII only. Trimming removes what
// Go's strings.TrimSpace removes (unicode.IsSpace).
var declarationRules = func() string {
	const space = `[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]`
	trimmed := "replaceRegexpAll(description, '^" + space + "+|" + space + "+$', '')"
	return fmt.Sprintf(`toUInt8(%s = '' OR lower(replaceAll(replaceAll(%s, 'ſ', 's'), 'K', 'k')) IN (%s)),
    toUInt8(declared_value <= 0), toUInt8(currency = ''), toUInt8(gross_weight_kg <= 0),
    toUInt8(category IN (%s) AND hs_code = '')`,
		trimmed, trimmed, quoted(postclear.VagueDescriptions), quoted(postclear.HSRequiredCategories))
}()

// quoted renders fixed words (never user input) as a list of SQL strings.
func quoted(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = QuoteString(w)
	}
	return strings.Join(q, ", ")
}

// clear removes the dirty rows the refresh processed (invariant 4). On a
// single writer, rows of other writers were all processed, and this
// writer's rows up to the last refresh are skipped by generation, so the
// table is only truncated, when no insert has come since the refresh took
// its generation, and only once truncateAfter rows have piled up or at
// the first refresh (a DELETE costs as much as the refresh itself; rows
// left behind cost a little reading, by their sort key, until the next
// truncation). On a server,
// other processes may be inserting: the rows processed are deleted, and
// only rows that exist when the DELETE starts are affected, so later ones
// stay.
func (r *refresh) clear(ctx context.Context) error {
	f := r.f
	if f.caps.SingleWriter {
		if f.recovered.Load() && f.marked.Load() < truncateAfter {
			return nil
		}
		f.inserts.Lock()
		defer f.inserts.Unlock()
		if f.gen.Load() == r.params["gen"].(uint64) {
			f.marked.Store(0)
			return f.engine.Exec(ctx, "TRUNCATE TABLE {db:Identifier}.dirty_items", r.params)
		}
		return nil
	}
	table, onCluster := "dirty_items", ""
	if f.layout.Cluster != "" {
		// A Distributed table takes no DELETE; each shard deletes its own.
		table, onCluster = "dirty_items_local", " ON CLUSTER "+f.layout.Cluster
	}
	return f.engine.Exec(ctx, "DELETE FROM {db:Identifier}."+table+onCluster+
		" WHERE (writer = {writer:String} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')})", r.params)
}

func count(ctx context.Context, e Engine, q string, params Params) (n uint64, err error) {
	err = Each(ctx, e, q, params, func(rows Rows) error { return rows.Scan(&n) })
	return n, err
}
