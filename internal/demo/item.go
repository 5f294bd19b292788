package demo

import (
	"math"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Customs parameters. Inspection and hit rates follow the DOMAIN.md
// reference figures: a few percent of items inspected, targeted inspections
// hitting in 10–15 % of cases, random ones far less.
var (
	channelNames = [3]string{"TARGETED", "RANDOM", "DISCRETIONARY"}
	channelCum   = []float64{0.6, 0.85, 1}
	hitRate      = [3]float64{0.13, 0.015, 0.06}
)

// item generates the records of item idx. All randomness comes from a PCG
// seeded from (Seed, idx), so an item does not depend on any other.
func (g *gen) item(idx int) {
	g.src.Seed(splitmix64(g.seedA^uint64(idx)), splitmix64(g.seedB+uint64(idx)))
	w := g.w
	g.lane = &w.lanes[pickIndex(w.laneCum, g.u())]
	l := g.lane
	d := l.dest
	g.class = pickIndex(l.classCum, g.u())
	g.cat = pickIndex(w.catCum[g.class], g.u())
	g.id = g.itemID(idx)

	di := searchCum(w.dayCum, g.u())
	cong := w.dayCongestion[di]
	posted := w.dayStart[di] + int64((8-l.UTCOffset)*3600) + g.r.Int64N(10*3600)
	posted = max(w.from, min(w.to-1, posted))

	sp := &speed[g.class]

	// Origin: posting, outward office of exchange, export, dispatch.
	postOffice := l.post.pick(g.u())
	emb := posted + g.secs(g.logn(9*sp.handle*cong, 0.5))
	var exa int64
	t := emb
	if g.u() < l.ExportShare {
		exa = emb + g.secs(g.logn(4, 0.6))
		t = exa
	}
	emc := t + g.secs(g.logn(8*sp.handle*cong, 0.5))
	var emj, emk int64
	if l.TransitOffice != "" && g.u() < l.TransitShare {
		// Through a hub: two flights, and a layover waiting for the
		// onward connection that priority does not shorten.
		emj = emc + g.secs(g.logn(l.TransportDays*0.45*24*sp.air, 0.3))
		emk = emj + g.secs(g.logn(16*cong, 0.5))
		t = emk + g.secs(g.logn(l.TransportDays*0.55*24*sp.air, 0.3))
	} else {
		t = emc + g.secs(g.logn(l.TransportDays*24*sp.air, 0.3))
	}
	emd := t
	inward := d.inward.pick(g.u())

	// Electronic advance data, sent by the origin post at acceptance. How
	// often it exists and arrives in time depends on the MoU phase at the
	// destination when the item arrives.
	ph := d.phase(emd)
	pEAD := lerp(0.87, 0.985, ph)
	if g.cat == catDocuments {
		pEAD = lerp(0.3, 0.6, ph)
	}
	ead := int64(-1) // time of the first declaration, -1 when none
	complete := false
	var prod *product
	valueUSD, kg := 0.0, 0.0
	if g.u() < pEAD {
		if g.u() < lerp(0.13, 0.03, ph) {
			ead = emd + g.secs(g.logn(20, 0.8)) // late: after arrival
		} else {
			ead = min(posted+g.secs(g.logn(6, 0.8)), emd-60)
		}
		ps := products[g.cat]
		prod = &ps[g.r.IntN(len(ps))]
		valueUSD = prod.medianUSD * g.logn(1, 0.6)
		kg = g.weightKg()
		hsMiss := lerp(0.3, 0.15, ph)
		if posted >= w.hsRequiredAt {
			hsMiss = 0.04
		}
		complete = g.declare(ead, prod, valueUSD, kg, lerp(0.2, 0.07, ph), hsMiss)
		// An amendment: customs asked, or the sender corrected the data.
		if (!complete && g.u() < 0.3) || g.u() < 0.03 {
			amended := ead + g.secs(g.logn(20, 0.8))
			g.declare(amended, prod, valueUSD, kg, 0, 0)
			if amended < emd {
				complete = true
			}
		}
	} else if g.cat != catDocuments {
		// Undeclared goods still have a value and weight customs assess.
		ps := products[g.cat]
		prod = &ps[g.r.IntN(len(ps))]
		valueUSD = prod.medianUSD * g.logn(1, 0.6)
	}

	g.event(posted, "EMA", postOffice)
	g.event(emb, "EMB", l.OutwardOffice)

	// Pre-loading risk assessment on the advance data can stop an item at
	// origin (DO_NOT_LOAD, ICAO/UPU pre-loading advance cargo information).
	if ead >= 0 && ead < emc && g.cat != catDocuments && g.u() < 0.0004 {
		at := ead + g.secs(g.logn(3, 0.5))
		g.decision(at, "DO_NOT_LOAD", "", "", postclear.Decimal{})
		held := max(at, emb) + g.secs(g.logn(2, 0.5))
		g.event(held, "EXD", l.OutwardOffice)
		g.event(held+g.secs(g.logn(30, 0.5)), "EXX", l.OutwardOffice)
		return
	}
	if exa != 0 {
		g.event(exa, "EXA", l.OutwardOffice)
	}
	g.event(emc, "EMC", l.OutwardOffice)
	if emj != 0 {
		g.event(emj, "EMJ", l.TransitOffice)
		g.event(emk, "EMK", l.TransitOffice)
	}
	g.event(emd, "EMD", inward)

	// Import: goods are presented to customs; letters with documents are
	// not, EMS and parcels with documents half of the time.
	var emf int64
	if g.cat != catDocuments || (g.class != classLetter && g.u() < 0.5) {
		var ok bool
		if emf, ok = g.customs(emd, inward, cong, ead, complete, valueUSD); !ok {
			return
		}
	} else {
		emf = emd + g.secs(g.logn(8*sp.handle*cong, 0.6))
	}
	g.event(emf, "EMF", inward)

	// Domestic leg and delivery.
	if g.u() < 0.008 {
		return // lost in the domestic network: never delivered
	}
	// Trunk to the sorting centre, sorting, trunk to the delivery office;
	// the item goes out in the first delivery round it reaches.
	edd := emf + g.secs(g.logn(5*sp.handle*cong, 0.6))
	ede := edd + g.secs(g.logn(4*sp.handle*cong, 0.6))
	emg := ede + g.secs(g.logn(10*sp.handle*cong, 0.6))
	office := d.delivery.pick(g.u())
	g.event(edd, "EDD", d.SortingCentre)
	g.event(ede, "EDE", d.SortingCentre)
	g.event(emg, "EMG", office)
	edg := g.nextRound(emg, d.UTCOffset)
	g.event(edg, "EDG", office)
	pFail := 0.08
	switch g.class {
	case classParcel:
		pFail = 0.14 // nobody home to sign for a large item
	case classLetter:
		pFail = 0.05
	}
	if g.u() >= pFail {
		g.event(edg+g.secs(1+7*g.u()), "EMI", office)
		return
	}
	emh := edg + g.secs(1+7*g.u())
	g.event(emh, "EMH", office)
	switch u := g.u(); {
	case u < 0.06:
		// Never collected: the item stays undelivered.
	case u < 0.45:
		edh := emh + g.secs(g.logn(20, 0.4))
		g.event(edh, "EDH", office)
		g.event(edh+g.secs(g.logn(40, 0.8)), "EMI", office)
	default:
		retry := g.nextRound(emh+g.secs(g.logn(24, 0.5)), d.UTCOffset)
		g.event(retry, "EDG", office)
		g.event(retry+g.secs(1+7*g.u()), "EMI", office)
	}
}

// speed holds, by mail class, factors on the median handling times (origin
// and inward offices, domestic network), on the lane's transport time and
// on the clearance time. EMS is a priority service end to end: own
// dispatches, first on the aircraft, express clearance, dedicated rounds.
// Letters are flown in the letter mail's larger, less frequent dispatches
// (but documents skip customs); bulky parcels are sorted separately.
var speed = [4]struct{ handle, air, clear float64 }{
	classLetter: {1, 1.25, 1},
	classPacket: {1, 1, 1},
	classParcel: {1.15, 1.05, 1},
	classEMS:    {0.4, 0.75, 0.6},
}

// customs generates presentation to import customs and the decisions on the
// item. It returns the departure time from the inward office, and false when
// the item leaves the flow (seized or returned).
func (g *gen) customs(emd int64, office string, cong float64, ead int64, complete bool, valueUSD float64) (int64, bool) {
	l, d, sp := g.lane, g.lane.dest, &speed[g.class]
	edb := emd + g.secs(g.logn(3*sp.handle*cong, 0.7))
	g.event(edb, "EDB", office)
	ph := d.phase(edb)
	// Clearance of an item without intervention: log-normal, as the
	// arrival-to-release times of Time Release Studies.
	base := g.logn(lerp(d.ClearanceHoursBefore, d.ClearanceHoursAfter, ph)*sp.clear*cong, 0.85)

	// Without usable advance data customs must ask and target more.
	weak := ead < 0 || ead > edb || !complete
	held := false
	hold := func(at int64) {
		if !held {
			g.event(at, "EME", office)
			held = true
		}
	}
	t := edb
	if g.u() < choose(weak, 0.07, 0.01) {
		at := t + g.secs(g.logn(base*0.4, 0.5))
		g.decision(at, "REQUEST_INFO", "", "", postclear.Decimal{})
		hold(at)
		if g.u() < 0.15 {
			// No answer from the addressee within the deadline.
			ret := at + g.secs(g.logn(14*24, 0.3))
			g.decision(ret, "RETURN", "", "", postclear.Decimal{})
			g.event(ret+g.secs(g.logn(30, 0.6)), "EDC", office)
			return 0, false
		}
		t = at + g.secs(g.logn(60, 0.7))
	}
	pInspect := inspectRate[g.cat] * l.RiskFactor * choose(weak, 1.5, 1)
	if g.u() < pInspect {
		at := t + g.secs(g.logn(base*0.5, 0.5))
		ch := pickIndex(channelCum, g.u())
		g.decision(at, "INSPECT", channelNames[ch], "", postclear.Decimal{})
		hold(at)
		t = at + g.secs(g.logn(30*cong, 0.6))
		if g.u() < hitRate[ch] {
			g.decision(t, "SEIZE", "", l.seize.pick(g.u()), postclear.Decimal{})
			g.event(t+g.secs(g.logn(48, 0.6)), "EDX", office)
			return 0, false
		}
	}
	var duty postclear.Decimal
	if g.cat == catSale && valueUSD > d.DeMinimisUSD {
		duty = money(valueUSD*d.DutyRate*d.fx, false)
	}
	// Holds: waiting for the addressee to pay duty, or for a licence.
	if (duty.Sign() > 0 && g.u() < 0.3) || g.u() < 0.015 {
		at := t + g.secs(g.logn(base*0.6, 0.5))
		g.decision(at, "HOLD", "", "", postclear.Decimal{})
		hold(at)
		t = at + g.secs(g.logn(48, 0.8))
	}
	if g.u() < 0.003 {
		// Prohibited or restricted without a licence: sent back.
		at := t + g.secs(g.logn(base, 0.5))
		g.decision(at, "RETURN", "", "", postclear.Decimal{})
		g.event(at+g.secs(g.logn(30, 0.6)), "EDC", office)
		return 0, false
	}
	release := t + g.secs(base)
	g.decision(release, "RELEASE", "", "", duty)
	return release + g.secs(g.logn(4*sp.handle*cong, 0.6)), true
}

// choose is cond ? yes : no.
func choose(cond bool, yes, no float64) float64 {
	if cond {
		return yes
	}
	return no
}

// declare appends a declaration received at at and reports whether it is
// complete. defectP is the chance of a defect in description, value or
// currency; hsMissP the chance an HS code that is required is missing.
func (g *gen) declare(at int64, p *product, valueUSD, kg, defectP, hsMissP float64) bool {
	l := g.lane
	dcl := postclear.Declaration{
		ItemID: g.id, ReceivedAt: time.Unix(at, 0).UTC(),
		OriginCountry: l.Origin, DestinationCountry: l.Destination, MailClass: classNames[g.class],
		Category: catNames[g.cat], Description: p.desc, HSCode: p.hs,
		DeclaredValue: money(valueUSD*l.fx, l.wholeUnit), Currency: l.Currency,
		GrossWeightKg: postclear.DecimalFromUnits(int64(kg*1000) * 1000),
	}
	complete := true
	if g.cat == catSale || g.cat == catSample {
		if g.u() < hsMissP {
			dcl.HSCode = ""
			complete = false
		}
	} else if g.u() < 0.5 {
		dcl.HSCode = "" // optional outside commercial items, often left out
	}
	if g.u() < defectP {
		complete = false
		switch u := g.u(); {
		case u < 0.45:
			dcl.Description = g.w.vague[g.r.IntN(len(g.w.vague))]
		case u < 0.55:
			dcl.Description = ""
		case u < 0.8:
			dcl.DeclaredValue = postclear.Decimal{}
		default:
			dcl.Currency = ""
		}
	}
	if at <= g.now {
		g.decls = append(g.decls, dcl)
	}
	return complete
}

// weightKg draws a gross weight by mail class, in whole grams.
func (g *gen) weightKg() float64 {
	var kg float64
	switch g.class {
	case classLetter:
		kg = 0.02 + 0.3*g.u()
	case classPacket:
		kg = min(g.logn(0.5, 0.6), 2)
	case classParcel:
		kg = min(g.logn(3, 0.7), 30)
	default:
		kg = min(g.logn(1, 0.8), 30)
	}
	return max(math.Round(kg*1000)/1000, 0.01)
}

// money rounds an amount to the currency's minor unit.
func money(v float64, whole bool) postclear.Decimal {
	if whole {
		return postclear.DecimalFromUnits(int64(math.Round(v)) * 1_000_000)
	}
	return postclear.DecimalFromUnits(int64(math.Round(v*100)) * 10_000)
}

func (g *gen) event(t int64, code, office string) {
	if t > g.now {
		return
	}
	l := g.lane
	g.events = append(g.events, postclear.Event{
		ItemID: g.id, EventCode: code, EventTime: time.Unix(t, 0).UTC(), Office: office,
		OriginCountry: l.Origin, DestinationCountry: l.Destination, MailClass: classNames[g.class],
	})
}

func (g *gen) decision(t int64, decision, channel, seizure string, duty postclear.Decimal) {
	if t > g.now {
		return
	}
	g.decs = append(g.decs, postclear.Decision{
		ItemID: g.id, DecidedAt: time.Unix(t, 0).UTC(), Decision: decision,
		RiskChannel: channel, SeizureCategory: seizure, DutyAmount: duty,
	})
}

// itemID builds the S10 identifier. The serial is a keyed permutation of the
// item index over the 10^8 serials (a decimal Feistel network), so IDs are
// unique without bookkeeping yet look random.
func (g *gen) itemID(idx int) string {
	hi, lo := uint64(idx/10000), uint64(idx%10000)
	for _, k := range g.keys {
		hi, lo = lo, (hi+splitmix64(lo^k)%10000)%10000
	}
	serial := hi*10000 + lo
	var b [13]byte
	copy(b[:2], classPrefix[g.class])
	for i := 9; i >= 2; i-- {
		b[i] = byte('0' + serial%10)
		serial /= 10
	}
	b[10] = byte('0' + postclear.S10CheckDigit(string(b[2:10])))
	copy(b[11:], g.lane.Origin)
	return string(b[:])
}

func (g *gen) u() float64 { return g.r.Float64() }

// logn draws from a log-normal distribution with the given median.
func (g *gen) logn(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// secs converts hours to whole seconds, at least one minute so that
// consecutive events of an item never share a timestamp.
func (g *gen) secs(hours float64) int64 {
	return max(int64(hours*3600), 60)
}

// nextRound is a time in the first delivery round (08:00–10:00 local) an
// item at the delivery office by t makes: the same day when it is there
// before the 07:00 cut-off for preparing the rounds, else the next day.
func (g *gen) nextRound(t int64, utcOffset float64) int64 {
	off := int64(utcOffset * 3600)
	local := t + off
	day := local - local%86400
	if local-day >= 7*3600 {
		day += 86400
	}
	return day - off + 8*3600 + g.r.Int64N(2*3600)
}

func lerp(a, b, f float64) float64 { return a + (b-a)*f }

// searchCum returns the first index of the sorted cumulative weights whose
// value exceeds u.
func searchCum(cum []float64, u float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > u {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
