package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// ClearanceTimes returns the clearance-time KPI (docs/domain.md KPI 1) of q
// with the within-target share computed against targetHours
// (postclear.DefaultTargetHours when the caller has no other).
func (s *Service) ClearanceTimes(ctx context.Context, q postclear.KPIQuery, targetHours float64) ([]postclear.ClearanceStat, error) {
	return clearance.run(ctx, s, q, targetHours)
}

// ClearanceSQL returns the SQL and parameters of ClearanceTimes, for
// benchmarks that run it straight against an engine.
func (s *Service) ClearanceSQL(q postclear.KPIQuery, targetHours float64) (string, warehouse.Params, error) {
	return clearance.SQL(context.Background(), s, q, targetHours)
}

// clearance: items with presented_at and released_at, released_at ≥
// presented_at, attributed to released_at.
//
// Columns after the keys: items, the sum of the clearance times in
// seconds, the p50/p90/p95 seconds (converted to hours here: see
// quantileSeconds) and the count within target. The mean is computed from
// the integer sum so that it does not depend on the order the engine adds
// rows in.
var clearance = &family[float64, postclear.ClearanceStat]{
	name:  "clearance times",
	api:   "clearanceTimes",
	check: nonNegative("targetHours"),
	sql: func(b *builder, targetHours float64) string {
		b.params["target_hours"] = targetHours
		return b.aggregate(nil, []string{
			"count() AS n_items",
			"sum(secs) AS total_secs",
			"quantilesExactInclusive(0.5, 0.9, 0.95)(toUInt32(secs)) AS q_secs",
			"countIf(hours <= {target_hours:Float64}) AS n_within",
		}, b.milestones("released_at", []string{
			"toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at)) AS secs",
			"secs / 3600 AS hours",
		}, "presented_at IS NOT NULL", "released_at >= presented_at"))
	},
	scan: func(sc *scanner) (postclear.ClearanceStat, error) {
		var n, within uint64
		var secs int64
		var qs []float64
		key, err := sc.scan(&n, &secs, &qs, &within)
		if err != nil {
			return postclear.ClearanceStat{}, err
		}
		return postclear.ClearanceStat{
			Key:              key,
			Items:            int64(n),
			MeanHours:        stat(float64(secs)/float64(n)/3600, n),
			P50Hours:         stat(qs[0]/3600, n),
			P90Hours:         stat(qs[1]/3600, n),
			P95Hours:         stat(qs[2]/3600, n),
			WithinTargetRate: rate(within, n),
		}, nil
	},
	key: func(r *postclear.ClearanceStat) *postclear.GroupKey { return &r.Key },
	fields: []field[postclear.ClearanceStat]{
		count("ITEMS", func(r *postclear.ClearanceStat) int64 { return r.Items }),
		number("MEAN_HOURS", func(r *postclear.ClearanceStat) *float64 { return r.MeanHours }),
		number("P50_HOURS", func(r *postclear.ClearanceStat) *float64 { return r.P50Hours }),
		number("P90_HOURS", func(r *postclear.ClearanceStat) *float64 { return r.P90Hours }),
		number("P95_HOURS", func(r *postclear.ClearanceStat) *float64 { return r.P95Hours }),
		number("WITHIN_TARGET_RATE", func(r *postclear.ClearanceStat) *float64 { return r.WithinTargetRate }),
	},
}
