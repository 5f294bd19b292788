// Package kpioracle computes the KPIs of DOMAIN.md in plain Go, straight
// from raw records, as the independent reference the analytics tests
// compare the SQL with. It is written as a direct transcription of the
// definitions (loops over records, the percentile formula, calendar
// arithmetic) and shares no code with package analytics, so that a
// mistake in one is not repeated in the other. It is slow and meant for
// tests only.
package kpioracle

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Records is everything stored, in the order it was stored; a record whose
// key was seen before is ignored, as the warehouse does.
type Records struct {
	Events       []postclear.Event
	Declarations []postclear.Declaration
	Decisions    []postclear.Decision
}

// Item is an item's milestones (DOMAIN.md, "Item milestones").
type Item struct {
	ID                                                   string
	Origin, Destination, MailClass, Office, Category     *string
	Posted, Arrived, Presented, Released, Delivered, EAD *time.Time
	Inspected, Seized, Intervened                        bool
	// FirstSeizure is the first SEIZE decision per seizure category.
	FirstSeizure map[string]time.Time

	// DOMAIN.md "More item milestones".
	DepartedOrigin, DepartedInward, Requested, InspectedAt, Closed *time.Time
	InspectionChannel                                              *string
	// CustomsSecs is released − presented in seconds when both exist and
	// released ≥ presented, else 0.
	CustomsSecs int64
	// Duty: a decision with duty_amount > 0; Returned: a RETURN decision.
	Duty, Returned bool
}

// Dedupe keeps the first copy of every record key.
func (r Records) Dedupe() Records {
	var out Records
	seenE := map[string]bool{}
	for _, e := range r.Events {
		k := strings.Join([]string{e.ItemID, e.EventCode, e.EventTime.UTC().String(), e.Office}, "|")
		if !seenE[k] {
			seenE[k] = true
			out.Events = append(out.Events, e)
		}
	}
	seenD := map[string]bool{}
	for _, d := range r.Declarations {
		k := d.ItemID + "|" + d.ReceivedAt.UTC().String()
		if !seenD[k] {
			seenD[k] = true
			out.Declarations = append(out.Declarations, d)
		}
	}
	seenC := map[string]bool{}
	for _, d := range r.Decisions {
		k := d.ItemID + "|" + d.DecidedAt.UTC().String() + "|" + d.Decision
		if !seenC[k] {
			seenC[k] = true
			out.Decisions = append(out.Decisions, d)
		}
	}
	return out
}

func earlier(t time.Time, cur *time.Time) bool { return cur == nil || t.Before(*cur) }

func ptr[T any](v T) *T { return &v }

// Items computes every item's milestones from the (deduplicated) records.
func (r Records) Items() map[string]*Item {
	r = r.Dedupe()
	items := map[string]*Item{}
	get := func(id string) *Item {
		it := items[id]
		if it == nil {
			it = &Item{ID: id, FirstSeizure: map[string]time.Time{}}
			items[id] = it
		}
		return it
	}
	firstEvent := map[string]postclear.Event{}
	var returned = map[string]time.Time{}
	var arrivalOffice = map[string]string{}
	for _, e := range r.Events {
		it := get(e.ItemID)
		t := e.EventTime.UTC()
		if fe, ok := firstEvent[e.ItemID]; !ok || t.Before(fe.EventTime) || t.Equal(fe.EventTime) && (e.EventCode < fe.EventCode || e.EventCode == fe.EventCode && e.Office < fe.Office) {
			e.EventTime = t
			firstEvent[e.ItemID] = e
		}
		switch e.EventCode {
		case "EMA":
			if earlier(t, it.Posted) {
				it.Posted = ptr(t)
			}
		case "EMD":
			if earlier(t, it.Arrived) || t.Equal(*it.Arrived) && e.Office < arrivalOffice[e.ItemID] {
				it.Arrived = ptr(t)
				arrivalOffice[e.ItemID] = e.Office
			}
		case "EDB":
			if earlier(t, it.Presented) {
				it.Presented = ptr(t)
			}
		case "EMI":
			if earlier(t, it.Delivered) {
				it.Delivered = ptr(t)
			}
		case "EDC":
			if cur, ok := returned[e.ItemID]; !ok || t.Before(cur) {
				returned[e.ItemID] = t
			}
		}
	}
	for id, e := range firstEvent {
		it := items[id]
		it.Origin, it.Destination, it.MailClass = ptr(e.OriginCountry), ptr(e.DestinationCountry), ptr(e.MailClass)
	}
	for id, o := range arrivalOffice {
		items[id].Office = ptr(o)
	}
	for _, d := range r.Declarations {
		it := get(d.ItemID)
		t := d.ReceivedAt.UTC()
		if earlier(t, it.EAD) {
			it.EAD = ptr(t)
			it.Category = ptr(d.Category)
		}
	}
	for _, d := range r.Decisions {
		it := get(d.ItemID)
		t := d.DecidedAt.UTC()
		switch d.Decision {
		case "RELEASE":
			if earlier(t, it.Released) {
				it.Released = ptr(t)
			}
		case "INSPECT":
			it.Inspected = true
		case "SEIZE":
			it.Seized = true
			if cur, ok := it.FirstSeizure[d.SeizureCategory]; !ok || t.Before(cur) {
				it.FirstSeizure[d.SeizureCategory] = t
			}
		}
		if slices.Contains(postclear.InterventionDecisions, d.Decision) {
			it.Intervened = true
		}
	}
	for id, t := range returned {
		if it := items[id]; it.Released == nil {
			it.Released = ptr(t)
		}
	}
	r.moreMilestones(items)
	return items
}

// moreMilestones adds DOMAIN.md's "More item milestones" to items, from
// deduplicated records (the first stored copy of each key).
func (r Records) moreMilestones(items map[string]*Item) {
	first := func(cur **time.Time, t time.Time) bool {
		if earlier(t, *cur) {
			*cur = ptr(t)
			return true
		}
		return false
	}
	terminated := map[string]time.Time{}
	for _, e := range r.Events {
		it, t := items[e.ItemID], e.EventTime.UTC()
		switch e.EventCode {
		case "EMC":
			first(&it.DepartedOrigin, t)
		case "EMF":
			first(&it.DepartedInward, t)
		case "EDX":
			if cur, ok := terminated[e.ItemID]; !ok || t.Before(cur) {
				terminated[e.ItemID] = t
			}
		}
	}
	closing := map[string]time.Time{}
	for _, d := range r.Decisions {
		it, t := items[d.ItemID], d.DecidedAt.UTC()
		switch d.Decision {
		case "HOLD", "REQUEST_INFO":
			first(&it.Requested, t)
		case "INSPECT":
			first(&it.Requested, t)
			// Two INSPECT decisions at one instant are one key: the
			// first stored copy (kept by Dedupe) is the decision.
			if first(&it.InspectedAt, t) {
				it.InspectionChannel = ptr(d.RiskChannel)
			}
		case "SEIZE", "RETURN", "DO_NOT_LOAD":
			if cur, ok := closing[d.ItemID]; !ok || t.Before(cur) {
				closing[d.ItemID] = t
			}
		}
		if d.Decision == "RETURN" {
			it.Returned = true
		}
		if d.DutyAmount.Sign() > 0 {
			it.Duty = true
		}
	}
	for id, it := range items {
		for _, t := range []*time.Time{it.Delivered, opt(closing, id), opt(terminated, id)} {
			if t != nil && earlier(*t, it.Closed) {
				it.Closed = ptr(*t)
			}
		}
		if it.Presented != nil && it.Released != nil && !it.Released.Before(*it.Presented) {
			it.CustomsSecs = int64(it.Released.Sub(*it.Presented) / time.Second)
		}
	}
}

func opt(m map[string]time.Time, k string) *time.Time {
	if t, ok := m[k]; ok {
		return &t
	}
	return nil
}

// Percentile is DOMAIN.md's linear interpolation between closest ranks.
func Percentile(x []float64, p float64) float64 {
	s := slices.Clone(x)
	sort.Float64s(s)
	h := float64(len(s)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[i]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}

// BucketOf is the first day of t's bucket in UTC.
func BucketOf(t time.Time, g postclear.Granularity) time.Time {
	return bucketIn(t, g, time.UTC)
}

// bucketIn is the first day of the bucket of t's calendar date in loc, as
// a date (midnight UTC).
func bucketIn(t time.Time, g postclear.Granularity, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	switch g {
	case postclear.Day:
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case postclear.Week:
		back := map[time.Weekday]int{time.Monday: 0, time.Tuesday: 1, time.Wednesday: 2, time.Thursday: 3, time.Friday: 4, time.Saturday: 5, time.Sunday: 6}[t.Weekday()]
		return time.Date(y, m, d-back, 0, 0, 0, 0, time.UTC)
	case postclear.Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case postclear.Quarter:
		qm := map[time.Month]time.Month{1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4, 7: 7, 8: 7, 9: 7, 10: 10, 11: 10, 12: 10}[m]
		return time.Date(y, qm, 1, 0, 0, 0, 0, time.UTC)
	case postclear.Year:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	panic("granularity " + string(g))
}

// NextBucket is the first day of the bucket after the one starting at b.
func NextBucket(b time.Time, g postclear.Granularity) time.Time {
	return BucketOf(b.AddDate(0, 0, map[postclear.Granularity]int{postclear.Day: 1, postclear.Week: 7, postclear.Month: 31, postclear.Quarter: 92, postclear.Year: 366}[g]), g)
}

// PrevBucket is the first day of the bucket before the one starting at b.
func PrevBucket(b time.Time, g postclear.Granularity) time.Time {
	return BucketOf(b.AddDate(0, 0, -1), g)
}

// dimensions are the group dimensions of docs/domain.md, in the order of
// its list (the order result keys are sorted by).
var dimensions = []postclear.Dimension{postclear.DimOriginCountry, postclear.DimDestinationCountry, postclear.DimMailClass, postclear.DimOffice, postclear.DimCategory, postclear.DimRiskChannel}

// zone is the query's time zone (docs/domain.md, "Time zone"): UTC when
// it names none.
func zone(q postclear.KPIQuery) *time.Location {
	if q.TimeZone == "" {
		return time.UTC
	}
	if l, ok := zones.Load(q.TimeZone); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(q.TimeZone)
	if err != nil {
		panic(err)
	}
	zones.Store(q.TimeZone, l)
	return l
}

var zones sync.Map

// dateIn is the calendar date of t in the query's zone, as midnight UTC,
// the form of the filter's dates.
func dateIn(q postclear.KPIQuery, t time.Time) time.Time {
	return bucketIn(t, postclear.Day, zone(q))
}

// attrs are the values a population member is grouped and filtered by.
type attrs struct {
	origin, destination, mailClass, office, category, riskChannel *string
}

// itemAttrs are an item's attributes; its risk channel is that of its
// first inspection, or NOT_INSPECTED. (Declarations have none.)
func itemAttrs(it *Item) attrs {
	channel := ptr("NOT_INSPECTED")
	if it.InspectionChannel != nil {
		channel = it.InspectionChannel
	}
	return attrs{it.Origin, it.Destination, it.MailClass, it.Office, it.Category, channel}
}

func (a attrs) get(d postclear.Dimension) *string {
	switch d {
	case postclear.DimOriginCountry:
		return a.origin
	case postclear.DimDestinationCountry:
		return a.destination
	case postclear.DimMailClass:
		return a.mailClass
	case postclear.DimOffice:
		return a.office
	case postclear.DimCategory:
		return a.category
	}
	return a.riskChannel
}

func filterList(f postclear.AnalyticsFilter, d postclear.Dimension) []string {
	switch d {
	case postclear.DimOriginCountry:
		return f.OriginCountries
	case postclear.DimDestinationCountry:
		return f.DestinationCountries
	case postclear.DimMailClass:
		return f.MailClasses
	case postclear.DimOffice:
		return f.Offices
	case postclear.DimCategory:
		return f.Categories
	}
	return nil // RISK_CHANNEL has no filter list
}

// passes reports whether a member with attributes a, attributed at t, is
// in the query's population: the date of t in the query's zone is in
// [from, to). A restricted scope admits only members whose destination is
// one of its countries (DOMAIN.md, "Who sees what").
func passes(q postclear.KPIQuery, a attrs, t time.Time) bool {
	if d := dateIn(q, t); d.Before(q.Filter.From) || !d.Before(q.Filter.To) {
		return false
	}
	if q.Scope.Restricted && (a.destination == nil || !slices.Contains(q.Scope.Countries, *a.destination)) {
		return false
	}
	for _, d := range dimensions {
		list := filterList(q.Filter, d)
		if len(list) == 0 {
			continue
		}
		v := a.get(d)
		if v == nil || !slices.Contains(list, *v) {
			return false
		}
	}
	return true
}

// keyOf is the group a member falls in.
func keyOf(q postclear.KPIQuery, a attrs, t time.Time) postclear.GroupKey {
	var k postclear.GroupKey
	if q.Granularity != nil {
		k.Period = ptr(bucketIn(t, *q.Granularity, zone(q)))
	}
	for _, d := range q.GroupBy {
		v := a.get(d)
		switch d {
		case postclear.DimOriginCountry:
			k.OriginCountry = v
		case postclear.DimDestinationCountry:
			k.DestinationCountry = v
		case postclear.DimMailClass:
			k.MailClass = v
		case postclear.DimOffice:
			k.Office = v
		case postclear.DimCategory:
			k.Category = v
		case postclear.DimRiskChannel:
			k.RiskChannel = v
		}
	}
	return k
}

func str(p *string) string {
	if p == nil {
		return "\x00null"
	}
	return *p
}

// id renders a key (and extra, the seizure category) as a map key.
func id(k postclear.GroupKey, extra string) string {
	p := ""
	if k.Period != nil {
		p = k.Period.Format(time.DateOnly)
	}
	return strings.Join([]string{p, str(k.OriginCountry), str(k.DestinationCountry), str(k.MailClass), str(k.Office), str(k.Category), str(k.RiskChannel), extra}, "|")
}

// less orders keys by period, then dimensions in Dimension order with nulls
// last, then extra.
func less(a, b postclear.GroupKey, ea, eb string) bool {
	if a.Period != nil && !a.Period.Equal(*b.Period) {
		return a.Period.Before(*b.Period)
	}
	pairs := [][2]*string{{a.OriginCountry, b.OriginCountry}, {a.DestinationCountry, b.DestinationCountry}, {a.MailClass, b.MailClass}, {a.Office, b.Office}, {a.Category, b.Category}, {a.RiskChannel, b.RiskChannel}}
	for _, p := range pairs {
		x, y := p[0], p[1]
		if x == nil && y == nil {
			continue
		}
		if x == nil {
			return false
		}
		if y == nil {
			return true
		}
		if *x != *y {
			return *x < *y
		}
	}
	return ea < eb
}

// groups collects members per key, remembering keys in first-seen order.
type groups[T any] struct {
	keys   []postclear.GroupKey
	extras []string
	m      map[string]*T
	// enum, when set, lists the extras in the order rows follow (a
	// channel, a rule); otherwise extras sort as strings.
	enum []string
}

func newGroups[T any]() *groups[T] { return &groups[T]{m: map[string]*T{}} }

func (g *groups[T]) at(k postclear.GroupKey, extra string) *T {
	s := id(k, extra)
	v := g.m[s]
	if v == nil {
		v = new(T)
		g.m[s] = v
		g.keys = append(g.keys, k)
		g.extras = append(g.extras, extra)
	}
	return v
}

// fill adds every bucket of [from, to) for every group key seen, when the
// query asks for it.
func (g *groups[T]) fill(q postclear.KPIQuery) {
	if !q.FillGaps || q.Granularity == nil {
		return
	}
	n := len(g.keys)
	for i := 0; i < n; i++ {
		for b := BucketOf(q.Filter.From, *q.Granularity); b.Before(q.Filter.To); b = NextBucket(b, *q.Granularity) {
			k := g.keys[i]
			k.Period = ptr(b)
			g.at(k, g.extras[i])
		}
	}
}

// sorted returns the indices of keys in result order.
func (g *groups[T]) sorted() []int {
	idx := make([]int, len(g.keys))
	for i := range idx {
		idx[i] = i
	}
	extra := func(i int) string {
		if g.enum == nil {
			return g.extras[i]
		}
		return string(rune('A' + slices.Index(g.enum, g.extras[i])))
	}
	sort.Slice(idx, func(a, b int) bool {
		return less(g.keys[idx[a]], g.keys[idx[b]], extra(idx[a]), extra(idx[b]))
	})
	return idx
}

func sortedItems(items map[string]*Item) []*Item {
	out := make([]*Item, 0, len(items))
	for _, it := range items {
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	return ptr(float64(num) / float64(den))
}

func mean(x []float64) *float64 {
	if len(x) == 0 {
		return nil
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return ptr(s / float64(len(x)))
}

func pct(x []float64, p float64) *float64 {
	if len(x) == 0 {
		return nil
	}
	return ptr(Percentile(x, p))
}

// Clearance is KPI 1.
func Clearance(r Records, q postclear.KPIQuery, targetHours float64) []postclear.ClearanceStat {
	g := newGroups[[]float64]()
	for _, it := range sortedItems(r.Items()) {
		if it.Presented == nil || it.Released == nil || it.Released.Before(*it.Presented) || !passes(q, itemAttrs(it), *it.Released) {
			continue
		}
		h := g.at(keyOf(q, itemAttrs(it), *it.Released), "")
		*h = append(*h, it.Released.Sub(*it.Presented).Hours())
	}
	g.fill(q)
	var out []postclear.ClearanceStat
	for _, i := range g.sorted() {
		hours := *g.m[id(g.keys[i], "")]
		within := 0
		for _, h := range hours {
			if h <= targetHours {
				within++
			}
		}
		out = append(out, postclear.ClearanceStat{
			Key: g.keys[i], Items: int64(len(hours)), MeanHours: mean(hours),
			P50Hours: pct(hours, 0.5), P90Hours: pct(hours, 0.9), P95Hours: pct(hours, 0.95),
			WithinTargetRate: ratio(within, len(hours)),
		})
	}
	return out
}

// Compliance is KPI 3.
func Compliance(r Records, q postclear.KPIQuery) []postclear.ComplianceStat {
	type acc struct {
		arrived, eadPop, covered, decls, complete, presented, inspected, hits, released, clean int
	}
	g := newGroups[acc]()
	items := sortedItems(r.Items())
	for _, it := range items {
		if it.Arrived != nil && passes(q, itemAttrs(it), *it.Arrived) {
			a := g.at(keyOf(q, itemAttrs(it), *it.Arrived), "")
			a.arrived++
			if it.Category == nil || *it.Category != "DOCUMENTS" {
				a.eadPop++
				if it.EAD != nil && !it.EAD.After(*it.Arrived) {
					a.covered++
				}
			}
		}
		if it.Presented != nil && passes(q, itemAttrs(it), *it.Presented) {
			a := g.at(keyOf(q, itemAttrs(it), *it.Presented), "")
			a.presented++
			if it.Inspected {
				a.inspected++
				if it.Seized {
					a.hits++
				}
			}
			if it.Released != nil {
				a.released++
				if !it.Intervened {
					a.clean++
				}
			}
		}
	}
	for _, d := range r.Dedupe().Declarations {
		da := attrs{origin: ptr(d.OriginCountry), destination: ptr(d.DestinationCountry), mailClass: ptr(d.MailClass), category: ptr(d.Category)}
		if !passes(q, da, d.ReceivedAt.UTC()) {
			continue
		}
		a := g.at(keyOf(q, da, d.ReceivedAt.UTC()), "")
		a.decls++
		if d.Complete() {
			a.complete++
		}
	}
	g.fill(q)
	var out []postclear.ComplianceStat
	for _, i := range g.sorted() {
		a := g.m[id(g.keys[i], "")]
		out = append(out, postclear.ComplianceStat{
			Key: g.keys[i], ItemsArrived: int64(a.arrived), EadCoverage: ratio(a.covered, a.eadPop),
			Declarations: int64(a.decls), DeclarationCompleteness: ratio(a.complete, a.decls),
			ItemsPresented: int64(a.presented), InspectionRate: ratio(a.inspected, a.presented),
			HitRate: ratio(a.hits, a.inspected), ReleaseWithoutInterventionRate: ratio(a.clean, a.released),
		})
	}
	return out
}

// Seizures is KPI 4. The previous bucket's count is over the whole
// calendar bucket, also when it lies before from.
func Seizures(r Records, q postclear.KPIQuery) []postclear.SeizureStat {
	items := sortedItems(r.Items())
	g := newGroups[int]()
	allTime := map[string]int{} // by bucket key and category, any date
	presented := map[string]int{}
	for _, it := range items {
		a := itemAttrs(it)
		for cat, t := range it.FirstSeizure {
			if q.Granularity != nil {
				wide := q
				wide.Filter.From, wide.Filter.To = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), q.Filter.To
				if passes(wide, a, t) {
					allTime[id(keyOf(q, a, t), cat)]++
				}
			}
			if passes(q, a, t) {
				*g.at(keyOf(q, a, t), cat)++
			}
		}
		if it.Presented != nil && passes(q, a, *it.Presented) {
			presented[id(keyOf(q, a, *it.Presented), "")]++
		}
	}
	g.fill(q)
	var out []postclear.SeizureStat
	for _, i := range g.sorted() {
		k, cat := g.keys[i], g.extras[i]
		n := *g.m[id(k, cat)]
		s := postclear.SeizureStat{Key: k, SeizureCategory: cat, Seizures: int64(n)}
		if p := presented[id(k, "")]; p > 0 {
			s.PerTenThousandItems = ptr(10000 * float64(n) / float64(p))
		}
		if q.Granularity != nil {
			prev := k
			prev.Period = ptr(PrevBucket(*k.Period, *q.Granularity))
			if p := allTime[id(prev, cat)]; p > 0 {
				s.ChangeFromPreviousPeriod = ptr(float64(n)/float64(p) - 1)
			}
		}
		out = append(out, s)
	}
	return out
}
