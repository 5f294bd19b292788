package kpioracle

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// stageEnds are the start and end milestones of a stage (DOMAIN.md KPI 5).
func stageEnds(it *Item, s postclear.Stage) (start, end *time.Time) {
	switch s {
	case postclear.PostingToArrival:
		return it.Posted, it.Arrived
	case postclear.ArrivalToPresentation:
		return it.Arrived, it.Presented
	case postclear.PresentationToRelease:
		return it.Presented, it.Released
	case postclear.ArrivalToRelease:
		return it.Arrived, it.Released
	case postclear.ReleaseToDeparture:
		return it.Released, it.DepartedInward
	case postclear.ReleaseToDelivery:
		return it.Released, it.Delivered
	case postclear.ArrivalToDelivery:
		return it.Arrived, it.Delivered
	}
	panic("stage " + string(s))
}

// StageTimes is KPI 5: per group and stage, the items with both milestones
// and end ≥ start, attributed to the end. Rows are in key order, then in
// the order of the Stage enum.
func StageTimes(r Records, q postclear.KPIQuery, stages []postclear.Stage, thresholds []float64) []postclear.StageStat {
	g := newGroups[[]int64]() // seconds, per key and stage
	for _, it := range sortedItems(r.Items()) {
		for _, s := range stages {
			start, end := stageEnds(it, s)
			if start == nil || end == nil || end.Before(*start) || !passes(q, itemAttrs(it), *end) {
				continue
			}
			secs := g.at(keyOf(q, itemAttrs(it), *end), string(s))
			*secs = append(*secs, int64(end.Sub(*start)/time.Second))
		}
	}
	g.fill(q)
	idx := make([]int, len(g.keys))
	for i := range idx {
		idx[i] = i
	}
	rank := func(i int) int { return slices.Index(postclear.Stages, postclear.Stage(g.extras[i])) }
	sort.Slice(idx, func(a, b int) bool {
		ka, kb := g.keys[idx[a]], g.keys[idx[b]]
		if less(ka, kb, "", "") || less(kb, ka, "", "") {
			return less(ka, kb, "", "")
		}
		return rank(idx[a]) < rank(idx[b])
	})
	var out []postclear.StageStat
	for _, i := range idx {
		secs := *g.m[id(g.keys[i], g.extras[i])]
		hours := make([]float64, len(secs))
		for j, s := range secs {
			hours[j] = float64(s) / 3600
		}
		row := postclear.StageStat{Key: g.keys[i], Stage: postclear.Stage(g.extras[i]), Items: int64(len(secs)),
			MeanHours: mean(hours), StddevHours: sampleStddevHours(secs),
			P50Hours: pct(hours, 0.5), P90Hours: pct(hours, 0.9), P95Hours: pct(hours, 0.95)}
		if len(hours) > 0 {
			row.MaxHours = ptr(slices.Max(hours))
		}
		for _, t := range thresholds {
			within := 0
			for _, h := range hours {
				if h <= t {
					within++
				}
			}
			row.Within = append(row.Within, postclear.ThresholdRate{Hours: t, Rate: ratio(within, len(hours))})
		}
		out = append(out, row)
	}
	return out
}

// sampleStddevHours is the sample standard deviation (n − 1) of secs, in
// hours; nil for fewer than two values. It works in seconds, where the
// values are whole, so that equal values give exactly 0.
func sampleStddevHours(secs []int64) *float64 {
	if len(secs) < 2 {
		return nil
	}
	var sum float64
	for _, s := range secs {
		sum += float64(s)
	}
	m := sum / float64(len(secs))
	var sq float64
	for _, s := range secs {
		sq += (float64(s) - m) * (float64(s) - m)
	}
	return ptr(math.Sqrt(sq/float64(len(secs)-1)) / 3600)
}
