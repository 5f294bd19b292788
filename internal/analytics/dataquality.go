package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// DataQuality counts, per group and bucket, the items whose milestones
// are missing or out of sequence (postclear.DataQualityIssues), each
// attributed to the milestone it has: the checks of an MoU evaluation's
// methodology section. It is scoped, filtered and grouped like every KPI
// family, in one statement over item_facts.
func (s *Service) DataQuality(ctx context.Context, q postclear.KPIQuery) ([]postclear.DataQualityStat, error) {
	return dataQuality.run(ctx, s, q, struct{}{})
}

// DataQualitySQL returns the SQL and parameters of DataQuality.
func (s *Service) DataQualitySQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	return dataQuality.SQL(context.Background(), s, q, struct{}{})
}

// dataQualityChecks are the issues' conditions on item_facts and the
// milestone each is attributed to.
var dataQualityChecks = []struct{ issue, attr, cond string }{
	{postclear.ReleasedBeforePresented, "released_at", "presented_at IS NOT NULL AND released_at < presented_at"},
	{postclear.DeliveredWithoutArrival, "delivered_at", "arrived_at IS NULL"},
	{postclear.ArrivalWithoutPosting, "arrived_at", "posted_at IS NULL"},
	{postclear.PresentedWithoutArrival, "presented_at", "arrived_at IS NULL"},
}

// dataQuality: a UNION ALL of one branch per issue, told apart by its
// issue column. Columns after the keys: issue, items.
var dataQuality = &family[struct{}, postclear.DataQualityStat]{
	name: "data quality",
	api:  "dataQuality",
	sql: func(b *builder, _ struct{}) string {
		var branches []string
		for _, c := range dataQualityChecks {
			branches = append(branches, b.milestones(c.attr, []string{"'" + c.issue + "' AS issue"}, c.cond))
		}
		return b.aggregate([]string{"issue"}, []string{"count() AS n_items"}, branches...)
	},
	scan: func(sc *scanner) (postclear.DataQualityStat, error) {
		var issue string
		var n uint64
		key, err := sc.scan(&issue, &n)
		return postclear.DataQualityStat{Key: key, Issue: issue, Items: int64(n)}, err
	},
	key: func(r *postclear.DataQualityStat) *postclear.GroupKey { return &r.Key },
	extra: &extraKey[postclear.DataQualityStat]{
		name:  "ISSUE",
		get:   func(r *postclear.DataQualityStat) string { return r.Issue },
		set:   func(r *postclear.DataQualityStat, issue string) { r.Issue = issue },
		order: postclear.DataQualityIssues,
	},
	fields: []field[postclear.DataQualityStat]{
		count("ITEMS", func(r *postclear.DataQualityStat) int64 { return r.Items }),
	},
}
