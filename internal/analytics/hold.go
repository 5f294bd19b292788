package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// HoldFulfilment returns the hold fulfilment KPI (docs/domain.md KPI 7) of
// q, with presentation judged within withinHours of the request
// (postclear.DefaultWithinHours when the caller has no other).
func (s *Service) HoldFulfilment(ctx context.Context, q postclear.KPIQuery, withinHours float64) ([]postclear.HoldStat, error) {
	return hold.run(ctx, s, q, withinHours)
}

// HoldSQL returns the SQL and parameters of HoldFulfilment.
func (s *Service) HoldSQL(q postclear.KPIQuery, withinHours float64) (string, warehouse.Params, error) {
	return hold.SQL(context.Background(), s, q, withinHours)
}

// hold: items customs asked the post to hold or present (requested_at,
// the first HOLD, INSPECT or REQUEST_INFO decision), attributed to the
// request.
//
// Columns after the keys: requested, presented, presented within
// withinHours (a presentation before the request is within), the p50/p90
// hours to present over presented items (0 for one presented before the
// request), and delivered without ever being presented.
var hold = &family[float64, postclear.HoldStat]{
	name:  "hold fulfilment",
	api:   "holdFulfilment",
	check: nonNegative("withinHours"),
	sql: func(b *builder, withinHours float64) string {
		b.params["within_hours"] = withinHours
		return b.aggregate(nil, []string{
			"count() AS n_requested",
			"countIf(is_presented) AS n_presented",
			"countIf(is_presented AND secs <= {within_hours:Float64} * 3600) AS n_within",
			"quantilesExactInclusiveIf(0.5, 0.9)(greatest(secs, 0) / 3600, is_presented) AS q_hours",
			"countIf(delivered_at IS NOT NULL AND NOT is_presented) AS n_unpresented",
		}, b.milestones("requested_at", []string{
			"presented_at IS NOT NULL AS is_presented",
			"toInt64(assumeNotNull(presented_at)) - toInt64(assumeNotNull(requested_at)) AS secs",
			"delivered_at",
		}))
	},
	scan: func(sc *scanner) (postclear.HoldStat, error) {
		var requested, presented, within, unpresented uint64
		var qs []float64
		key, err := sc.scan(&requested, &presented, &within, &qs, &unpresented)
		if err != nil {
			return postclear.HoldStat{}, err
		}
		return postclear.HoldStat{
			Key:                          key,
			Requested:                    int64(requested),
			Presented:                    int64(presented),
			PresentedRate:                rate(presented, requested),
			PresentedWithinRate:          rate(within, requested),
			P50HoursToPresent:            stat(qs[0], presented),
			P90HoursToPresent:            stat(qs[1], presented),
			DeliveredWithoutPresentation: int64(unpresented),
		}, nil
	},
	key: func(r *postclear.HoldStat) *postclear.GroupKey { return &r.Key },
	fields: []field[postclear.HoldStat]{
		count("REQUESTED", func(r *postclear.HoldStat) int64 { return r.Requested }),
		count("PRESENTED", func(r *postclear.HoldStat) int64 { return r.Presented }),
		number("PRESENTED_RATE", func(r *postclear.HoldStat) *float64 { return r.PresentedRate }),
		number("PRESENTED_WITHIN_RATE", func(r *postclear.HoldStat) *float64 { return r.PresentedWithinRate }),
		number("P50_HOURS_TO_PRESENT", func(r *postclear.HoldStat) *float64 { return r.P50HoursToPresent }),
		number("P90_HOURS_TO_PRESENT", func(r *postclear.HoldStat) *float64 { return r.P90HoursToPresent }),
		count("DELIVERED_WITHOUT_PRESENTATION", func(r *postclear.HoldStat) int64 { return r.DeliveredWithoutPresentation }),
	},
}
