package kpioracle

import (
	"slices"
	"sort"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// reached reports whether milestone t exists and is at or before asOf.
func reached(t *time.Time, asOf time.Time) bool { return t != nil && !t.After(asOf) }

// OpenAt is DOMAIN.md 9: the stage it is open in at asOf and when it
// entered it; ok is false when the item is open in none.
func OpenAt(it *Item, asOf time.Time) (stage postclear.BacklogStage, entered time.Time, ok bool) {
	switch {
	case reached(it.Closed, asOf):
		return "", time.Time{}, false
	case reached(it.Released, asOf):
		return postclear.AwaitingDelivery, *it.Released, true
	case reached(it.Presented, asOf):
		return postclear.InCustoms, *it.Presented, true
	case reached(it.Arrived, asOf):
		return postclear.AwaitingPresentation, *it.Arrived, true
	}
	return "", time.Time{}, false
}

// ageHours is (asOf − entered) / 3600 s, from whole seconds.
func ageHours(asOf, entered time.Time) float64 {
	return float64(asOf.Unix()-entered.Unix()) / 3600
}

// Backlog is KPI 9 at asOf: per group and stage, items, age percentiles,
// the largest age and the items older than each of ages. The filter's
// dates apply to the entry time.
func Backlog(r Records, q postclear.KPIQuery, asOf time.Time, ages []float64) []postclear.BacklogStat {
	type group struct {
		key   postclear.GroupKey
		stage postclear.BacklogStage
		ages  []float64
	}
	byID := map[string]*group{}
	var out []*group
	for _, it := range sortedItems(r.Items()) {
		stage, entered, ok := OpenAt(it, asOf)
		if !ok || !passes(q, itemAttrs(it), entered) {
			continue
		}
		k := keyOf(q, itemAttrs(it), entered)
		gid := id(k, string(stage))
		g := byID[gid]
		if g == nil {
			g = &group{key: k, stage: stage}
			byID[gid] = g
			out = append(out, g)
		}
		g.ages = append(g.ages, ageHours(asOf, entered))
	}
	// Groups in key order, then stages in the order of the enum.
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if less(a.key, b.key, "", "") || less(b.key, a.key, "", "") {
			return less(a.key, b.key, "", "")
		}
		return slices.Index(postclear.BacklogStages, a.stage) < slices.Index(postclear.BacklogStages, b.stage)
	})
	var stats []postclear.BacklogStat
	for _, g := range out {
		s := postclear.BacklogStat{Key: g.key, Stage: g.stage, Items: int64(len(g.ages)),
			P50AgeHours: pct(g.ages, 0.5), P90AgeHours: pct(g.ages, 0.9), MaxAgeHours: ptr(slices.Max(g.ages))}
		for _, h := range ages {
			n := 0
			for _, a := range g.ages {
				if a > h {
					n++
				}
			}
			s.OlderThan = append(s.OlderThan, postclear.AgeCount{Hours: h, Items: int64(n)})
		}
		stats = append(stats, s)
	}
	return stats
}

// OpenItems lists the items open in stage at asOf that pass q (its
// dates apply to the entry time) and are older than olderThan hours when
// it is set: oldest first, then by item id.
func OpenItems(r Records, q postclear.KPIQuery, asOf time.Time, stage postclear.BacklogStage, olderThan *float64) []postclear.OpenItem {
	var out []postclear.OpenItem
	for _, it := range r.Items() {
		s, entered, ok := OpenAt(it, asOf)
		if !ok || s != stage || !passes(q, itemAttrs(it), entered) {
			continue
		}
		age := ageHours(asOf, entered)
		if olderThan != nil && !(age > *olderThan) {
			continue
		}
		out = append(out, postclear.OpenItem{ItemID: it.ID, OriginCountry: it.Origin, DestinationCountry: it.Destination,
			MailClass: it.MailClass, Office: it.Office, Category: it.Category, EnteredAt: entered, AgeHours: age})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].EnteredAt.Equal(out[j].EnteredAt) {
			return out[i].EnteredAt.Before(out[j].EnteredAt)
		}
		return out[i].ItemID < out[j].ItemID
	})
	return out
}

// ItemOf is the item id as a caller with scope sees it: nil when nothing
// is stored for it, or when the scope is restricted and the item's
// destination is not one of its countries (or unknown). Records are the
// first stored copy of each key, in time order, ties in key order.
func ItemOf(r Records, id string, scope postclear.Scope) *postclear.Item {
	it := r.Items()[id]
	if it == nil {
		return nil
	}
	if scope.Restricted && (it.Destination == nil || !slices.Contains(scope.Countries, *it.Destination)) {
		return nil
	}
	out := &postclear.Item{ItemID: id, OriginCountry: it.Origin, DestinationCountry: it.Destination, MailClass: it.MailClass,
		Office: it.Office, Category: it.Category,
		Milestones: postclear.ItemMilestones{PostedAt: it.Posted, DepartedOriginAt: it.DepartedOrigin, ArrivedAt: it.Arrived,
			PresentedAt: it.Presented, ReleasedAt: it.Released, DepartedInwardAt: it.DepartedInward, DeliveredAt: it.Delivered,
			ClosedAt: it.Closed, EadAt: it.EAD, RequestedAt: it.Requested, InspectedAt: it.InspectedAt, InspectionChannel: it.InspectionChannel},
	}
	d := r.Dedupe()
	out.Events = ofItem(d.Events, id, func(e *postclear.Event) (string, *time.Time) { return e.ItemID, &e.EventTime },
		func(a, b *postclear.Event) bool {
			return a.EventCode < b.EventCode || a.EventCode == b.EventCode && a.Office < b.Office
		})
	out.Declarations = ofItem(d.Declarations, id, func(c *postclear.Declaration) (string, *time.Time) { return c.ItemID, &c.ReceivedAt },
		func(a, b *postclear.Declaration) bool { return false })
	out.Decisions = ofItem(d.Decisions, id, func(c *postclear.Decision) (string, *time.Time) { return c.ItemID, &c.DecidedAt },
		func(a, b *postclear.Decision) bool { return a.Decision < b.Decision })
	return out
}

// ofItem returns the records of item id among recs (key is a record's item
// and its time), times in UTC, in time order, ties ordered by less.
func ofItem[T any](recs []T, id string, key func(*T) (string, *time.Time), less func(a, b *T) bool) []T {
	out := []T{}
	for _, r := range recs {
		if item, at := key(&r); item == id {
			*at = at.UTC()
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		_, a := key(&out[i])
		_, b := key(&out[j])
		if !a.Equal(*b) {
			return a.Before(*b)
		}
		return less(&out[i], &out[j])
	})
	return out
}
