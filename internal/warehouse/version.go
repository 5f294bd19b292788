package warehouse

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

// writeCounter counts the completed writes (inserts, refresh steps) of
// this process to db. It is the data version of the embedded engine: chDB
// locks its data directory to one process, so every write to it passes
// through here.
func writeCounter(db string) *atomic.Uint64 { return &dirtyFor(db).writes }

// DataVersion identifies the state of the stored data: it changes when an
// insert completes, so a result cached under one version can never be
// served after an ingest has been accepted. For the embedded engine it is
// this process's write count (nothing else can write to its directory).
// A ClickHouse server may be written to by other postclear processes, so
// there it is derived from the set of active parts, which every insert
// changes (merges change it too, which only costs a cache miss).
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	local := strconv.FormatUint(writeCounter(s.Layout.Database).Load(), 10)
	if s.Engine.Name() == "chdb" {
		return local, nil
	}
	rows, err := s.Engine.Query(ctx, `SELECT count(), sum(rows), groupBitXor(cityHash64(name)), max(modification_time)
FROM system.parts WHERE database = {db:String} AND active`, Params{"db": s.Layout.Database})
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
