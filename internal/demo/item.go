package demo

import (
	"math"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Customs risk management. An item carries something customs would seize
// (contraband) with a chance set by its category and its lane's RiskFactor.
// Customs selects items for inspection three ways (DOMAIN.md's risk
// channels):
//   - TARGETED: a risk profile run on the advance data as the item arrives,
//     or on what the officer sees at presentation when no timely data came.
//     A profile selects a share of the contraband items (its sensitivity)
//     and a far smaller share of the clean ones, both better with timely,
//     complete data: that is why targeted hit rates rise after an MoU.
//   - RANDOM: a fixed share of presented items, the control group whose hit
//     rate estimates the base rate of contraband.
//   - DISCRETIONARY: an officer's own pick, rare and somewhat informed.
//
// An inspection of a contraband item finds it (SEIZE) with detectRate.
var (
	contrabandRate = [numCategories]float64{
		catGift: 0.008, catDocuments: 0.0007, catSale: 0.014, catReturned: 0.004, catSample: 0.008, catOther: 0.018,
	}
	// profileRate scales, by category, the share of clean items the
	// profiles select: commercial goods draw more attention than documents.
	profileRate = [numCategories]float64{
		catGift: 0.6, catDocuments: 0.1, catSale: 1, catReturned: 0.4, catSample: 0.8, catOther: 1.1,
	}
	// targeting is a profile's sensitivity and its rate on clean items
	// (before profileRate and RiskFactor) by the data it runs on.
	targeting = [3]struct{ sens, fpr float64 }{
		noData:   {0.1, 0.03},
		weakData: {0.18, 0.026},
		goodData: {0.3, 0.02},
	}
)

// Quality of the data a risk profile runs on.
const (
	noData   = iota // no advance data before arrival
	weakData        // advance data before arrival, incomplete
	goodData        // complete advance data before arrival
)

const (
	randomRate = 0.012 // share of presented items inspected at random
	// discretionary picks: of clean items, and of contraband ones.
	discretionaryClean, discretionaryHit = 0.002, 0.03
	detectRate                           = 0.9
	// defectsAfterMoU scales the origins' declaration defects once an MoU
	// is in full effect (training, validation at acceptance).
	defectsAfterMoU = 0.35
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
	g.inward = pickIndex(d.inward.cum, g.u())
	inward := d.inward.values[g.inward]
	g.contraband = g.u() < contrabandRate[g.cat]*l.RiskFactor

	// Electronic advance data, sent by the origin post at acceptance, with
	// the dispatch or late. How often it exists and arrives in time depends
	// on the MoU phase at the destination when the item arrives.
	ph := d.phase(emd)
	pEAD := lerp(0.87, 0.985, ph)
	if g.cat == catDocuments {
		pEAD = lerp(0.3, 0.6, ph)
	}
	g.ead, g.complete, g.valueUSD = -1, false, 0 // ead: time of the first declaration, -1 when none
	var prod *product
	if g.u() < pEAD {
		switch u, late := g.u(), lerp(l.EAD.Late[0], l.EAD.Late[1], ph); {
		case u < late:
			g.ead = emd + g.secs(g.logn(20, 0.8))
		case u < late+lerp(l.EAD.InFlight[0], l.EAD.InFlight[1], ph):
			g.ead = emc + 60 + int64(g.u()*float64(emd-emc-120))
		default:
			g.ead = min(posted+g.secs(g.logn(6, 0.8)), emc-60)
		}
		ps := products[g.cat]
		prod = &ps[g.r.IntN(len(ps))]
		g.valueUSD = prod.medianUSD * g.logn(1, 0.6)
		kg := g.weightKg()
		hsScale := 1.0
		if posted >= w.hsRequiredAt {
			hsScale = 0.15
		}
		g.complete = g.declare(g.ead, prod, g.valueUSD, kg, lerp(1, defectsAfterMoU, ph), hsScale)
		// An amendment: customs asked, or the sender corrected the data.
		if (!g.complete && g.u() < 0.3) || g.u() < 0.03 {
			amended := g.ead + g.secs(g.logn(20, 0.8))
			g.declare(amended, prod, g.valueUSD, kg, 0, 0)
			if amended < emd {
				g.complete = true
			}
		}
	} else if g.cat != catDocuments {
		// Undeclared goods still have a value and weight customs assess.
		ps := products[g.cat]
		prod = &ps[g.r.IntN(len(ps))]
		g.valueUSD = prod.medianUSD * g.logn(1, 0.6)
	}

	g.event(posted, "EMA", postOffice)
	g.event(emb, "EMB", l.OutwardOffice)

	// Pre-loading risk assessment on the advance data can stop an item at
	// origin (DO_NOT_LOAD, ICAO/UPU pre-loading advance cargo information).
	if g.ead >= 0 && g.ead < emc && g.cat != catDocuments && g.u() < 0.0004 {
		at := g.ead + g.secs(g.logn(3, 0.5))
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
		if emf, ok = g.customs(emd, cong); !ok {
			return
		}
	} else {
		emf = emd + g.secs(g.logn(8*sp.handle*cong, 0.6))
	}
	// Departure from the inward office of exchange, towards delivery.
	g.event(emf, "EMF", inward)

	// Domestic leg and delivery.
	if g.u() < 0.004 {
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
	edg := g.nextRound(emg, d)
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
	case u < 0.04:
		// Never collected: the item stays undelivered.
	case u < 0.45:
		edh := emh + g.secs(g.logn(20, 0.4))
		g.event(edh, "EDH", office)
		g.event(edh+g.secs(g.logn(40, 0.8)), "EMI", office)
	default:
		retry := g.nextRound(emh+g.secs(g.logn(24, 0.5)), d)
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

// customs generates what happens to an item at the inward office of
// exchange that arrived at emd: customs' requests before presentation,
// presentation, decisions and release. It returns the departure time from
// the office, and false when the item leaves the flow there (seized,
// returned, abandoned, or stuck).
func (g *gen) customs(emd int64, cong float64) (int64, bool) {
	l, d, sp := g.lane, g.lane.dest, &speed[g.class]
	office := d.inward.values[g.inward]
	ph := d.phase(emd)

	q := noData
	if g.ead >= 0 && g.ead < emd {
		q = weakData
		if g.complete {
			q = goodData
		}
	}
	tp := targeting[q]
	targeted := g.u() < choose(g.contraband, tp.sens, tp.fpr*profileRate[g.cat]*l.RiskFactor)
	dutiable := g.cat == catSale && g.valueUSD > d.DeMinimisUSD

	var req int64 // customs' request before presentation, 0 when none
	reqKind, reqChannel := "", ""
	if q > noData {
		req, reqKind, reqChannel = g.request(q, targeted, dutiable, emd)
	}

	gap := g.logn(3*sp.handle*cong, 0.7)
	bottleneck := g.inward == d.bottleneck
	if bottleneck {
		gap = g.logn(d.BottleneckHours*cong, 0.8)
		if g.u() < 0.008 {
			return 0, false // never presented: forgotten in a corner of the office
		}
	}
	edb := emd + g.secs(gap)
	pre := req != 0 && req < edb
	if pre {
		// The post has to pick the item out for customs.
		if g.inward == d.holdFailure && g.u() < lerp(d.HoldFailureShare[0], d.HoldFailureShare[1], ph) {
			// Not on the office's hold list: sent on to delivery unseen.
			return emd + g.secs(g.logn(8*sp.handle*cong, 0.6)), true
		}
		switch u := g.u(); {
		case u < 0.01:
			return 0, false // lost at the office of exchange: never presented
		case u < 0.07:
			edb += g.secs(g.logn(40, 0.5)) // mislaid: presented late
		}
	}
	// A presentation scan is sometimes keyed in late, after customs has
	// released the item: released before presented, a data-quality case.
	lateScan := g.u() < 0.003
	t := edb
	if !lateScan {
		g.event(edb, "EDB", office)
	}
	// leave ends the item's flow at the office (seized, returned,
	// abandoned); a late presentation scan still comes.
	leave := func() (int64, bool) {
		if lateScan {
			g.event(t+g.secs(g.logn(3, 0.6)), "EDB", office)
		}
		return 0, false
	}
	// Clearance of an item without intervention: log-normal, as the
	// arrival-to-release times of Time Release Studies.
	base := g.logn(lerp(d.ClearanceHoursBefore, d.ClearanceHoursAfter, d.phase(edb))*sp.clear*cong, 0.85)

	held := false
	hold := func(at int64) {
		if !held {
			g.event(at, "EME", office)
			held = true
		}
	}
	if req != 0 {
		hold(max(edb, req))
	}
	// The addressee answers a request for information, or not.
	requestInfo := func(at int64) bool {
		if g.u() < 0.15 {
			// No answer within the deadline: sent back.
			ret := max(at+g.secs(g.logn(14*24, 0.3)), t+3600)
			g.decision(ret, "RETURN", "", "", postclear.Decimal{})
			g.event(ret+g.secs(g.logn(30, 0.6)), "EDC", office)
			return false
		}
		t = max(t, at+g.secs(g.logn(60, 0.7)))
		return true
	}
	switch reqKind {
	case "REQUEST_INFO":
		if !requestInfo(req) {
			return leave()
		}
	case "HOLD":
		if !g.payDuty(req, office, bottleneck, &t) {
			return leave()
		}
	}
	if q == noData && g.u() < 0.07 || q == goodData && g.u() < 0.01 {
		at := t + g.secs(g.logn(base*0.4, 0.5))
		g.decision(at, "REQUEST_INFO", "", "", postclear.Decimal{})
		hold(at)
		if !requestInfo(at) {
			return leave()
		}
	}

	// Inspection: targeted on the advance data (decided above), targeted at
	// presentation, random or discretionary.
	inspectAt, channel := req, reqChannel
	if channel == "" {
		switch {
		case targeted:
			channel = "TARGETED"
		case g.u() < randomRate:
			channel = "RANDOM"
		case g.u() < choose(g.contraband, discretionaryHit, discretionaryClean):
			channel = "DISCRETIONARY"
		}
		if channel != "" {
			inspectAt = t + g.secs(g.logn(base*0.5, 0.5))
			g.decision(inspectAt, "INSPECT", channel, "", postclear.Decimal{})
		}
	}
	if channel != "" {
		hold(max(inspectAt, edb))
		t = max(t, inspectAt) + g.secs(g.logn(30*cong, 0.6))
		if g.contraband && g.u() < detectRate {
			g.decision(t, "SEIZE", "", l.seize.pick(g.u()), postclear.Decimal{})
			g.event(t+g.secs(g.logn(48, 0.6)), "EDX", office)
			return leave()
		}
	}

	var duty postclear.Decimal
	if dutiable {
		duty = money(g.valueUSD*d.DutyRate*d.fx, false)
	}
	// Holds after presentation: waiting for the addressee to pay duty
	// (decided on arrival when the data came in time), or for a licence.
	if (dutiable && q == noData && g.u() < 0.3) || g.u() < 0.015 {
		at := t + g.secs(g.logn(base*0.6, 0.5))
		g.decision(at, "HOLD", "", "", postclear.Decimal{})
		hold(at)
		if !g.payDuty(at, office, bottleneck, &t) {
			return leave()
		}
	}
	if g.u() < 0.003 {
		// Prohibited or restricted without a licence: sent back.
		at := t + g.secs(g.logn(base, 0.5))
		g.decision(at, "RETURN", "", "", postclear.Decimal{})
		g.event(at+g.secs(g.logn(30, 0.6)), "EDC", office)
		return leave()
	}
	release := t + g.secs(base)
	g.decision(release, "RELEASE", "", "", duty)
	if lateScan {
		g.event(release+g.secs(g.logn(3, 0.6)), "EDB", office)
	}
	if bottleneck {
		// Released items wait for dispatch too, and a few are never sent on.
		if g.u() < 0.006 {
			return 0, false
		}
		return release + g.secs(g.logn(d.BottleneckHours*0.8*cong, 0.8)), true
	}
	return release + g.secs(g.logn(4*sp.handle*cong, 0.6)), true
}

// request decides whether customs, with timely advance data of quality q,
// asks the post for the item arriving at emd before it is presented: to
// inspect it (targeted), for missing information, or to hold it until duty
// is paid. About half of the requests go out before the flight lands, the
// others on the arrival scan. It returns the request's time, decision and
// risk channel; a zero time when there is none.
func (g *gen) request(q int, targeted, dutiable bool, emd int64) (int64, string, string) {
	var kind, channel string
	switch {
	case targeted:
		kind, channel = "INSPECT", "TARGETED"
	case q == weakData && g.u() < 0.12:
		kind = "REQUEST_INFO"
	case dutiable && g.u() < 0.3:
		kind = "HOLD"
	default:
		return 0, "", ""
	}
	var at int64
	if g.u() < 0.55 {
		at = max(g.ead+g.secs(g.logn(0.5, 0.5)), emd-g.secs(g.logn(5, 0.7)))
	} else {
		at = emd + g.secs(g.logn(0.7, 0.6))
	}
	g.decision(at, kind, channel, "", postclear.Decimal{})
	return at, kind, channel
}

// payDuty follows a HOLD decided at at until the addressee pays, which moves
// *t on. It reports false when the addressee never pays: after the
// retention period the import is terminated (EDX), except at the bottleneck
// office, where such items stay in customs.
func (g *gen) payDuty(at int64, office string, bottleneck bool, t *int64) bool {
	if g.u() < 0.06 {
		if !bottleneck {
			g.event(max(at+g.secs(g.logn(20*24, 0.2)), *t+3600), "EDX", office)
		}
		return false
	}
	*t = max(*t, at+g.secs(g.logn(48, 0.8)))
	return true
}

// choose is cond ? yes : no.
func choose(cond bool, yes, no float64) float64 {
	if cond {
		return yes
	}
	return no
}

// declare appends a declaration received at at and reports whether it is
// complete. Each rule of DOMAIN.md's declaration quality fails with the
// lane origin's chance (Lane.Defects) times scale, the HS code rule times
// hsScale too; the rules fail independently.
func (g *gen) declare(at int64, p *product, valueUSD, kg, scale, hsScale float64) bool {
	l := g.lane
	dcl := postclear.Declaration{
		ItemID: g.id, ReceivedAt: time.Unix(at, 0).UTC(),
		OriginCountry: l.Origin, DestinationCountry: l.Destination, MailClass: classNames[g.class],
		Category: catNames[g.cat], Description: p.desc, HSCode: p.hs,
		DeclaredValue: money(valueUSD*l.fx, l.wholeUnit), Currency: l.Currency,
		GrossWeightKg: postclear.DecimalFromUnits(int64(kg*1000) * 1000),
	}
	df := &l.Defects
	complete := true
	if g.cat == catSale || g.cat == catSample {
		if g.u() < df.HSCode*scale*hsScale {
			dcl.HSCode = ""
			complete = false
		}
	} else if g.u() < 0.5 {
		dcl.HSCode = "" // optional outside commercial items, often left out
	}
	if g.u() < df.Description*scale {
		complete = false
		if g.u() < 0.8 {
			dcl.Description = g.w.vague[g.r.IntN(len(g.w.vague))]
		} else {
			dcl.Description = ""
		}
	}
	if g.u() < df.Value*scale {
		complete = false
		dcl.DeclaredValue = postclear.Decimal{}
	}
	if g.u() < df.Currency*scale {
		complete = false
		dcl.Currency = ""
	}
	if g.u() < df.Weight*scale {
		complete = false
		dcl.GrossWeightKg = postclear.Decimal{}
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
// before the 07:00 cut-off for preparing the rounds, else the next day,
// and never on a weekend day or a public holiday of the destination.
func (g *gen) nextRound(t int64, d *dest) int64 {
	off := int64(d.UTCOffset * 3600)
	local := t + off
	day := local / 86400
	if local-day*86400 >= 7*3600 {
		day++
	}
	for d.closed(day) {
		day++
	}
	return day*86400 - off + 8*3600 + g.r.Int64N(2*3600)
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
