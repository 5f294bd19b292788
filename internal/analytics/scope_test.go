package analytics_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// A caller scoped to one country learns nothing about others: every KPI,
// whatever the grouping, equals the unscoped KPI restricted to that
// country's items (in the demo data KE is only ever a destination), and a
// filter naming another country gives an empty result, not its numbers.
func TestScopeHidesOtherCountries(t *testing.T) {
	var c collect
	if _, err := demo.Generate(context.Background(), demo.Config{Items: 2000, Seed: 11, Now: testenv.Now}, &c); err != nil {
		t.Fatal(err)
	}
	svc := store(t, testenv.Embedded(t), c.r, false)
	scoped := postclear.WithScope(context.Background(), postclear.Scope{Restricted: true, Countries: []string{"KE"}})
	all := context.Background()
	span := postclear.AnalyticsFilter{From: date("2024-06-01"), To: date("2025-12-01")}
	onlyKE := span
	onlyKE.DestinationCountries = []string{"KE"}
	otherCountry := span
	otherCountry.DestinationCountries = []string{"MA"}
	groupings := [][]postclear.Dimension{
		nil,
		{postclear.DimDestinationCountry},
		{postclear.DimOriginCountry, postclear.DimCategory},
		{postclear.DimOffice},
	}
	for _, g := range groupings {
		q := postclear.KPIQuery{Filter: span, GroupBy: g, Granularity: gran(postclear.Quarter)}
		want := q
		want.Filter = onlyKE
		t.Run(name(q), func(t *testing.T) {
			for family, run := range map[string]func(context.Context, postclear.KPIQuery) (any, error){
				"clearance":  func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.ClearanceTimes(ctx, q, 24) },
				"delivery":   func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.DeliveryTimes(ctx, q, 5) },
				"compliance": func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.ComplianceRates(ctx, q) },
				"seizures":   func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.SeizureTrends(ctx, q) },
			} {
				got, err := run(scoped, q)
				if err != nil {
					t.Fatal(err)
				}
				exp, err := run(all, want)
				if err != nil {
					t.Fatal(err)
				}
				if isEmpty(exp) {
					t.Fatalf("%s: KE has no rows; the comparison would prove nothing", family)
				}
				if diff := cmp.Diff(exp, got); diff != "" {
					t.Errorf("%s scoped to KE differs from KE's own numbers (-want +got):\n%s", family, diff)
				}
				other := q
				other.Filter = otherCountry
				leaked, err := run(scoped, other)
				if err != nil {
					t.Fatal(err)
				}
				if !isEmpty(leaked) {
					t.Errorf("%s: a KE-scoped caller filtering on MA got %v, want nothing", family, leaked)
				}
			}
		})
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case []postclear.ClearanceStat:
		return len(x) == 0
	case []postclear.DeliveryStat:
		return len(x) == 0
	case []postclear.ComplianceStat:
		return len(x) == 0
	case []postclear.SeizureStat:
		return len(x) == 0
	}
	return false
}
