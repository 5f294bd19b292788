package postclear

import (
	"errors"
	"fmt"
	"time"
)

// ParseTimestamp parses an RFC 3339 timestamp that carries an explicit
// offset ("2025-03-01T10:15:00Z", "2025-03-01T12:15:00+02:00") and returns
// it in UTC, truncated to the whole second as the records are stored.
//
// It is written by hand rather than with time.Parse because it runs for
// every ingested row; it accepts exactly the RFC 3339 date-time grammar
// (lower-case "t" and "z" included, as the RFC allows) and nothing else, so
// a timestamp without an offset is rejected instead of being taken as UTC.
func ParseTimestamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("required")
	}
	// Fixed part: YYYY-MM-DDThh:mm:ss (19 bytes).
	if len(s) < 19 {
		return time.Time{}, badTimestamp(s)
	}
	year, ok1 := digits(s, 0, 4)
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	hour, ok4 := digits(s, 11, 2)
	min, ok5 := digits(s, 14, 2)
	sec, ok6 := digits(s, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, badTimestamp(s)
	}
	if s[10] != 'T' && s[10] != 't' {
		return time.Time{}, fmt.Errorf("%s: date and time must be separated by \"T\"", Quote(s))
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("%s is not a valid date and time", Quote(s))
	}
	rest := s[19:]
	if rest != "" && rest[0] == '.' {
		// The fraction is dropped (records keep whole seconds), but it must
		// still be digits.
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return time.Time{}, badTimestamp(s)
		}
		rest = rest[i:]
	}
	var offset int
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, okh := digits(rest, 1, 2)
		om, okm := digits(rest, 4, 2)
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, fmt.Errorf("%s: offset %s is not valid", Quote(s), Quote(rest))
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	case len(rest) == 0:
		return time.Time{}, fmt.Errorf("%s has no offset: add \"Z\" for UTC or an offset such as \"+02:00\"", Quote(s))
	default:
		return time.Time{}, badTimestamp(s)
	}
	unix := daysFromCivil(year, month, day)*86400 + int64(hour*3600+min*60+sec) - int64(offset)
	return time.Unix(unix, 0).UTC(), nil
}

func badTimestamp(s string) error {
	return fmt.Errorf("%s is not an RFC 3339 timestamp such as \"2025-03-01T10:15:00Z\"", Quote(s))
}

// digits parses s[i:i+n] as an unsigned decimal number.
func digits(s string, i, n int) (int, bool) {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date (H. Hinnant's days_from_civil algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
