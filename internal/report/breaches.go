package report

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
)

// The target-breach check between quarters (docs/mou.md, "Target
// breaches"): each target of each active MoU against its KPI quarter to
// date, so that coordinators learn of a breach before the quarter ends.

// DefaultMinPopulation is the population below which a quarter-to-date
// value is not judged: the first days of a quarter have too few items for
// a percentile or a rate to say anything.
const DefaultMinPopulation = 30

// MaxMinPopulation bounds the minPopulation argument.
const MaxMinPopulation = 1_000_000_000

// TargetBreaches checks every target of every MoU the caller sees that is
// active on asOf (in force that day and not archived) against its KPI over
// the quarter to date: the attribution dates from the first day of asOf's
// quarter to asOf, inclusive. A value is judged when it exists and its
// population is at least minPopulation; it is breached when judged and it
// misses the target. Since is the first day from which the quarter-to-date
// value, taken at the end of each day up to asOf, was breached without
// interruption.
//
// The values are those of the quarter's evaluation (figures); the days'
// values come from one running query per family, grouped by country, so
// that the check costs the same few statements however many MoUs there
// are. Like an evaluation, the check runs over one state of the data and
// its answer is cached until the data changes.
func (e *Evaluator) TargetBreaches(ctx context.Context, asOf time.Time, minPopulation int) ([]postclear.TargetBreach, error) {
	if err := checkAsOf(asOf); err != nil {
		return nil, err
	}
	if minPopulation < 0 || minPopulation > MaxMinPopulation {
		return nil, postclear.Errorf(postclear.EInvalid, "minPopulation: %d must be between 0 and %d", minPopulation, MaxMinPopulation)
	}
	key := "targetBreaches\x00" + asOf.Format(time.DateOnly) + "\x00" + strconv.Itoa(minPopulation) + "\x00" + e.now().UTC().Format(time.DateOnly)
	return resultcache.Do(ctx, e.Cache, key, func(ctx context.Context) (out []postclear.TargetBreach, err error) {
		defer postclear.Wrap(&err, "target breaches as of %s", asOf.Format(time.DateOnly))
		_, err = e.oneState(ctx, "target-breach check", func(ctx context.Context) (err error) {
			out, err = e.breaches(ctx, asOf, minPopulation)
			return err
		})
		return out, err
	})
}

func (e *Evaluator) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// checkAsOf requires a date (midnight UTC) in the years the KPIs take.
func checkAsOf(t time.Time) error {
	switch {
	case !t.Equal(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)):
		return postclear.Errorf(postclear.EInvalid, "asOf must be a date (midnight UTC), got %s", t.UTC().Format(time.RFC3339))
	case t.Year() < postclear.MinTimestampYear || t.Year() > 2099:
		return postclear.Errorf(postclear.EInvalid, "asOf: %s must be between the years %d and 2099", t.Format(time.DateOnly), postclear.MinTimestampYear)
	}
	return nil
}

func (e *Evaluator) breaches(ctx context.Context, asOf time.Time, minPopulation int) ([]postclear.TargetBreach, error) {
	all, err := e.MoUs.MoUs(ctx, false)
	if err != nil {
		return nil, err
	}
	var active []postclear.MoU
	countries := map[string][]string{} // by time zone
	var zones []string
	for _, m := range all {
		if m.Archived || asOf.Before(m.EffectiveFrom) || m.EffectiveTo != nil && !asOf.Before(*m.EffectiveTo) || len(m.Targets) == 0 {
			continue
		}
		active = append(active, m)
		if countries[m.TimeZone] == nil {
			zones = append(zones, m.TimeZone)
		}
		if !slices.Contains(countries[m.TimeZone], m.Country) {
			countries[m.TimeZone] = append(countries[m.TimeZone], m.Country)
		}
	}
	out := []postclear.TargetBreach{}
	if len(active) == 0 {
		return out, nil
	}
	q := postclear.QuarterOf(asOf)
	end := asOf.AddDate(0, 0, 1)
	// The days of each MoU's quarter are taken in its time zone: one
	// running query per family and zone.
	days := byCountry{}
	for _, tz := range zones {
		figs, err := e.figures(ctx, countries[tz], q.Start(), end, postclear.Day, true, tz)
		if err != nil {
			return nil, err
		}
		// The backlog is a figure at a moment, not a running count: it
		// is taken at the end of asOf alone, so that a breach of its
		// target is dated from asOf (docs/mou.md).
		if err := e.backlog(ctx, figs, countries[tz], q.Start(), end, asOf, tz); err != nil {
			return nil, err
		}
		maps.Copy(days, figs)
	}
	for _, m := range active {
		for _, k := range postclear.KPIs {
			t, ok := m.Target(k)
			if !ok {
				continue
			}
			// missed reports whether the quarter-to-date value at the end
			// of day d is judged and misses the target.
			at := func(d time.Time) (*float64, int64) {
				f := days[m.Country][d]
				if f == nil {
					return nil, 0
				}
				return f.values[k], f.population[k]
			}
			judged := func(v *float64, n int64) bool { return v != nil && n >= int64(minPopulation) }
			missed := func(d time.Time) bool {
				v, n := at(d)
				return judged(v, n) && !t.Comparison.Met(*v, t.Value)
			}
			b := postclear.TargetBreach{MoU: m, KPI: k, Unit: k.Unit(), Comparison: t.Comparison, Target: t.Value,
				Quarter: q.String(), From: q.Start(), AsOf: asOf}
			b.Actual, b.Population = at(asOf)
			b.Judged = judged(b.Actual, b.Population)
			if b.Breached = missed(asOf); b.Breached {
				since := asOf
				for d := asOf.AddDate(0, 0, -1); !d.Before(q.Start()) && missed(d); d = d.AddDate(0, 0, -1) {
					since = d
				}
				b.Since = &since
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// BreachText is one line about b for people: "KE Clearance time p90 41.2 h
// against at most 36.0 h (523 items, 2025-Q3 to 2025-08-14), in breach
// since 2025-08-02".
func BreachText(b *postclear.TargetBreach) string {
	s := fmt.Sprintf("%s %s %s against %s %s (population %s, %s to %s)", b.MoU.Country, b.KPI.Label(), FormatValue(b.Unit, b.Actual),
		comparisonText(b.Comparison), FormatValue(b.Unit, &b.Target), count(b.Population), b.Quarter, b.AsOf.Format(time.DateOnly))
	switch {
	case b.Breached:
		s += ", in breach since " + b.Since.Format(time.DateOnly)
	case !b.Judged:
		s += ", not judged"
	default:
		s += ", within target"
	}
	return s
}
