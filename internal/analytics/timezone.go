package analytics

import (
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// location returns the zone named name ("" is UTC); see
// postclear.Location.
func location(name string) (*time.Location, error) { return postclear.Location(name) }

// startOfDay is the first instant of the calendar date d (held as
// midnight UTC) in loc. Where the clocks jump over midnight (a few zones
// change to summer time at 00:00), the day starts at the jump.
func startOfDay(d time.Time, loc *time.Location) time.Time {
	y, m, day := d.Date()
	t := time.Date(y, m, day, 0, 0, 0, 0, loc)
	for localDate(t, loc).Before(d) {
		t = t.Add(time.Minute)
	}
	// Where midnight happens twice (clocks set back at 01:00), the day
	// starts at the first.
	for localDate(t.Add(-time.Minute), loc).Equal(d) {
		t = t.Add(-time.Minute)
	}
	return t.UTC()
}

// localDate is the calendar date of t in loc, held as midnight UTC.
func localDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
