package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// SeizureTrends returns the seizure KPI (docs/domain.md KPI 4): seized
// items per group, seizure category and bucket, with their rate per 10,000
// presented items and their change from the previous bucket.
func (s *Service) SeizureTrends(ctx context.Context, q postclear.KPIQuery) ([]postclear.SeizureStat, error) {
	return seizures.run(ctx, s, q, struct{}{})
}

// SeizureSQL returns the SQL and parameters of SeizureTrends.
func (s *Service) SeizureSQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	return seizures.SQL(context.Background(), s, q, struct{}{})
}

// seizures: a UNION ALL of seized items, one row per item and seizure
// category attributed to the first SEIZE of that category (seizure_state),
// grouped by item attributes and category, and of the items presented in
// [from, to), grouped the same way with an empty category, for the
// per-10,000 denominator.
//
// With a granularity the seizures are read from the start of the bucket
// before the one holding from, so that the first bucket has a previous
// count; the seizures column counts only [from, to), bucket_seizures the
// whole calendar bucket. Running figures have no change from a previous
// bucket.
//
// Columns after the keys: seizure_category, seizures, bucket_seizures,
// presented.
var seizures = &family[struct{}, postclear.SeizureStat]{
	name: "seizure trends",
	api:  "seizureTrends",
	sql: func(b *builder, _ struct{}) string {
		seizedFrom := b.q.Filter.From
		if g := b.q.Granularity; g != nil && !b.q.Running {
			seizedFrom = addBuckets(bucketStart(seizedFrom, *g), *g, -1)
		}
		b.params["seized_from"] = startOfDay(seizedFrom, b.loc)
		const seizedRange = "seized_at >= {seized_from:DateTime('UTC')} AND seized_at < " + toParam

		// The first SEIZE of a category is the min over seizure_state's
		// partial rows, so rows at or after `to` can be left out before
		// the GROUP BY but the lower bound applies to the min.
		firstSeizures := `(
        SELECT item_id, toString(seizure_category) AS seizure_category, min(first_seized_at) AS seized_at
        FROM {db:Identifier}.seizure_state
        WHERE first_seized_at < ` + toParam + `
        GROUP BY item_id, seizure_category
        HAVING ` + seizedRange + `
    ) AS s`
		// An INNER JOIN: every seized item has an item_facts row (the
		// decision itself marked it dirty, and queries refresh first),
		// and the item filters apply to it. An item without events has
		// null attributes and falls in the null groups; it is left out
		// as soon as a filter asks for an attribute. The items with a
		// SEIZE in the range are read from seizure_decisions itself: a set
		// of item ids needs no view's GROUP BY (seizures 6–8 % faster at
		// 20 M items: docs/benchmarks.md, "Seizures: the seized items'
		// set without the view").
		attrs := b.attributes("SELECT item_id FROM {db:Identifier}.seizure_decisions WHERE " + seizedRange)
		seized := selectSQL(append(b.keySelect("s.seized_at", joined("m")),
			"s.seizure_category AS seizure_category",
			"toUInt8(s.seized_at >= "+fromParam+") AS in_range",
			"toUInt8(1) AS is_seizure",
		), firstSeizures+"\n    INNER JOIN (\n    "+attrs+"\n    ) AS m ON m.item_id = s.item_id", nil)
		presented := b.milestones("presented_at", []string{
			"'' AS seizure_category",
			"toUInt8(1) AS in_range",
			"toUInt8(0) AS is_seizure",
		})
		return b.aggregate([]string{"seizure_category"}, []string{
			"countIf(is_seizure AND in_range) AS n_seizures",
			"countIf(is_seizure) AS n_bucket_seizures",
			"countIf(NOT is_seizure) AS n_presented",
		}, seized, presented)
	},
	pass: seizurePass,
	key:  func(r *postclear.SeizureStat) *postclear.GroupKey { return &r.Key },
	extra: &extraKey[postclear.SeizureStat]{
		name: "SEIZURE_CATEGORY",
		get:  func(r *postclear.SeizureStat) string { return r.SeizureCategory },
		set:  func(r *postclear.SeizureStat, c string) { r.SeizureCategory = c },
	},
	fields: []field[postclear.SeizureStat]{
		count("SEIZURES", func(r *postclear.SeizureStat) int64 { return r.Seizures }),
		number("PER_TEN_THOUSAND_ITEMS", func(r *postclear.SeizureStat) *float64 { return r.PerTenThousandItems }),
		number("CHANGE_FROM_PREVIOUS_PERIOD", func(r *postclear.SeizureStat) *float64 { return r.ChangeFromPreviousPeriod }),
	},
}

// seizurePass keeps the presented items and the whole-bucket seizure
// counts the rows do not show, and completes the rates from them.
func seizurePass(q postclear.KPIQuery) pass[postclear.SeizureStat] {
	presented := map[string]uint64{}      // by key
	bucketSeizures := map[string]uint64{} // by key and category
	return pass[postclear.SeizureStat]{
		scan: func(sc *scanner) (postclear.SeizureStat, bool, error) {
			var category string
			var n, inBucket, pres uint64
			key, err := sc.scan(&category, &n, &inBucket, &pres)
			if err != nil {
				return postclear.SeizureStat{}, false, err
			}
			if category == "" {
				presented[keyID(key, "")] = pres
				return postclear.SeizureStat{}, false, nil
			}
			bucketSeizures[keyID(key, category)] = inBucket
			// No row for seizures only in the previous bucket or before
			// from.
			return postclear.SeizureStat{Key: key, SeizureCategory: category, Seizures: int64(n)}, n > 0, nil
		},
		// The rates follow their formulas in filled rows too: 0 seizures
		// over presented items is a rate of 0, and over a previous count
		// a change of -1; they are null only where the denominator is
		// empty.
		complete: func(rows []postclear.SeizureStat) {
			for i := range rows {
				r := &rows[i]
				if p := presented[keyID(r.Key, "")]; p > 0 {
					v := 10_000 * float64(r.Seizures) / float64(p)
					r.PerTenThousandItems = &v
				}
				if q.Granularity == nil || q.Running {
					continue
				}
				prev := withPeriod(r.Key, addBuckets(*r.Key.Period, *q.Granularity, -1))
				if p := bucketSeizures[keyID(prev, r.SeizureCategory)]; p > 0 {
					v := float64(r.Seizures)/float64(p) - 1
					r.ChangeFromPreviousPeriod = &v
				}
			}
		},
	}
}
