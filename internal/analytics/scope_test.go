package analytics_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
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
				"clearance": func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.ClearanceTimes(ctx, q, 24) },
				"delivery": func(ctx context.Context, q postclear.KPIQuery) (any, error) {
					return svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(5))
				},
				"compliance": func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.ComplianceRates(ctx, q) },
				"seizures":   func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.SeizureTrends(ctx, q) },
				"stages": func(ctx context.Context, q postclear.KPIQuery) (any, error) {
					return svc.StageTimes(ctx, q, postclear.Stages, postclear.DefaultThresholdsHours)
				},
				"delivery inbound net": func(ctx context.Context, q postclear.KPIQuery) (any, error) {
					return svc.DeliveryTimes(ctx, q, postclear.DeliveryOptions{StandardDays: 3, Leg: postclear.Inbound, NetOfCustomsTime: true})
				},
				"risk":    func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.RiskEffectiveness(ctx, q) },
				"hold":    func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.HoldFulfilment(ctx, q, 24) },
				"ead":     func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.EadTimeliness(ctx, q, 4) },
				"quality": func(ctx context.Context, q postclear.KPIQuery) (any, error) { return svc.DeclarationQuality(ctx, q) },
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

// isEmpty reports whether v, a family's rows, holds none.
func isEmpty(v any) bool { return reflect.ValueOf(v).Len() == 0 }

// scopeFixture is the analytics fixture plus testdata/scope: items that
// originate in US, DE or FR but are destined elsewhere.
func scopeFixture(t *testing.T) kpioracle.Records {
	r := fixture(t)
	read := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", "scope", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	events, _, err := ingest.ReadAll(must(ingest.Open[postclear.Event]("events.csv", read("events.csv"), testenv.Now)))
	if err != nil {
		t.Fatal(err)
	}
	decls, _, err := ingest.ReadAll(must(ingest.Open[postclear.Declaration]("declarations.csv", read("declarations.csv"), testenv.Now)))
	if err != nil {
		t.Fatal(err)
	}
	decisions, _, err := ingest.ReadAll(must(ingest.Open[postclear.Decision]("decisions.csv", read("decisions.csv"), testenv.Now)))
	if err != nil {
		t.Fatal(err)
	}
	r.Events = append(r.Events, events...)
	r.Declarations = append(r.Declarations, decls...)
	r.Decisions = append(r.Decisions, decisions...)
	return r
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// An AGENCY caller sees exactly the items destined to its countries and
// the declarations whose own destination is one of them (DOMAIN.md, "Who
// sees what"), in every family: each answer equals the oracle's over those
// members only. The fixture has items originating in each scope's country
// and destined elsewhere, which a scope by origin would show, an item
// without events (null destination: ANALYST and ADMIN only), and a
// declaration of an item without events. Filters narrow and never widen:
// naming a country outside the scope gives nothing.
func TestAgencySeesItsDestinationsOnly(t *testing.T) {
	r := scopeFixture(t)
	svc := store(t, testenv.Embedded(t), r, false)
	fall := postclear.AnalyticsFilter{From: date("2025-09-01"), To: date("2025-12-01")}
	withDest := func(f postclear.AnalyticsFilter, cs ...string) postclear.AnalyticsFilter {
		f.DestinationCountries = cs
		return f
	}
	queries := []postclear.KPIQuery{
		{Filter: fall},
		{Filter: fall, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}, Granularity: gran(postclear.Month), FillGaps: true},
		{Filter: fall, GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimCategory}},
		{Filter: fall, GroupBy: []postclear.Dimension{postclear.DimOffice}, Granularity: gran(postclear.Quarter)},
		{Filter: fall, GroupBy: []postclear.Dimension{postclear.DimRiskChannel, postclear.DimDestinationCountry}},
		{Filter: withDest(fall, "US", "FR")},
		{Filter: withDest(fall, "DE"), GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}},
	}
	for _, countries := range [][]string{{"US"}, {"FR"}, {"DE"}, {"FR", "DE"}, {"CN"}, {"GB", "US"}} {
		scope := postclear.Scope{Restricted: true, Countries: countries}
		ctx := postclear.WithScope(context.Background(), scope)
		for _, q := range queries {
			want := q
			want.Scope = scope
			t.Run(strings.Join(countries, "+")+"/"+name(q), func(t *testing.T) {
				clearance, err := svc.ClearanceTimes(ctx, q, 24)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.Clearance(r, want, 24), clearance, approx); diff != "" {
					t.Errorf("clearance (-want +got):\n%s", diff)
				}
				delivery, err := svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(5))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.Delivery(r, want, 5, testenv.Now), delivery, approx); diff != "" {
					t.Errorf("delivery (-want +got):\n%s", diff)
				}
				compliance, err := svc.ComplianceRates(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.Compliance(r, want), compliance, approx); diff != "" {
					t.Errorf("compliance (-want +got):\n%s", diff)
				}
				seizures, err := svc.SeizureTrends(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.Seizures(r, want), seizures, approx); diff != "" {
					t.Errorf("seizures (-want +got):\n%s", diff)
				}
				stages, err := svc.StageTimes(ctx, q, postclear.Stages, []float64{12, 24})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.StageTimes(r, want, postclear.Stages, []float64{12, 24}), stages, approx); diff != "" {
					t.Errorf("stage times (-want +got):\n%s", diff)
				}
				inbound := postclear.DeliveryOptions{StandardDays: 2, Leg: postclear.Inbound, DayCount: postclear.WorkingDays, NetOfCustomsTime: true}
				delivery, err = svc.DeliveryTimes(ctx, q, inbound)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.DeliveryWith(r, kpioracle.Calendars{}, want, inbound, testenv.Now), delivery, approx); diff != "" {
					t.Errorf("delivery inbound, working days, net (-want +got):\n%s", diff)
				}
				compareRisk(t, ctx, svc, r, want)
			})
		}
	}
	// The oracle's scope is checked by hand on the items a scope by
	// origin would have shown: a US agency sees none of the US→FR and
	// US→DE seizures and inspections, a DE agency sees the US→DE ones and
	// nothing of the DE→FR and DE→US items, and a CN agency (CN is only
	// ever an origin) sees nothing at all. Each count is keyed by origin,
	// destination and the seizure category or risk channel.
	byRoute := postclear.KPIQuery{Filter: fall, GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimDestinationCountry}}
	route := func(k postclear.GroupKey, what string) string {
		return *k.OriginCountry + "→" + *k.DestinationCountry + " " + what
	}
	counts := map[string]func(ctx context.Context) (map[string]int64, error){
		"seizures": func(ctx context.Context) (map[string]int64, error) {
			rows, err := svc.SeizureTrends(ctx, byRoute)
			out := map[string]int64{}
			for _, r := range rows {
				out[route(r.Key, r.SeizureCategory)] += r.Seizures
			}
			return out, err
		},
		"inspections": func(ctx context.Context) (map[string]int64, error) {
			rows, err := svc.RiskEffectiveness(ctx, byRoute)
			out := map[string]int64{}
			for _, r := range rows {
				out[route(r.Key, r.Channel)] += r.Inspected
			}
			return out, err
		},
	}
	for _, c := range []struct {
		scope []string
		want  map[string]map[string]int64
	}{
		{[]string{"DE"}, map[string]map[string]int64{"seizures": {"US→DE DRUGS": 1}, "inspections": {"US→DE RANDOM": 1}}},
		{[]string{"FR"}, map[string]map[string]int64{"seizures": {"US→FR IPR": 1}, "inspections": {"US→FR TARGETED": 1}}},
		{[]string{"CN"}, map[string]map[string]int64{"seizures": {}, "inspections": {}}},
	} {
		ctx := postclear.WithScope(context.Background(), postclear.Scope{Restricted: true, Countries: c.scope})
		for what, count := range counts {
			got, err := count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want[what], got); diff != "" {
				t.Errorf("%s seen by a %v agency (-want +got):\n%s", what, c.scope, diff)
			}
		}
	}
}
