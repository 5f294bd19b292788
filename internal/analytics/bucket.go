package analytics

import (
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// bucketSQL turns an attribution time (a DateTime('UTC') expression, %s)
// into the first day of its bucket. Columns are DateTime('UTC'), so the
// functions work in UTC whatever the server's time zone.
var bucketSQL = map[postclear.Granularity]string{
	postclear.Day:     "toDate(%s)",
	postclear.Week:    "toMonday(%s)",
	postclear.Month:   "toStartOfMonth(%s)",
	postclear.Quarter: "toStartOfQuarter(%s)",
	postclear.Year:    "toStartOfYear(%s)",
}

// bucketStart is bucketSQL in Go, for filling gaps and finding the
// previous bucket.
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

// dayNumber is the UTC day of t counted from 1970-01-01, the unit the
// delivery window is computed in.
func dayNumber(t time.Time) int64 {
	return utcDate(t).Unix() / 86400
}
