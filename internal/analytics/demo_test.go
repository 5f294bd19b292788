package analytics_test

import (
	"context"
	"testing"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// collect is a demo.Sink that keeps copies of the records.
type collect struct{ r kpioracle.Records }

func (c *collect) Events(_ context.Context, b []postclear.Event) error {
	c.r.Events = append(c.r.Events, b...)
	return nil
}

func (c *collect) Declarations(_ context.Context, b []postclear.Declaration) error {
	c.r.Declarations = append(c.r.Declarations, b...)
	return nil
}

func (c *collect) Decisions(_ context.Context, b []postclear.Decision) error {
	c.r.Decisions = append(c.r.Decisions, b...)
	return nil
}

// TestDemo compares every KPI with the oracle over 3,000 generated items:
// realistic distributions (ties, long tails, many groups, amendments,
// seizures of every category) that no hand-written fixture covers.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the generated data set in -short mode")
	}
	var c collect
	if _, err := demo.Generate(context.Background(), demo.Config{Items: 3000, Seed: 7, Now: testenv.Now}, &c); err != nil {
		t.Fatal(err)
	}
	q0 := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2024-01-01"), To: date("2026-01-01")}}
	if len(kpioracle.Seizures(c.r, q0)) < 3 || len(kpioracle.Clearance(c.r, q0, 24)) != 1 {
		t.Fatal("the generated data set lacks seizures or clearances; the comparison would prove little")
	}
	queries := []postclear.KPIQuery{
		{Filter: postclear.AnalyticsFilter{From: date("2024-06-01"), To: date("2025-12-01")},
			GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}, Granularity: gran(postclear.Quarter)},
		{Filter: postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-12-01")},
			GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimCategory}, Granularity: gran(postclear.Month), FillGaps: true},
		{Filter: postclear.AnalyticsFilter{From: date("2025-07-01"), To: date("2025-10-01")},
			GroupBy: []postclear.Dimension{postclear.DimOffice, postclear.DimMailClass}},
		{Filter: postclear.AnalyticsFilter{From: date("2025-09-15"), To: date("2025-12-01"), DestinationCountries: []string{"KE", "TH"}},
			Granularity: gran(postclear.Week), FillGaps: true},
	}
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			svc := store(t, e, c.r, false)
			for _, q := range queries {
				t.Run(name(q), func(t *testing.T) { compareAll(t, svc, c.r, q) })
			}
		})
	}
}
