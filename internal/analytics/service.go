// Package analytics computes the MoU KPIs of DOMAIN.md (clearance time,
// delivery time, compliance rates, seizure trends) in ClickHouse, over the
// per-item milestones the warehouse maintains, finalized one row per item
// in item_facts, with seizure_state for seizures and, for declaration
// completeness, the declarations themselves. It never regroups raw events
// or partial item states at query time.
//
// Each KPI family has one file holding its one SQL text, built from the
// grouping and filter choices of a postclear.KPIQuery; user values travel
// only as server-side {name:Type} parameters and identifiers come only from
// fixed maps, so the same text runs on the embedded and the server engine.
// The SQL aggregates; Go adds what SQL would make hard to read (nulls for
// empty populations, filled gaps, the seizure comparison with the previous
// bucket) and sorts the rows. docs/kpis.md states every definition as
// implemented.
package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	// MaxStandardDays bounds the J+n delivery standard.
	MaxStandardDays = 365
)

// Default arguments of DOMAIN.md, for callers that leave them out.
const (
	DefaultTargetHours  = 24
	DefaultStandardDays = 5
)

// Service answers KPI queries over one warehouse layout.
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
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
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
	rows, err := s.Engine.Query(ctx, sqlText, params)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// wrap names the operation in err and keeps a *postclear.Error's code, so
// that users see the message and the log sees the cause.
func wrap(err *error, op string) {
	if *err != nil {
		*err = fmt.Errorf("%s: %w", op, *err)
	}
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
