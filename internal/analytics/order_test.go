package analytics_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// ordered is want sorted by orders as the API describes it, written
// without the runner's code: the oracle's rows are in the default order,
// so a stable sort on the named fields (nulls last either way) leaves ties
// in it; then the first limit rows are kept.
func ordered[R any](want []R, orders []postclear.Order, limit *int) []R {
	out := append([]R(nil), want...)
	value := func(r *R, field string) reflect.Value {
		var name string
		for _, part := range strings.Split(strings.ToLower(field), "_") {
			name += strings.ToUpper(part[:1]) + part[1:]
		}
		v := reflect.ValueOf(r).Elem()
		if f := v.FieldByName(name); f.IsValid() {
			return f
		}
		return v.FieldByName("Key").FieldByName(name)
	}
	less := func(a, b reflect.Value) int {
		for a.Kind() == reflect.Pointer {
			a, b = a.Elem(), b.Elem()
		}
		switch x := a.Interface().(type) {
		case time.Time:
			return x.Compare(b.Interface().(time.Time))
		case string:
			return strings.Compare(x, b.Interface().(string))
		case int64:
			return int(x - b.Interface().(int64))
		case float64:
			y := b.Interface().(float64)
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
		panic(fmt.Sprintf("no order for %v", a.Type()))
	}
	sort.SliceStable(out, func(i, j int) bool {
		for _, o := range orders {
			a, b := value(&out[i], o.Field), value(&out[j], o.Field)
			na, nb := a.Kind() == reflect.Pointer && a.IsNil(), b.Kind() == reflect.Pointer && b.IsNil()
			switch {
			case na && nb:
				continue
			case na != nb:
				return nb
			}
			c := less(a, b)
			if o.Direction == postclear.Descending {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	if limit != nil && len(out) > *limit {
		out = out[:*limit]
	}
	return out
}

// orderBy and limit give the oracle's rows in the order asked for, nulls
// last in either direction, ties in the default order, cut at the limit.
func TestOrderAndLimit(t *testing.T) {
	r := fixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	ctx := context.Background()
	three, one := 3, 1
	base := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01")},
		GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimDestinationCountry}, Granularity: gran(postclear.Month), FillGaps: true}
	asc, desc := postclear.Ascending, postclear.Descending
	o := func(field string, d postclear.OrderDirection) postclear.Order {
		return postclear.Order{Field: field, Direction: d}
	}
	cases := []struct {
		family string
		orders []postclear.Order
		limit  *int
	}{
		{"clearance", []postclear.Order{o("P90_HOURS", desc)}, nil},
		{"clearance", []postclear.Order{o("ITEMS", desc), o("ORIGIN_COUNTRY", asc)}, &three},
		{"clearance", []postclear.Order{o("WITHIN_TARGET_RATE", asc)}, nil},
		{"delivery", []postclear.Order{o("ON_TIME_RATE", desc), o("PERIOD", desc)}, nil},
		{"delivery", []postclear.Order{o("DELIVERED", asc)}, &one},
		{"compliance", []postclear.Order{o("EAD_COVERAGE", asc), o("DESTINATION_COUNTRY", desc)}, nil},
		{"compliance", []postclear.Order{o("ITEMS_ARRIVED", desc)}, &three},
		{"seizures", []postclear.Order{o("SEIZURES", desc), o("SEIZURE_CATEGORY", desc)}, &three},
		{"seizures", []postclear.Order{o("CHANGE_FROM_PREVIOUS_PERIOD", asc)}, nil},
		{"seizures", nil, &one},
	}
	reordered := 0
	for _, c := range cases {
		q := base
		q.OrderBy, q.Limit = c.orders, c.limit
		t.Run(fmt.Sprintf("%s %v %v", c.family, c.orders, c.limit != nil), func(t *testing.T) {
			var want, unordered, got any
			var err error
			switch c.family {
			case "clearance":
				rows := kpioracle.Clearance(r, base, 24)
				want, unordered = ordered(rows, c.orders, c.limit), ordered(rows, nil, c.limit)
				got, err = svc.ClearanceTimes(ctx, q, 24)
			case "delivery":
				rows := kpioracle.Delivery(r, base, 5, testenv.Now)
				want, unordered = ordered(rows, c.orders, c.limit), ordered(rows, nil, c.limit)
				got, err = svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(5))
			case "compliance":
				rows := kpioracle.Compliance(r, base)
				want, unordered = ordered(rows, c.orders, c.limit), ordered(rows, nil, c.limit)
				got, err = svc.ComplianceRates(ctx, q)
			case "seizures":
				rows := kpioracle.Seizures(r, base)
				want, unordered = ordered(rows, c.orders, c.limit), ordered(rows, nil, c.limit)
				got, err = svc.SeizureTrends(ctx, q)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(want, unordered, approx) {
				reordered++
			}
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if reordered < len(cases)-2 {
		t.Errorf("only %d of %d orderings change the default order: the fixture proves too little", reordered, len(cases))
	}
}

// A result above MaxRows is an error that says to add a filter or a
// limit; with a limit the same query answers its first rows.
func TestLimitInsteadOfTooManyRows(t *testing.T) {
	r := fixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	q := postclear.KPIQuery{
		Filter:      postclear.AnalyticsFilter{From: date("2023-01-01"), To: date("2026-01-01")},
		Granularity: gran(postclear.Day), FillGaps: true,
		GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimDestinationCountry, postclear.DimMailClass, postclear.DimOffice, postclear.DimCategory},
	}
	_, err := svc.ComplianceRates(context.Background(), q)
	if msg := postclear.ErrorMessage(err); postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(msg, "add a filter") || !strings.Contains(msg, "limit") {
		t.Fatalf("without a limit: %v, want %s saying to add a filter or a limit", err, postclear.EInvalid)
	}
	n := 25
	q.Limit = &n
	q.OrderBy = []postclear.Order{{Field: "ITEMS_ARRIVED", Direction: postclear.Descending}}
	got, err := svc.ComplianceRates(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	unlimited := q
	unlimited.Limit, unlimited.OrderBy = nil, nil
	if diff := cmp.Diff(ordered(kpioracle.Compliance(r, unlimited), q.OrderBy, q.Limit), got, approx); diff != "" {
		t.Errorf("top 25 (-want +got):\n%s", diff)
	}
}

// Bad orderBy and limit arguments are BAD_USER_INPUT naming them.
func TestOrderErrors(t *testing.T) {
	svc := &analytics.Service{}
	ok := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-04-01")}}
	zero, big := 0, analytics.MaxRows+1
	for _, c := range []struct {
		name string
		mod  func(*postclear.KPIQuery)
		want string
	}{
		{"unknown field", func(q *postclear.KPIQuery) { q.OrderBy = []postclear.Order{{Field: "SEIZURES"}} }, `orderBy[0].field: "SEIZURES" is not a field of clearanceTimes rows`},
		{"group not grouped", func(q *postclear.KPIQuery) { q.OrderBy = []postclear.Order{{Field: "ITEMS"}, {Field: "OFFICE"}} }, "orderBy[1].field: OFFICE orders nothing unless groupBy names it"},
		{"period without granularity", func(q *postclear.KPIQuery) { q.OrderBy = []postclear.Order{{Field: "PERIOD"}} }, "orderBy[0].field: PERIOD orders nothing without a granularity"},
		{"twice", func(q *postclear.KPIQuery) {
			q.OrderBy = []postclear.Order{{Field: "ITEMS"}, {Field: "ITEMS", Direction: "DESC"}}
		}, "orderBy[1].field: ITEMS is named twice"},
		{"direction", func(q *postclear.KPIQuery) { q.OrderBy = []postclear.Order{{Field: "ITEMS", Direction: "UP"}} }, `orderBy[0].direction: "UP" is not ASC or DESC`},
		{"limit 0", func(q *postclear.KPIQuery) { q.Limit = &zero }, "limit must be between 1 and 20000, got 0"},
		{"limit too big", func(q *postclear.KPIQuery) { q.Limit = &big }, "limit must be between 1 and 20000, got 20001"},
	} {
		q := ok
		c.mod(&q)
		_, err := svc.ClearanceTimes(context.Background(), q, 24)
		if postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want %s: %s", c.name, err, postclear.EInvalid, c.want)
		}
	}
}
