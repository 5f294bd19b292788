package analytics

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/warehouse"
)

// family is one KPI family: its SQL, its row type R and how an engine row
// becomes an R. A holds the family's own arguments (targetHours, ...).
// Everything else a KPI query needs is the runner's: validation, the
// caller's scope, buckets, gap filling, ordering, limits and the cache.
type family[A, R any] struct {
	// name names the family in errors, logs and cache keys; api is its
	// GraphQL field.
	name, api string
	// check validates the family's arguments; nil when it has none.
	check func(A) error
	// sql writes the family's query with b, which holds the validated
	// query and its parameters; it adds the parameters of a.
	sql func(b *builder, a A) string
	// prepare reads what sql takes from the data besides the facts (the
	// working-day calendars) into b, before sql runs; nil when nothing.
	prepare func(ctx context.Context, s *Service, b *builder, a A) error
	// scan reads one engine row (keys first, through sc) into a row.
	// A family whose rows depend on one another sets pass instead.
	scan func(sc *scanner) (R, error)
	pass func(q postclear.KPIQuery) pass[R]
	// key is the group key of a row.
	key func(*R) *postclear.GroupKey
	// extra is the part of a row's identity beside its group key (the
	// seizure category); nil when there is none.
	extra *extraKey[R]
	// blank returns the row of a filled gap before its key is set, for a
	// family whose empty row is not R's zero value (a list that must name
	// the arguments it answers); nil means the zero value.
	blank func(a A) R
	// refuses lists the dimensions the family's rows cannot be grouped by,
	// each with the reason the error gives (RISK_CHANNEL where the rows
	// are declarations, or are the channels themselves).
	refuses map[postclear.Dimension]string
	// fields are the family's own fields orderBy can name, in the order
	// of its GraphQL enum (after the key fields, see keyFields).
	fields []field[R]
}

// A pass reads the rows of one query for a family whose rows depend on
// one another.
type pass[R any] struct {
	// scan reads one engine row; keep false drops it (the row only fed
	// the pass's own state).
	scan func(sc *scanner) (r R, keep bool, err error)
	// complete sets, once gaps are filled, what depends on other rows.
	complete func(rows []R)
}

// extraKey is a part of a row's identity beside its group key.
type extraKey[R any] struct {
	// name names it in orderBy (SEIZURE_CATEGORY).
	name string
	get  func(*R) string
	set  func(*R, string)
	// order lists its values in the order rows are sorted in (an enum's
	// order, such as the stages'); nil sorts them by name.
	order []string
}

// compare orders two values of the extra key.
func (e *extraKey[R]) compare(a, b string) int {
	if e.order == nil {
		return cmp.Compare(a, b)
	}
	return cmp.Compare(slices.Index(e.order, a), slices.Index(e.order, b))
}

// enumOrder lists an enum's values as an extraKey's order.
func enumOrder[S ~string](values []S) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// run answers q for the caller in ctx: it takes the caller's scope from
// ctx (so that no argument can widen it), validates, and answers from the
// cache or computes.
func (f *family[A, R]) run(ctx context.Context, s *Service, q postclear.KPIQuery, a A) (out []R, err error) {
	defer postclear.Wrap(&err, "%s", f.name)
	q.Scope = postclear.ScopeFrom(ctx)
	if q, err = f.validate(s, q, a); err != nil {
		return nil, err
	}
	now := s.now()
	key, err := cacheKey(f.name, q, a, now)
	if err != nil {
		return nil, err
	}
	return resultcache.DoPart(ctx, s.Cache, part(q), key, func(ctx context.Context) ([]R, error) {
		return f.compute(ctx, s, q, a, now)
	})
}

// part is the part of the data the validated q reads, for the cache: the
// items and declarations of its destinations (the filter's, within the
// caller's scope) attributed before its `to`. A family reads nothing
// after `to` (the seizures' previous bucket lies before `from`).
func part(q postclear.KPIQuery) resultcache.Part {
	loc, _ := location(q.TimeZone) // validated
	p := resultcache.Part{To: startOfDay(q.Filter.To, loc)}
	dests := q.Filter.DestinationCountries
	if q.Scope.Restricted {
		if dests == nil {
			dests = q.Scope.Countries
		} else {
			dests = slices.DeleteFunc(slices.Clone(dests), func(c string) bool { return !slices.Contains(q.Scope.Countries, c) })
		}
		if dests == nil {
			dests = []string{} // sees nothing
		}
	}
	p.Destinations = dests
	return p
}

// validate checks q and a and returns q in canonical form.
func (f *family[A, R]) validate(s *Service, q postclear.KPIQuery, a A) (postclear.KPIQuery, error) {
	q, err := validate(q, s.maxFilterValues())
	if err != nil {
		return q, err
	}
	for _, d := range q.GroupBy {
		if why, ok := f.refuses[d]; ok {
			return q, invalid("groupBy: %s is not a dimension of %s: %s", d, f.api, why)
		}
	}
	if q, err = f.checkOrder(q); err != nil {
		return q, err
	}
	if f.check != nil {
		if err := f.check(a); err != nil {
			return q, err
		}
	}
	return q, s.Layout.Validate()
}

// SQL returns the family's SQL text and parameters for q and a, validated,
// as compute would run them. ctx is that of what the family reads before
// (prepare); a family without prepare reads nothing with it.
func (f *family[A, R]) SQL(ctx context.Context, s *Service, q postclear.KPIQuery, a A) (string, warehouse.Params, error) {
	q, err := f.validate(s, q, a)
	if err != nil {
		return "", nil, err
	}
	b, err := f.builder(ctx, s, q, a, s.now())
	if err != nil {
		return "", nil, err
	}
	text := f.sql(b, a)
	if s.CountPopulations {
		text = countSQL(b.populations...)
	}
	return text, b.params, nil
}

// cacheKey holds everything that decides a result besides the data and the
// caller's scope, which the cache adds itself: the family, the canonical
// query, the family's arguments, and today's date in the query's time
// zone, since on-time delivery is judged against today.
func cacheKey(family string, q postclear.KPIQuery, a any, now time.Time) (string, error) {
	loc, err := location(q.TimeZone)
	if err != nil {
		return "", err
	}
	q.Scope = postclear.Scope{}
	b, err := json.Marshal(struct {
		Q     postclear.KPIQuery
		A     any
		Today string
	}{q, a, now.In(loc).Format(time.DateOnly)})
	return family + string(b), err
}

// maxEngineRows bounds the rows read from the engine for one query (its
// LIMIT): a family may read more rows than it returns (seizures read the
// presented items and the bucket before from too).
const maxEngineRows = 5 * MaxRows

// compute runs the family's query and turns its rows into the result: gaps
// filled, completed, in order, cut at the limit. Without a limit a result
// above MaxRows is an error, never a truncated list; with one, up to
// maxEngineRows rows are computed and ordered before the first are kept.
func (f *family[A, R]) compute(ctx context.Context, s *Service, q postclear.KPIQuery, a A, now time.Time) ([]R, error) {
	bound := MaxRows
	if q.Limit != nil {
		bound = maxEngineRows
	}
	b, err := f.builder(ctx, s, q, a, now)
	if err != nil {
		return nil, err
	}
	sqlText := f.sql(b, a)
	p := f.newPass(q)
	sc := newScanner(q)
	var rows []R
	read := 0
	err = s.query(ctx, sqlText, b.params, func(r warehouse.Rows) error {
		if read++; read > maxEngineRows {
			return tooManyRows(q, -1)
		}
		sc.rows = r
		row, keep, err := p.scan(sc)
		if err != nil || !keep {
			return err
		}
		if len(rows) == bound {
			return tooManyRows(q, -1)
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rows, err = f.fill(q, a, rows, bound); err != nil {
		return nil, err
	}
	if p.complete != nil {
		p.complete(rows)
	}
	f.sort(q, rows)
	if q.Limit != nil && len(rows) > *q.Limit {
		rows = rows[:*q.Limit]
	}
	return rows, nil
}

// builder returns the builder of the validated q answered at now, with
// what the family reads before its SQL.
func (f *family[A, R]) builder(ctx context.Context, s *Service, q postclear.KPIQuery, a A, now time.Time) (*builder, error) {
	b := newBuilder(s.Layout, q, now, maxEngineRows+1)
	if f.prepare != nil {
		if err := f.prepare(ctx, s, b, a); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (f *family[A, R]) newPass(q postclear.KPIQuery) pass[R] {
	if f.pass != nil {
		return f.pass(q)
	}
	return pass[R]{scan: func(sc *scanner) (R, bool, error) {
		r, err := f.scan(sc)
		return r, true, err
	}}
}

func (f *family[A, R]) extraOf(r *R) string {
	if f.extra == nil {
		return ""
	}
	return f.extra.get(r)
}

// fill adds, when q asks for it, a row with zero counts and null
// statistics for every bucket of [from, to) and every group (and extra
// key) that has a row in some bucket; the rows must stay within bound.
func (f *family[A, R]) fill(q postclear.KPIQuery, a A, rows []R, bound int) ([]R, error) {
	if !q.FillGaps || q.Granularity == nil || len(rows) == 0 {
		return rows, nil
	}
	type group struct {
		key   postclear.GroupKey
		extra string
	}
	var groups []group
	seen, have := map[string]bool{}, map[string]bool{}
	for i := range rows {
		k, e := *f.key(&rows[i]), f.extraOf(&rows[i])
		have[keyID(k, e)] = true
		k.Period = nil
		if id := keyID(k, e); !seen[id] {
			seen[id] = true
			groups = append(groups, group{k, e})
		}
	}
	bs := buckets(q.Filter.From, q.Filter.To, *q.Granularity)
	if n := len(groups) * len(bs); n > bound {
		return nil, tooManyRows(q, n)
	}
	for _, g := range groups {
		for _, b := range bs {
			k := g.key
			k.Period = &b
			if have[keyID(k, g.extra)] {
				continue
			}
			var r R
			if f.blank != nil {
				r = f.blank(a)
			}
			*f.key(&r) = k
			if f.extra != nil {
				f.extra.set(&r, g.extra)
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// scanner reads the key columns of an engine row, then the family's.
type scanner struct {
	q      postclear.KPIQuery
	rows   warehouse.Rows
	period time.Time
	dims   []*string
	dest   []any
}

func newScanner(q postclear.KPIQuery) *scanner {
	sc := &scanner{q: q, dims: make([]*string, len(q.GroupBy))}
	if q.Granularity != nil {
		sc.dest = append(sc.dest, &sc.period)
	}
	for i := range sc.dims {
		sc.dest = append(sc.dest, &sc.dims[i])
	}
	return sc
}

// scan reads the key columns into the row's GroupKey, and the columns
// after them into more.
func (sc *scanner) scan(more ...any) (postclear.GroupKey, error) {
	clear(sc.dims)
	if err := sc.rows.Scan(append(sc.dest[:len(sc.dest):len(sc.dest)], more...)...); err != nil {
		return postclear.GroupKey{}, err
	}
	var key postclear.GroupKey
	if sc.q.Granularity != nil {
		p := sc.period.UTC()
		key.Period = &p
	}
	for i, id := range sc.q.GroupBy {
		*dimensionOf(id).key(&key) = sc.dims[i]
	}
	return key, nil
}

// keyID is a GroupKey and an extra key as a map key: the period, and each
// dimension with its nullness.
func keyID(k postclear.GroupKey, extra string) string {
	var sb strings.Builder
	if k.Period != nil {
		sb.WriteString(k.Period.Format(time.DateOnly))
	}
	for i := range dimensions {
		if p := *dimensions[i].key(&k); p != nil {
			sb.WriteString("\x00=" + *p)
		} else {
			sb.WriteString("\x00-")
		}
	}
	sb.WriteString("\x00" + extra)
	return sb.String()
}

// withPeriod returns k in bucket p.
func withPeriod(k postclear.GroupKey, p time.Time) postclear.GroupKey {
	k.Period = &p
	return k
}

// compareRows orders rows as the API promises: by period, then by the
// dimensions in table order with nulls last, then by the extra key.
func (f *family[A, R]) compareRows(a, b *R) int {
	if c := compareKeys(*f.key(a), *f.key(b)); c != 0 || f.extra == nil {
		return c
	}
	return f.extra.compare(f.extra.get(a), f.extra.get(b))
}

// compareKeys orders group keys by period, then by the dimensions in
// table order with nulls last.
func compareKeys(a, b postclear.GroupKey) int {
	if a.Period != nil && b.Period != nil {
		if c := a.Period.Compare(*b.Period); c != 0 {
			return c
		}
	}
	for i := range dimensions {
		if c := compareNullable(*dimensions[i].key(&a), *dimensions[i].key(&b)); c != 0 {
			return c
		}
	}
	return 0
}

// compareNullable orders strings with nil last.
func compareNullable(x, y *string) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	return cmp.Compare(*x, *y)
}

// tooManyRows is the error for a result above the bound; n < 0 means the
// exact count is unknown (reading stopped at the bound).
func tooManyRows(q postclear.KPIQuery, n int) error {
	if q.Limit != nil {
		what := fmt.Sprintf("more than %d", maxEngineRows)
		if n >= 0 {
			what = fmt.Sprintf("%d", n)
		}
		return invalid("the query would order %s rows to keep the first %d, at most %d can be ordered; add a filter, group by fewer dimensions or use a coarser granularity",
			what, *q.Limit, maxEngineRows)
	}
	what := fmt.Sprintf("more than %d", MaxRows)
	if n >= 0 {
		what = fmt.Sprintf("%d", n)
	}
	return invalid("the result would have %s rows, at most %d are allowed; add a filter, group by fewer dimensions, use a coarser granularity, or set limit to keep the first rows in orderBy's order", what, MaxRows)
}
