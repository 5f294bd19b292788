package analytics

import (
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// bucketSQL turns an attribution time (a DateTime('UTC') expression, %s)
// into the first day of its bucket in the query's time zone (tzParam),
// whatever the server's.
var bucketSQL = map[postclear.Granularity]string{
	postclear.Day:     "toDate(%s, " + tzParam + ")",
	postclear.Week:    "toMonday(%s, " + tzParam + ")",
	postclear.Month:   "toStartOfMonth(%s, " + tzParam + ")",
	postclear.Quarter: "toStartOfQuarter(%s, " + tzParam + ")",
	postclear.Year:    "toStartOfYear(%s, " + tzParam + ")",
}

// tzParam is the query's time zone, an IANA name.
const tzParam = "{tz:String}"

// daySQL is the calendar date of a time expression in the query's time
// zone, counted in days from 1970-01-01, as dayNumber does in Go.
func daySQL(expr string) string { return "toInt64(toDate(" + expr + ", " + tzParam + "))" }

// bucketStart is bucketSQL in Go, for filling gaps and finding the
// previous bucket: the first day of the bucket holding the date t (a
// calendar date, midnight UTC; dates need no zone).
func bucketStart(t time.Time, g postclear.Granularity) time.Time {
	d := utcDate(t)
	switch g {
	case postclear.Week:
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	case postclear.Month:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	case postclear.Quarter:
		return time.Date(d.Year(), (d.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	case postclear.Year:
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

// addBuckets moves a bucket start by n buckets.
func addBuckets(t time.Time, g postclear.Granularity, n int) time.Time {
	switch g {
	case postclear.Week:
		return t.AddDate(0, 0, 7*n)
	case postclear.Month:
		return t.AddDate(0, n, 0)
	case postclear.Quarter:
		return t.AddDate(0, 3*n, 0)
	case postclear.Year:
		return t.AddDate(n, 0, 0)
	}
	return t.AddDate(0, 0, n)
}

// buckets lists the bucket starts of every bucket meeting [from, to).
func buckets(from, to time.Time, g postclear.Granularity) []time.Time {
	var out []time.Time
	for b := bucketStart(from, g); b.Before(to); b = addBuckets(b, g, 1) {
		out = append(out, b)
	}
	return out
}

// bucketCount counts the buckets of [from, to); validated dates keep it
// below 40,000.
func bucketCount(from, to time.Time, g postclear.Granularity) int {
	n := 0
	for b := bucketStart(from, g); b.Before(to); b = addBuckets(b, g, 1) {
		n++
	}
	return n
}

func utcDate(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dayNumber is the calendar date of t in loc counted in days from
// 1970-01-01, the unit the delivery window is computed in (daySQL).
func dayNumber(t time.Time, loc *time.Location) int64 {
	return localDate(t, loc).Unix() / 86400
}
