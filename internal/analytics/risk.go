package analytics

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// RiskEffectiveness returns the risk-channel KPI (docs/domain.md KPI 6):
// inspected items per group, channel and bucket, how often each channel's
// inspections find something, and its lift over random selection.
func (s *Service) RiskEffectiveness(ctx context.Context, q postclear.KPIQuery) ([]postclear.ChannelStat, error) {
	return risk.run(ctx, s, q, struct{}{})
}

// RiskSQL returns the SQL and parameters of RiskEffectiveness.
func (s *Service) RiskSQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	return risk.SQL(context.Background(), s, q, struct{}{})
}

// risk: items with an INSPECT decision, attributed to the first one
// (inspected_at) and grouped by its channel (inspection_channel, the
// first stored copy's when two INSPECT decisions share an instant).
//
// Columns after the keys: channel, inspected, seized, with a finding
// (seized, returned or charged duty), in KPI 1's population, and the
// median clearance hours of those. The share of inspections and the lift
// over RANDOM compare rows of one group and bucket: the pass completes
// them.
var risk = &family[struct{}, postclear.ChannelStat]{
	name: "risk effectiveness",
	api:  "riskEffectiveness",
	sql: func(b *builder, _ struct{}) string {
		return b.aggregate([]string{"channel"}, []string{
			"count() AS n_inspected",
			"countIf(seized) AS n_hits",
			"countIf(found) AS n_findings",
			"countIf(cleared) AS n_cleared",
			"quantileExactInclusiveIf(0.5)(hours, cleared) AS p50_hours",
		}, b.milestones("inspected_at", []string{
			"toString(assumeNotNull(inspection_channel)) AS channel",
			"seized",
			"seized OR returned OR duty AS found",
			"presented_at IS NOT NULL AND released_at IS NOT NULL AND assumeNotNull(released_at) >= assumeNotNull(presented_at) AS cleared",
			"(toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at))) / 3600 AS hours",
		}))
	},
	pass: func(postclear.KPIQuery) pass[postclear.ChannelStat] {
		return pass[postclear.ChannelStat]{scan: scanChannel, complete: completeChannels}
	},
	key: func(r *postclear.ChannelStat) *postclear.GroupKey { return &r.Key },
	refuses: map[postclear.Dimension]string{
		postclear.DimRiskChannel: "the rows are the risk channels themselves",
	},
	extra: &extraKey[postclear.ChannelStat]{
		name:  "CHANNEL",
		get:   func(r *postclear.ChannelStat) string { return r.Channel },
		set:   func(r *postclear.ChannelStat, c string) { r.Channel = c },
		order: postclear.RiskChannels,
	},
	fields: []field[postclear.ChannelStat]{
		count("INSPECTED", func(r *postclear.ChannelStat) int64 { return r.Inspected }),
		number("SHARE_OF_INSPECTIONS", func(r *postclear.ChannelStat) *float64 { return r.ShareOfInspections }),
		number("HIT_RATE", func(r *postclear.ChannelStat) *float64 { return r.HitRate }),
		number("FINDING_RATE", func(r *postclear.ChannelStat) *float64 { return r.FindingRate }),
		number("LIFT_VS_RANDOM", func(r *postclear.ChannelStat) *float64 { return r.LiftVsRandom }),
		number("P50_CLEARANCE_HOURS", func(r *postclear.ChannelStat) *float64 { return r.P50ClearanceHours }),
	},
}

func scanChannel(sc *scanner) (postclear.ChannelStat, bool, error) {
	var channel string
	var n, hits, findings, cleared uint64
	var p50 float64
	key, err := sc.scan(&channel, &n, &hits, &findings, &cleared, &p50)
	return postclear.ChannelStat{
		Key:               key,
		Channel:           channel,
		Inspected:         int64(n),
		HitRate:           rate(hits, n),
		FindingRate:       rate(findings, n),
		P50ClearanceHours: stat(p50, cleared),
	}, true, err
}

// completeChannels sets what compares the channels of one group and
// bucket, once gaps are filled: a filled row has no inspections, so its
// share is 0 where the bucket has others (null where it has none), and
// its hit rate, hence its lift, is null.
func completeChannels(rows []postclear.ChannelStat) {
	inspected := map[string]int64{}     // by group and bucket
	randomHits := map[string]*float64{} // the RANDOM row's hit rate
	for i := range rows {
		id := keyID(rows[i].Key, "")
		inspected[id] += rows[i].Inspected
		if rows[i].Channel == "RANDOM" {
			randomHits[id] = rows[i].HitRate
		}
	}
	for i := range rows {
		r := &rows[i]
		id := keyID(r.Key, "")
		if n := inspected[id]; n > 0 {
			v := float64(r.Inspected) / float64(n)
			r.ShareOfInspections = &v
		}
		if base := randomHits[id]; base != nil && *base != 0 && r.HitRate != nil {
			v := *r.HitRate / *base
			r.LiftVsRandom = &v
		}
	}
}
