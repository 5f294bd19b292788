package analytics

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Bounds of filter dates. Records are from the year 2000 on (DOMAIN.md),
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
// and in Dimension order. Every message names the argument at fault, as
// the GraphQL user wrote it.
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
	lists := []struct {
		name   string
		values []string
		ok     func(string) bool
		what   string
	}{
		{"filter.originCountries", f.OriginCountries, postclear.IsCountry, "an ISO 3166-1 alpha-2 code"},
		{"filter.destinationCountries", f.DestinationCountries, postclear.IsCountry, "an ISO 3166-1 alpha-2 code"},
		{"filter.mailClasses", f.MailClasses, oneOf(postclear.MailClasses), "a mail class (" + strings.Join(postclear.MailClasses, ", ") + ")"},
		{"filter.offices", f.Offices, isOffice, "an office code (1 to 16 characters A-Z, 0-9)"},
		{"filter.categories", f.Categories, oneOf(postclear.Categories), "a category (" + strings.Join(postclear.Categories, ", ") + ")"},
	}
	for _, l := range lists {
		if len(l.values) > maxValues {
			return q, invalid("%s: %d values, at most %d are allowed; filter on fewer values or leave the list out", l.name, len(l.values), maxValues)
		}
		for _, v := range l.values {
			if !l.ok(v) {
				return q, invalid("%s: %q is not %s", l.name, v, l.what)
			}
		}
	}

	var dims []postclear.Dimension
	for _, d := range q.GroupBy {
		if !slices.Contains(postclear.Dimensions, d) {
			return q, invalid("groupBy: unknown dimension %q", d)
		}
	}
	for _, d := range postclear.Dimensions {
		if slices.Contains(q.GroupBy, d) {
			dims = append(dims, d)
		}
	}
	q.GroupBy = dims

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

func validTargetHours(h float64) error {
	if math.IsNaN(h) || math.IsInf(h, 0) || h < 0 {
		return invalid("targetHours must be a number >= 0, got %v", h)
	}
	return nil
}

func validStandardDays(n int) error {
	if n < 0 || n > MaxStandardDays {
		return invalid("standardDays must be between 0 and %d, got %d", MaxStandardDays, n)
	}
	return nil
}

func oneOf(list []string) func(string) bool {
	return func(s string) bool { return slices.Contains(list, s) }
}

// isOffice is the office rule of DOMAIN.md; a filter value breaking it
// could never match and is more likely a typo than a wish for nothing.
func isOffice(s string) bool {
	if len(s) < 1 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// tooManyRows is the error for a result above MaxRows; n < 0 means the
// exact count is unknown (the engine stopped at MaxRows+1).
func tooManyRows(n int) error {
	what := fmt.Sprintf("more than %d", MaxRows)
	if n >= 0 {
		what = fmt.Sprintf("%d", n)
	}
	return invalid("the result would have %s rows, at most %d are allowed; narrow the filter, group by fewer dimensions or use a coarser granularity", what, MaxRows)
}
