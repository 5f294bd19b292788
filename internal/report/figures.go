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
func (e *Evaluator) figures(ctx context.Context, countries []string, from, to time.Time, g postclear.Granularity, running bool, timeZone string) (byCountry, error) {
	out := byCountry{}
	kq := postclear.KPIQuery{
		Filter:      postclear.AnalyticsFilter{From: from, To: to, DestinationCountries: countries},
		GroupBy:     []postclear.Dimension{postclear.DimDestinationCountry},
		Granularity: &g,
		Running:     running,
		TimeZone:    timeZone,
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
	if err := e.laterFigures(ctx, kq, set); err != nil {
		return nil, err
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

// laterFigures computes the KPIs of the later families (stage times,
// working-day delivery, hold fulfilment, EAD timeliness, risk channels),
// each with the fixed arguments of its KPI, with one query per family.
// The backlog is not among them: it is a figure at a moment (backlog).
func (e *Evaluator) laterFigures(ctx context.Context, kq postclear.KPIQuery, set func(postclear.GroupKey, postclear.KPI, *float64, int64)) error {
	stages, err := e.KPIs.StageTimes(ctx, kq, []postclear.Stage{postclear.ArrivalToRelease}, postclear.DefaultThresholdsHours)
	if err != nil {
		return err
	}
	for _, r := range stages {
		set(r.Key, postclear.KPIArrivalToReleaseMeanHours, r.MeanHours, r.Items)
		set(r.Key, postclear.KPIArrivalToReleaseP90Hours, r.P90Hours, r.Items)
	}
	working, err := e.KPIs.DeliveryTimes(ctx, kq, postclear.WorkingDayDelivery())
	if err != nil {
		return err
	}
	for _, r := range working {
		set(r.Key, postclear.KPIDeliveryOnTimeRateWorkingDays, r.OnTimeRate, r.Items)
	}
	holds, err := e.KPIs.HoldFulfilment(ctx, kq, postclear.HoldWithinHours)
	if err != nil {
		return err
	}
	for _, r := range holds {
		set(r.Key, postclear.KPIHoldPresentedWithinRate, r.PresentedWithinRate, r.Requested)
	}
	ead, err := e.KPIs.EadTimeliness(ctx, kq, postclear.EadMinLeadHours)
	if err != nil {
		return err
	}
	for _, r := range ead {
		set(r.Key, postclear.KPIEadLeadTimeRate, r.LeadTimeRate, r.Items)
	}
	channels, err := e.KPIs.RiskEffectiveness(ctx, kq)
	if err != nil {
		return err
	}
	for _, r := range channels {
		if r.Channel == postclear.TargetedChannel {
			set(r.Key, postclear.KPITargetedHitRate, r.HitRate, r.Inspected)
		}
	}
	return nil
}

// backlog sets BACKLOG_IN_CUSTOMS_OVER_72H of each country of f for the
// attribution dates [from, to) taken in timeZone: the items presented in
// that range and in customs at the first instant of to (or now, when that
// is later), more than 72 hours after their presentation, as the backlog
// query with asOf that instant, from and to, and agesHours [72] answers
// them. Its population is the items presented in the range; with none, it
// has no value.
func (e *Evaluator) backlog(ctx context.Context, f byCountry, countries []string, from, to, bucket time.Time, timeZone string) error {
	loc, err := postclear.Location(timeZone)
	if err != nil {
		return err
	}
	asOf := BacklogMoment(to, loc, e.now())
	rows, err := e.KPIs.Backlog(ctx, postclear.KPIQuery{
		Filter:   postclear.AnalyticsFilter{From: from, To: to, DestinationCountries: countries},
		GroupBy:  []postclear.Dimension{postclear.DimDestinationCountry},
		TimeZone: timeZone,
	}, postclear.BacklogArgs{AsOf: asOf, AgesHours: []float64{postclear.BacklogAgeHours}})
	if err != nil {
		return err
	}
	over := map[string]int64{}
	for _, r := range rows {
		if r.Stage == postclear.InCustoms {
			over[*r.Key.DestinationCountry] = r.OlderThan[0].Items
		}
	}
	for _, c := range countries {
		fig := f.at(c, bucket)
		presented := fig.population[postclear.KPIInspectionRate]
		var v *float64
		if presented > 0 {
			v = ptr(float64(over[c]))
		}
		fig.values[postclear.KPIBacklogInCustomsOver72H], fig.population[postclear.KPIBacklogInCustomsOver72H] = v, presented
	}
	return nil
}

// BacklogMoment is the moment BACKLOG_IN_CUSTOMS_OVER_72H of the dates
// before to is taken at: the first instant of the date to in loc, or now
// when that has not come yet (a quarter in progress).
func BacklogMoment(to time.Time, loc *time.Location, now time.Time) time.Time {
	t := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc).UTC()
	if now = now.UTC().Truncate(time.Second); now.Before(t) {
		return now
	}
	return t
}
