package postclear

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Working-day J+n as docs/domain.md "2b" defines it, on a calendar with a
// Friday–Saturday weekend and a holiday.
func TestWorkCalendar(t *testing.T) {
	c := &WorkCalendar{Country: "XX", Weekend: []time.Weekday{time.Friday, time.Saturday},
		Holidays: map[time.Time]string{d("2025-03-31"): "Eid"}}
	tests := []struct {
		j        string
		n        int
		deadline string
	}{
		{"2025-03-26", 0, "2025-03-26"}, // n = 0: J itself, even when J is not a working day
		{"2025-03-26", 1, "2025-03-27"}, // Wednesday → Thursday
		{"2025-03-27", 1, "2025-03-30"}, // Thursday → over Friday, Saturday → Sunday
		{"2025-03-27", 2, "2025-04-01"}, // … then over the holiday on Monday
		{"2025-03-28", 5, "2025-04-06"}, // from a Friday: Sun, Tue, Wed, Thu, Sun
	}
	for _, tt := range tests {
		if got := c.Deadline(d(tt.j), tt.n); !got.Equal(d(tt.deadline)) {
			t.Errorf("Deadline(%s, %d) = %s, want %s", tt.j, tt.n, got.Format(time.DateOnly), tt.deadline)
		}
	}
	for _, tt := range []struct {
		from, to string
		want     int
	}{
		{"2025-03-27", "2025-03-27", 0},
		{"2025-03-27", "2025-03-29", 0}, // Friday and Saturday do not count
		{"2025-03-27", "2025-04-01", 2}, // Sunday, (holiday), Tuesday
		{"2025-04-01", "2025-03-27", 0}, // early: not late
	} {
		if got := c.WorkingDaysAfter(d(tt.from), d(tt.to)); got != tt.want {
			t.Errorf("WorkingDaysAfter(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	// A time stands for its UTC day: 00:30 at +02:00 on 1 April is still
	// the holiday of 31 March.
	if c.Working(time.Date(2025, 3, 31, 23, 0, 0, 0, time.UTC)) || c.Working(time.Date(2025, 4, 1, 0, 30, 0, 0, time.FixedZone("+02", 7200))) {
		t.Error("Working takes the UTC day of a time")
	}
}

func TestValidWeekend(t *testing.T) {
	for _, days := range [][]time.Weekday{nil, {time.Monday, time.Monday}, {7}, {0, 1, 2, 3, 4, 5, 6}} {
		if err := ValidWeekend(days); ErrorCode(err) != EInvalid {
			t.Errorf("ValidWeekend(%v) = %v, want BAD_USER_INPUT", days, err)
		}
	}
	if err := ValidWeekend([]time.Weekday{time.Friday}); err != nil {
		t.Errorf("a one-day weekend: %v", err)
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if back, err := WeekdayFromISO(ISOWeekday(wd)); err != nil || back != wd {
			t.Errorf("ISO round trip of %s: %s %v", wd, back, err)
		}
	}
}
