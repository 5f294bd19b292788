package analytics

import (
	"cmp"
	"slices"

	"github.com/postclear/postclear/internal/postclear"
)

// field is a field of a family's rows that orderBy can name. The runner
// provides the key fields (PERIOD, the dimensions, the family's extra
// key); a family declares its own in its family value.
type field[R any] struct {
	// name is the field's value in the family's GraphQL enum.
	name string
	// null reports whether the field of r is null; nulls sort last.
	null func(r *R) bool
	// compare orders two rows whose fields are not null, ascending.
	compare func(a, b *R) int
}

// count is a field that is never null, such as a number of items.
func count[R any](name string, get func(*R) int64) field[R] {
	return field[R]{name: name,
		null:    func(*R) bool { return false },
		compare: func(a, b *R) int { return cmp.Compare(get(a), get(b)) }}
}

// number is a statistic or rate, null over an empty population.
func number[R any](name string, get func(*R) *float64) field[R] {
	return field[R]{name: name,
		null:    func(r *R) bool { return get(r) == nil },
		compare: func(a, b *R) int { return cmp.Compare(*get(a), *get(b)) }}
}

// keyFields are the fields of a row's identity, in the default order:
// PERIOD, the dimensions, the family's extra key.
func (f *family[A, R]) keyFields() []field[R] {
	period := field[R]{name: "PERIOD",
		null:    func(r *R) bool { return f.key(r).Period == nil },
		compare: func(a, b *R) int { return f.key(a).Period.Compare(*f.key(b).Period) }}
	out := []field[R]{period}
	for i := range dimensions {
		d := &dimensions[i]
		out = append(out, field[R]{name: string(d.id),
			null:    func(r *R) bool { return *d.key(f.key(r)) == nil },
			compare: func(a, b *R) int { return cmp.Compare(**d.key(f.key(a)), **d.key(f.key(b))) }})
	}
	if f.extra != nil {
		out = append(out, field[R]{name: f.extra.name,
			null:    func(*R) bool { return false },
			compare: func(a, b *R) int { return f.extra.compare(f.extra.get(a), f.extra.get(b)) }})
	}
	return out
}

// orderFields names every field orderBy can name, in the order of the
// family's GraphQL enum.
func (f *family[A, R]) orderFields() []string {
	var names []string
	for _, fl := range append(f.keyFields(), f.fields...) {
		names = append(names, fl.name)
	}
	return names
}

func (f *family[A, R]) fieldNamed(name string) (field[R], bool) {
	for _, fl := range append(f.keyFields(), f.fields...) {
		if fl.name == name {
			return fl, true
		}
	}
	return field[R]{}, false
}

// checkOrder validates q's orderBy and limit against the family's fields
// and returns q with every direction named.
func (f *family[A, R]) checkOrder(q postclear.KPIQuery) (postclear.KPIQuery, error) {
	orders := make([]postclear.Order, len(q.OrderBy))
	for i, o := range q.OrderBy {
		if _, ok := f.fieldNamed(o.Field); !ok {
			return q, invalid("orderBy[%d].field: %q is not a field of %s rows", i, o.Field, f.api)
		}
		switch {
		case o.Field == "PERIOD" && q.Granularity == nil:
			return q, invalid("orderBy[%d].field: PERIOD orders nothing without a granularity", i)
		case dimensionOf(postclear.Dimension(o.Field)) != nil && !slices.Contains(q.GroupBy, postclear.Dimension(o.Field)):
			return q, invalid("orderBy[%d].field: %s orders nothing unless groupBy names it", i, o.Field)
		}
		if slices.ContainsFunc(q.OrderBy[:i], func(p postclear.Order) bool { return p.Field == o.Field }) {
			return q, invalid("orderBy[%d].field: %s is named twice", i, o.Field)
		}
		switch o.Direction {
		case "":
			o.Direction = postclear.Ascending
		case postclear.Ascending, postclear.Descending:
		default:
			return q, invalid("orderBy[%d].direction: %q is not ASC or DESC", i, o.Direction)
		}
		orders[i] = o
	}
	q.OrderBy = orders
	if q.Limit != nil && (*q.Limit < 1 || *q.Limit > MaxRows) {
		return q, invalid("limit must be between 1 and %d, got %d", MaxRows, *q.Limit)
	}
	return q, nil
}

// sort orders rows by q's orderBy, nulls last in either direction, then
// in the default order: period, the dimensions in table order with nulls
// last, the extra key.
func (f *family[A, R]) sort(q postclear.KPIQuery, rows []R) {
	type by struct {
		field[R]
		desc bool
	}
	var order []by
	for _, o := range q.OrderBy {
		fl, _ := f.fieldNamed(o.Field)
		order = append(order, by{fl, o.Direction == postclear.Descending})
	}
	slices.SortFunc(rows, func(a, b R) int {
		for _, o := range order {
			na, nb := o.null(&a), o.null(&b)
			switch {
			case na && nb:
				continue
			case na:
				return 1
			case nb:
				return -1
			}
			c := o.compare(&a, &b)
			if o.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return f.compareRows(&a, &b)
	})
}

// OrderFields returns, for each KPI field of the API, the fields its
// orderBy can name, in the order of its GraphQL enum.
func OrderFields() map[string][]string {
	out := map[string][]string{}
	for _, f := range families {
		out[f.apiName()] = f.orderFields()
	}
	return out
}

// families registers every family, for what ranges over all of them.
var families = []interface {
	apiName() string
	orderFields() []string
}{clearance, delivery, compliance, seizures, stageTimes, risk, hold, ead, quality}

func (f *family[A, R]) apiName() string { return f.api }
