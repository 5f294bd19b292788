package warehouse

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Store writes validated records into the schema of a Layout and answers
// what is loaded. It does not validate: callers (ingest, GraphQL) do, so
// that every path rejects the same rows with the same reasons.
//
// Open one Store per database per process and share it: its Facts keeps
// the bookkeeping of the finalized milestones for every insert.
type Store struct {
	Engine Engine
	Layout Layout

	facts *Facts

	// mouMu serialises MoU writes (mou.go); lastWrite is the last version
	// handed to them.
	mouMu     sync.Mutex
	lastWrite uint64
}

// NewStore returns a store over e for layout, with the Facts that keeps
// layout's item_facts.
func NewStore(e Engine, layout Layout) *Store {
	return &Store{Engine: e, Layout: layout, facts: NewFacts(e, layout)}
}

// Facts returns the owner of the finalized milestones this store's inserts
// feed, for the KPI service.
func (s *Store) Facts() *Facts { return s.facts }

// Refresh finalizes what was stored for the KPI queries (Facts.Refresh).
func (s *Store) Refresh(ctx context.Context) error { return s.facts.Refresh(ctx) }

// MaxInsertRows is the largest batch sent as one insert; larger batches are
// split, so the memory one insert holds stays bounded.
const MaxInsertRows = 200_000

var (
	eventColumns       = recordColumns[postclear.Event]("ingest_version")
	declarationColumns = recordColumns[postclear.Declaration]("ingest_version")
	decisionColumns    = recordColumns[postclear.Decision]("ingest_version")
)

// InsertEvents stores events. Re-storing a stored key changes nothing that
// any reader sees; within one batch, the first row of a key is the one
// stored (each row has its own ingest version, Facts.ingestVersions).
func (s *Store) InsertEvents(ctx context.Context, events []postclear.Event) error {
	return insertItems(ctx, s, "events", eventColumns, events)
}

// InsertDeclarations stores declarations.
func (s *Store) InsertDeclarations(ctx context.Context, decls []postclear.Declaration) error {
	err := insertItems(ctx, s, "declarations", declarationColumns, decls)
	// KPIs read the declarations themselves, not only their items'
	// facts, so what they read changed now (even a failed insert may
	// have stored some).
	changes := map[string]time.Time{}
	for i := range decls {
		d := &decls[i]
		if old, ok := changes[d.DestinationCountry]; !ok || d.ReceivedAt.Before(old) {
			changes[d.DestinationCountry] = d.ReceivedAt
		}
	}
	s.facts.changes.record(changes)
	return err
}

// InsertDecisions stores customs decisions.
func (s *Store) InsertDecisions(ctx context.Context, decisions []postclear.Decision) error {
	return insertItems(ctx, s, "decisions", decisionColumns, decisions)
}

// insertItems stores item records (item_id first) in chunks of
// MaxInsertRows, each sent column by column (InsertColumns: no boxed value
// per cell) and marking its items, the item_id column, dirty for the next
// refresh of the facts.
func insertItems[T postclear.Record](ctx context.Context, s *Store, table string, columns []string, recs []T) error {
	full := s.Layout.Database + "." + table
	for start := 0; start < len(recs); start += MaxInsertRows {
		chunk := recs[start:min(start+MaxInsertRows, len(recs))]
		cols := recordColumnsOf(chunk, columns, s.facts.ingestVersions(len(chunk)))
		err := s.facts.store(ctx, table, cols[0].Values.([]string), func() error {
			return InsertColumns(ctx, s.Engine, full, cols)
		})
		if err != nil {
			return fmt.Errorf("store %s: %w", table, err)
		}
	}
	return nil
}

// insertChunks inserts n rows into table, MaxInsertRows at a time; each
// chunk's insert runs through through, which may do more around it.
func insertChunks(ctx context.Context, s *Store, table string, columns []string, n int, row func(int) []any, through func(rows [][]any, insert func() error) error) error {
	full := s.Layout.Database + "." + table
	for start := 0; start < n; start += MaxInsertRows {
		end := min(start+MaxInsertRows, n)
		rows := make([][]any, 0, end-start)
		for i := start; i < end; i++ {
			rows = append(rows, row(i))
		}
		if err := through(rows, func() error { return s.Engine.Insert(ctx, full, columns, rows) }); err != nil {
			return fmt.Errorf("store %s: %w", table, err)
		}
	}
	return nil
}

// DataStatus counts what is stored. Counts use FINAL so that a duplicate
// key not yet merged away is counted once. A caller with a restricted scope
// (postclear.ScopeFrom) sees only the items whose destination is in it (by
// the item's attributes, as in every KPI), their events and decisions, and
// the declarations whose own destination is in it.
func (s *Store) DataStatus(ctx context.Context) (st postclear.DataStatus, err error) {
	defer postclear.Wrap(&err, "data status")
	// visible is the set of items the caller may see; unscoped callers
	// see every item, and their counts skip the set altogether.
	itemCond, declCond := "1", "1"
	visible := "SELECT DISTINCT item_id FROM {db:Identifier}.item_state"
	params := Params{"db": s.Layout.Database}
	if sc := postclear.ScopeFrom(ctx); sc.Restricted {
		params["scope"] = append([]string{}, sc.Countries...)
		visible = "SELECT item_id FROM {db:Identifier}.item_milestones WHERE destination_country IN {scope:Array(String)}"
		itemCond = "item_id " + s.Layout.In() + " visible"
		declCond = "destination_country IN {scope:Array(String)}"
	}
	q := "WITH visible AS (" + visible + ")" + `
SELECT
    (SELECT count() FROM {db:Identifier}.events FINAL WHERE ` + itemCond + `) AS events,
    (SELECT count() FROM {db:Identifier}.declarations FINAL WHERE ` + declCond + `) AS declarations,
    (SELECT count() FROM {db:Identifier}.decisions FINAL WHERE ` + itemCond + `) AS decisions,
    (SELECT count() FROM visible) AS items,
    (SELECT minOrNull(event_time) FROM {db:Identifier}.events WHERE ` + itemCond + `) AS first_event,
    (SELECT maxOrNull(event_time) FROM {db:Identifier}.events WHERE ` + itemCond + `) AS last_event`
	rows, err := s.Engine.Query(ctx, q, params)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	var events, decls, decisions, items uint64
	for rows.Next() {
		if err := rows.Scan(&events, &decls, &decisions, &items, &st.FirstEventAt, &st.LastEventAt); err != nil {
			return st, err
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	st.Events, st.Declarations, st.Decisions, st.Items = int64(events), int64(decls), int64(decisions), int64(items)
	st.Engine = s.Engine.Name()
	st.SchemaVersion, err = AppliedVersion(ctx, s.Engine, s.Layout.Database)
	return st, err
}
