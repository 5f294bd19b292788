package analytics

import (
	"cmp"
	"slices"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
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

// dimAlias names each dimension's key column in the generated SQL.
var dimAlias = map[postclear.Dimension]string{
	postclear.DimOriginCountry:      "k_origin",
	postclear.DimDestinationCountry: "k_destination",
	postclear.DimMailClass:          "k_mail_class",
	postclear.DimOffice:             "k_office",
	postclear.DimCategory:           "k_category",
}

// keyColumns lists the key aliases of q: period first, then the grouped
// dimensions in Dimension order (q is canonical, see validate).
func keyColumns(q postclear.KPIQuery) []string {
	var cols []string
	if q.Granularity != nil {
		cols = append(cols, "period")
	}
	for _, d := range q.GroupBy {
		cols = append(cols, dimAlias[d])
	}
	return cols
}

// keyScan holds the scan targets of a row's key columns.
type keyScan struct {
	q      postclear.KPIQuery
	period time.Time
	dims   []*string
	dest   []any
}

func newKeyScan(q postclear.KPIQuery) *keyScan {
	k := &keyScan{q: q, dims: make([]*string, len(q.GroupBy))}
	if q.Granularity != nil {
		k.dest = append(k.dest, &k.period)
	}
	for i := range k.dims {
		k.dest = append(k.dest, &k.dims[i])
	}
	return k
}

// scan reads the key columns followed by more into a GroupKey.
func (k *keyScan) scan(rows warehouse.Rows, more ...any) (postclear.GroupKey, error) {
	for i := range k.dims {
		k.dims[i] = nil
	}
	if err := rows.Scan(append(k.dest[:len(k.dest):len(k.dest)], more...)...); err != nil {
		return postclear.GroupKey{}, err
	}
	var key postclear.GroupKey
	if k.q.Granularity != nil {
		p := k.period.UTC()
		key.Period = &p
	}
	for i, d := range k.q.GroupBy {
		*dimField(&key, d) = k.dims[i]
	}
	return key, nil
}

func dimField(k *postclear.GroupKey, d postclear.Dimension) **string {
	switch d {
	case postclear.DimOriginCountry:
		return &k.OriginCountry
	case postclear.DimDestinationCountry:
		return &k.DestinationCountry
	case postclear.DimMailClass:
		return &k.MailClass
	case postclear.DimOffice:
		return &k.Office
	default:
		return &k.Category
	}
}

// keyID is a GroupKey as a map key: the period's Unix time and each
// dimension with its nullness.
type keyID struct {
	period int64
	dims   [5]nullString
	extra  string
}

type nullString struct {
	s     string
	valid bool
}

func idOf(k postclear.GroupKey, extra string) keyID {
	id := keyID{extra: extra}
	if k.Period != nil {
		id.period = k.Period.Unix()
	}
	for i, d := range postclear.Dimensions {
		if p := *dimField(&k, d); p != nil {
			id.dims[i] = nullString{*p, true}
		}
	}
	return id
}

// withPeriod returns k in bucket p.
func withPeriod(k postclear.GroupKey, p time.Time) postclear.GroupKey {
	k.Period = &p
	return k
}

// compareKeys orders rows as the API promises: by period, then by the
// dimensions in Dimension order with nulls last, then by extra (the
// seizure category).
func compareKeys(a, b postclear.GroupKey, ea, eb string) int {
	if a.Period != nil && b.Period != nil {
		if c := a.Period.Compare(*b.Period); c != 0 {
			return c
		}
	}
	for _, d := range postclear.Dimensions {
		x, y := *dimField(&a, d), *dimField(&b, d)
		switch {
		case x == nil && y == nil:
		case x == nil:
			return 1
		case y == nil:
			return -1
		default:
			if c := cmp.Compare(*x, *y); c != 0 {
				return c
			}
		}
	}
	return cmp.Compare(ea, eb)
}

// finish fills gaps when q asks for it, checks MaxRows and sorts. key and
// extra read a row's key and seizure category ("" for other KPIs); zero
// makes the row of an empty bucket.
func finish[T any](q postclear.KPIQuery, rows []T, key func(*T) postclear.GroupKey, extra func(*T) string, zero func(postclear.GroupKey, string) T) ([]T, error) {
	if q.FillGaps && q.Granularity != nil && len(rows) > 0 {
		type group struct {
			key   postclear.GroupKey
			extra string
		}
		var groups []group
		seen := map[keyID]bool{}
		have := map[keyID]bool{}
		for i := range rows {
			k, e := key(&rows[i]), extra(&rows[i])
			have[idOf(k, e)] = true
			g := k
			g.Period = nil
			if id := idOf(g, e); !seen[id] {
				seen[id] = true
				groups = append(groups, group{g, e})
			}
		}
		bs := buckets(q.Filter.From, q.Filter.To, *q.Granularity)
		if n := len(groups) * len(bs); n > MaxRows {
			return nil, tooManyRows(n)
		}
		for _, g := range groups {
			for _, b := range bs {
				k := withPeriod(g.key, b)
				if !have[idOf(k, g.extra)] {
					rows = append(rows, zero(k, g.extra))
				}
			}
		}
	}
	if len(rows) > MaxRows {
		return nil, tooManyRows(len(rows))
	}
	slices.SortFunc(rows, func(a, b T) int {
		return compareKeys(key(&a), key(&b), extra(&a), extra(&b))
	})
	return rows, nil
}
