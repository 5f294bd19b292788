package report

import (
	"context"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// kpiFigures are the value and population of every KPI in one bucket of
// one country.
type kpiFigures struct {
	values     map[postclear.KPI]*float64
	population map[postclear.KPI]int64
}

// byCountry holds kpiFigures by destination country and bucket start.
type byCountry map[string]map[time.Time]*kpiFigures

func (b byCountry) at(country string, bucket time.Time) *kpiFigures {
	if b[country] == nil {
		b[country] = map[time.Time]*kpiFigures{}
	}
	f := b[country][bucket]
	if f == nil {
		f = &kpiFigures{values: map[postclear.KPI]*float64{}, population: map[postclear.KPI]int64{}}
		b[country][bucket] = f
	}
	return f
}

// figures computes every KPI of DOMAIN.md for each of countries over
// [from, to), per bucket of g, with one query per family grouped by
// destination country. With running, each bucket's figures cover [from,
// end of the bucket): period to date (postclear.KPIQuery.Running). The
// evaluation's KPI values and the target-breach check both come from here.
//
// The population of each KPI is its family's (items released, posted,
// arrived, presented; declarations received; delivered items for the p90
// of delivery days; items presented for the hit rate, the release without
// intervention and seizures per 10,000).
func (e *Evaluator) figures(ctx context.Context, countries []string, from, to time.Time, g postclear.Granularity, running bool) (byCountry, error) {
	out := byCountry{}
	kq := postclear.KPIQuery{
		Filter:      postclear.AnalyticsFilter{From: from, To: to, DestinationCountries: countries},
		GroupBy:     []postclear.Dimension{postclear.DimDestinationCountry},
		Granularity: &g,
		Running:     running,
	}
	set := func(k postclear.GroupKey, kpi postclear.KPI, v *float64, n int64) {
		f := out.at(*k.DestinationCountry, k.Period.UTC())
		f.values[kpi], f.population[kpi] = v, n
	}
	clearance, err := e.KPIs.ClearanceTimes(ctx, kq, postclear.DefaultTargetHours)
	if err != nil {
		return nil, err
	}
	for _, r := range clearance {
		set(r.Key, postclear.KPIClearanceP90Hours, r.P90Hours, r.Items)
		set(r.Key, postclear.KPIClearanceMeanHours, r.MeanHours, r.Items)
		set(r.Key, postclear.KPIClearanceWithinTargetRate, r.WithinTargetRate, r.Items)
	}
	delivery, err := e.KPIs.DeliveryTimes(ctx, kq, postclear.StandardDelivery(postclear.DefaultStandardDays))
	if err != nil {
		return nil, err
	}
	for _, r := range delivery {
		set(r.Key, postclear.KPIDeliveryOnTimeRate, r.OnTimeRate, r.Items)
		set(r.Key, postclear.KPIDeliveryP90Days, r.P90Days, r.Delivered)
	}
	compliance, err := e.KPIs.ComplianceRates(ctx, kq)
	if err != nil {
		return nil, err
	}
	for _, r := range compliance {
		set(r.Key, postclear.KPIEadCoverage, r.EadCoverage, r.ItemsArrived)
		set(r.Key, postclear.KPIDeclarationCompleteness, r.DeclarationCompleteness, r.Declarations)
		set(r.Key, postclear.KPIInspectionRate, r.InspectionRate, r.ItemsPresented)
		set(r.Key, postclear.KPIHitRate, r.HitRate, r.ItemsPresented)
		set(r.Key, postclear.KPIReleaseWithoutInterventionRate, r.ReleaseWithoutInterventionRate, r.ItemsPresented)
	}
	seizures, err := e.KPIs.SeizureTrends(ctx, kq)
	if err != nil {
		return nil, err
	}
	// SEIZURES_PER_10K: the seizures of every category of a bucket over
	// the items presented in it (per10K), for each bucket with items
	// presented; a bucket with none has no value.
	seized := map[string]map[time.Time]int64{}
	for _, r := range seizures {
		c := *r.Key.DestinationCountry
		if seized[c] == nil {
			seized[c] = map[time.Time]int64{}
		}
		seized[c][r.Key.Period.UTC()] += r.Seizures
	}
	for c, buckets := range out {
		for b, f := range buckets {
			presented := f.population[postclear.KPIInspectionRate]
			var v *float64
			if presented > 0 {
				v = ptr(10_000 * float64(seized[c][b]) / float64(presented))
			}
			f.values[postclear.KPISeizuresPer10K], f.population[postclear.KPISeizuresPer10K] = v, presented
		}
	}
	return out, nil
}
