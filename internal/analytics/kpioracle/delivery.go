package kpioracle

import (
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Delivery is KPI 2 for J+standardDays: end to end, in calendar days,
// gross of customs time.
func Delivery(r Records, q postclear.KPIQuery, standardDays int, now time.Time) []postclear.DeliveryStat {
	return DeliveryWith(r, Calendars{}, q, postclear.DeliveryOptions{StandardDays: standardDays}, now)
}

// DeliveryWith is KPI 2 with the options of DOMAIN.md 2b, judged on
// today's date; J, the deadline, the delivery date and today are dates in
// the query's zone, and working days those of cal for the item's
// destination country.
func DeliveryWith(r Records, cal Calendars, q postclear.KPIQuery, o postclear.DeliveryOptions, now time.Time) []postclear.DeliveryStat {
	type acc struct {
		items, due, onTime, late1, late2, notDelivered int
		days                                           []float64
	}
	today := dateIn(q, now)
	g := newGroups[acc]()
	for _, it := range sortedItems(r.Items()) {
		start := it.Posted
		if o.Leg == postclear.Inbound {
			start = it.Arrived
		}
		if start == nil || !passes(q, itemAttrs(it), *start) {
			continue
		}
		a := g.at(keyOf(q, itemAttrs(it), *start), "")
		a.items++
		// The delivery instant: delivered_at, or with netOfCustomsTime
		// delivered_at less the item's time in customs.
		var delivered *time.Time
		if it.Delivered != nil {
			t := *it.Delivered
			if o.NetOfCustomsTime {
				t = t.Add(-time.Duration(it.CustomsSecs) * time.Second)
			}
			delivered = &t
			a.days = append(a.days, t.Sub(*start).Seconds()/86400)
		}
		country := ""
		if it.Destination != nil {
			country = *it.Destination
		}
		// counted says whether a day counts among the n days of J+n.
		counted := func(time.Time) bool { return true }
		if o.DayCount == postclear.WorkingDays {
			counted = func(d time.Time) bool { return cal.Working(country, d) }
		}
		j := dateIn(q, *start)
		deadline := j
		for n := o.StandardDays; n > 0; {
			deadline = deadline.AddDate(0, 0, 1)
			if counted(deadline) {
				n--
			}
		}
		if !deadline.Before(today) {
			continue
		}
		a.due++
		if delivered == nil {
			a.notDelivered++
			continue
		}
		day := dateIn(q, *delivered)
		if !day.After(deadline) {
			a.onTime++
			continue
		}
		late := 0
		for d := deadline.AddDate(0, 0, 1); !d.After(day); d = d.AddDate(0, 0, 1) {
			if counted(d) {
				late++
			}
		}
		if late <= 1 {
			a.late1++
		} else {
			a.late2++
		}
	}
	g.fill(q)
	var out []postclear.DeliveryStat
	for _, i := range g.sorted() {
		a := g.m[id(g.keys[i], "")]
		out = append(out, postclear.DeliveryStat{
			Key: g.keys[i], Items: int64(a.items), Delivered: int64(len(a.days)),
			MeanDays: mean(a.days), P50Days: pct(a.days, 0.5), P90Days: pct(a.days, 0.9),
			OnTimeRate: ratio(a.onTime, a.due), DueItems: int64(a.due),
			LateBy1DayRate: ratio(a.late1, a.due), LateBy2PlusDaysRate: ratio(a.late2, a.due),
			NotDeliveredRate: ratio(a.notDelivered, a.due),
		})
	}
	return out
}
