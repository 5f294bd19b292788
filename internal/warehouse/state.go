package warehouse

import (
	"context"
	"fmt"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// DataState brings the finalized facts up to date with the stored records
// (Refresh) and returns the data version with the time the records last
// changed. A reader that takes it before computing and finds the same
// DataVersion after has read one state of the data: every write moves the
// version (see DataVersion).
func (s *Store) DataState(ctx context.Context) (st postclear.DataState, err error) {
	defer postclear.Wrap(&err, "data state")
	if err := s.Refresh(ctx); err != nil {
		return st, err
	}
	if st.Version, err = s.DataVersion(ctx); err != nil {
		return st, err
	}
	// The record tables, under both layouts' names (a cluster's local
	// tables are those of this node's shard).
	rows, err := s.Engine.Query(ctx, `SELECT maxOrNull(modification_time) FROM system.parts
WHERE database = {db:String} AND active
  AND table IN ('events', 'declarations', 'decisions', 'events_local', 'declarations_local', 'decisions_local')`,
		Params{"db": s.Layout.Database})
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var t *time.Time
		if err := rows.Scan(&t); err != nil {
			return st, fmt.Errorf("scan: %w", err)
		}
		if t != nil {
			u := t.UTC()
			st.LoadedAt = &u
		}
	}
	return st, rows.Err()
}
