package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// DeliveryTimes returns the delivery-time KPI (docs/domain.md KPI 2) of q
// for the J+standardDays standard (postclear.DefaultStandardDays is the
// UPU J+5), judged against the Service's clock.
func (s *Service) DeliveryTimes(ctx context.Context, q postclear.KPIQuery, standardDays int) ([]postclear.DeliveryStat, error) {
	return delivery.run(ctx, s, q, standardDays)
}

// DeliverySQL returns the SQL and parameters of DeliveryTimes.
func (s *Service) DeliverySQL(q postclear.KPIQuery, standardDays int) (string, warehouse.Params, error) {
	return delivery.SQL(s, q, standardDays)
}

// delivery: items with posted_at, attributed to posted_at; the window
// J+n is judged against today (the Service's clock).
//
// Columns after the keys: items, delivered, the sum of delivery times in
// seconds, the p50/p90 days of delivered items, the items whose window
// has closed (J+n before today) and those of them delivered on time. J,
// the delivery date and today are dates in the query's time zone, counted
// in days (daySQL, dayNumber), whatever the server's time zone.
var delivery = &family[int, postclear.DeliveryStat]{
	name:  "delivery times",
	api:   "deliveryTimes",
	check: validStandardDays,
	sql: func(b *builder, standardDays int) string {
		// "today" is a parameter, not SQL today(), so that an
		// injected clock decides it and a server in another time
		// zone agrees.
		b.params["today"] = dayNumber(b.now, b.loc)
		b.params["standard_days"] = int64(standardDays)
		return b.aggregate(nil, []string{
			"count() AS n_items",
			"countIf(is_delivered) AS n_delivered",
			"sumIf(secs, is_delivered) AS total_secs",
			"quantilesExactInclusiveIf(0.5, 0.9)(days, is_delivered) AS q_days",
			"countIf(due_day < {today:Int64}) AS n_judged",
			"countIf(due_day < {today:Int64} AND is_delivered AND delivered_day <= due_day) AS n_on_time",
		}, b.milestones("posted_at", []string{
			"delivered_at IS NOT NULL AS is_delivered",
			"toInt64(assumeNotNull(delivered_at)) - toInt64(assumeNotNull(posted_at)) AS secs",
			"secs / 86400 AS days",
			daySQL("assumeNotNull(posted_at)") + " + {standard_days:Int64} AS due_day",
			daySQL("assumeNotNull(delivered_at)") + " AS delivered_day",
		}))
	},
	scan: func(sc *scanner) (postclear.DeliveryStat, error) {
		var n, delivered, judged, onTime uint64
		var secs int64
		var qs []float64
		key, err := sc.scan(&n, &delivered, &secs, &qs, &judged, &onTime)
		if err != nil {
			return postclear.DeliveryStat{}, err
		}
		return postclear.DeliveryStat{
			Key:        key,
			Items:      int64(n),
			Delivered:  int64(delivered),
			MeanDays:   stat(float64(secs)/float64(delivered)/86400, delivered),
			P50Days:    stat(qs[0], delivered),
			P90Days:    stat(qs[1], delivered),
			OnTimeRate: rate(onTime, judged),
		}, nil
	},
	key: func(r *postclear.DeliveryStat) *postclear.GroupKey { return &r.Key },
	fields: []field[postclear.DeliveryStat]{
		count("ITEMS", func(r *postclear.DeliveryStat) int64 { return r.Items }),
		count("DELIVERED", func(r *postclear.DeliveryStat) int64 { return r.Delivered }),
		number("MEAN_DAYS", func(r *postclear.DeliveryStat) *float64 { return r.MeanDays }),
		number("P50_DAYS", func(r *postclear.DeliveryStat) *float64 { return r.P50Days }),
		number("P90_DAYS", func(r *postclear.DeliveryStat) *float64 { return r.P90Days }),
		number("ON_TIME_RATE", func(r *postclear.DeliveryStat) *float64 { return r.OnTimeRate }),
	},
}
