package postclear

import (
	"fmt"
	"slices"
	"time"
)

// WorkCalendar says which days are working days in one country: neither a
// weekend day nor a public holiday (docs/domain.md, "2b. Delivery"). Days
// are calendar days, given as any time on them in UTC (midnight UTC, as
// dates are stored; a caller working in another time zone passes the
// date it computed there).
type WorkCalendar struct {
	Country string
	// Weekend holds the weekend days: DefaultWeekend unless the country's
	// are configured (WeekendConfigured).
	Weekend           []time.Weekday
	WeekendConfigured bool
	// Holidays maps each holiday (midnight UTC) to its name.
	Holidays map[time.Time]string
}

// DefaultWeekend is the weekend of a country whose weekend is not
// configured.
var DefaultWeekend = []time.Weekday{time.Saturday, time.Sunday}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Working reports whether day is a working day.
func (c *WorkCalendar) Working(day time.Time) bool {
	day = dayOf(day)
	if slices.Contains(c.Weekend, day.Weekday()) {
		return false
	}
	_, holiday := c.Holidays[day]
	return !holiday
}

// Deadline returns the n-th working day after j, j itself not counted; j
// itself when n is 0 (the deadline of working-day J+n).
func (c *WorkCalendar) Deadline(j time.Time, n int) time.Time {
	d := dayOf(j)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.Working(d) {
			n--
		}
	}
	return d
}

// WorkingDaysAfter counts the working days d with from < d ≤ to (0 when
// to ≤ from): how late, in working days, a delivery on to is against the
// deadline from.
func (c *WorkCalendar) WorkingDaysAfter(from, to time.Time) int {
	n := 0
	for d := dayOf(from).AddDate(0, 0, 1); !d.After(dayOf(to)); d = d.AddDate(0, 0, 1) {
		if c.Working(d) {
			n++
		}
	}
	return n
}

// ValidWeekend checks a country's weekend days: 1 to 6 distinct days, so
// that every week has a working day and "not configured" is never confused
// with an empty weekend.
func ValidWeekend(days []time.Weekday) error {
	if len(days) < 1 || len(days) > 6 {
		return Errorf(EInvalid, "days: give 1 to 6 weekend days, not %d", len(days))
	}
	for i, d := range days {
		if d < time.Sunday || d > time.Saturday {
			return Errorf(EInvalid, "days[%d]: %d is not a day of the week", i, d)
		}
		if slices.Contains(days[:i], d) {
			return Errorf(EInvalid, "days[%d]: %s is given twice", i, d)
		}
	}
	return nil
}

// ISOWeekday numbers a weekday as ClickHouse's toDayOfWeek does: Monday 1
// … Sunday 7.
func ISOWeekday(d time.Weekday) uint8 {
	if d == time.Sunday {
		return 7
	}
	return uint8(d)
}

// WeekdayFromISO is the inverse of ISOWeekday.
func WeekdayFromISO(n uint8) (time.Weekday, error) {
	if n < 1 || n > 7 {
		return 0, fmt.Errorf("ISO weekday %d is not 1 to 7", n)
	}
	return time.Weekday(n % 7), nil
}
