package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// DeliverySQL returns the SQL and parameters of a delivery-time query
// (DOMAIN.md KPI 2) with the J+standardDays window judged against the
// Service's clock.
//
// Columns: the keys, then items, delivered, the sum of delivery times in
// seconds, the p50/p90 days of delivered items, the items whose window has
// closed (J+n before today) and those of them delivered on time. Days are
// counted as UTC day numbers (seconds / 86400, rounded down), which is the
// UTC date of DOMAIN.md whatever the server's time zone.
func (s *Service) DeliverySQL(q postclear.KPIQuery, standardDays int) (string, warehouse.Params, error) {
	b, sqlText, err := s.deliverySQL(q, standardDays)
	if err != nil {
		return "", nil, err
	}
	return sqlText, b.params, nil
}

func (s *Service) deliverySQL(q postclear.KPIQuery, standardDays int) (*builder, string, error) {
	if err := validStandardDays(standardDays); err != nil {
		return nil, "", err
	}
	b, err := s.newBuilder(q)
	if err != nil {
		return nil, "", err
	}
	// "today" is a parameter, not SQL today(), so that an injected clock
	// decides it and a server in another time zone agrees.
	b.params["today"] = dayNumber(s.now())
	b.params["standard_days"] = int64(standardDays)
	pop := b.milestones("posted_at", []string{
		"delivered_at IS NOT NULL AS is_delivered",
		"toInt64(assumeNotNull(delivered_at)) - toInt64(assumeNotNull(posted_at)) AS secs",
		"secs / 86400 AS days",
		"intDiv(toInt64(assumeNotNull(posted_at)), 86400) + {standard_days:Int64} AS due_day",
		"intDiv(toInt64(assumeNotNull(delivered_at)), 86400) AS delivered_day",
	})
	sqlText := b.aggregate(nil, []string{
		"count() AS n_items",
		"countIf(is_delivered) AS n_delivered",
		"sumIf(secs, is_delivered) AS total_secs",
		"quantilesExactInclusiveIf(0.5, 0.9)(days, is_delivered) AS q_days",
		"countIf(due_day < {today:Int64}) AS n_judged",
		"countIf(due_day < {today:Int64} AND is_delivered AND delivered_day <= due_day) AS n_on_time",
	}, MaxRows+1, pop)
	return b, sqlText, nil
}

// DeliveryTimes returns the delivery-time KPI of q for the J+standardDays
// standard (DefaultStandardDays is the UPU J+5).
func (s *Service) DeliveryTimes(ctx context.Context, q postclear.KPIQuery, standardDays int) ([]postclear.DeliveryStat, error) {
	return cached(ctx, s, "delivery", q, standardDays, func(ctx context.Context) ([]postclear.DeliveryStat, error) {
		return s.deliveryTimes(ctx, q, standardDays)
	})
}

func (s *Service) deliveryTimes(ctx context.Context, q postclear.KPIQuery, standardDays int) (out []postclear.DeliveryStat, err error) {
	defer wrap(&err, "delivery times")
	q.Scope = postclear.ScopeFrom(ctx)
	b, sqlText, err := s.deliverySQL(q, standardDays)
	if err != nil {
		return nil, err
	}
	ks := newKeyScan(b.q)
	err = s.query(ctx, sqlText, b.params, func(rows warehouse.Rows) error {
		var n, delivered, judged, onTime uint64
		var secs int64
		var qs []float64
		key, err := ks.scan(rows, &n, &delivered, &secs, &qs, &judged, &onTime)
		if err != nil {
			return err
		}
		if len(out) == MaxRows {
			return tooManyRows(-1)
		}
		out = append(out, postclear.DeliveryStat{
			Key:        key,
			Items:      int64(n),
			Delivered:  int64(delivered),
			MeanDays:   stat(float64(secs)/float64(delivered)/86400, delivered),
			P50Days:    stat(qs[0], delivered),
			P90Days:    stat(qs[1], delivered),
			OnTimeRate: rate(onTime, judged),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finish(b.q, out,
		func(r *postclear.DeliveryStat) postclear.GroupKey { return r.Key },
		func(*postclear.DeliveryStat) string { return "" },
		func(k postclear.GroupKey, _ string) postclear.DeliveryStat { return postclear.DeliveryStat{Key: k} })
}
