package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"
)

// The panels of phase 2, held against the API by TestDashboardInBrowser.

var deskStages = []string{"AWAITING_PRESENTATION", "IN_CUSTOMS", "AWAITING_DELIVERY"}

// deskOffice is an office of the backlog: its items per stage.
type deskOffice struct {
	Office string
	Items  map[string]string
}

type openItemsAnswer struct {
	OpenItems struct {
		TotalCount int64 `json:"totalCount"`
		Edges      []struct {
			Node struct {
				ItemID   string  `json:"itemId"`
				AgeHours float64 `json:"ageHours"`
			} `json:"node"`
		} `json:"edges"`
		PageInfo struct {
			HasNextPage bool    `json:"hasNextPage"`
			EndCursor   *string `json:"endCursor"`
		} `json:"pageInfo"`
	} `json:"openItems"`
}

// listRow is a row of the page's list of open items.
type listRow struct{ Item, Age string }

const readList = `[...document.querySelectorAll('#open-items-list tr')].map(r => ({Item: r.dataset.item, Age: r.dataset.age}))`

// checkDesk holds the operations desk against the API: the backlog by
// office and stage (bars and table), worst office first; a click on a
// bar lists the oldest items of its office and stage, a page at a time;
// Enter on a figure of the table does the same; a click on an item shows
// its time line. It returns the worst office.
func checkDesk(t *testing.T, b *browser, s *Server, token string) string {
	t.Helper()
	asOf := eval[string](b, `document.getElementById('desk').dataset.asOf`)
	var status struct {
		DataStatus struct {
			LastEventAt string `json:"lastEventAt"`
		} `json:"dataStatus"`
	}
	dashboardOp(t, s, token, "Viewer", nil, &status)
	var filter, recent map[string]any
	if err := json.Unmarshal([]byte(eval[string](b, `document.getElementById('desk').dataset.filter`)), &filter); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(eval[string](b, `document.getElementById('desk').dataset.recent`)), &recent); err != nil {
		t.Fatal(err)
	}
	// The year and the 90 days to the day of asOf in the MoU's time zone,
	// over the MoU's country.
	zone := eval[string](b, `document.getElementById('desk').dataset.timeZone`)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	asOfTime, _ := time.Parse(time.RFC3339, status.DataStatus.LastEventAt)
	y, m, d := asOfTime.In(loc).Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	for _, f := range []struct {
		got  map[string]any
		days int
	}{{filter, 366}, {recent, 90}} {
		if f.got["to"] != end.Format(time.DateOnly) || f.got["from"] != end.AddDate(0, 0, -f.days).Format(time.DateOnly) {
			t.Errorf("the desk asks over %v; want the %d days to %s", f.got, f.days, end)
		}
	}
	if asOf != status.DataStatus.LastEventAt {
		t.Errorf("the desk's now is %s, the latest event %s", asOf, status.DataStatus.LastEventAt)
	}
	var backlog struct {
		Backlog []struct {
			Key   struct{ Office *string }
			Stage string
			Items int64
		} `json:"backlog"`
		Arrivals []struct {
			Key          struct{ Office *string }
			ItemsArrived int64 `json:"itemsArrived"`
		} `json:"complianceRates"`
	}
	dashboardOp(t, s, token, "Backlog", map[string]any{"asOf": asOf, "filter": filter, "recent": recent, "timeZone": zone}, &backlog)
	// Worst first: the most items at the border (awaiting presentation or
	// in customs) per item arrived in the last 90 days, then the most open.
	arrived := map[string]float64{}
	for _, r := range backlog.Arrivals {
		if r.Key.Office != nil {
			arrived[*r.Key.Office] = float64(r.ItemsArrived)
		}
	}
	border, totals := map[string]int64{}, map[string]int64{}
	items := map[string]map[string]string{}
	for _, r := range backlog.Backlog {
		if r.Key.Office == nil {
			continue
		}
		o := *r.Key.Office
		totals[o] += r.Items
		if r.Stage != "AWAITING_DELIVERY" {
			border[o] += r.Items
		}
		if items[o] == nil {
			items[o] = map[string]string{}
			for _, st := range deskStages {
				items[o][st] = "0"
			}
		}
		items[o][r.Stage] = fmt.Sprint(r.Items)
	}
	var want []deskOffice
	for o := range totals {
		want = append(want, deskOffice{o, items[o]})
	}
	sort.Slice(want, func(i, j int) bool {
		a, b := want[i].Office, want[j].Office
		if wa, wb := perArrived(border[a], arrived[a]), perArrived(border[b], arrived[b]); wa != wb {
			return wa > wb
		}
		return totals[a] > totals[b] || totals[a] == totals[b] && a < b
	})
	if len(want) < 2 {
		t.Fatalf("backlog at %d offices; the demo data has more", len(want))
	}
	got := eval[[]deskOffice](b, `[...document.querySelectorAll('#backlog-table tbody tr')].map(r => ({Office: r.dataset.office,
		Items: Object.fromEntries([...r.querySelectorAll('td[data-stage]')].map(c => [c.dataset.stage, c.dataset.items]))}))`)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backlog table (-API +page):\n%s", diff)
	}
	// The bars hold the same figures, in the same order.
	bars := eval[deskOffice](b, `(() => { const o = echarts.getInstanceByDom(document.getElementById('backlog-plot')).getOption();
		return {Office: o.yAxis[0].data.join(' '), Items: Object.fromEntries(o.series.map(s => [s.id, s.data.join(' ')]))}; })()`)
	wantBars := deskOffice{Items: map[string]string{}}
	for i, o := range want {
		wantBars.Office += map[bool]string{true: "", false: " "}[i == 0] + o.Office
		for _, st := range deskStages {
			wantBars.Items[st] += map[bool]string{true: "", false: " "}[i == 0] + o.Items[st]
		}
	}
	if diff := cmp.Diff(wantBars, bars); diff != "" {
		t.Errorf("backlog bars (-API +page):\n%s", diff)
	}

	// A click on the worst office's longest bar lists its oldest items,
	// eight at a time.
	worst := want[0].Office
	stage := deskStages[0]
	for _, st := range deskStages {
		if mustAtoi(t, want[0].Items[st]) > mustAtoi(t, want[0].Items[stage]) {
			stage = st
		}
	}
	xy := eval[[]float64](b, fmt.Sprintf(`(() => { const el = document.getElementById('backlog-plot'); el.scrollIntoView({block: 'center'});
		const c = echarts.getInstanceByDom(el); const o = c.getOption(); const i = o.yAxis[0].data.indexOf(%q);
		const s = o.series.findIndex(s => s.id === %q); let x = o.series[s].data[i] / 2; for (let k = 0; k < s; k++) x += o.series[k].data[i];
		const p = c.convertToPixel({seriesIndex: s}, [x, i]); const r = el.getBoundingClientRect();
		return [r.left + p[0], r.top + p[1]]; })()`, worst, stage))
	b.step("click the worst office's bar", chromedp.MouseClickXY(xy[0], xy[1]),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('open-items').dataset.office === %q && document.querySelectorAll('#open-items-list tr').length > 0`, worst),
			chromedp.WithPollingTimeout(10*time.Second)))
	checkList := func(stage, after string) openItemsAnswer {
		t.Helper()
		var list openItemsAnswer
		vars := map[string]any{"asOf": asOf, "stage": stage, "filter": withOffice(filter, worst), "first": 8, "after": nil, "timeZone": zone}
		if after != "" {
			vars["after"] = after
		}
		dashboardOp(t, s, token, "OpenItems", vars, &list)
		var wantRows []listRow
		for _, e := range list.OpenItems.Edges {
			wantRows = append(wantRows, listRow{e.Node.ItemID, numAttr(&e.Node.AgeHours)})
		}
		if diff := cmp.Diff(wantRows, eval[[]listRow](b, readList)); diff != "" || len(wantRows) == 0 {
			t.Errorf("open items %s at %s after %q (-API +page):\n%s", stage, worst, after, diff)
		}
		if total := eval[string](b, `document.getElementById('open-items').dataset.total`); total != fmt.Sprint(list.OpenItems.TotalCount) {
			t.Errorf("the list says %s items, the API %d", total, list.OpenItems.TotalCount)
		}
		return list
	}
	first := checkList(stage, "")
	if !first.OpenItems.PageInfo.HasNextPage {
		t.Fatalf("one page of items %s at %s: the demo data has more", stage, worst)
	}
	b.step("the next page", chromedp.Click(chromedp.ID("open-items-next")),
		chromedp.Poll[chromedp.Void](`document.getElementById('open-items').dataset.after !== ''`, chromedp.WithPollingTimeout(10*time.Second)))
	checkList(stage, *first.OpenItems.PageInfo.EndCursor)
	b.step("back to the first page", chromedp.Click(chromedp.ID("open-items-previous")),
		chromedp.Poll[chromedp.Void](`document.getElementById('open-items').dataset.after === ''`, chromedp.WithPollingTimeout(10*time.Second)))
	checkList(stage, "")

	// Enter on a figure of the table lists that office and stage.
	other := "IN_CUSTOMS"
	if stage == other {
		other = "AWAITING_PRESENTATION"
	}
	b.step("Enter on a figure of the table", chromedp.Focus(chromedp.CSS(fmt.Sprintf(`#backlog-table tr[data-office=%q] td[data-stage=%s] button`, worst, other))), press(kb.Enter),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('open-items').dataset.stage === %q`, other), chromedp.WithPollingTimeout(10*time.Second)))
	checkList(other, "")
	if focused := eval[string](b, `document.activeElement.id`); focused != "open-items-title" {
		t.Errorf("after Enter the focus is on %q, want the list", focused)
	}

	// The bars themselves from the keyboard: the focus on the chart (it is
	// in the tab order) chooses the worst office's first stage, an arrow
	// key the next stage (twice when the list shows that one already),
	// Enter lists it.
	keys, target := []chromedp.Action[chromedp.Void]{press(kb.ArrowRight)}, deskStages[1]
	if other == target {
		keys, target = append(keys, press(kb.ArrowRight)), deskStages[2]
	}
	b.step("Enter on a bar", append(append([]chromedp.Action[chromedp.Void]{chromedp.Focus(chromedp.ID("backlog-plot"))}, keys...), press(kb.Enter),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('open-items').dataset.stage === %q && document.getElementById('open-items').dataset.office === %q`, target, worst), chromedp.WithPollingTimeout(10*time.Second)))...)
	checkList(target, "")

	// A click on an item shows its time line: every event, declaration and
	// decision stored for it and its milestones, in time order. The item is
	// the one waiting longest for presentation, the bottleneck's story.
	stage = "AWAITING_PRESENTATION"
	b.step("the items awaiting presentation", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#backlog-table tr[data-office=%q] td[data-stage=%s] button').click()`, worst, stage)),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('open-items').dataset.stage === %q && document.getElementById('open-items').dataset.office === %q`, stage, worst), chromedp.WithPollingTimeout(10*time.Second)))
	oldest := checkList(stage, "").OpenItems.Edges[0].Node
	id := oldest.ItemID
	b.step("click the oldest item", chromedp.Sleep(200*time.Millisecond), chromedp.Click(chromedp.CSS(fmt.Sprintf(`#open-items-list tr[data-item=%q] button`, id))),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('timeline-box').dataset.item === %q && document.querySelectorAll('#timeline li').length > 0`, id), chromedp.WithPollingTimeout(10*time.Second)))
	checkTimeline(t, b, s, token, id)
	// It ends with the stage the item waits in now, and for how long: what
	// the list said.
	now := eval[[]string](b, `(d => d ? [d.dataset.at, d.dataset.stage, d.dataset.age] : [])(document.querySelector('#timeline li[data-kind=now]'))`)
	if age := oldest.AgeHours; len(now) != 3 || now[0] != asOf || now[1] != stage || math.Abs(mustFloat(t, now[2])-age) > 1e-6 {
		t.Errorf("the time line of %s ends with %q; want %s, %s for %v hours", id, now, asOf, stage, age)
	}
	return worst
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// perArrived is items per item arrived; infinite for items at an office
// where none arrived.
func perArrived(items int64, arrived float64) float64 {
	switch {
	case arrived > 0:
		return 1000 * float64(items) / arrived
	case items > 0:
		return math.Inf(1)
	}
	return 0
}

func withOffice(filter map[string]any, office string) map[string]any {
	out := map[string]any{"offices": []string{office}}
	for k, v := range filter {
		out[k] = v
	}
	return out
}

// timelineEntry is an entry of an item's time line.
type timelineEntry struct{ At, Kind string }

// checkTimeline holds the time line shown against the item as the API
// gives it: one entry per record and per milestone reached, in time order.
func checkTimeline(t *testing.T, b *browser, s *Server, token, id string) {
	t.Helper()
	var answer struct {
		Item struct {
			Milestones map[string]any `json:"milestones"`
			Events     []struct {
				EventTime string `json:"eventTime"`
			} `json:"events"`
			Declarations []struct {
				ReceivedAt string `json:"receivedAt"`
			} `json:"declarations"`
			Decisions []struct {
				DecidedAt string `json:"decidedAt"`
			} `json:"decisions"`
		} `json:"item"`
	}
	dashboardOp(t, s, token, "Item", map[string]any{"id": id}, &answer)
	var want []timelineEntry
	for field, v := range answer.Item.Milestones {
		if at, ok := v.(string); ok && field != "inspectionChannel" {
			want = append(want, timelineEntry{at, field})
		}
	}
	for _, e := range answer.Item.Events {
		want = append(want, timelineEntry{e.EventTime, "event"})
	}
	for _, d := range answer.Item.Declarations {
		want = append(want, timelineEntry{d.ReceivedAt, "declaration"})
	}
	for _, d := range answer.Item.Decisions {
		want = append(want, timelineEntry{d.DecidedAt, "decision"})
	}
	// Milestones are marked on the record of their moment, or stand alone.
	got := eval[[]timelineEntry](b, `[...document.querySelectorAll('#timeline li:not([data-kind=now])')].flatMap(l => [
		...(l.dataset.kind === 'milestone' ? [] : [{At: l.dataset.at, Kind: l.dataset.kind}]),
		...[...l.querySelectorAll('[data-milestone]')].map(m => ({At: l.dataset.at, Kind: m.dataset.milestone}))])`)
	if len(got) == 0 || !slices.IsSortedFunc(got, func(a, b timelineEntry) int { return strings.Compare(a.At, b.At) }) {
		t.Errorf("the time line of %s is not in time order: %v", id, got)
	}
	byKey := func(a, b timelineEntry) int {
		if c := strings.Compare(a.At, b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Kind, b.Kind)
	}
	slices.SortFunc(want, byKey)
	sorted := slices.Clone(got)
	slices.SortFunc(sorted, byKey)
	if diff := cmp.Diff(want, sorted); diff != "" || len(want) == 0 {
		t.Errorf("time line of %s (-API +page):\n%s", id, diff)
	}
}

// riskAnswer is the Risk operation's answer.
type riskAnswer struct {
	RiskEffectiveness []struct {
		Channel            string   `json:"channel"`
		Inspected          int64    `json:"inspected"`
		ShareOfInspections *float64 `json:"shareOfInspections"`
		HitRate            *float64 `json:"hitRate"`
		LiftVsRandom       *float64 `json:"liftVsRandom"`
	} `json:"riskEffectiveness"`
	Holds []struct {
		Requested                    int64    `json:"requested"`
		PresentedRate                *float64 `json:"presentedRate"`
		PresentedWithinRate          *float64 `json:"presentedWithinRate"`
		P50HoursToPresent            *float64 `json:"p50HoursToPresent"`
		DeliveredWithoutPresentation int64    `json:"deliveredWithoutPresentation"`
	} `json:"holds"`
	HoldsByOffice []struct {
		Key struct {
			Period string
			Office *string
		}
		Requested                    int64 `json:"requested"`
		DeliveredWithoutPresentation int64 `json:"deliveredWithoutPresentation"`
	} `json:"holdsByOffice"`
	EadByOrigin []struct {
		Key struct {
			Period        string
			OriginCountry *string
		}
		Items             int64    `json:"items"`
		BeforeArrivalRate *float64 `json:"beforeArrivalRate"`
	} `json:"eadByOrigin"`
	DeclarationQuality []struct {
		Key struct {
			OriginCountry *string
		}
		Rule         string   `json:"rule"`
		Declarations int64    `json:"declarations"`
		FailureRate  *float64 `json:"failureRate"`
	} `json:"declarationQuality"`
}

// checkRisk holds every figure of the risk and data panel (its data-cell
// elements) against the Risk operation's answer for the MoU's country and
// the quarter, and returns the answer.
func checkRisk(t *testing.T, b *browser, s *Server, token, mou, quarter string) riskAnswer {
	t.Helper()
	country := []string{countryOf(mou)}
	var a riskAnswer
	dashboardOp(t, s, token, "Risk", map[string]any{
		"timeZone": zoneOf(t, s, token, mou),
		"year":     map[string]any{"from": quarterStart(t, quarter, -3), "to": quarterStart(t, quarter, 1), "destinationCountries": country},
		"quarter":  map[string]any{"from": quarterStart(t, quarter, 0), "to": quarterStart(t, quarter, 1), "destinationCountries": country},
		"quarters": map[string]any{"from": quarterStart(t, quarter, -7), "to": quarterStart(t, quarter, 1), "destinationCountries": country},
	}, &a)
	want := map[string]string{}
	for _, c := range []string{"TARGETED", "RANDOM", "DISCRETIONARY"} {
		for _, f := range []string{"inspected", "shareOfInspections", "hitRate", "liftVsRandom"} {
			want["targeting|"+c+"|"+f] = map[bool]string{true: "0", false: ""}[f == "inspected"]
		}
	}
	for _, r := range a.RiskEffectiveness {
		want["targeting|"+r.Channel+"|inspected"] = numAttr(&r.Inspected)
		want["targeting|"+r.Channel+"|shareOfInspections"] = numAttr(r.ShareOfInspections)
		want["targeting|"+r.Channel+"|hitRate"] = numAttr(r.HitRate)
		want["targeting|"+r.Channel+"|liftVsRandom"] = numAttr(r.LiftVsRandom)
	}
	if len(a.Holds) != 1 {
		t.Fatalf("holdFulfilment without groupBy: %d rows", len(a.Holds))
	}
	h := a.Holds[0]
	want["holds|all|requested"] = numAttr(&h.Requested)
	want["holds|all|presentedRate"] = numAttr(h.PresentedRate)
	want["holds|all|presentedWithinRate"] = numAttr(h.PresentedWithinRate)
	want["holds|all|p50HoursToPresent"] = numAttr(h.P50HoursToPresent)
	want["holds|all|deliveredWithoutPresentation"] = numAttr(&h.DeliveredWithoutPresentation)
	periods := map[string]bool{}
	for i := -7; i <= 0; i++ {
		periods[quarterStart(t, quarter, i)] = true
	}
	offices, origins := map[string]bool{}, map[string]bool{}
	for _, r := range a.HoldsByOffice {
		if r.Key.Office != nil {
			offices[*r.Key.Office] = true
		}
	}
	for _, r := range a.EadByOrigin {
		if r.Key.OriginCountry != nil {
			origins[*r.Key.OriginCountry] = true
		}
	}
	for p := range periods {
		for o := range offices {
			want["holdsByOffice|"+o+"|"+p] = ""
		}
		for o := range origins {
			want["eadByOrigin|"+o+"|"+p] = ""
		}
	}
	for _, r := range a.HoldsByOffice {
		if r.Key.Office != nil && r.Requested > 0 {
			want["holdsByOffice|"+*r.Key.Office+"|"+r.Key.Period] = numAttr(&r.DeliveredWithoutPresentation)
		}
	}
	for _, r := range a.EadByOrigin {
		if r.Key.OriginCountry != nil && r.Items > 0 {
			want["eadByOrigin|"+*r.Key.OriginCountry+"|"+r.Key.Period] = numAttr(r.BeforeArrivalRate)
		}
	}
	for _, r := range a.DeclarationQuality {
		if r.Key.OriginCountry != nil {
			want["quality|"+*r.Key.OriginCountry+"|"+r.Rule] = numAttr(r.FailureRate)
			want["quality|"+*r.Key.OriginCountry+"|declarations"] = numAttr(&r.Declarations)
		}
	}
	got := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll('#risk [data-cell]')].map(e => [e.dataset.cell, e.dataset.value]))`)
	if diff := cmp.Diff(want, got); diff != "" || len(a.EadByOrigin) == 0 || len(a.DeclarationQuality) == 0 {
		t.Errorf("risk and data, %s %s (-API +page):\n%s", mou, quarter, diff)
	}
	return a
}

// chooseMoU picks an MoU in the page's list, as a user would, and waits
// for the figures.
func chooseMoU(t *testing.T, b *browser, mou string) {
	t.Helper()
	n := renders(b)
	b.step("choose "+mou, chromedp.SetValue(chromedp.ID("mou"), mou), chromedp.Evaluate[chromedp.Void](`document.getElementById('filters').dispatchEvent(new Event('change'))`))
	waitRender(b, "the figures of "+mou, n)
}

// checkRiskStories holds the risk and data panel against the API for the
// MoU of each destination of the demo data, and checks that it tells the
// demo data's stories (docs/demo.md); it leaves the page on mou.
func checkRiskStories(t *testing.T, b *browser, s *Server, token, mou, quarter string, bigDemo bool) {
	t.Helper()
	var all struct {
		MoUs []struct{ ID, Country string } `json:"mous"`
	}
	dashboardOp(t, s, token, "MoUs", nil, &all)
	byCountry := map[string]string{}
	for _, m := range all.MoUs {
		if byCountry[m.Country] == "" {
			byCountry[m.Country] = m.ID
		}
	}
	for _, country := range []string{"KE", "TH", "MA"} {
		if byCountry[country] == "" {
			t.Fatalf("no MoU of %s in the demo data", country)
		}
		chooseMoU(t, b, byCountry[country])
		// Each MoU targets KPIs of its own: its trends too equal its
		// evaluations.
		checkTrends(t, b, s, token, byCountry[country], quarter)
		a := checkRisk(t, b, s, token, byCountry[country], quarter)
		// Targeting: targeted inspections find something more often than
		// random ones.
		hit := map[string]float64{}
		for _, r := range a.RiskEffectiveness {
			if r.HitRate != nil {
				hit[r.Channel] = *r.HitRate
			}
		}
		if hit["TARGETED"] <= hit["RANDOM"] {
			t.Errorf("%s: targeted hit rate %v, random %v; the demo data's targeting works", country, hit["TARGETED"], hit["RANDOM"])
		}
		// Random inspections find something about once in a hundred: a
		// year of them gives a lift from about 100,000 items on.
		for _, r := range a.RiskEffectiveness {
			if r.Channel == "TARGETED" && bigDemo && (r.LiftVsRandom == nil || *r.LiftVsRandom < 3) {
				t.Errorf("%s: targeted inspections' lift over random ones %v; the demo data's is about 11", country, r.LiftVsRandom)
			}
		}
		switch country {
		case "TH":
			// Every requested item delivered without presentation is at
			// THBKKB.
			at := map[string]int64{}
			for _, r := range a.HoldsByOffice {
				if r.Key.Office != nil {
					at[*r.Key.Office] += r.DeliveredWithoutPresentation
				}
			}
			for office, n := range at {
				if (office == "THBKKB") != (n > 0) {
					t.Errorf("%d requested items delivered without presentation at %s; the demo data has them at THBKKB only", n, office)
				}
			}
		case "MA":
			// CN→MA: advance data before arrival more often after the MoU
			// (2025-02) than before.
			before, after := ratesOf(a, "CN", "2025-01-01", quarterStart(t, quarter, 1))
			if before == nil || after == nil || *after <= *before {
				t.Errorf("CN→MA advance data at arrival: %v before the MoU, %v after; want better after", before, after)
			}
			shot(t, b, "dashboard-risk.png", eval[float64](b, `document.getElementById('risk').getBoundingClientRect().top + scrollY - 8`))
		}
	}
	chooseMoU(t, b, mou)
}

// ratesOf is the share of items from origin with advance data at arrival
// in the quarters before the day and in those from it to end.
func ratesOf(a riskAnswer, origin, day, end string) (before, after *float64) {
	var n, with [2]float64
	for _, r := range a.EadByOrigin {
		if r.Key.OriginCountry == nil || *r.Key.OriginCountry != origin || r.BeforeArrivalRate == nil || r.Key.Period >= end {
			continue
		}
		i := 0
		if r.Key.Period >= day {
			i = 1
		}
		n[i] += float64(r.Items)
		with[i] += float64(r.Items) * *r.BeforeArrivalRate
	}
	rate := func(i int) *float64 {
		if n[i] == 0 {
			return nil
		}
		v := with[i] / n[i]
		return &v
	}
	return rate(0), rate(1)
}

var chainStages = []string{"ARRIVAL_TO_PRESENTATION", "PRESENTATION_TO_RELEASE", "RELEASE_TO_DEPARTURE"}

// checkStages holds where the time goes against the Stages operation's
// answer for the MoU's country and the quarter: every figure of the table,
// and the offices of the bars, slowest first (the largest sum of medians
// from arrival to departure). It returns the slowest office.
func checkStages(t *testing.T, b *browser, s *Server, token, mou, quarter string) string {
	t.Helper()
	var a struct {
		StageTimes []struct {
			Key      struct{ Office *string }
			Stage    string
			Items    int64
			P50Hours *float64
			P90Hours *float64
		} `json:"stageTimes"`
	}
	dashboardOp(t, s, token, "Stages", map[string]any{"timeZone": zoneOf(t, s, token, mou), "filter": map[string]any{
		"from": quarterStart(t, quarter, 0), "to": quarterStart(t, quarter, 1), "destinationCountries": []string{countryOf(mou)}}}, &a)
	want := map[string]string{}
	chain := map[string]float64{}
	var offices []string
	for _, r := range a.StageTimes {
		if r.Key.Office == nil {
			continue
		}
		o := *r.Key.Office
		if !slices.Contains(offices, o) {
			offices = append(offices, o)
			for _, st := range []string{"ARRIVAL_TO_PRESENTATION", "PRESENTATION_TO_RELEASE", "RELEASE_TO_DEPARTURE", "RELEASE_TO_DELIVERY"} {
				want[o+"|"+st+"|p50Hours"], want[o+"|"+st+"|p90Hours"], want[o+"|"+st+"|items"] = "", "", "0"
			}
		}
		want[o+"|"+r.Stage+"|p50Hours"] = numAttr(r.P50Hours)
		want[o+"|"+r.Stage+"|p90Hours"] = numAttr(r.P90Hours)
		want[o+"|"+r.Stage+"|items"] = numAttr(&r.Items)
		if slices.Contains(chainStages, r.Stage) && r.P50Hours != nil {
			chain[o] += *r.P50Hours
		}
	}
	sort.Slice(offices, func(i, j int) bool {
		a, b := offices[i], offices[j]
		return chain[a] > chain[b] || chain[a] == chain[b] && a < b
	})
	got := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll('#stages-table [data-cell]')].map(e => [e.dataset.cell, e.dataset.value]))`)
	if diff := cmp.Diff(want, got); diff != "" || len(offices) == 0 {
		t.Errorf("where the time goes, %s %s (-API +page):\n%s", mou, quarter, diff)
	}
	// Each stage's bars: the offices slowest first, the medians and 90th
	// percentiles of the table.
	bars := eval[map[string][]string](b, `Object.fromEntries([...document.querySelectorAll('#stage-charts figure')].map(f => {
		const o = echarts.getInstanceByDom(f.querySelector('.plot')).getOption();
		return [f.dataset.stage, o.yAxis[0].data.map((office, i) => office + ' ' + o.series[0].data[i] + ' ' + o.series[1].data[i])]; }))`)
	for _, st := range []string{"ARRIVAL_TO_PRESENTATION", "PRESENTATION_TO_RELEASE", "RELEASE_TO_DEPARTURE", "RELEASE_TO_DELIVERY"} {
		var wantBars []string
		for _, o := range offices {
			js := func(v string) string {
				if v == "" {
					return "null"
				}
				return v
			}
			wantBars = append(wantBars, o+" "+js(want[o+"|"+st+"|p50Hours"])+" "+js(want[o+"|"+st+"|p90Hours"]))
		}
		if diff := cmp.Diff(wantBars, bars[st]); diff != "" {
			t.Errorf("bars of %s (-API +page):\n%s", st, diff)
		}
	}
	return offices[0]
}
