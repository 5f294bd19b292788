package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// EadTimeliness returns the advance data timeliness KPI (docs/domain.md
// KPI 8) of q, with the lead judged against minLeadHours
// (postclear.DefaultMinLeadHours when the caller has no other).
func (s *Service) EadTimeliness(ctx context.Context, q postclear.KPIQuery, minLeadHours float64) ([]postclear.EadTimelinessStat, error) {
	return ead.run(ctx, s, q, minLeadHours)
}

// EadSQL returns the SQL and parameters of EadTimeliness.
func (s *Service) EadSQL(q postclear.KPIQuery, minLeadHours float64) (string, warehouse.Params, error) {
	return ead.SQL(context.Background(), s, q, minLeadHours)
}

// ead: eadCoverage's population (arrived items whose category is not
// DOCUMENTS; an item without a declaration has none, so it is in, without
// EAD), attributed to the arrival. The lead is arrival − ead_at in whole
// seconds, negative when the data came after arrival.
//
// Columns after the keys: items, with EAD, EAD at or before the departure
// from the origin (an item without that departure is not before it), at
// or before arrival, at least minLeadHours before arrival, and the
// p10/p50 lead seconds over the items with EAD (in hours here;
// quantileSeconds).
var ead = &family[float64, postclear.EadTimelinessStat]{
	name:  "EAD timeliness",
	api:   "eadTimeliness",
	check: nonNegative("minLeadHours"),
	sql: func(b *builder, minLeadHours float64) string {
		b.params["min_lead_hours"] = minLeadHours
		return b.aggregate(nil, []string{
			"count() AS n_items",
			"countIf(has_ead) AS n_with_ead",
			"countIf(before_departure) AS n_before_departure",
			"countIf(has_ead AND lead_secs >= 0) AS n_before_arrival",
			"countIf(has_ead AND lead_secs >= {min_lead_hours:Float64} * 3600) AS n_lead",
			"quantilesExactInclusiveIf(0.1, 0.5)(toInt32(lead_secs), has_ead) AS q_lead",
		}, b.milestones("arrived_at", []string{
			"ead_at IS NOT NULL AS has_ead",
			"toUInt8(ifNull(ead_at <= departed_origin_at, 0)) AS before_departure",
			"toInt64(assumeNotNull(arrived_at)) - toInt64(assumeNotNull(ead_at)) AS lead_secs",
		}, "ifNull(category, '') != 'DOCUMENTS'"))
	},
	scan: func(sc *scanner) (postclear.EadTimelinessStat, error) {
		var n, withEad, beforeDeparture, beforeArrival, lead uint64
		var qs []float64
		key, err := sc.scan(&n, &withEad, &beforeDeparture, &beforeArrival, &lead, &qs)
		if err != nil {
			return postclear.EadTimelinessStat{}, err
		}
		return postclear.EadTimelinessStat{
			Key:                 key,
			Items:               int64(n),
			WithEad:             int64(withEad),
			BeforeDepartureRate: rate(beforeDeparture, n),
			BeforeArrivalRate:   rate(beforeArrival, n),
			LeadTimeRate:        rate(lead, n),
			P10LeadHours:        stat(qs[0]/3600, withEad),
			P50LeadHours:        stat(qs[1]/3600, withEad),
		}, nil
	},
	key: func(r *postclear.EadTimelinessStat) *postclear.GroupKey { return &r.Key },
	fields: []field[postclear.EadTimelinessStat]{
		count("ITEMS", func(r *postclear.EadTimelinessStat) int64 { return r.Items }),
		count("WITH_EAD", func(r *postclear.EadTimelinessStat) int64 { return r.WithEad }),
		number("BEFORE_DEPARTURE_RATE", func(r *postclear.EadTimelinessStat) *float64 { return r.BeforeDepartureRate }),
		number("BEFORE_ARRIVAL_RATE", func(r *postclear.EadTimelinessStat) *float64 { return r.BeforeArrivalRate }),
		number("LEAD_TIME_RATE", func(r *postclear.EadTimelinessStat) *float64 { return r.LeadTimeRate }),
		number("P10_LEAD_HOURS", func(r *postclear.EadTimelinessStat) *float64 { return r.P10LeadHours }),
		number("P50_LEAD_HOURS", func(r *postclear.EadTimelinessStat) *float64 { return r.P50LeadHours }),
	},
}
