package bench

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Summary describes repeated timings of one thing, in milliseconds.
type Summary struct {
	Runs   int     `json:"runs"`
	Median float64 `json:"median_ms"`
	P95    float64 `json:"p95_ms"`
	Min    float64 `json:"min_ms"`
	Max    float64 `json:"max_ms"`
}

// Summarize returns the median and p95 of ds; the p95 interpolates
// between closest ranks like the KPIs' own percentiles, so that a small
// number of runs still gives a stable figure.
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	ms := make([]float64, len(ds))
	for i, d := range ds {
		ms[i] = float64(d) / float64(time.Millisecond)
	}
	slices.Sort(ms)
	return Summary{Runs: len(ms), Median: quantile(ms, 0.5), P95: quantile(ms, 0.95), Min: ms[0], Max: ms[len(ms)-1]}
}

func quantile(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// SameNumbers compares two results given as lines of fields (the
// engine's TSV rows, or psql's unaligned output): the same rows after
// sorting, the same text where a field is not a number, and numbers equal
// to 1e-9 relative, because PostgreSQL interpolates percentiles in its own
// order of floating-point operations. Arrays ([…] or {…}) are compared
// element by element and a null (\N or empty) equals an empty field.
func SameNumbers(want, got []string) error {
	a, b := normalize(want), normalize(got)
	if len(a) != len(b) {
		return fmt.Errorf("%d rows, want %d", len(b), len(a))
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return fmt.Errorf("row %d: %q, want %q", i, got[i], want[i])
		}
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if x == y {
				continue
			}
			fx, err1 := strconv.ParseFloat(x, 64)
			fy, err2 := strconv.ParseFloat(y, 64)
			if err1 != nil || err2 != nil || math.Abs(fx-fy) > 1e-9*math.Max(math.Abs(fx), math.Abs(fy)) {
				return fmt.Errorf("row %d field %d: %s, want %s", i, j, y, x)
			}
		}
	}
	return nil
}

var fieldSplitter = strings.NewReplacer("[", "", "]", "", "{", "", "}", "", ",", "\t", `\N`, "", "|", "\t")

func normalize(lines []string) [][]string {
	sorted := make([]string, len(lines))
	for i, l := range lines {
		sorted[i] = fieldSplitter.Replace(l)
	}
	slices.Sort(sorted)
	out := make([][]string, len(sorted))
	for i, l := range sorted {
		out[i] = strings.Split(l, "\t")
	}
	return out
}
