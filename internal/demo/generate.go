package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// DefaultNow is the generation time used when Config.Now is zero, so that
// tests and fixtures do not depend on the wall clock.
var DefaultNow = time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC)

// DefaultBatchSize is the number of records handed to the sink at once.
const DefaultBatchSize = 50_000

// MaxItems bounds First+Items: item serial numbers are a permutation of the
// 10^8 eight-digit S10 serials, which is what makes every ID unique.
const MaxItems = 100_000_000

// Config says what to generate. The same Config always yields the same
// records in the same order.
type Config struct {
	// Items is the number of items to generate.
	Items int
	// First is the index of the first item. Generate(First: 0, Items: n)
	// and Generate(First: n, Items: m) together give exactly the items of
	// Generate(First: 0, Items: n+m), so work can be split across workers.
	First int
	// From and To bound the posting times (To exclusive). Zero values mean
	// the 18 months before Now; To is capped at Now.
	From, To time.Time
	// Seed selects the data set.
	Seed int64
	// Now is the generation time: no record lies after it, items posted
	// shortly before are still in transit. Zero means DefaultNow.
	Now time.Time
	// BatchSize is the largest batch handed to the sink; zero means
	// DefaultBatchSize.
	BatchSize int
}

// Sink receives the generated records in batches. A batch is reused after
// the call returns, so a sink must copy what it keeps.
type Sink interface {
	Events(ctx context.Context, batch []postclear.Event) error
	Declarations(ctx context.Context, batch []postclear.Declaration) error
	Decisions(ctx context.Context, batch []postclear.Decision) error
}

// Stats counts what Generate handed to the sink.
type Stats struct {
	Items, Events, Declarations, Decisions int64
}

// Generate generates cfg.Items items and streams their records to sink in
// batches of at most cfg.BatchSize records of one kind. Memory use does not
// grow with cfg.Items.
func Generate(ctx context.Context, cfg Config, sink Sink) (Stats, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Stats{}, fmt.Errorf("demo: %w", err)
	}
	w, err := newWorld(cfg)
	if err != nil {
		return Stats{}, fmt.Errorf("demo: %w", err)
	}
	g := newGen(cfg, w, sink)
	for i := cfg.First; i < cfg.First+cfg.Items; i++ {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return g.stats, fmt.Errorf("demo: %w", err)
			}
		}
		g.item(i)
		g.stats.Items++
		if err := g.flush(ctx, false); err != nil {
			return g.stats, err
		}
	}
	err = g.flush(ctx, true)
	return g.stats, err
}

func (c Config) withDefaults() (Config, error) {
	if c.Now.IsZero() {
		c.Now = DefaultNow
	}
	c.Now = c.Now.UTC().Truncate(time.Second)
	if c.To.IsZero() || c.To.After(c.Now) {
		c.To = c.Now
	}
	if c.From.IsZero() {
		c.From = c.To.AddDate(0, -18, 0)
	}
	c.From, c.To = c.From.UTC().Truncate(time.Second), c.To.UTC().Truncate(time.Second)
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	switch {
	case c.Items < 0 || c.First < 0:
		return c, errors.New("negative item count or index")
	case c.First+c.Items > MaxItems:
		return c, fmt.Errorf("at most %d items", MaxItems)
	case !c.From.Before(c.To):
		return c, fmt.Errorf("empty posting span %s to %s", c.From.Format(time.RFC3339), c.To.Format(time.RFC3339))
	case c.From.Year() < postclear.MinTimestampYear:
		return c, fmt.Errorf("posting span starts before %d", postclear.MinTimestampYear)
	}
	return c, nil
}

// Indices of the mail classes and content categories, so that the hot path
// works with small integers and fixed tables instead of string lookups.
const (
	classLetter = iota
	classPacket
	classParcel
	classEMS
)

var classNames = [4]string{"LETTER", "PACKET", "PARCEL", "EMS"}

// S10 service indicators by class: registered letter, tracked packet,
// parcel, EMS.
var classPrefix = [4]string{"RR", "LX", "CP", "EE"}

const (
	catGift = iota
	catDocuments
	catSale
	catReturned
	catSample
	catOther
	numCategories
)

var catNames = [numCategories]string{"GIFT", "DOCUMENTS", "SALE_OF_GOODS", "RETURNED_GOODS", "COMMERCIAL_SAMPLE", "OTHER"}

// picker draws from a categorical distribution by a uniform number.
type picker struct {
	values []string
	cum    []float64 // cumulative weights normalised to end at 1
}

func newPicker[T any](items []T, value func(T) string, weight func(T) float64) picker {
	var p picker
	total := 0.0
	for _, it := range items {
		total += weight(it)
	}
	acc := 0.0
	for _, it := range items {
		acc += weight(it)
		p.values = append(p.values, value(it))
		p.cum = append(p.cum, acc/total)
	}
	return p
}

func officePicker(offices []Office) picker {
	return newPicker(offices, func(o Office) string { return o.Code }, func(o Office) float64 { return o.Weight })
}

func (p *picker) pick(u float64) string { return p.values[pickIndex(p.cum, u)] }

// pickIndex returns the first index whose cumulative weight exceeds u; the
// lists are short, so a scan beats a binary search.
func pickIndex(cum []float64, u float64) int {
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

func cumulative(weights []float64) []float64 {
	cum := make([]float64, len(weights))
	total := 0.0
	for _, w := range weights {
		total += w
	}
	acc := 0.0
	for i, w := range weights {
		acc += w
		cum[i] = acc / total
	}
	return cum
}

// world is the configuration compiled into the tables the hot path reads.
type world struct {
	lanes   []lane
	laneCum []float64
	dests   []dest

	// Posting calendar: one entry per UTC day overlapping [From, To).
	dayStart      []int64
	dayCum        []float64
	dayCongestion []float64

	from, to     int64
	hsRequiredAt int64
	catCum       [4][]float64
	vague        []string
}

type lane struct {
	Lane
	dest      *dest
	post      picker
	classCum  []float64
	seize     picker
	fx        float64 // declared currency per USD
	wholeUnit bool
}

type dest struct {
	Destination
	inward, delivery picker
	// bottleneck and holdFailure index inward; -1 when the office is not set.
	bottleneck, holdFailure int
	signed                  int64
	fx                      float64 // local currency per USD
	// holiday[i] is true when local day holidayBase+i (days since
	// 1970-01-01) is a public holiday.
	holiday     []bool
	holidayBase int64
}

// closed reports whether local day (days since 1970-01-01) has no delivery
// rounds: Saturdays, Sundays (the weekend of all three demo countries) and
// public holidays.
func (d *dest) closed(day int64) bool {
	// 1970-01-01 was a Thursday: (day+4) mod 7 counts from Sunday = 0.
	if wd := time.Weekday((day + 4) % 7); wd == time.Saturday || wd == time.Sunday {
		return true
	}
	i := day - d.holidayBase
	return i >= 0 && i < int64(len(d.holiday)) && d.holiday[i]
}

// setHolidays fills the holiday table from the dates of d's country.
func (d *dest) setHolidays(hs []Holiday) {
	d.holiday, d.holidayBase = nil, 0
	for _, h := range hs {
		if h.Country != d.Country {
			continue
		}
		day := h.Date.Unix() / 86400
		if d.holiday == nil {
			d.holidayBase = day // hs is sorted by date within a country
		}
		for int64(len(d.holiday)) <= day-d.holidayBase {
			d.holiday = append(d.holiday, false)
		}
		d.holiday[day-d.holidayBase] = true
	}
}

// officeIndex is the index of code in p, or -1 when code is "".
func officeIndex(p picker, code string) (int, error) {
	if code == "" {
		return -1, nil
	}
	if i := slices.Index(p.values, code); i >= 0 {
		return i, nil
	}
	return -1, fmt.Errorf("office %s is not one of its inward offices", code)
}

// mouRamp is how long after signing the MoU's effects take to be complete:
// connecting systems and retraining senders is gradual.
const mouRamp = 90 * 24 * 3600

// phase is 0 before the MoU, 1 once it is fully in effect, linear between.
func (d *dest) phase(t int64) float64 {
	switch {
	case t <= d.signed:
		return 0
	case t >= d.signed+mouRamp:
		return 1
	}
	return float64(t-d.signed) / mouRamp
}

func newWorld(cfg Config) (*world, error) {
	w := &world{
		from:         cfg.From.Unix(),
		to:           cfg.To.Unix(),
		hsRequiredAt: time.Date(2025, time.September, 1, 0, 0, 0, 0, time.UTC).Unix(),
	}
	w.dests = make([]dest, len(Destinations))
	holidays := Holidays()
	var err error
	for i, d := range Destinations {
		fx, ok := usdRate[d.Currency]
		if !ok {
			return nil, fmt.Errorf("destination %s: no exchange rate for %s", d.Country, d.Currency)
		}
		dst := dest{Destination: d, inward: officePicker(d.InwardOffices),
			delivery: officePicker(d.DeliveryOffices), signed: d.MoUSigned.Unix(), fx: fx}
		if dst.bottleneck, err = officeIndex(dst.inward, d.Bottleneck); err == nil {
			dst.holdFailure, err = officeIndex(dst.inward, d.HoldFailure)
		}
		if err != nil {
			return nil, fmt.Errorf("destination %s: %w", d.Country, err)
		}
		dst.setHolidays(holidays)
		w.dests[i] = dst
	}
	laneWeights := make([]float64, len(Lanes))
	for i, l := range Lanes {
		var d *dest
		for j := range w.dests {
			if w.dests[j].Country == l.Destination {
				d = &w.dests[j]
			}
		}
		if d == nil {
			return nil, fmt.Errorf("lane %s→%s: unknown destination", l.Origin, l.Destination)
		}
		fx, ok := usdRate[l.Currency]
		if !ok {
			return nil, fmt.Errorf("lane %s→%s: no exchange rate for %s", l.Origin, l.Destination, l.Currency)
		}
		w.lanes = append(w.lanes, lane{Lane: l, dest: d, post: officePicker(l.PostingOffices),
			classCum: cumulative(l.ClassMix[:]),
			seize:    newPicker(l.Seizures, func(s Share) string { return s.Value }, func(s Share) float64 { return s.Weight }),
			fx:       fx, wholeUnit: wholeUnits[l.Currency]})
		laneWeights[i] = l.Weight
	}
	w.laneCum = cumulative(laneWeights)
	for c := range categoryMix {
		w.catCum[c] = cumulative(categoryMix[c][:])
	}
	for _, v := range postclear.VagueDescriptions {
		// Senders write these in any case; the KPI compares case-insensitively.
		w.vague = append(w.vague, v, strings.ToUpper(v[:1])+v[1:], strings.ToUpper(v), " "+v+" ")
	}
	w.calendar()
	return w, nil
}

// Posting volume by weekday (Monday first) and by month: post offices are
// busiest after the weekend and nearly closed on Sundays; November and
// December carry the shopping-festival and holiday peak.
var (
	weekdayWeight = [7]float64{time.Monday: 1.15, time.Tuesday: 1.1, time.Wednesday: 1.05, time.Thursday: 1.0, time.Friday: 1.0, time.Saturday: 0.55, time.Sunday: 0.2}
	monthWeight   = [13]float64{0, 0.85, 0.85, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.05, 1.35, 1.45}
	// monthCongestion stretches handling times in the peak and just after it.
	monthCongestion = [13]float64{0, 1.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.15, 1.3}
)

// annualGrowth is the yearly growth of inbound e-commerce volume.
const annualGrowth = 0.08

func (w *world) calendar() {
	first := w.from - w.from%86400
	var weights []float64
	for ds := first; ds < w.to; ds += 86400 {
		t := time.Unix(ds, 0).UTC()
		overlap := float64(min(ds+86400, w.to)-max(ds, w.from)) / 86400
		years := float64(ds-first) / (365.25 * 86400)
		weight := weekdayWeight[t.Weekday()] * monthWeight[t.Month()] * math.Exp(annualGrowth*years) * overlap
		w.dayStart = append(w.dayStart, ds)
		w.dayCongestion = append(w.dayCongestion, monthCongestion[t.Month()])
		weights = append(weights, weight)
	}
	w.dayCum = cumulative(weights)
}

// gen generates items one at a time into batch buffers.
type gen struct {
	cfg   Config
	w     *world
	sink  Sink
	src   *rand.PCG
	r     *rand.Rand
	now   int64
	keys  [4]uint64 // Feistel round keys of the serial permutation
	seedA uint64
	seedB uint64

	events []postclear.Event
	decls  []postclear.Declaration
	decs   []postclear.Decision
	stats  Stats

	// The item being generated.
	id         string
	lane       *lane
	class      int
	cat        int
	inward     int     // index of its inward office in lane.dest.inward
	contraband bool    // it holds what customs would seize
	ead        int64   // time of its first declaration, -1 when none
	complete   bool    // that declaration (or an amendment before arrival) is complete
	valueUSD   float64 // its value, declared or not
}

func newGen(cfg Config, w *world, sink Sink) *gen {
	g := &gen{cfg: cfg, w: w, sink: sink, src: rand.NewPCG(0, 0), now: cfg.Now.Unix()}
	g.r = rand.New(g.src)
	s := uint64(cfg.Seed)
	g.seedA, g.seedB = splitmix64(s), splitmix64(s^0x6a09e667f3bcc909)
	for k := range g.keys {
		g.keys[k] = splitmix64(s + uint64(k+1)*0x9e3779b97f4a7c15)
	}
	// Room for one item's records past the batch size, so a batch is
	// flushed after the item that filled it and never reallocated.
	g.events = make([]postclear.Event, 0, cfg.BatchSize+64)
	g.decls = make([]postclear.Declaration, 0, cfg.BatchSize+8)
	g.decs = make([]postclear.Decision, 0, cfg.BatchSize+16)
	return g
}

// splitmix64 is the SplitMix64 finaliser: it turns related inputs (seed,
// index) into unrelated PCG seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// flush hands full buffers (all non-empty ones when all is set) to the sink.
func (g *gen) flush(ctx context.Context, all bool) error {
	n := g.cfg.BatchSize
	if len(g.events) > 0 && (all || len(g.events) >= n) {
		if err := g.sink.Events(ctx, g.events); err != nil {
			return fmt.Errorf("demo: sink events: %w", err)
		}
		g.stats.Events += int64(len(g.events))
		g.events = g.events[:0]
	}
	if len(g.decls) > 0 && (all || len(g.decls) >= n) {
		if err := g.sink.Declarations(ctx, g.decls); err != nil {
			return fmt.Errorf("demo: sink declarations: %w", err)
		}
		g.stats.Declarations += int64(len(g.decls))
		g.decls = g.decls[:0]
	}
	if len(g.decs) > 0 && (all || len(g.decs) >= n) {
		if err := g.sink.Decisions(ctx, g.decs); err != nil {
			return fmt.Errorf("demo: sink decisions: %w", err)
		}
		g.stats.Decisions += int64(len(g.decs))
		g.decs = g.decs[:0]
	}
	return nil
}
