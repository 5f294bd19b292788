// Package report computes the quarterly evaluation of a customs–post MoU
// (docs/mou.md) and renders it as CSV and PDF (its JSON is the GraphQL
// answer, graph.EvaluationJSON). There is one
// evaluation and several renderings: GraphQL, the HTTP downloads and the
// CLI all call Evaluator.Evaluate and then, for files, one Write function,
// so that every rendering carries the same numbers.
//
// The evaluation computes nothing itself that the KPI queries compute: it
// asks the analytics service for the MoU's country and the quarter, exactly
// as a GraphQL user of clearanceTimes & co. would, and only combines the
// answers (the sum over seizure categories, changes, met or missed).
package report

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
)

// MoUs reads MoUs and their commitments (implemented by warehouse.Store).
type MoUs interface {
	// MoUs and MoU answer within the caller's scope.
	MoUs(ctx context.Context, archived bool) ([]postclear.MoU, error)
	MoU(ctx context.Context, id string) (postclear.MoU, error)
	Activities(ctx context.Context, mouID string, from, to time.Time) ([]postclear.Activity, error)
	Disputes(ctx context.Context, mouID string, from, to time.Time) ([]postclear.Dispute, error)
	Actions(ctx context.Context, q postclear.ActionQuery) ([]postclear.Action, error)
}

// KPIs computes the KPI families and the backlog within the caller's scope
// (implemented by analytics.Service).
type KPIs interface {
	postclear.Analytics
	Backlog(ctx context.Context, q postclear.KPIQuery, a postclear.BacklogArgs) ([]postclear.BacklogStat, error)
	DataQuality(ctx context.Context, q postclear.KPIQuery) ([]postclear.DataQualityStat, error)
}

// Data tells which state of the stored data the figures reflect
// (implemented by warehouse.Store).
type Data interface {
	// DataState finalizes what is stored and returns its version and
	// load time.
	DataState(ctx context.Context) (postclear.DataState, error)
	// DataVersion returns the version alone; it moves with every write.
	DataVersion(ctx context.Context) (string, error)
}

// MaxAttempts bounds how often an evaluation is computed because the data
// changed while it was computed. With the pauses between attempts (a
// quarter of a second, doubling), a load that pauses for a few seconds
// lets an evaluation through.
const MaxAttempts = 5

// Evaluator computes MoU evaluations.
type Evaluator struct {
	KPIs KPIs
	MoUs MoUs
	Data Data
	// Cache, when set, keeps evaluations until the data changes, per
	// caller scope (the cache reads it from the context).
	Cache *resultcache.Cache
	// Now decides "today" in the cache key (on-time delivery is judged
	// against it); nil means time.Now.
	Now func() time.Time
	// retryWait is the pause before the n-th new attempt; tests shorten it.
	retryWait func(n int) time.Duration
}

// Evaluate computes the evaluation of MoU mouID for quarter ("2025-Q3").
// ctx carries the caller: the MoU is looked up within its scope, and every
// KPI is computed within it.
//
// Every figure comes from one state of the stored data: the evaluation
// takes the data version before its queries and again after them, and
// starts again when it moved (an ingest was accepted meanwhile), up to
// MaxAttempts times; then it fails with CONFLICT rather than mix two
// states. The evaluation says which version and load time it reflects.
func (e *Evaluator) Evaluate(ctx context.Context, mouID, quarter string) (postclear.Evaluation, error) {
	key := "evaluation\x00" + mouID + "\x00" + quarter + "\x00" + e.now().UTC().Format(time.DateOnly)
	return resultcache.Do(ctx, e.Cache, key, func(ctx context.Context) (postclear.Evaluation, error) {
		return e.consistent(ctx, mouID, quarter)
	})
}

func (e *Evaluator) consistent(ctx context.Context, mouID, quarter string) (ev postclear.Evaluation, err error) {
	defer postclear.Wrap(&err, "evaluate MoU %s %s", mouID, quarter)
	state, err := e.oneState(ctx, "evaluation", func(ctx context.Context) (err error) {
		ev, err = e.evaluate(ctx, mouID, quarter)
		return err
	})
	if err != nil {
		return postclear.Evaluation{}, err
	}
	ev.Data = state
	return ev, nil
}

// oneState runs compute over one state of the stored data: it takes the
// data version before and after compute, and runs compute again, after a
// pause, when the version moved (an ingest was accepted meanwhile), up to
// MaxAttempts times; then it fails with CONFLICT naming what was computed.
// It returns the state compute's last run reflects.
func (e *Evaluator) oneState(ctx context.Context, what string, compute func(context.Context) error) (postclear.DataState, error) {
	if e.Data == nil {
		return postclear.DataState{}, errors.New("report.Evaluator.Data is not set: an evaluation must know the data it reflects")
	}
	wait := e.retryWait
	if wait == nil {
		wait = func(n int) time.Duration { return 250 * time.Millisecond << (n - 1) }
	}
	for attempt := 1; ; attempt++ {
		before, err := e.Data.DataState(ctx)
		if err != nil {
			return before, err
		}
		if err := compute(ctx); err != nil {
			return before, err
		}
		after, err := e.Data.DataVersion(ctx)
		if err != nil {
			return before, err
		}
		if after == before.Version {
			return before, nil
		}
		if attempt == MaxAttempts {
			return before, postclear.Errorf(postclear.EConflict,
				"the stored data changed while the %s was computed, %d times in a row (records are being loaded); try again when the load has finished", what, MaxAttempts)
		}
		select {
		case <-ctx.Done():
			return before, ctx.Err()
		case <-time.After(wait(attempt)):
		}
	}
}

// evaluate computes the evaluation from the KPI queries, whatever the
// data does meanwhile.
func (e *Evaluator) evaluate(ctx context.Context, mouID, quarter string) (ev postclear.Evaluation, err error) {
	q, err := postclear.ParseQuarter(quarter)
	if err != nil {
		return ev, err
	}
	m, err := e.MoUs.MoU(ctx, mouID)
	if err != nil {
		return ev, err
	}
	prev, yearBefore := q.Prev(), q.YearBefore()
	ev = postclear.Evaluation{MoU: m, Quarter: q.String(), From: q.Start(), To: q.End(),
		PreviousQuarter: prev.String(), PreviousYearQuarter: yearBefore.String()}

	figs, err := e.quarterFigures(ctx, &m, q)
	if err != nil {
		return ev, err
	}
	ev.KPIs = make([]postclear.KPIResult, 0, len(postclear.KPIs))
	for _, k := range postclear.KPIs {
		r := postclear.KPIResult{KPI: k, Unit: k.Unit(), Actual: figs.value(q, k), Previous: figs.value(prev, k),
			PreviousYear: figs.value(yearBefore, k), Population: figs.population(q, k)}
		if t, ok := m.Target(k); ok {
			r.Comparison, r.Target = &t.Comparison, &t.Value
			r.Met = met(t, r.Actual)
		}
		r.Change, r.ChangeFromPreviousYear = difference(r.Actual, r.Previous), difference(r.Actual, r.PreviousYear)
		for _, p := range figs.quarters {
			r.Trend = append(r.Trend, postclear.QuarterValue{Quarter: p.String(), From: p.Start(), Value: figs.value(p, k), Population: figs.population(p, k)})
		}
		ev.KPIs = append(ev.KPIs, r)
	}
	if ev.Monthly, ev.SeizuresByCategory, err = e.monthly(ctx, &m, q); err != nil {
		return ev, err
	}
	if ev.Origins, err = e.origins(ctx, &m, q); err != nil {
		return ev, err
	}
	if ev.Activities, ev.Disputes, err = e.commitments(ctx, m.ID, q); err != nil {
		return ev, err
	}
	if ev.ActivityTrend, err = e.activityTrend(ctx, m.ID, figs.quarters); err != nil {
		return ev, err
	}
	if ev.Actions, err = e.actions(ctx, m.ID, q); err != nil {
		return ev, err
	}
	if ev.Methodology, err = e.methodology(ctx, &m, q); err != nil {
		return ev, err
	}
	ev.Findings = Findings(&ev)
	return ev, nil
}

// methodology defines every KPI and counts the items of q with missing or
// out-of-sequence milestones, with one data-quality query.
func (e *Evaluator) methodology(ctx context.Context, m *postclear.MoU, q postclear.YearQuarter) (postclear.Methodology, error) {
	out := postclear.Methodology{TimeZone: zoneName(m.TimeZone)}
	for _, k := range postclear.KPIs {
		out.KPIs = append(out.KPIs, postclear.KPIMethod{KPI: k, Label: k.Label(), Definition: k.Definition(), Population: k.Population()})
	}
	rows, err := e.KPIs.DataQuality(ctx, query(m, q.Start(), q.End(), nil))
	if err != nil {
		return out, err
	}
	n := map[string]int64{}
	for _, r := range rows {
		n[r.Issue] += r.Items
	}
	for _, issue := range postclear.DataQualityIssues {
		out.DataQuality = append(out.DataQuality, postclear.NewDataQualityCount(issue, n[issue]))
	}
	return out, nil
}

func met(t postclear.Target, actual *float64) *bool {
	if actual == nil {
		return nil
	}
	return ptr(t.Comparison.Met(*actual, t.Value))
}

func ptr[T any](v T) *T { return &v }

// difference is a − b, or nil when either is nil.
func difference(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	return ptr(*a - *b)
}

// quarterly holds the KPI figures of the quarters of an evaluation's
// trends, the oldest first.
type quarterly struct {
	quarters []postclear.YearQuarter
	figs     map[postclear.YearQuarter]*kpiFigures
}

func (f quarterly) value(q postclear.YearQuarter, k postclear.KPI) *float64 {
	return f.figs[q].values[k]
}

func (f quarterly) population(q postclear.YearQuarter, k postclear.KPI) int64 {
	return f.figs[q].population[k]
}

// query is the KPI query of the evaluation: the MoU's country over the
// dates [from, to) in the MoU's time zone.
func query(m *postclear.MoU, from, to time.Time, g *postclear.Granularity, groupBy ...postclear.Dimension) postclear.KPIQuery {
	return postclear.KPIQuery{
		Filter:      postclear.AnalyticsFilter{From: from, To: to, DestinationCountries: []string{m.Country}},
		GroupBy:     groupBy,
		Granularity: g,
		TimeZone:    m.TimeZone,
	}
}

var byMonth = ptr(postclear.Month)

// quarterFigures computes every KPI for q and the TrendQuarters − 1
// quarters before it (back to the same quarter a year before) with one
// query per family bucketed by QUARTER (figures), and one backlog query
// per quarter.
func (e *Evaluator) quarterFigures(ctx context.Context, m *postclear.MoU, q postclear.YearQuarter) (quarterly, error) {
	out := quarterly{quarters: make([]postclear.YearQuarter, postclear.TrendQuarters), figs: map[postclear.YearQuarter]*kpiFigures{}}
	for i, p := len(out.quarters)-1, q; i >= 0; i, p = i-1, p.Prev() {
		out.quarters[i] = p
	}
	// Records start in MinTimestampYear: the quarters before have no
	// figures (and the KPI queries refuse them).
	known := slices.DeleteFunc(slices.Clone(out.quarters), func(p postclear.YearQuarter) bool { return p.Year < postclear.MinTimestampYear })
	country := []string{m.Country}
	figs, err := e.figures(ctx, country, known[0].Start(), q.End(), postclear.Quarter, false, m.TimeZone)
	if err != nil {
		return out, err
	}
	for _, p := range known {
		if err := e.backlog(ctx, figs, country, p.Start(), p.End(), p.Start(), m.TimeZone); err != nil {
			return out, err
		}
	}
	for _, p := range out.quarters {
		out.figs[p] = figs.at(m.Country, p.Start())
	}
	return out, nil
}

// per10K is SEIZURES_PER_10K of one bucket: 10,000 × the seizures of every
// category / the items presented, which is the sum over categories of the
// seizure query's perTenThousandItems. Null when no item was presented.
func per10K(rows []postclear.SeizureStat, period time.Time, presented int64) *float64 {
	if presented == 0 {
		return nil
	}
	var n int64
	for _, r := range rows {
		if r.Key.Period == nil || r.Key.Period.Equal(period) {
			n += r.Seizures
		}
	}
	return ptr(10_000 * float64(n) / float64(presented))
}

// monthly computes the headline KPIs per month of q, and seizures per
// month and category.
func (e *Evaluator) monthly(ctx context.Context, m *postclear.MoU, q postclear.YearQuarter) ([]postclear.MonthlyValue, []postclear.SeizureCount, error) {
	kq := query(m, q.Start(), q.End(), byMonth)
	values := map[string]map[time.Time]*float64{}
	put := func(metric string, month *time.Time, v *float64) {
		if values[metric] == nil {
			values[metric] = map[time.Time]*float64{}
		}
		values[metric][month.UTC()] = v
	}
	clearance, err := e.KPIs.ClearanceTimes(ctx, kq, postclear.DefaultTargetHours)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range clearance {
		put(postclear.MetricClearanceP50Hours, r.Key.Period, r.P50Hours)
		put(string(postclear.KPIClearanceP90Hours), r.Key.Period, r.P90Hours)
	}
	delivery, err := e.KPIs.DeliveryTimes(ctx, kq, postclear.StandardDelivery(postclear.DefaultStandardDays))
	if err != nil {
		return nil, nil, err
	}
	for _, r := range delivery {
		put(string(postclear.KPIDeliveryOnTimeRate), r.Key.Period, r.OnTimeRate)
	}
	compliance, err := e.KPIs.ComplianceRates(ctx, kq)
	if err != nil {
		return nil, nil, err
	}
	presented := map[time.Time]int64{}
	for _, r := range compliance {
		put(string(postclear.KPIEadCoverage), r.Key.Period, r.EadCoverage)
		presented[r.Key.Period.UTC()] = r.ItemsPresented
	}
	seizures, err := e.KPIs.SeizureTrends(ctx, kq)
	if err != nil {
		return nil, nil, err
	}
	var counts []postclear.SeizureCount
	for _, r := range seizures {
		if r.Seizures > 0 {
			counts = append(counts, postclear.SeizureCount{Month: r.Key.Period.UTC(), Category: r.SeizureCategory, Seizures: r.Seizures})
		}
	}
	var out []postclear.MonthlyValue
	for _, metric := range MonthlyMetrics {
		for _, month := range q.Months() {
			v := values[metric][month]
			if metric == string(postclear.KPISeizuresPer10K) {
				v = per10K(seizures, month, presented[month])
			}
			mv := postclear.MonthlyValue{Metric: metric, Month: month, Value: v}
			if t, ok := m.Target(postclear.KPI(metric)); ok {
				mv.Target = &t.Value
				mv.Met = met(t, v)
			}
			out = append(out, mv)
		}
	}
	return out, counts, nil
}

// MonthlyMetrics are the headline metrics broken down by month, in order.
var MonthlyMetrics = []string{
	postclear.MetricClearanceP50Hours,
	string(postclear.KPIClearanceP90Hours),
	string(postclear.KPIEadCoverage),
	string(postclear.KPIDeliveryOnTimeRate),
	string(postclear.KPISeizuresPer10K),
}

// origins ranks the origin countries of q by items arrived (ties by
// country code).
func (e *Evaluator) origins(ctx context.Context, m *postclear.MoU, q postclear.YearQuarter) ([]postclear.OriginFigures, error) {
	kq := query(m, q.Start(), q.End(), nil, postclear.DimOriginCountry)
	byOrigin := map[string]*postclear.OriginFigures{}
	get := func(k postclear.GroupKey) *postclear.OriginFigures {
		c := ""
		if k.OriginCountry != nil {
			c = *k.OriginCountry
		}
		if byOrigin[c] == nil {
			byOrigin[c] = &postclear.OriginFigures{Country: c}
		}
		return byOrigin[c]
	}
	compliance, err := e.KPIs.ComplianceRates(ctx, kq)
	if err != nil {
		return nil, err
	}
	for _, r := range compliance {
		o := get(r.Key)
		o.Items, o.EadCoverage = r.ItemsArrived, r.EadCoverage
	}
	clearance, err := e.KPIs.ClearanceTimes(ctx, kq, postclear.DefaultTargetHours)
	if err != nil {
		return nil, err
	}
	for _, r := range clearance {
		get(r.Key).ClearanceP90Hours = r.P90Hours
	}
	seizures, err := e.KPIs.SeizureTrends(ctx, kq)
	if err != nil {
		return nil, err
	}
	for _, r := range seizures {
		get(r.Key).Seizures += r.Seizures
	}
	out := make([]postclear.OriginFigures, 0, len(byOrigin))
	for _, o := range byOrigin {
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b postclear.OriginFigures) int {
		if a.Items != b.Items {
			return int(b.Items - a.Items)
		}
		switch {
		case a.Country < b.Country:
			return -1
		case a.Country > b.Country:
			return 1
		}
		return 0
	})
	return out, nil
}

// activityTrend counts the activities of each of quarters (consecutive,
// the oldest first), with one read.
func (e *Evaluator) activityTrend(ctx context.Context, mouID string, quarters []postclear.YearQuarter) ([]postclear.QuarterActivities, error) {
	acts, err := e.MoUs.Activities(ctx, mouID, quarters[0].Start(), quarters[len(quarters)-1].End())
	if err != nil {
		return nil, err
	}
	out := make([]postclear.QuarterActivities, len(quarters))
	for i, p := range quarters {
		out[i].Quarter = p.String()
		for _, a := range acts {
			if !a.Date.Before(p.Start()) && a.Date.Before(p.End()) {
				out[i].Activities++
			}
		}
	}
	return out, nil
}

// commitments summarises the activities and disputes of q.
func (e *Evaluator) commitments(ctx context.Context, mouID string, q postclear.YearQuarter) (postclear.ActivitySummary, postclear.DisputeSummary, error) {
	var as postclear.ActivitySummary
	var ds postclear.DisputeSummary
	acts, err := e.MoUs.Activities(ctx, mouID, q.Start(), q.End())
	if err != nil {
		return as, ds, err
	}
	as.Activities = acts
	as.Count = len(acts)
	for _, a := range acts {
		as.CustomsParticipants += a.CustomsParticipants
		as.PostParticipants += a.PostParticipants
	}
	disputes, err := e.MoUs.Disputes(ctx, mouID, q.Start(), q.End())
	if err != nil {
		return as, ds, err
	}
	ds.Disputes = disputes
	inQ := func(t time.Time) bool { return !t.Before(q.Start()) && t.Before(q.End()) }
	var days []float64
	for _, d := range disputes {
		if inQ(d.OpenedOn) {
			ds.Opened++
		}
		if d.ResolvedOn != nil && inQ(*d.ResolvedOn) {
			ds.Resolved++
			days = append(days, d.ResolvedOn.Sub(d.OpenedOn).Hours()/24)
		}
		if d.OpenAt(q.End()) {
			ds.OpenAtEnd++
		}
	}
	ds.MedianDaysToResolve = median(days)
	return as, ds, nil
}

// median interpolates linearly between closest ranks, as every percentile
// of DOMAIN.md does; nil for no values.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	h := float64(len(xs)-1) / 2
	lo := int(h)
	v := xs[lo]
	if lo+1 < len(xs) {
		v += (h - float64(lo)) * (xs[lo+1] - xs[lo])
	}
	return &v
}
