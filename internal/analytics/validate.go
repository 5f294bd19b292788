package analytics

import (
	"math"
	"slices"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Bounds of filter dates. Records are from the year 2000 on (docs/domain.md),
// and ClickHouse's DateTime ends in 2106; the previous bucket of a seizure
// query must stay inside both.
var (
	minDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

func invalid(format string, args ...any) error {
	return postclear.Errorf(postclear.EInvalid, format, args...)
}

// validate checks q and returns it in canonical form: GroupBy deduplicated
// and in the order of the dimensions table, the time zone named ("UTC"
// for none). Every message names the
// argument at fault, as the GraphQL user wrote it.
//
// Each filter list holds at most maxValues values: a list of 200,000
// offices kept the engine busy for a minute and a half, whatever its time
// limit, while every other caller waited (issue 9).
func validate(q postclear.KPIQuery, maxValues int) (postclear.KPIQuery, error) {
	f := q.Filter
	for _, d := range []struct {
		name string
		t    time.Time
	}{{"filter.from", f.From}, {"filter.to", f.To}} {
		switch {
		case d.t.IsZero():
			return q, invalid("%s is required", d.name)
		case !d.t.Equal(utcDate(d.t)):
			return q, invalid("%s must be a date (midnight UTC), got %s", d.name, d.t.UTC().Format(time.RFC3339))
		case d.t.Before(minDate) || d.t.After(maxDate):
			return q, invalid("%s must be between %s and %s", d.name, minDate.Format(time.DateOnly), maxDate.Format(time.DateOnly))
		}
	}
	if !f.From.Before(f.To) {
		return q, invalid("filter.from must be before filter.to")
	}
	loc, err := location(q.TimeZone)
	if err != nil {
		return q, err
	}
	q.TimeZone = loc.String()
	for i := range dimensions {
		l := dimensions[i].filter
		if l == nil {
			continue
		}
		values := l.values(&f)
		if len(values) > maxValues {
			return q, invalid("%s: %d values, at most %d are allowed; filter on fewer values or leave the list out", l.arg, len(values), maxValues)
		}
		for _, v := range values {
			if !l.valid(v) {
				return q, invalid("%s: %q is not %s", l.arg, v, l.what)
			}
		}
	}

	for _, id := range q.GroupBy {
		if dimensionOf(id) == nil {
			return q, invalid("groupBy: unknown dimension %q", id)
		}
	}
	var dims []postclear.Dimension
	for i := range dimensions {
		if slices.Contains(q.GroupBy, dimensions[i].id) {
			dims = append(dims, dimensions[i].id)
		}
	}
	q.GroupBy = dims

	if q.Running {
		if q.Granularity == nil {
			return q, invalid("running figures need a granularity")
		}
		if n := bucketCount(f.From, f.To, *q.Granularity); n > MaxRunningBuckets {
			return q, invalid("running figures over %d buckets, at most %d are allowed (a quarter of days)", n, MaxRunningBuckets)
		}
	}
	if q.Granularity != nil {
		g := *q.Granularity
		if _, ok := bucketSQL[g]; !ok {
			return q, invalid("granularity: unknown value %q", g)
		}
		if n := bucketCount(f.From, f.To, g); n > MaxBuckets {
			return q, invalid("granularity: %s buckets from %s to %s would be %d, at most %d are allowed; use a coarser granularity or a shorter range",
				g, f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), n, MaxBuckets)
		}
	}
	return q, nil
}

// nonNegative checks a family's argument of hours (targetHours,
// withinHours, minLeadHours), named arg: a finite number >= 0.
func nonNegative(arg string) func(float64) error {
	return func(h float64) error {
		if math.IsNaN(h) || math.IsInf(h, 0) || h < 0 {
			return invalid("%s must be a number >= 0, got %v", arg, h)
		}
		return nil
	}
}

func validStandardDays(n int) error {
	if n < 0 || n > MaxStandardDays {
		return invalid("standardDays must be between 0 and %d, got %d", MaxStandardDays, n)
	}
	return nil
}

// validHours checks a list argument of hours (stage-time thresholds,
// backlog ages): 1 to most values, each finite and above zero.
func validHours(arg, what string, hours []float64, most int) error {
	if n := len(hours); n < 1 || n > most {
		return invalid("%s: give 1 to %d %s, got %d", arg, most, what, n)
	}
	for i, h := range hours {
		if math.IsNaN(h) || math.IsInf(h, 0) || h <= 0 {
			return invalid("%s[%d]: must be a finite number of hours > 0, got %v", arg, i, h)
		}
	}
	return nil
}
