package postclear

import (
	"fmt"
	"time"
)

// YearQuarter is a calendar quarter, written "2025-Q3" (July to September
// 2025). Its days are [Start, End) in UTC.
type YearQuarter struct {
	Year int
	Q    int // 1 to 4
}

// ParseQuarter parses "YYYY-Qn" (n from 1 to 4), strictly: "2025-q3",
// "2025Q3" and "2025-Q03" are refused with a message showing the form.
func ParseQuarter(s string) (YearQuarter, error) {
	bad := func() (YearQuarter, error) {
		return YearQuarter{}, Errorf(EInvalid, "quarter %q: write it as YYYY-Qn, e.g. 2025-Q3", s)
	}
	if len(s) != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4' {
		return bad()
	}
	y, ok := digits(s, 0, 4)
	if !ok {
		return bad()
	}
	if y < MinTimestampYear || y > 2099 {
		return YearQuarter{}, Errorf(EInvalid, "quarter %q: the year must be between %d and 2099", s, MinTimestampYear)
	}
	return YearQuarter{Year: y, Q: int(s[6] - '0')}, nil
}

// QuarterOf returns the quarter holding t (in UTC).
func QuarterOf(t time.Time) YearQuarter {
	t = t.UTC()
	return YearQuarter{Year: t.Year(), Q: (int(t.Month())-1)/3 + 1}
}

func (q YearQuarter) String() string { return fmt.Sprintf("%04d-Q%d", q.Year, q.Q) }

// Start is the first day of q, midnight UTC.
func (q YearQuarter) Start() time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, time.UTC)
}

// End is the first day after q: the range of q is [Start, End).
func (q YearQuarter) End() time.Time { return q.Start().AddDate(0, 3, 0) }

// YearBefore is the same quarter a year before q (2025-Q1 → 2024-Q1).
func (q YearQuarter) YearBefore() YearQuarter { return YearQuarter{Year: q.Year - 1, Q: q.Q} }

// Prev is the quarter before q (2025-Q1 → 2024-Q4).
func (q YearQuarter) Prev() YearQuarter {
	if q.Q == 1 {
		return YearQuarter{Year: q.Year - 1, Q: 4}
	}
	return YearQuarter{Year: q.Year, Q: q.Q - 1}
}

// Months returns the first days of q's three months.
func (q YearQuarter) Months() []time.Time {
	s := q.Start()
	return []time.Time{s, s.AddDate(0, 1, 0), s.AddDate(0, 2, 0)}
}
