package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// ClearanceSQL returns the SQL and parameters of a clearance-time query
// (DOMAIN.md KPI 1), validated, for ClearanceTimes and for benchmarks that
// run it straight against an engine.
//
// Columns: the keys (period, dimensions), then items, the sum of the
// clearance times in seconds, the p50/p90/p95 hours and the count within
// target. The mean is computed from the integer sum so that it does not
// depend on the order the engine adds rows in.
func (s *Service) ClearanceSQL(q postclear.KPIQuery, targetHours float64) (string, warehouse.Params, error) {
	b, sqlText, err := s.clearanceSQL(q, targetHours)
	if err != nil {
		return "", nil, err
	}
	return sqlText, b.params, nil
}

func (s *Service) clearanceSQL(q postclear.KPIQuery, targetHours float64) (*builder, string, error) {
	if err := validTargetHours(targetHours); err != nil {
		return nil, "", err
	}
	b, err := s.newBuilder(q)
	if err != nil {
		return nil, "", err
	}
	b.params["target_hours"] = targetHours
	pop := b.milestones("released_at",
		[]string{
			"toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at)) AS secs",
			"secs / 3600 AS hours",
		},
		"presented_at IS NOT NULL", "released_at >= presented_at")
	sqlText := b.aggregate(nil, []string{
		"count() AS n_items",
		"sum(secs) AS total_secs",
		"quantilesExactInclusive(0.5, 0.9, 0.95)(hours) AS q_hours",
		"countIf(hours <= {target_hours:Float64}) AS n_within",
	}, MaxRows+1, pop)
	return b, sqlText, nil
}

// ClearanceTimes returns the clearance-time KPI of q with the within-target
// share computed against targetHours (DefaultTargetHours when the caller
// has no other).
func (s *Service) ClearanceTimes(ctx context.Context, q postclear.KPIQuery, targetHours float64) ([]postclear.ClearanceStat, error) {
	return cached(ctx, s, "clearance", q, targetHours, func(ctx context.Context) ([]postclear.ClearanceStat, error) {
		return s.clearanceTimes(ctx, q, targetHours)
	})
}

func (s *Service) clearanceTimes(ctx context.Context, q postclear.KPIQuery, targetHours float64) (out []postclear.ClearanceStat, err error) {
	defer wrap(&err, "clearance times")
	q.Scope = postclear.ScopeFrom(ctx)
	b, sqlText, err := s.clearanceSQL(q, targetHours)
	if err != nil {
		return nil, err
	}
	ks := newKeyScan(b.q)
	err = s.query(ctx, sqlText, b.params, func(rows warehouse.Rows) error {
		var n, within uint64
		var secs int64
		var qs []float64
		key, err := ks.scan(rows, &n, &secs, &qs, &within)
		if err != nil {
			return err
		}
		if len(out) == MaxRows {
			return tooManyRows(-1)
		}
		out = append(out, postclear.ClearanceStat{
			Key:              key,
			Items:            int64(n),
			MeanHours:        stat(float64(secs)/float64(n)/3600, n),
			P50Hours:         stat(qs[0], n),
			P90Hours:         stat(qs[1], n),
			P95Hours:         stat(qs[2], n),
			WithinTargetRate: rate(within, n),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finish(b.q, out,
		func(r *postclear.ClearanceStat) postclear.GroupKey { return r.Key },
		func(*postclear.ClearanceStat) string { return "" },
		func(k postclear.GroupKey, _ string) postclear.ClearanceStat { return postclear.ClearanceStat{Key: k} })
}
