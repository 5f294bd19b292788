package analytics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// StageTimes returns the stage-time KPI (docs/domain.md KPI 5) of q for
// stages, with the share of items within each of thresholdsHours, in the
// order given.
func (s *Service) StageTimes(ctx context.Context, q postclear.KPIQuery, stages []postclear.Stage, thresholdsHours []float64) ([]postclear.StageStat, error) {
	return stageTimes.run(ctx, s, q, stageArgs{stages, thresholdsHours})
}

// StageSQL returns the SQL and parameters of StageTimes.
func (s *Service) StageSQL(q postclear.KPIQuery, stages []postclear.Stage, thresholdsHours []float64) (string, warehouse.Params, error) {
	return stageTimes.SQL(context.Background(), s, q, stageArgs{stages, thresholdsHours})
}

// stageArgs are stageTimes' own arguments.
type stageArgs struct {
	Stages          []postclear.Stage
	ThresholdsHours []float64
}

// stageMilestones are the start and end milestones of each stage, in
// item_facts, in the order of postclear.Stages.
var stageMilestones = map[postclear.Stage][2]string{
	postclear.PostingToArrival:      {"posted_at", "arrived_at"},
	postclear.ArrivalToPresentation: {"arrived_at", "presented_at"},
	postclear.PresentationToRelease: {"presented_at", "released_at"},
	postclear.ArrivalToRelease:      {"arrived_at", "released_at"},
	postclear.ReleaseToDeparture:    {"released_at", "departed_inward_at"},
	postclear.ReleaseToDelivery:     {"released_at", "delivered_at"},
	postclear.ArrivalToDelivery:     {"arrived_at", "delivered_at"},
}

// MaxThresholds bounds thresholdsHours (each is a column of the query).
const MaxThresholds = 10

func validStageArgs(a stageArgs) error {
	if len(a.Stages) == 0 {
		return invalid("stages: give 1 to %d distinct stages, got none", len(postclear.Stages))
	}
	for i, st := range a.Stages {
		if !slices.Contains(postclear.Stages, st) {
			return invalid("stages[%d]: unknown stage %q", i, st)
		}
		if slices.Contains(a.Stages[:i], st) {
			return invalid("stages[%d]: %s is named twice", i, st)
		}
	}
	return validHours("thresholdsHours", "thresholds", a.ThresholdsHours, MaxThresholds)
}

// stageTimes: one scan of item_facts for every stage asked. ARRAY JOIN
// gives each item one row per asked stage: its number in
// postclear.Stages (from 1) and its start and end milestones, from three
// arrays joined side by side; the WHERE keeps the rows whose milestones
// both exist, end ≥ start and end (the attribution) lies in [from, to).
// The condition that some end milestone of the item is in range does not
// depend on the stage, so the engine applies it before the ARRAY JOIN
// multiplies rows. (An array of per-stage tuples built for each item, the
// first version, took three times as long; picking each row's milestones
// by multiIf over the stage number, the second, took 1.4 times the CPU of
// these plain column arrays: docs/benchmarks.md, "Stage times" and "CPU
// per row of the heavy families".)
//
// Columns after the keys: the stage's number, items, the sum of the
// seconds, n times the sum of squared deviations (exact, in Int128: see
// stageSpread), the p50/p90/p95 seconds, the longest seconds, the
// thresholds and the count within each. The percentiles are taken over
// whole seconds (UInt32: end ≥ start, both DateTime) rather than hours:
// the engine sorts integers much faster than floats, which made every
// stage at once 25 % faster, and the interpolation is the same.
var stageTimes = &family[stageArgs, postclear.StageStat]{
	name:  "stage times",
	api:   "stageTimes",
	check: validStageArgs,
	sql: func(b *builder, a stageArgs) string {
		var numbers, starts, endsOf, ends []string
		for i, st := range postclear.Stages {
			if !slices.Contains(a.Stages, st) {
				continue
			}
			m := stageMilestones[st]
			numbers = append(numbers, strconv.Itoa(i+1))
			starts = append(starts, m[0])
			endsOf = append(endsOf, m[1])
			if !slices.Contains(ends, m[1]) {
				ends = append(ends, m[1])
			}
		}
		// The items with an end milestone in range.
		var anyEnd []string
		for _, e := range ends {
			anyEnd = append(anyEnd, "("+inRange(e)+")")
		}
		within := make([]string, len(a.ThresholdsHours))
		thresholds := make([]string, len(a.ThresholdsHours))
		for i, h := range a.ThresholdsHours {
			p := fmt.Sprintf("threshold_%d", i)
			b.params[p] = h
			thresholds[i] = "{" + p + ":Float64}"
			within[i] = "countIf(hours <= {" + p + ":Float64})"
		}
		conds := append(b.attributed(), strings.Join(anyEnd, " OR "), "stage_end >= stage_start", inRange("stage_end"))
		// The WHERE keeps stage_end non-null, which the bucket is told.
		population := selectSQL(append(b.keySelect("assumeNotNull(stage_end)", fromItems),
			"stage",
			"toInt64(assumeNotNull(stage_end)) - toInt64(assumeNotNull(stage_start)) AS secs",
			"secs / 3600 AS hours",
		), itemFacts+"\n    ARRAY JOIN ["+strings.Join(numbers, ", ")+"] AS stage, ["+
			strings.Join(starts, ", ")+"] AS stage_start, ["+strings.Join(endsOf, ", ")+"] AS stage_end", conds)
		return b.aggregate([]string{"stage"}, []string{
			"count() AS n_items",
			"sum(secs) AS total_secs",
			"toFloat64(toInt128(count()) * sum(toInt128(secs) * secs) - toInt128(sum(secs)) * sum(secs)) AS n_sq_dev",
			"quantilesExactInclusive(0.5, 0.9, 0.95)(toUInt32(secs)) AS q_secs",
			"max(secs) AS max_secs",
			"[" + strings.Join(thresholds, ", ") + "] AS thresholds",
			"[" + strings.Join(within, ", ") + "] AS n_within",
		}, population)
	},
	scan: func(sc *scanner) (postclear.StageStat, error) {
		var stage uint8
		var n uint64
		var secs, maxSecs int64
		var nSqDev float64
		var qs, thresholds []float64
		var within []uint64
		key, err := sc.scan(&stage, &n, &secs, &nSqDev, &qs, &maxSecs, &thresholds, &within)
		if err != nil {
			return postclear.StageStat{}, err
		}
		r := postclear.StageStat{
			Key:         key,
			Stage:       postclear.Stages[stage-1],
			Items:       int64(n),
			MeanHours:   stat(float64(secs)/float64(n)/3600, n),
			StddevHours: stageSpread(nSqDev, n),
			P50Hours:    stat(qs[0]/3600, n),
			P90Hours:    stat(qs[1]/3600, n),
			P95Hours:    stat(qs[2]/3600, n),
			MaxHours:    stat(float64(maxSecs)/3600, n),
			Within:      make([]postclear.ThresholdRate, len(thresholds)),
		}
		for i, h := range thresholds {
			r.Within[i] = postclear.ThresholdRate{Hours: h, Rate: rate(within[i], n)}
		}
		return r, nil
	},
	// A filled row answers the thresholds asked, each with a null rate.
	blank: func(a stageArgs) postclear.StageStat {
		r := postclear.StageStat{Within: make([]postclear.ThresholdRate, len(a.ThresholdsHours))}
		for i, h := range a.ThresholdsHours {
			r.Within[i].Hours = h
		}
		return r
	},
	key: func(r *postclear.StageStat) *postclear.GroupKey { return &r.Key },
	extra: &extraKey[postclear.StageStat]{
		name:  "STAGE",
		get:   func(r *postclear.StageStat) string { return string(r.Stage) },
		set:   func(r *postclear.StageStat, s string) { r.Stage = postclear.Stage(s) },
		order: enumOrder(postclear.Stages),
	},
	fields: []field[postclear.StageStat]{
		count("ITEMS", func(r *postclear.StageStat) int64 { return r.Items }),
		number("MEAN_HOURS", func(r *postclear.StageStat) *float64 { return r.MeanHours }),
		number("STDDEV_HOURS", func(r *postclear.StageStat) *float64 { return r.StddevHours }),
		number("P50_HOURS", func(r *postclear.StageStat) *float64 { return r.P50Hours }),
		number("P90_HOURS", func(r *postclear.StageStat) *float64 { return r.P90Hours }),
		number("P95_HOURS", func(r *postclear.StageStat) *float64 { return r.P95Hours }),
		number("MAX_HOURS", func(r *postclear.StageStat) *float64 { return r.MaxHours }),
	},
}

// stageSpread is the sample standard deviation in hours of n values
// whose squared deviations from their mean sum to nSqDev / n.
//
// The engine computes nSqDev = n·Σx² − (Σx)² over whole seconds in
// Int128, exactly, so the spread does not depend on the order rows are
// added in, and converts it to a float once. It cannot overflow: seconds
// are below 2^32 (DateTime's range), so n·Σx² < 2^(2·30+64) = 2^124 for
// fewer than 2^30 items in a row.
func stageSpread(nSqDev float64, n uint64) *float64 {
	if n < 2 {
		return nil
	}
	v := math.Sqrt(nSqDev/(float64(n)*float64(n-1))) / 3600
	return &v
}
