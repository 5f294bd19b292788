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

	"github.com/postclear/postclear/internal/metrics"
	"github.com/postclear/postclear/internal/postclear"
)

// Analytics computes the KPIs (implemented by internal/analytics).
type Analytics interface {
	ClearanceTimes(ctx context.Context, q postclear.KPIQuery, targetHours float64) ([]postclear.ClearanceStat, error)
	DeliveryTimes(ctx context.Context, q postclear.KPIQuery, standardDays int) ([]postclear.DeliveryStat, error)
	ComplianceRates(ctx context.Context, q postclear.KPIQuery) ([]postclear.ComplianceStat, error)
	SeizureTrends(ctx context.Context, q postclear.KPIQuery) ([]postclear.SeizureStat, error)
}

// Records stores validated records and tells what is stored (implemented
// by warehouse.Store).
type Records interface {
	InsertEvents(ctx context.Context, events []postclear.Event) error
	InsertDeclarations(ctx context.Context, decls []postclear.Declaration) error
	InsertDecisions(ctx context.Context, decisions []postclear.Decision) error
	DataStatus(ctx context.Context) (postclear.DataStatus, error)
}

// DefaultMaxIngestRecords bounds one ingest mutation; larger loads belong
// in files (`postclear ingest`).
const DefaultMaxIngestRecords = 10_000

// Resolver holds the services the resolvers call.
type Resolver struct {
	Analytics Analytics
	Records   Records
	// Now is the clock that judges future timestamps of ingested records.
	Now func() time.Time
	// MaxIngestRecords bounds the records of one ingest mutation.
	MaxIngestRecords int
	Logger           *slog.Logger
	// Metrics, when set, counts ingested and rejected records.
	Metrics *metrics.Metrics
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
