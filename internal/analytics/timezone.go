package analytics

import (
	"strings"
	"sync"
	"time"
	// The IANA time zone database, built in, so that a zone name means the
	// same on every machine, including containers without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// locations caches loaded zones by name: loading parses the zone's file.
var locations sync.Map // name → *time.Location

// location returns the zone named name ("" is UTC). It refuses "Local",
// which would make an answer depend on the server's settings, and names
// that are not zone names.
func location(name string) (*time.Location, error) {
	if name == "" {
		name = "UTC"
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "Local" || strings.ContainsAny(name, `.\`) || strings.HasPrefix(name, "/") {
		return nil, invalid("timeZone: %q is not an IANA time zone name (such as UTC or Africa/Nairobi)", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalid("timeZone: unknown time zone %q; use an IANA name such as UTC or Africa/Nairobi", name)
	}
	locations.Store(name, l)
	return l, nil
}

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
