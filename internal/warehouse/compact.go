package warehouse

import (
	"context"
	"fmt"
)

// Compact merges the parts of the tables KPI queries read with FINAL,
// item_facts, item_checks, declarations and declaration_facts, and of
// those an item's page reads, events and item_dossier, each when the rows
// written since its largest part was formed are a large share of it
// (events also when it is in more than two parts: maxParts). A
// load refreshes its items several times (every few million rows, then
// once per record kind), and until the versions are merged FINAL has to
// merge them in every query: on 1 M items, 45–60 ms instead of 4 ms for
// one destination and quarter.
// Merging is a background job ClickHouse may leave for long, so a load
// calls Compact at its end. It costs about a second per million rows, so
// a table is left alone after small writes, when its largest part holds
// nearly everything already.
func (s *Store) Compact(ctx context.Context) error {
	for _, table := range compacted {
		if err := s.compact(ctx, table); err != nil {
			return fmt.Errorf("compact %s: %w", table, err)
		}
	}
	return nil
}

// compacted are the tables Compact merges. declaration_facts (compliance
// and declaration quality) was left out until the 5 M benchmark: a load
// left it in six parts, and merging them (5 s at 5 M items) took
// declaration quality over one year from 400 to 58 ms and compliance from
// 833 to 441 ms. events and item_dossier are read by item (an item's
// page) without FINAL, but each part is one more lookup of the item's
// granule: at 1 M items a load left events in four parts, and merged (6 s)
// the page took 10 ms of engine time instead of 14.
var compacted = []string{"item_facts", "item_checks", "declarations", "declaration_facts", "events", "item_dossier"}

// maxParts are the tables merged whenever they are in more parts than
// this, however much of their rows the largest part holds: an item's page
// read events' granule in each of the seven parts a 1 M-item load left
// (the largest held 86 % of the rows), 14.8 ms of engine time for
// distinct items against 10.6-11.7 ms with events in one part. It costs
// a rewrite of events (about 6 s per million items) after each load that
// leaves it in more parts.
var maxParts = map[string]uint64{"events": 2}

// needsCompaction reports whether a table of these parts, rows and rows
// in its largest part is merged.
func needsCompaction(table string, parts, total, largest uint64) bool {
	if parts < 2 {
		return false
	}
	if limit, ok := maxParts[table]; ok && parts > limit {
		return true
	}
	return largest*10 < total*8
}

func (s *Store) compact(ctx context.Context, table string) error {
	name, onCluster := table, ""
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
	if !needsCompaction(name, parts, total, largest) {
		return nil
	}
	err = s.Engine.Exec(ctx, "OPTIMIZE TABLE {db:Identifier}."+table+onCluster+" FINAL", params)
	// Merging changes no result, but the server engine's data version is
	// its set of parts; count it as a write for the embedded one too.
	s.facts.wrote()
	return err
}
