package kpioracle

import (
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The KPIs of DOMAIN.md 6, 7 and 8, transcribed from its text.

// channels are DOMAIN.md's risk channels, in the order of the API's enum.
var channels = []string{"TARGETED", "RANDOM", "DISCRETIONARY"}

// RiskEffectiveness is KPI 6: items with an INSPECT decision, per group
// and the channel of their first INSPECT decision, attributed to it.
func RiskEffectiveness(r Records, q postclear.KPIQuery) []postclear.ChannelStat {
	type acc struct {
		inspected, hits, findings int
		clearance                 []float64
	}
	g := newGroups[acc]()
	g.enum = channels
	for _, it := range sortedItems(r.Items()) {
		if it.InspectedAt == nil || !passes(q, itemAttrs(it), *it.InspectedAt) {
			continue
		}
		a := g.at(keyOf(q, itemAttrs(it), *it.InspectedAt), *it.InspectionChannel)
		a.inspected++
		if it.Seized {
			a.hits++
		}
		if it.Seized || it.Returned || it.Duty {
			a.findings++
		}
		// KPI 1's population, whenever the release.
		if it.Presented != nil && it.Released != nil && !it.Released.Before(*it.Presented) {
			a.clearance = append(a.clearance, it.Released.Sub(*it.Presented).Hours())
		}
	}
	g.fill(q)
	// Totals and the RANDOM hit rate of each group and bucket.
	total := map[string]int{}
	randomHit := map[string]*float64{}
	for i, k := range g.keys {
		a := g.m[id(k, g.extras[i])]
		total[id(k, "")] += a.inspected
		if g.extras[i] == "RANDOM" {
			randomHit[id(k, "")] = ratio(a.hits, a.inspected)
		}
	}
	var out []postclear.ChannelStat
	for _, i := range g.sorted() {
		k, ch := g.keys[i], g.extras[i]
		a := g.m[id(k, ch)]
		s := postclear.ChannelStat{Key: k, Channel: ch, Inspected: int64(a.inspected),
			ShareOfInspections: ratio(a.inspected, total[id(k, "")]),
			HitRate:            ratio(a.hits, a.inspected), FindingRate: ratio(a.findings, a.inspected),
			P50ClearanceHours: pct(a.clearance, 0.5)}
		if base := randomHit[id(k, "")]; base != nil && *base != 0 && s.HitRate != nil {
			s.LiftVsRandom = ptr(*s.HitRate / *base)
		}
		out = append(out, s)
	}
	return out
}

// HoldFulfilment is KPI 7: items customs asked to hold or present,
// attributed to the request.
func HoldFulfilment(r Records, q postclear.KPIQuery, withinHours float64) []postclear.HoldStat {
	type acc struct {
		requested, presented, within, unpresented int
		hours                                     []float64
	}
	g := newGroups[acc]()
	for _, it := range sortedItems(r.Items()) {
		if it.Requested == nil || !passes(q, itemAttrs(it), *it.Requested) {
			continue
		}
		a := g.at(keyOf(q, itemAttrs(it), *it.Requested), "")
		a.requested++
		if it.Presented == nil {
			if it.Delivered != nil {
				a.unpresented++
			}
			continue
		}
		a.presented++
		secs := it.Presented.Sub(*it.Requested).Seconds()
		if secs <= withinHours*3600 {
			a.within++
		}
		a.hours = append(a.hours, max(0, secs)/3600)
	}
	g.fill(q)
	var out []postclear.HoldStat
	for _, i := range g.sorted() {
		a := g.m[id(g.keys[i], "")]
		out = append(out, postclear.HoldStat{Key: g.keys[i], Requested: int64(a.requested), Presented: int64(a.presented),
			PresentedRate: ratio(a.presented, a.requested), PresentedWithinRate: ratio(a.within, a.requested),
			P50HoursToPresent: pct(a.hours, 0.5), P90HoursToPresent: pct(a.hours, 0.9),
			DeliveredWithoutPresentation: int64(a.unpresented)})
	}
	return out
}

// EadTimeliness is KPI 8's first half: arrived items other than DOCUMENTS
// (an item without a declaration included), attributed to the arrival.
func EadTimeliness(r Records, q postclear.KPIQuery, minLeadHours float64) []postclear.EadTimelinessStat {
	type acc struct {
		items, beforeDeparture, beforeArrival, lead int
		leads                                       []float64
	}
	g := newGroups[acc]()
	for _, it := range sortedItems(r.Items()) {
		if it.Arrived == nil || it.Category != nil && *it.Category == "DOCUMENTS" || !passes(q, itemAttrs(it), *it.Arrived) {
			continue
		}
		a := g.at(keyOf(q, itemAttrs(it), *it.Arrived), "")
		a.items++
		if it.EAD == nil {
			continue
		}
		lead := it.Arrived.Sub(*it.EAD).Seconds()
		a.leads = append(a.leads, lead/3600)
		if it.DepartedOrigin != nil && !it.EAD.After(*it.DepartedOrigin) {
			a.beforeDeparture++
		}
		if !it.EAD.After(*it.Arrived) {
			a.beforeArrival++
		}
		if lead >= minLeadHours*3600 {
			a.lead++
		}
	}
	g.fill(q)
	var out []postclear.EadTimelinessStat
	for _, i := range g.sorted() {
		a := g.m[id(g.keys[i], "")]
		out = append(out, postclear.EadTimelinessStat{Key: g.keys[i], Items: int64(a.items), WithEad: int64(len(a.leads)),
			BeforeDepartureRate: ratio(a.beforeDeparture, a.items), BeforeArrivalRate: ratio(a.beforeArrival, a.items),
			LeadTimeRate: ratio(a.lead, a.items), P10LeadHours: pct(a.leads, 0.1), P50LeadHours: pct(a.leads, 0.5)})
	}
	return out
}

// rules are DOMAIN.md's declaration rules, in the order of the API's enum.
var rules = []string{"DESCRIPTION", "VALUE", "CURRENCY", "WEIGHT", "HS_CODE"}

// genericDescriptions are the vague descriptions of DOMAIN.md KPI 3.
var genericDescriptions = []string{"gift", "gifts", "goods", "parts", "clothes", "clothing", "sample", "samples",
	"items", "stuff", "accessories", "other", "merchandise", "products"}

// Fails reports, for each of the rules in order, whether d fails it
// (DOMAIN.md KPI 8).
func Fails(d postclear.Declaration) []bool {
	desc := strings.TrimSpace(d.Description)
	generic := desc == ""
	for _, w := range genericDescriptions {
		generic = generic || strings.EqualFold(desc, w)
	}
	needsHS := d.Category == "SALE_OF_GOODS" || d.Category == "COMMERCIAL_SAMPLE"
	return []bool{generic, d.DeclaredValue.Sign() <= 0, d.Currency == "", d.GrossWeightKg.Sign() <= 0, needsHS && d.HSCode == ""}
}

// DeclarationQuality is KPI 8's second half: every stored declaration by
// received_at, grouped by its own fields, with a row per rule.
func DeclarationQuality(r Records, q postclear.KPIQuery) []postclear.DeclarationRuleStat {
	type acc struct {
		declarations int
		failing      [5]int
	}
	g := newGroups[acc]()
	for _, d := range r.Dedupe().Declarations {
		da := attrs{origin: ptr(d.OriginCountry), destination: ptr(d.DestinationCountry), mailClass: ptr(d.MailClass), category: ptr(d.Category)}
		t := d.ReceivedAt.UTC()
		if !passes(q, da, t) {
			continue
		}
		a := g.at(keyOf(q, da, t), "")
		a.declarations++
		for i, fails := range Fails(d) {
			if fails {
				a.failing[i]++
			}
		}
	}
	g.fill(q)
	var out []postclear.DeclarationRuleStat
	for _, i := range g.sorted() {
		a := g.m[id(g.keys[i], "")]
		for j, rule := range rules {
			out = append(out, postclear.DeclarationRuleStat{Key: g.keys[i], Rule: rule, Declarations: int64(a.declarations),
				Failing: int64(a.failing[j]), FailureRate: ratio(a.failing[j], a.declarations)})
		}
	}
	return out
}

// DataQuality counts the items with missing or out-of-sequence
// milestones, each attributed to the milestone it has
// (postclear.DataQualityIssues).
func DataQuality(r Records, q postclear.KPIQuery) []postclear.DataQualityStat {
	g := newGroups[int]()
	g.enum = postclear.DataQualityIssues
	for _, it := range sortedItems(r.Items()) {
		for _, c := range []struct {
			issue string
			at    *time.Time
			has   bool
		}{
			{postclear.ReleasedBeforePresented, it.Released, it.Presented != nil && it.Released != nil && it.Released.Before(*it.Presented)},
			{postclear.DeliveredWithoutArrival, it.Delivered, it.Delivered != nil && it.Arrived == nil},
			{postclear.ArrivalWithoutPosting, it.Arrived, it.Arrived != nil && it.Posted == nil},
			{postclear.PresentedWithoutArrival, it.Presented, it.Presented != nil && it.Arrived == nil},
		} {
			if c.has && passes(q, itemAttrs(it), *c.at) {
				*g.at(keyOf(q, itemAttrs(it), *c.at), c.issue)++
			}
		}
	}
	g.fill(q)
	var out []postclear.DataQualityStat
	for _, i := range g.sorted() {
		out = append(out, postclear.DataQualityStat{Key: g.keys[i], Issue: g.extras[i], Items: int64(*g.m[id(g.keys[i], g.extras[i])])})
	}
	return out
}
