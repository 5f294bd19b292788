// Package analytics computes the MoU KPIs of docs/domain.md (clearance
// time, delivery time, compliance rates, seizure trends) in ClickHouse,
// over the per-item milestones the warehouse maintains, finalized one row
// per item in item_facts, with seizure_state for seizures and, for
// declaration completeness, the declarations themselves. It never regroups
// raw events or partial item states at query time.
//
// A KPI family is one file: its SQL, its row's scan, and a family value
// registering them (runner.go). The runner owns what every family shares:
// validation, the caller's scope (read from the context), time buckets,
// gap filling, ordering, limits and the result cache. The dimensions rows
// are grouped and filtered by are one table (dimension.go). User values
// travel only as server-side {name:Type} parameters and identifiers come
// only from that table and the families' own text, so the same SQL runs on
// the embedded and the server engine; testdata/sql pins it. The SQL
// aggregates; Go adds what SQL would make hard to read (nulls for empty
// populations, filled gaps, the seizure comparison with the previous
// bucket) and sorts the rows. docs/kpis.md states every definition as
// implemented; docs/architecture.md shows how to add a family.
package analytics

import (
	"context"
	"errors"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/warehouse"
)

// Limits on what one query may ask for. They are there so that a typo in a
// date cannot make the engine produce, and a dashboard try to draw, a
// result nobody can read.
const (
	// MaxBuckets bounds the time buckets of one query: three years of
	// days (1,096) with a little room, and so about 21 years of weeks.
	MaxBuckets = 1100
	// MaxRows bounds the rows of one result, gaps filled included.
	MaxRows = 20_000
	// MaxRunningBuckets bounds the buckets of a running query
	// (KPIQuery.Running), in which each row counts once per bucket from
	// its own to the last: a quarter of days.
	MaxRunningBuckets = 92
	// MaxStandardDays bounds the J+n delivery standard.
	MaxStandardDays = 365
	// DefaultMaxFilterValues bounds each filter list when the Service
	// sets no other bound.
	DefaultMaxFilterValues = 1000
)

// Service answers KPI queries over one warehouse layout. It implements
// postclear.Analytics.
type Service struct {
	Engine warehouse.Engine
	Layout warehouse.Layout
	// Facts keeps the finalized milestones the KPIs read up to date
	// (warehouse.Store.Facts); required to run queries.
	Facts Facts
	// Now is the clock that decides "today" for on-time delivery; nil
	// means time.Now. Tests and reports inject a fixed time so that the
	// same data gives the same rates on any day.
	Now func() time.Time
	// Cache, when set, answers a repeated query from memory until the
	// data changes. It keys every entry by the caller's scope itself.
	Cache *resultcache.Cache
	// MaxFilterValues bounds the values of each filter list (offices,
	// origins, ...); 0 means DefaultMaxFilterValues. A longer list is
	// refused before the engine sees it.
	MaxFilterValues int
	// CountPopulations makes the SQL methods of the families and of
	// openItems (ClearanceSQL, …, BacklogSQL, OpenItemsSQL) return,
	// instead of the query, a statement that counts the rows of its
	// populations: the rows of item_facts and declaration_facts that pass
	// its filters and range, before grouping (a compliance item once per
	// sub-population it enters). The benchmarks set it, to set the rows a
	// query needs beside those the engine read (issue 17).
	CountPopulations bool
}

var _ postclear.Analytics = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) maxFilterValues() int {
	if s.MaxFilterValues > 0 {
		return s.MaxFilterValues
	}
	return DefaultMaxFilterValues
}

// Facts is what the service needs of warehouse.Facts.
type Facts interface {
	// Refresh finalizes the milestones of the items stored since the
	// last refresh.
	Refresh(ctx context.Context) error
}

// query runs sqlText and calls scan for every row. It first finalizes
// the items whose records were stored since the last refresh (a no-op when
// there are none), so a KPI never reads facts older than the records: a
// query issued during a bulk load counts what the load has stored so far.
func (s *Service) query(ctx context.Context, sqlText string, params warehouse.Params, scan func(warehouse.Rows) error) error {
	if s.Facts == nil {
		return errors.New("analytics: Service.Facts is not set")
	}
	if err := s.Facts.Refresh(ctx); err != nil {
		return err
	}
	return warehouse.Each(ctx, s.Engine, sqlText, params, scan)
}

// rate is num/den, or nil when the population den is empty.
func rate(num, den uint64) *float64 {
	if den == 0 {
		return nil
	}
	r := float64(num) / float64(den)
	return &r
}

// stat returns v when the population it was computed over is non-empty.
func stat(v float64, n uint64) *float64 {
	if n == 0 {
		return nil
	}
	return &v
}
