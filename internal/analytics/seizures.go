package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// SeizureSQL returns the SQL and parameters of a seizure-trend query
// (DOMAIN.md KPI 4). It is a UNION ALL of seized items, one row per item
// and seizure category attributed to the first SEIZE of that category
// (seizure_state), grouped by item attributes and category, and of the
// items presented in [from, to), grouped the same way with an empty
// category, for the per-10,000 denominator.
//
// With a granularity the seizures are read from the start of the bucket
// before the one holding from, so that the first bucket has a previous
// count; the seizures column counts only [from, to), bucket_seizures the
// whole calendar bucket.
//
// Columns: the keys, seizure_category, seizures, bucket_seizures,
// presented.
func (s *Service) SeizureSQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	b, sqlText, err := s.seizureSQL(q)
	if err != nil {
		return "", nil, err
	}
	return sqlText, b.params, nil
}

func (s *Service) seizureSQL(q postclear.KPIQuery) (*builder, string, error) {
	b, err := s.newBuilder(q)
	if err != nil {
		return nil, "", err
	}
	seizedFrom := b.q.Filter.From
	if g := b.q.Granularity; g != nil {
		seizedFrom = addBuckets(bucketStart(seizedFrom, *g), *g, -1)
	}
	b.params["seized_from"] = seizedFrom
	const seizedRange = "seized_at >= {seized_from:DateTime('UTC')} AND seized_at < " + toParam

	// The first SEIZE of a category is the min over seizure_state's
	// partial rows, so rows at or after `to` can be left out before the
	// GROUP BY but the lower bound applies to the min.
	firstSeizures := `(
        SELECT item_id, toString(seizure_category) AS seizure_category, min(first_seized_at) AS seized_at
        FROM {db:Identifier}.seizure_state
        WHERE first_seized_at < ` + toParam + `
        GROUP BY item_id, seizure_category
        HAVING ` + seizedRange + `
    ) AS s`
	attrs := selectSQL([]string{"item_id", "origin_country", "destination_country", "mail_class", "office", "category"},
		itemFacts,
		append([]string{"item_id " + s.Layout.In() + " (SELECT item_id FROM {db:Identifier}.seizure_state WHERE first_seized_at >= {seized_from:DateTime('UTC')} AND first_seized_at < " + toParam + ")"},
			b.factConds()...))
	seizedDims := map[postclear.Dimension]string{}
	for d, col := range milestoneDim {
		seizedDims[d] = "m." + col
	}
	// An INNER JOIN: every seized item has an item_facts row (the
	// decision itself marked it dirty, and queries refresh first), and the item filters apply to it. An
	// item without events has null attributes and falls in the null
	// groups; it is left out as soon as a filter asks for an attribute.
	seized := selectSQL(append(b.keySelect("s.seized_at", seizedDims),
		"s.seizure_category AS seizure_category",
		"toUInt8(s.seized_at >= "+fromParam+") AS in_range",
		"toUInt8(1) AS is_seizure",
	), firstSeizures+"\n    INNER JOIN (\n    "+attrs+"\n    ) AS m ON m.item_id = s.item_id", nil)
	presented := b.milestones("presented_at", []string{
		"'' AS seizure_category",
		"toUInt8(1) AS in_range",
		"toUInt8(0) AS is_seizure",
	})
	sqlText := b.aggregate([]string{"seizure_category"}, []string{
		"countIf(is_seizure AND in_range) AS n_seizures",
		"countIf(is_seizure) AS n_bucket_seizures",
		"countIf(NOT is_seizure) AS n_presented",
	}, 0, seized, presented)
	return b, sqlText, nil
}

// SeizureTrends returns seized items per group, seizure category and
// bucket, with their rate per 10,000 presented items and their change from
// the previous bucket.
func (s *Service) SeizureTrends(ctx context.Context, q postclear.KPIQuery) (out []postclear.SeizureStat, err error) {
	defer wrap(&err, "seizure trends")
	q.Scope = postclear.ScopeFrom(ctx)
	b, sqlText, err := s.seizureSQL(q)
	if err != nil {
		return nil, err
	}
	q = b.q
	presented := map[keyID]uint64{}      // by key
	bucketSeizures := map[keyID]uint64{} // by key and category
	ks := newKeyScan(q)
	err = s.query(ctx, sqlText, b.params, func(rows warehouse.Rows) error {
		var category string
		var n, inBucket, pres uint64
		key, err := ks.scan(rows, &category, &n, &inBucket, &pres)
		if err != nil {
			return err
		}
		if category == "" {
			presented[idOf(key, "")] = pres
			return nil
		}
		bucketSeizures[idOf(key, category)] = inBucket
		if n == 0 {
			// Seizures only in the previous bucket or before from.
			return nil
		}
		if len(out) == MaxRows {
			return tooManyRows(-1)
		}
		out = append(out, postclear.SeizureStat{Key: key, SeizureCategory: category, Seizures: int64(n)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, err = finish(q, out,
		func(r *postclear.SeizureStat) postclear.GroupKey { return r.Key },
		func(r *postclear.SeizureStat) string { return r.SeizureCategory },
		func(k postclear.GroupKey, c string) postclear.SeizureStat {
			return postclear.SeizureStat{Key: k, SeizureCategory: c}
		})
	if err != nil {
		return nil, err
	}
	// The rates follow their formulas in filled rows too: 0 seizures over
	// presented items is a rate of 0, and over a previous count a change
	// of -1; they are null only where the denominator is empty.
	for i := range out {
		r := &out[i]
		if p := presented[idOf(r.Key, "")]; p > 0 {
			v := 10_000 * float64(r.Seizures) / float64(p)
			r.PerTenThousandItems = &v
		}
		if q.Granularity == nil {
			continue
		}
		prev := withPeriod(r.Key, addBuckets(*r.Key.Period, *q.Granularity, -1))
		if p := bucketSeizures[idOf(prev, r.SeizureCategory)]; p > 0 {
			v := float64(r.Seizures)/float64(p) - 1
			r.ChangeFromPreviousPeriod = &v
		}
	}
	return out, nil
}
