package warehouse

import (
	"context"
	"fmt"
	"strconv"
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
