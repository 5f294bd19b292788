package kpioracle

import (
	"slices"
	"time"
)

// Calendars are the working-day calendars of DOMAIN.md 2b: each country's
// holidays and, where configured, its weekend days. A country not in
// Weekends rests on Saturday and Sunday.
type Calendars struct {
	// Holidays lists each country's holidays as YYYY-MM-DD dates.
	Holidays map[string][]string
	Weekends map[string][]time.Weekday
}

// Working reports whether the date d (midnight UTC) is a working day of
// country: neither one of its weekend days nor one of its holidays.
func (c Calendars) Working(country string, d time.Time) bool {
	weekend, ok := c.Weekends[country]
	if !ok {
		weekend = []time.Weekday{time.Saturday, time.Sunday}
	}
	if slices.Contains(weekend, d.Weekday()) {
		return false
	}
	return !slices.Contains(c.Holidays[country], d.Format(time.DateOnly))
}
