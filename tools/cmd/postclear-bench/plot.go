package main

import (
	"errors"
	"math"
	"os"
	"slices"

	"github.com/postclear/postclear/tools/internal/bench"
)

// runPlot draws the HTTP p95 latency of every case against the data size
// from results-N.json files: how the cost grows with data.
func runPlot(args []string) error {
	if len(args) < 2 {
		return errors.New("usage: postclear-bench plot OUT.png results-N.json...")
	}
	var results []Result
	for _, f := range args[1:] {
		var r Result
		if err := readJSON(f, &r); err != nil {
			return err
		}
		results = append(results, r)
	}
	slices.SortFunc(results, func(a, b Result) int { return a.Items - b.Items })
	xs := make([]float64, len(results))
	for i, r := range results {
		xs[i] = float64(r.Items) / 1e6
	}
	var series []bench.Series
	for _, c := range bench.Cases(bench.DefaultWindow) {
		s := bench.Series{Label: c.Name(), Y: make([]float64, len(results))}
		for i, r := range results {
			s.Y[i] = math.NaN()
			if h := find(r.HTTP, func(x HTTPResult) bool { return x.Case == c.Name() }); h != nil {
				s.Y[i] = h.First.P95
			}
		}
		series = append(series, s)
	}
	f, err := os.Create(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	if err := bench.PlotPNG(f, "postclear: kpi query latency through http graphql (p95)", "items (millions)", "ms", xs, series); err != nil {
		return err
	}
	return f.Close()
}
