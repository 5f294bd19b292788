// Package graph is the GraphQL adapter: the gqlgen-generated executor
// (graph/generated, never edited), thin resolvers that convert arguments
// and call one service, the handler with its transports, and the one place
// errors are shaped for users (errors.go).
package graph

//go:generate go run github.com/99designs/gqlgen generate

import (
	"context"
	"log/slog"
	"time"

	"github.com/postclear/postclear/internal/live"
	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
)

// Records stores validated records and tells what is stored (implemented
// by warehouse.Store).
type Records interface {
	InsertEvents(ctx context.Context, events []postclear.Event) error
	InsertDeclarations(ctx context.Context, decls []postclear.Declaration) error
	InsertDecisions(ctx context.Context, decisions []postclear.Decision) error
	DataStatus(ctx context.Context) (postclear.DataStatus, error)
	// Refresh finalizes the milestones of the items stored since the
	// last refresh, so that the KPI queries see them.
	Refresh(ctx context.Context) error
	// DataVersion names the data stored now; it changes whenever an
	// ingest is accepted (dataChanged announces it).
	DataVersion(ctx context.Context) (string, error)
}

// Calendars keeps the working-day calendars: holidays and weekend days
// (implemented by warehouse.Store).
type Calendars interface {
	InsertHolidays(ctx context.Context, hs []postclear.Holiday) error
	Holidays(ctx context.Context, country string, year int) ([]postclear.Holiday, error)
	SetWeekendDays(ctx context.Context, country string, days []time.Weekday) error
	WeekendDays(ctx context.Context, country string) (days []time.Weekday, configured bool, err error)
}

// MoUs keeps MoUs and their commitments (implemented by warehouse.Store).
type MoUs interface {
	MoUs(ctx context.Context, archived bool) ([]postclear.MoU, error)
	MoU(ctx context.Context, id string) (postclear.MoU, error)
	CreateMoU(ctx context.Context, in postclear.MoUInput) (postclear.MoU, error)
	UpdateMoU(ctx context.Context, id string, in postclear.MoUInput) (postclear.MoU, error)
	ArchiveMoU(ctx context.Context, id string) (postclear.MoU, error)
	InsertActivities(ctx context.Context, acts []postclear.Activity) error
	InsertDisputes(ctx context.Context, ds []postclear.Dispute) error
	Activities(ctx context.Context, mouID string, from, to time.Time) ([]postclear.Activity, error)
	Disputes(ctx context.Context, mouID string, from, to time.Time) ([]postclear.Dispute, error)
	// Actions and ActionHistory answer within the caller's scope.
	InsertActions(ctx context.Context, acts []postclear.Action) error
	Actions(ctx context.Context, q postclear.ActionQuery) ([]postclear.Action, error)
	ActionHistory(ctx context.Context, mouID, id string) ([]postclear.Action, error)
}

// Evaluations computes quarterly MoU evaluations and the target-breach
// check between them (implemented by report.Evaluator); the CSV and PDF
// downloads render the same evaluations.
type Evaluations interface {
	Evaluate(ctx context.Context, mouID, quarter string) (postclear.Evaluation, error)
	// TargetBreaches checks the targets of the active MoUs quarter to date.
	TargetBreaches(ctx context.Context, asOf time.Time, minPopulation int) ([]postclear.TargetBreach, error)
}

// DefaultMaxIngestRecords bounds one ingest mutation; larger loads belong
// in files (`postclear ingest`).
const DefaultMaxIngestRecords = 10_000

// Resolver holds the services the resolvers call.
type Resolver struct {
	Analytics postclear.Analytics
	// Operations answers the operations desk's questions: backlog,
	// openItems, item and the open-items CSV download (implemented by
	// analytics.Service).
	Operations  postclear.Backlog
	Records     Records
	Calendars   Calendars
	MoUs        MoUs
	Evaluations Evaluations
	// Now is the clock that judges future timestamps of ingested records.
	Now func() time.Time
	// MaxIngestRecords bounds the records of one ingest mutation.
	MaxIngestRecords int
	// MaxRecordBytes bounds one record of an ingest mutation, as
	// --max-record-bytes bounds a file's (0: ingest.DefaultMaxRecordBytes).
	MaxRecordBytes int
	Logger         *slog.Logger
	// Metrics, when set, counts ingested and rejected records.
	Metrics *metrics.Metrics
	// Cache, when set, keeps dataStatus answers until the data changes,
	// per caller scope (the cache reads it from the context). The KPI
	// service and the evaluations hold their own reference to it.
	Cache *resultcache.Cache
	// Live announces every accepted change to the subscribers of
	// dataChanged (NewHandler makes one when nil).
	Live *live.Broker
	// Ingested, when set, is called after an ingest mutation stored
	// records (the target-breach alerts' Checker.Notify).
	Ingested func()
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Resolver) maxIngest() int {
	if r.MaxIngestRecords > 0 {
		return r.MaxIngestRecords
	}
	return DefaultMaxIngestRecords
}
