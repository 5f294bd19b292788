package demo

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// memSink keeps copies of everything it is given.
type memSink struct {
	events []postclear.Event
	decls  []postclear.Declaration
	decs   []postclear.Decision
}

func (s *memSink) Events(_ context.Context, b []postclear.Event) error {
	s.events = append(s.events, b...)
	return nil
}

func (s *memSink) Declarations(_ context.Context, b []postclear.Declaration) error {
	s.decls = append(s.decls, b...)
	return nil
}

func (s *memSink) Decisions(_ context.Context, b []postclear.Decision) error {
	s.decs = append(s.decs, b...)
	return nil
}

func generate(t testing.TB, cfg Config) *memSink {
	t.Helper()
	s := &memSink{}
	st, err := Generate(context.Background(), cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != int64(cfg.Items) || st.Events != int64(len(s.events)) ||
		st.Declarations != int64(len(s.decls)) || st.Decisions != int64(len(s.decs)) {
		t.Fatalf("stats %+v do not match %d items, %d events, %d declarations, %d decisions",
			st, cfg.Items, len(s.events), len(s.decls), len(s.decs))
	}
	return s
}

const testItems = 50_000

// The shared 50,000-item data set: generating it takes well under a second,
// and the rate checks need that many items to be meaningful.
var shared = sync.OnceValue(func() *memSink {
	s := &memSink{}
	if _, err := Generate(context.Background(), Config{Items: testItems, Seed: 1}, s); err != nil {
		panic(err)
	}
	return s
})

func TestRecordsValid(t *testing.T) {
	s := shared()
	now := DefaultNow
	for i, e := range s.events {
		if errs := e.Validate(now); errs != nil {
			t.Fatalf("event %d %+v: %v", i, e, errs)
		}
		if e.EventTime.After(now) {
			t.Fatalf("event %d after Now: %+v", i, e)
		}
	}
	for i, d := range s.decls {
		if errs := d.Validate(now); errs != nil {
			t.Fatalf("declaration %d %+v: %v", i, d, errs)
		}
		if d.ReceivedAt.After(now) {
			t.Fatalf("declaration %d after Now: %+v", i, d)
		}
	}
	for i, d := range s.decs {
		if errs := d.Validate(now); errs != nil {
			t.Fatalf("decision %d %+v: %v", i, d, errs)
		}
		if d.DecidedAt.After(now) {
			t.Fatalf("decision %d after Now: %+v", i, d)
		}
	}
}

func TestKeysUnique(t *testing.T) {
	s := shared()
	type ek struct {
		id, code, office string
		t                time.Time
	}
	events := map[ek]bool{}
	for _, e := range s.events {
		k := ek{e.ItemID, e.EventCode, e.Office, e.EventTime}
		if events[k] {
			t.Fatalf("duplicate event key %+v", k)
		}
		events[k] = true
	}
	type dk struct {
		id string
		t  time.Time
	}
	decls := map[dk]bool{}
	for _, d := range s.decls {
		k := dk{d.ItemID, d.ReceivedAt}
		if decls[k] {
			t.Fatalf("duplicate declaration key %+v", k)
		}
		decls[k] = true
	}
	type ck struct {
		id, decision string
		t            time.Time
	}
	decs := map[ck]bool{}
	for _, d := range s.decs {
		k := ck{d.ItemID, d.Decision, d.DecidedAt}
		if decs[k] {
			t.Fatalf("duplicate decision key %+v", k)
		}
		decs[k] = true
	}
}

// Every item is posted exactly once (postings all lie before Now), so the
// posting events list each item once, and their IDs must all differ.
func TestItemIDs(t *testing.T) {
	s := shared()
	ids := map[string]bool{}
	for _, e := range s.events {
		if e.EventCode != "EMA" {
			continue
		}
		if err := postclear.ValidS10(e.ItemID); err != nil {
			t.Fatalf("%s: %v", e.ItemID, err)
		}
		if e.ItemID[11:] != e.OriginCountry {
			t.Fatalf("%s: country suffix is not the origin %s", e.ItemID, e.OriginCountry)
		}
		if ids[e.ItemID] {
			t.Fatalf("%s posted twice", e.ItemID)
		}
		ids[e.ItemID] = true
	}
	if len(ids) != testItems {
		t.Fatalf("%d distinct posted items, want %d", len(ids), testItems)
	}
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Items: 5000, Seed: 7, BatchSize: 999}
	a, b := generate(t, cfg), generate(t, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same Config differ")
	}
	// Splitting the index range and changing the batch size changes nothing.
	first := generate(t, Config{Items: 2000, Seed: 7})
	second := generate(t, Config{First: 2000, Items: 3000, Seed: 7, BatchSize: 128})
	joined := &memSink{
		events: append(first.events, second.events...),
		decls:  append(first.decls, second.decls...),
		decs:   append(first.decs, second.decs...),
	}
	if !reflect.DeepEqual(a, joined) {
		t.Fatal("generating items 0–1999 and 2000–4999 separately differs from 0–4999 at once")
	}
	other := generate(t, Config{Items: 5000, Seed: 8})
	if reflect.DeepEqual(a.events[:100], other.events[:100]) {
		t.Fatal("seeds 7 and 8 give the same events")
	}
}

func TestSpan(t *testing.T) {
	now := time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)
	from := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	s := generate(t, Config{Items: 2000, Seed: 3, From: from, To: now.Add(48 * time.Hour), Now: now})
	inFlight := 0
	delivered := map[string]bool{}
	for _, e := range s.events {
		if e.EventCode == "EMI" {
			delivered[e.ItemID] = true
		}
	}
	for _, e := range s.events {
		if e.EventCode == "EMA" {
			if e.EventTime.Before(from) || !e.EventTime.Before(now) {
				t.Fatalf("posted at %s, outside [%s, %s)", e.EventTime, from, now)
			}
			if !delivered[e.ItemID] {
				inFlight++
			}
		}
		if e.EventTime.After(now) {
			t.Fatalf("event after Now: %+v", e)
		}
	}
	// Items posted in the last days before Now are still on their way.
	if inFlight == 0 {
		t.Fatal("no item in flight at Now")
	}
}

// item is an item's milestones as DOMAIN.md defines them, computed here with
// plain loops independent of the generator.
type item struct {
	dest, origin, class  string
	posted, arrived      time.Time
	presented, delivered time.Time
	released             time.Time
	ead                  time.Time
	category             string
	inspected, seized    bool
	channel              string
	intervention         bool
}

func milestones(s *memSink) map[string]*item {
	items := map[string]*item{}
	get := func(id string) *item {
		it := items[id]
		if it == nil {
			it = &item{}
			items[id] = it
		}
		return it
	}
	first := func(t *time.Time, v time.Time) {
		if t.IsZero() || v.Before(*t) {
			*t = v
		}
	}
	returned := map[string]time.Time{}
	for _, e := range s.events {
		it := get(e.ItemID)
		it.dest, it.origin, it.class = e.DestinationCountry, e.OriginCountry, e.MailClass
		switch e.EventCode {
		case "EMA":
			first(&it.posted, e.EventTime)
		case "EMD":
			first(&it.arrived, e.EventTime)
		case "EDB":
			first(&it.presented, e.EventTime)
		case "EMI":
			first(&it.delivered, e.EventTime)
		case "EDC":
			r := returned[e.ItemID]
			first(&r, e.EventTime)
			returned[e.ItemID] = r
		}
	}
	for _, d := range s.decls {
		it := get(d.ItemID)
		if it.ead.IsZero() || d.ReceivedAt.Before(it.ead) {
			it.ead, it.category = d.ReceivedAt, d.Category
		}
	}
	for _, d := range s.decs {
		it := get(d.ItemID)
		switch d.Decision {
		case "RELEASE":
			first(&it.released, d.DecidedAt)
		case "INSPECT":
			it.inspected, it.channel = true, d.RiskChannel
		case "SEIZE":
			it.seized = true
		}
		if d.Decision != "RELEASE" {
			it.intervention = true
		}
	}
	for id, r := range returned {
		if it := items[id]; it.released.IsZero() {
			it.released = r
		}
	}
	return items
}

func mouDate(country string) time.Time {
	for _, d := range Destinations {
		if d.Country == country {
			return d.MoUSigned
		}
	}
	panic(country)
}

type ratio struct{ num, den int }

func (r *ratio) add(hit bool) {
	r.den++
	if hit {
		r.num++
	}
}

func (r ratio) rate() float64 { return float64(r.num) / float64(r.den) }

func checkRange(t *testing.T, name string, r ratio, lo, hi float64) {
	t.Helper()
	t.Logf("%-40s %6.3f  (%d / %d)", name, r.rate(), r.num, r.den)
	if r.den < 100 || r.rate() < lo || r.rate() > hi {
		t.Errorf("%s = %.3f over %d, want in [%.2f, %.2f] over at least 100", name, r.rate(), r.den, lo, hi)
	}
}

// TestRates checks that the KPIs over the demo data land where the package
// comment says they do.
func TestRates(t *testing.T) {
	s := shared()
	items := milestones(s)
	var coverBefore, coverAfter, inspected, hitTargeted, hitRandom, hitAll, delivered, noIntervention ratio
	var clearBefore, clearAfter []float64
	for _, it := range items {
		mou := mouDate(it.dest)
		full := mou.Add(mouRamp * time.Second)
		if !it.arrived.IsZero() && it.category != "DOCUMENTS" {
			covered := !it.ead.IsZero() && !it.ead.After(it.arrived)
			switch {
			case it.arrived.Before(mou):
				coverBefore.add(covered)
			case !it.arrived.Before(full):
				coverAfter.add(covered)
			}
		}
		if !it.presented.IsZero() {
			inspected.add(it.inspected)
			if !it.released.IsZero() {
				noIntervention.add(!it.intervention)
			}
		}
		if it.inspected {
			hitAll.add(it.seized)
			switch it.channel {
			case "TARGETED":
				hitTargeted.add(it.seized)
			case "RANDOM":
				hitRandom.add(it.seized)
			}
		}
		if !it.presented.IsZero() && !it.released.IsZero() && !it.released.Before(it.presented) {
			h := it.released.Sub(it.presented).Hours()
			switch {
			case it.released.Before(mou):
				clearBefore = append(clearBefore, h)
			case !it.released.Before(full):
				clearAfter = append(clearAfter, h)
			}
		}
		if !it.posted.IsZero() && it.posted.Before(DefaultNow.AddDate(0, 0, -60)) {
			delivered.add(!it.delivered.IsZero())
		}
	}
	checkRange(t, "EAD coverage before MoU", coverBefore, 0.65, 0.75)
	checkRange(t, "EAD coverage after MoU", coverAfter, 0.85, 0.92)
	checkRange(t, "inspection rate", inspected, 0.02, 0.06)
	checkRange(t, "hit rate, targeted", hitTargeted, 0.10, 0.16)
	checkRange(t, "hit rate, random", hitRandom, 0, 0.04)
	checkRange(t, "hit rate, all", hitAll, 0.05, 0.12)
	checkRange(t, "release without intervention", noIntervention, 0.85, 0.97)
	checkRange(t, "delivered (posted > 60 days ago)", delivered, 0.93, 0.99)

	var completeBefore, completeAfter ratio
	for _, d := range s.decls {
		mou := mouDate(d.DestinationCountry)
		switch {
		case d.ReceivedAt.Before(mou):
			completeBefore.add(d.Complete())
		case !d.ReceivedAt.Before(mou.Add(mouRamp * time.Second)):
			completeAfter.add(d.Complete())
		}
	}
	checkRange(t, "declaration completeness before MoU", completeBefore, 0.6, 0.8)
	checkRange(t, "declaration completeness after MoU", completeAfter, 0.82, 0.95)

	mb, ma := median(clearBefore), median(clearAfter)
	t.Logf("clearance median hours: before %.1f (%d items), after %.1f (%d items)", mb, len(clearBefore), ma, len(clearAfter))
	if !(ma < 0.7*mb) {
		t.Errorf("clearance median after MoU %.1f h is not clearly below %.1f h before", ma, mb)
	}
}

// TestDeliveryTime checks KPI 2 of DOMAIN.md by mail class: EMS fastest,
// letters next, packets and parcels slowest, all below the UPU J+5 standard
// of 80 %, and delivery improving once the MoUs speed up clearance.
func TestDeliveryTime(t *testing.T) {
	items := milestones(shared())
	y, m, d := DefaultNow.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	type acc struct {
		days   []float64
		onTime ratio
	}
	byClass := map[string]*acc{}
	byLane := map[string]*acc{}
	var before, after, held, notHeld ratio
	for _, it := range items {
		if it.posted.IsZero() {
			continue
		}
		var a []*acc
		for _, k := range []struct {
			m   map[string]*acc
			key string
		}{{byClass, it.class}, {byLane, it.origin + "→" + it.dest}} {
			if k.m[k.key] == nil {
				k.m[k.key] = &acc{}
			}
			a = append(a, k.m[k.key])
		}
		if !it.delivered.IsZero() {
			for _, x := range a {
				x.days = append(x.days, it.delivered.Sub(it.posted).Seconds()/86400)
			}
		}
		py, pm, pd := it.posted.UTC().Date()
		due := time.Date(py, pm, pd+5, 0, 0, 0, 0, time.UTC) // J + 5
		if !due.Before(today) {
			continue // still inside its window
		}
		onTime := false
		if !it.delivered.IsZero() {
			dy, dm, dd := it.delivered.UTC().Date()
			onTime = !time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC).After(due)
		}
		for _, x := range a {
			x.onTime.add(onTime)
		}
		if !it.presented.IsZero() {
			if it.intervention {
				held.add(onTime)
			} else {
				notHeld.add(onTime)
			}
		}
		mou := mouDate(it.dest)
		switch {
		case it.posted.Before(mou):
			before.add(onTime)
		case !it.posted.Before(mou.Add(mouRamp * time.Second)):
			after.add(onTime)
		}
	}
	want := []struct {
		class          string
		medLo, medHi   float64
		rateLo, rateHi float64
	}{
		{"EMS", 3.5, 4.5, 0.70, 0.85},
		{"LETTER", 5, 6, 0.40, 0.55},
		{"PACKET", 6, 7, 0.30, 0.45},
		{"PARCEL", 6, 8, 0.25, 0.40},
	}
	for _, w := range want {
		a := byClass[w.class]
		med := median(a.days)
		t.Logf("%-7s median %.2f days over %d delivered", w.class, med, len(a.days))
		if med < w.medLo || med > w.medHi {
			t.Errorf("%s median delivery %.2f days, want in [%.1f, %.1f]", w.class, med, w.medLo, w.medHi)
		}
		checkRange(t, w.class+" on time J+5", a.onTime, w.rateLo, w.rateHi)
	}
	for _, l := range Lanes {
		a := byLane[l.Origin+"→"+l.Destination]
		t.Logf("%s→%s median %.2f days, on time %.3f (%d)", l.Origin, l.Destination, median(a.days), a.onTime.rate(), a.onTime.den)
	}
	// Nearby lanes are faster than long ones through a transit hub.
	if near, far := byLane["FR→MA"].onTime.rate(), byLane["CN→KE"].onTime.rate(); !(near > far+0.1) {
		t.Errorf("on time FR→MA %.3f is not clearly above CN→KE %.3f", near, far)
	}
	t.Logf("on time: presented without intervention %.3f, with %.3f; posted before MoU %.3f, after %.3f",
		notHeld.rate(), held.rate(), before.rate(), after.rate())
	if !(held.rate() < notHeld.rate()-0.1) {
		t.Errorf("items with customs intervention on time %.3f, not clearly below %.3f", held.rate(), notHeld.rate())
	}
	if !(after.rate() > before.rate()+0.02) {
		t.Errorf("on time after MoU %.3f is not a few points above %.3f before", after.rate(), before.rate())
	}
}

func median(x []float64) float64 {
	slices.Sort(x)
	return x[len(x)/2]
}

// TestCalendar checks the weekday and seasonal shape of posting volumes.
func TestCalendar(t *testing.T) {
	s := shared()
	var weekday [7]int
	var month [13]int
	for _, e := range s.events {
		if e.EventCode == "EMA" {
			weekday[e.EventTime.Weekday()]++
			month[e.EventTime.Month()]++
		}
	}
	t.Logf("postings by weekday (Sun..Sat): %v; by month: %v", weekday, month[1:])
	if !(weekday[time.Sunday]*3 < weekday[time.Monday]) {
		t.Errorf("Sunday %d is not far below Monday %d", weekday[time.Sunday], weekday[time.Monday])
	}
	// The default span (June 2024 – November 2025) holds two of each.
	if !(float64(month[time.November]) > 1.2*float64(month[time.September])) {
		t.Errorf("no November peak: November %d, September %d", month[time.November], month[time.September])
	}
}

type discard struct{}

func (discard) Events(context.Context, []postclear.Event) error             { return nil }
func (discard) Declarations(context.Context, []postclear.Declaration) error { return nil }
func (discard) Decisions(context.Context, []postclear.Decision) error       { return nil }

// BenchmarkGenerate measures generation alone; -benchtime=20000000x runs
// the 20 M-item size.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	st, err := Generate(context.Background(), Config{Items: b.N, Seed: 1}, discard{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(st.Events+st.Declarations+st.Decisions)/float64(b.N), "records/item")
}
