package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph/dashboard"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/warehouse"
)

// dashboardOp runs one of the dashboard's own operations (its .graphql
// file) as the given caller, so the test asks exactly what the page asks.
func dashboardOp(t *testing.T, s *Server, token, name string, vars map[string]any, into any) {
	t.Helper()
	ops, err := dashboard.Operations()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ops, func(o dashboard.Operation) bool { return o.Name == name })
	if i < 0 {
		t.Fatalf("no operation %s", name)
	}
	status, res := postAs(t, s, token, ops[i].Document, vars)
	if status != 200 || len(res.Errors) > 0 {
		t.Fatalf("%s %v: status %d, errors %+v", name, vars, status, res.Errors)
	}
	if err := json.Unmarshal(res.Data, into); err != nil {
		t.Fatal(err)
	}
}

// kpiResult is a KPI of the Scorecard operation's answer.
type kpiResult struct {
	KPI        string   `json:"kpi"`
	Unit       string   `json:"unit"`
	Actual     *float64 `json:"actual"`
	Target     *float64 `json:"target"`
	Met        *bool    `json:"met"`
	Previous   *float64 `json:"previous"`
	Change     *float64 `json:"change"`
	Population int64    `json:"population"`
	// The same quarter a year before, and the change from it.
	PreviousYear           *float64 `json:"previousYear"`
	ChangeFromPreviousYear *float64 `json:"changeFromPreviousYear"`
}

type scorecardAnswer struct {
	Evaluation struct {
		Quarter  string      `json:"quarter"`
		KPIs     []kpiResult `json:"kpis"`
		Findings []struct {
			Text string `json:"text"`
		} `json:"findings"`
		Actions struct {
			OpenAtEnd int `json:"openAtEnd"`
			Overdue   int `json:"overdue"`
			Actions   []struct {
				Action struct {
					ID string `json:"id"`
				} `json:"action"`
				StatusAtEnd string `json:"statusAtEnd"`
				Overdue     bool   `json:"overdue"`
			} `json:"actions"`
		} `json:"actions"`
		Data struct {
			Version string `json:"version"`
		} `json:"data"`
	} `json:"mouEvaluation"`
}

// pageTile is what a scorecard tile shows: its data- attributes, which
// hold the numbers exactly, and its text.
type pageTile struct {
	KPI, Actual, Target, Met, Previous, Change, Population string
	PreviousYear, ChangeFromPreviousYear                   string
	Shown                                                  string // the big figure
}

const readTiles = `[...document.querySelectorAll('#tiles .tile')].map(e => ({KPI: e.dataset.kpi, Actual: e.dataset.actual,
	Target: e.dataset.target, Met: e.dataset.met, Previous: e.dataset.previous, Change: e.dataset.change,
	Population: e.dataset.population, PreviousYear: e.dataset.previousYear, ChangeFromPreviousYear: e.dataset.changeFromPreviousYear,
	Shown: e.querySelector('.actual').textContent}))`

// numAttr writes a number as the page's data- attributes do (JavaScript's
// String(number), the shortest form that reads back as the same float64),
// so that equal strings mean equal numbers.
func numAttr[T float64 | int64](v *T) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(float64(*v), 'g', -1, 64)
}

func boolAttr(v *bool) string {
	if v == nil {
		return ""
	}
	return strconv.FormatBool(*v)
}

// shownNumber is the first number in a tile's big figure.
var shownNumber = regexp.MustCompile(`-?[0-9][0-9,]*\.?[0-9]*`)

// checkScorecard holds the tiles the page shows against the evaluation
// the API gives the same caller for the same MoU and quarter.
func checkScorecard(t *testing.T, b *browser, s *Server, token, mou, quarter string) scorecardAnswer {
	t.Helper()
	var want scorecardAnswer
	dashboardOp(t, s, token, "Scorecard", map[string]any{"mouId": mou, "quarter": quarter}, &want)
	var wantTiles []pageTile
	for _, k := range want.Evaluation.KPIs {
		if k.Target == nil {
			continue
		}
		wantTiles = append(wantTiles, pageTile{KPI: k.KPI, Actual: numAttr(k.Actual), Target: numAttr(k.Target),
			Met: boolAttr(k.Met), Previous: numAttr(k.Previous), Change: numAttr(k.Change), Population: numAttr(&k.Population),
			PreviousYear: numAttr(k.PreviousYear), ChangeFromPreviousYear: numAttr(k.ChangeFromPreviousYear)})
	}
	got := eval[[]pageTile](b, readTiles)
	shown := map[string]string{}
	for i := range got {
		shown[got[i].KPI] = got[i].Shown
		got[i].Shown = ""
	}
	if diff := cmp.Diff(wantTiles, got); diff != "" {
		t.Errorf("scorecard %s %s: tiles (-API +page):\n%s", mou, quarter, diff)
	}
	// The big figure is the actual, rounded as its unit is shown.
	for _, k := range want.Evaluation.KPIs {
		text, ok := shown[k.KPI]
		if !ok || k.Actual == nil {
			continue
		}
		figure, err := strconv.ParseFloat(strings.ReplaceAll(shownNumber.FindString(text), ",", ""), 64)
		scale, precision := 1.0, 0.05
		if k.Unit == "RATE" {
			scale = 100
		}
		if k.Unit == "PER_10K" {
			precision = 0.005
		}
		if err != nil || math.Abs(figure-*k.Actual*scale) > precision+1e-9 {
			t.Errorf("tile %s shows %q for %v", k.KPI, text, *k.Actual)
		}
	}
	var findings []string
	for _, f := range want.Evaluation.Findings {
		findings = append(findings, f.Text)
	}
	if diff := cmp.Diff(findings, eval[[]string](b, `[...document.querySelectorAll('#findings li')].map(e => e.textContent)`)); diff != "" {
		t.Errorf("findings (-API +page):\n%s", diff)
	}
	// Beside them, the agreed actions open at the end of the quarter,
	// overdue ones marked, and how many.
	var open []string
	for _, a := range want.Evaluation.Actions.Actions {
		if a.StatusAtEnd == "OPEN" {
			open = append(open, a.Action.ID+" "+strconv.FormatBool(a.Overdue))
		}
	}
	shownActions := eval[[]string](b, `[...document.querySelectorAll('#actions li')].map(e => e.dataset.action + ' ' + e.dataset.overdue)`)
	slices.Sort(open)
	slices.Sort(shownActions)
	if diff := cmp.Diff(open, shownActions); diff != "" {
		t.Errorf("open actions (-API +page):\n%s", diff)
	}
	if got := eval[[]int](b, `(d => [+d.openAtEnd, +d.overdue])(document.getElementById('actions-summary').dataset)`); !cmp.Equal(got, []int{want.Evaluation.Actions.OpenAtEnd, want.Evaluation.Actions.Overdue}) {
		t.Errorf("actions summary %v, the API's %d open and %d overdue", got, want.Evaluation.Actions.OpenAtEnd, want.Evaluation.Actions.Overdue)
	}
	return want
}

// trendRow is one row of a chart's table of figures.
type trendRow struct{ Period, Value, Population string }

func readTrends(b *browser) map[string][]trendRow {
	return eval[map[string][]trendRow](b, `Object.fromEntries([...document.querySelectorAll('#charts figure')].map(f =>
		[f.dataset.kpi, [...f.querySelectorAll('tbody tr')].map(r => ({Period: r.dataset.period, Value: r.dataset.value, Population: r.dataset.population}))]))`)
}

// quarterStart is the first day of a quarter such as 2025-Q3, and the
// quarter n after it.
func quarterStart(t *testing.T, quarter string, n int) string {
	t.Helper()
	var y, q int
	if _, err := fmt.Sscanf(quarter, "%d-Q%d", &y, &q); err != nil {
		t.Fatal(err)
	}
	return time.Date(y, time.Month(3*(q-1)+1+3*n), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

func quarterName(day string) string {
	d, _ := time.Parse(time.DateOnly, day)
	return fmt.Sprintf("%d-Q%d", d.Year(), (int(d.Month())-1)/3+1)
}

// waitRender waits until the page has rendered more than n times.
func waitRender(b *browser, what string, n int) {
	b.t.Helper()
	b.step(what, chromedp.Poll[chromedp.Void](fmt.Sprintf(`+(document.body.dataset.renders || 0) > %d && !document.body.dataset.busy`, n), chromedp.WithPollingTimeout(30*time.Second)))
}

func renders(b *browser) int {
	return eval[int](b, `+(document.body.dataset.renders || 0)`)
}

// press sends keys (kb.Tab, kb.ArrowRight, kb.Enter…) to the focused
// element.
func press(keys string) chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(keys)
}

// TestDashboardInBrowser drives the dashboard in headless Chromium against
// a server with authentication on, over demo data: sign-in with a token;
// the scorecard and the trends equal the API's answers to the same
// questions; the keyboard switches the trends to months; an ingest through
// the API reaches the open page by the subscription, with no polling; an
// AGENCY token sees only its scope; the print layout is one page; no
// request leaves the server and nothing goes wrong in the page. It reports
// the page's load time and transferred bytes, and leaves screenshots in
// docs/ with POSTCLEAR_UPDATE_DOCS=1.
func TestDashboardInBrowser(t *testing.T) {
	chromium := requireBrowser(t, dashboard.Missing(), "scripts/fetch-dashboard.sh")
	s, mint := authServer(t, "e2e_dashboard")
	ctx := context.Background()
	store := warehouse.NewStore(s.engine, s.Config.layout())
	if _, err := seedMoUs(ctx, store); err != nil {
		t.Fatal(err)
	}
	// 6,000 items keep the test quick; POSTCLEAR_DASHBOARD_ITEMS=200000
	// measures the page on the demo data of make run.
	items := 6000
	if n, err := strconv.Atoi(os.Getenv("POSTCLEAR_DASHBOARD_ITEMS")); err == nil && n > 0 {
		items = n
	}
	start := time.Now()
	stats, err := seed.Seed(ctx, store, demo.Config{Items: items, Seed: 1}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo data: %d items, %d events in %v", stats.Items, stats.Events, time.Since(start))
	analyst := mint(auth.Principal{Subject: "analyst", Role: auth.RoleAnalyst})
	kenya := mint(auth.Principal{Subject: "ke-customs", Role: auth.RoleAgency, Countries: []string{"KE"}})
	feed := mint(auth.Principal{Subject: "post-feed", Role: auth.RoleIngest})
	base := "http://" + s.Addr()

	// Before the token is given, the page's first questions are refused.
	b := newBrowser(t, chromium, 1360, 900, 3*time.Minute, func(text string) bool { return strings.Contains(text, "status of 401") })

	// Sign in: the page asks for a token, and keeps it for the tab.
	b.step("open the dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#token")))
	b.step("sign in with the keyboard", chromedp.SendKeys(chromedp.CSS("#token"), analyst), press(kb.Enter))
	waitRender(b, "the first render", 0)
	if stored := eval[string](b, `sessionStorage.getItem('postclear.token')`); stored != analyst {
		t.Errorf("sessionStorage holds %q, want the token", stored)
	}
	if local := eval[int](b, `localStorage.length`); local != 0 {
		t.Errorf("localStorage holds %d entries; the token must stay in the tab", local)
	}
	loc := eval[string](b, `location.search`)
	q, _ := url.ParseQuery(strings.TrimPrefix(loc, "?"))
	mou, quarter := q.Get("mou"), q.Get("quarter")
	if mou == "" || quarter != "2025-Q3" {
		t.Fatalf("URL %s: want the first MoU and the last complete quarter of the data, 2025-Q3", loc)
	}
	if who := eval[string](b, `document.getElementById('viewer').textContent`); !strings.Contains(who, "analyst · ANALYST") {
		t.Errorf("signed in as %q", who)
	}

	// The scorecard equals the evaluation, and the quarterly trends equal,
	// point by point, the evaluations of those quarters.
	checkScorecard(t, b, s, analyst, mou, quarter)
	trends := checkTrends(t, b, s, analyst, mou, quarter)

	// Hovering over the last point shows its exact figure and population.
	tip := hoverLastPoint(t, b, "CLEARANCE_P90_HOURS")
	last := trends["CLEARANCE_P90_HOURS"][7]
	v, _ := strconv.ParseFloat(last.Value, 64)
	p, _ := strconv.Atoi(last.Population)
	for _, want := range []string{quarter, fmt.Sprintf("%.1f h", v), fmt.Sprintf("%s items released", groupThousands(p))} {
		if !strings.Contains(tip, want) {
			t.Errorf("tooltip %q lacks %q", tip, want)
		}
	}

	// The MoU's activities are marked in the quarters that hold them.
	var withActivities struct {
		MoU struct {
			Activities []struct{ Date string } `json:"activities"`
		} `json:"mou"`
	}
	from := quarterStart(t, quarter, -7)
	dashboardOp(t, s, analyst, "Trends", map[string]any{"mouId": mou, "granularity": "QUARTER", "timeZone": zoneOf(t, s, analyst, mou),
		"filter": map[string]any{"from": from, "to": quarterStart(t, quarter, 1), "destinationCountries": []string{countryOf(mou)}}}, &withActivities)
	var wantMarked []string
	for _, a := range withActivities.MoU.Activities {
		if q := quarterName(a.Date); a.Date >= from && q <= quarter && !slices.Contains(wantMarked, q) {
			wantMarked = append(wantMarked, q)
		}
	}
	marked := eval[[]string](b, `(() => { const c = echarts.getInstanceByDom(document.querySelector('#charts .plot')); const o = c.getOption();
		return o.xAxis[0].data.filter((_, i) => o.series[1].data[i] !== null && o.series[1].data[i] !== undefined); })()`)
	if len(wantMarked) == 0 || !cmp.Equal(wantMarked, marked) {
		t.Errorf("quarters marked with activities: %q, want those of the MoU's activities, %q", marked, wantMarked)
	}
	shot(t, b, "dashboard-scorecard.png", 0)

	// Where the time goes: the stage chain by office, the slowest first;
	// on the demo data Kenya's is KEMBAA, where items wait for
	// presentation and for departure.
	if slowest := checkStages(t, b, s, analyst, mou, quarter); countryOf(mou) == "KE" && slowest != "KEMBAA" {
		t.Errorf("where the time goes shows %s first; the demo data's bottleneck is KEMBAA", slowest)
	}
	shot(t, b, "dashboard-stages.png", eval[float64](b, `document.getElementById('stages').getBoundingClientRect().top + scrollY - 8`))

	// The operations desk: the backlog, a click to the oldest items, and
	// one item's time line. On the demo data Mombasa's office of exchange
	// (KEMBAA) holds Kenya's largest backlog.
	if worst := checkDesk(t, b, s, analyst); countryOf(mou) == "KE" && worst != "KEMBAA" {
		t.Errorf("the desk shows %s as the worst office; the demo data's bottleneck is KEMBAA", worst)
	}
	if wide := eval[bool](b, `document.documentElement.scrollWidth > innerWidth`); wide {
		t.Errorf("the page is wider than the window (%v px)", eval[float64](b, `document.documentElement.scrollWidth`))
	}
	shot(t, b, "dashboard-desk.png", eval[float64](b, `document.getElementById('desk').getBoundingClientRect().top + scrollY - 8`))

	// Risk and data, for each destination of the demo data, with its
	// stories: targeting finds more than random inspections; Bangkok
	// (THBKKB) delivers items customs asked to see without presenting
	// them; advance data from China to Morocco comes in time more often
	// after the MoU.
	checkRiskStories(t, b, s, analyst, mou, quarter, stats.Items >= 100_000)

	// The keyboard: Space on a download button fetches the file with the
	// token.
	before := b.requestCount()
	b.step("download the CSV with the keyboard", chromedp.Focus(chromedp.CSS("#download-csv")), press(" "),
		chromedp.Poll[chromedp.Void](`!document.getElementById('download-csv').disabled`, chromedp.WithPollingTimeout(10*time.Second)))
	if got := b.requestsSince(before); !slices.ContainsFunc(got, func(r string) bool {
		return strings.HasSuffix(r, "/reports/mous/"+mou+"/"+quarter+".csv")
	}) {
		t.Errorf("requests after Space on Download CSV: %q", got)
	}
	if msg := eval[string](b, `document.getElementById('download-error').textContent`); msg != "" {
		t.Errorf("the download failed: %s", msg)
	}

	// The keyboard: from the quarter list, Tab reaches the granularity,
	// and an arrow key chooses months; the URL follows.
	n := renders(b)
	b.step("choose months with the keyboard", chromedp.Focus(chromedp.CSS("#quarter")), press(kb.Tab), press(kb.ArrowRight))
	waitRender(b, "the monthly trends", n)
	if loc := eval[string](b, `location.search`); !strings.Contains(loc, "grain=MONTH") {
		t.Errorf("URL %s after choosing months", loc)
	}
	var monthly struct {
		Clearance []struct {
			Key      struct{ Period string }
			Items    int64
			P90Hours *float64
		} `json:"clearanceTimes"`
	}
	dashboardOp(t, s, analyst, "Trends", map[string]any{"mouId": mou, "granularity": "MONTH", "timeZone": zoneOf(t, s, analyst, mou),
		"filter": map[string]any{"from": monthsBefore(t, quarterStart(t, quarter, 1), 8), "to": quarterStart(t, quarter, 1), "destinationCountries": []string{countryOf(mou)}}}, &monthly)
	var want []trendRow
	for _, r := range monthly.Clearance {
		want = append(want, trendRow{r.Key.Period, numAttr(r.P90Hours), numAttr(&r.Items)})
	}
	if diff := cmp.Diff(want, readTrends(b)["CLEARANCE_P90_HOURS"]); diff != "" {
		t.Errorf("monthly clearance trend (-API +page):\n%s", diff)
	}
	shot(t, b, "dashboard-trends.png", eval[float64](b, `document.getElementById('trends').getBoundingClientRect().top + scrollY - 8`))

	// Live: while nothing changes, the page asks nothing; an ingest through
	// the API reaches it by the subscription, and it shows the new figures.
	n, before = renders(b), b.requestCount()
	time.Sleep(2 * time.Second)
	if idle := b.requestsSince(before); len(idle) > 0 {
		t.Errorf("the idle page made requests (polling?): %q", idle)
	}
	clearance := tileOf(eval[[]pageTile](b, readTiles), "CLEARANCE_P90_HOURS")
	released := quarterStart(t, quarter, 0)[:8] + "15"
	// ingestRelease stores, through the API, an item presented and released
	// two hours later on a day of the quarter.
	ingestRelease := func(itemID, day string) {
		t.Helper()
		status, res := postAs(t, s, feed, `mutation($e: [EventInput!]!, $d: [DecisionInput!]!) { ingestEvents(records: $e) { accepted } ingestDecisions(records: $d) { accepted } }`,
			map[string]any{
				"e": []map[string]any{{"itemId": itemID, "eventCode": "EDB", "eventTime": day + "T08:00:00Z", "office": "KENBOA", "originCountry": "CN", "destinationCountry": countryOf(mou), "mailClass": "PACKET"}},
				"d": []map[string]any{{"itemId": itemID, "decidedAt": day + "T10:00:00Z", "decision": "RELEASE"}},
			})
		if status != 200 || len(res.Errors) > 0 || !bytes.Contains(res.Data, []byte(`"accepted":1`)) {
			t.Fatalf("ingest: %d %s %+v", status, res.Data, res.Errors)
		}
	}
	ingestRelease("RR123456785CN", released)
	waitRender(b, "the update after the ingest", n)
	for _, r := range b.requestsSince(before) {
		if !strings.HasSuffix(r, "/graphql") {
			t.Errorf("after the ingest the page requested %s", r)
		}
	}
	now := checkScorecard(t, b, s, analyst, mou, quarter)
	// The figures shown are those of the version announced, which is the
	// server's version now.
	announced := eval[string](b, `document.body.dataset.version`)
	if shown := eval[string](b, `document.getElementById('scorecard').dataset.version`); announced != now.Evaluation.Data.Version || shown != announced {
		t.Errorf("after the ingest: version %q announced, scorecard over %q, the API's evaluation over %q", announced, shown, now.Evaluation.Data.Version)
	}
	if after := tileOf(eval[[]pageTile](b, readTiles), "CLEARANCE_P90_HOURS"); after.Population != fmt.Sprint(mustAtoi(t, clearance.Population)+1) {
		t.Errorf("clearance population %s before the ingest, %s after; want one more", clearance.Population, after.Population)
	}

	// The operations desk follows too: an item arriving at KEMBAA an hour
	// before the latest event waits for presentation there.
	const awaiting = `(c => c ? c.dataset.items : '0')(document.querySelector('#backlog-table tr[data-office=KEMBAA] td[data-stage=AWAITING_PRESENTATION]'))`
	asOf := eval[string](b, `document.getElementById('desk').dataset.asOf`)
	waiting, n := eval[string](b, awaiting), renders(b)
	at, err := time.Parse(time.RFC3339, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if status, res := postAs(t, s, feed, `mutation($e: [EventInput!]!) { ingestEvents(records: $e) { accepted } }`, map[string]any{"e": []map[string]any{{
		"itemId": "RR000000014CN", "eventCode": "EMD", "eventTime": at.Add(-time.Hour).Format(time.RFC3339), "office": "KEMBAA",
		"originCountry": "CN", "destinationCountry": "KE", "mailClass": "PACKET"}}}); status != 200 || len(res.Errors) > 0 || !bytes.Contains(res.Data, []byte(`"accepted":1`)) {
		t.Fatalf("ingest: %d %s %+v", status, res.Data, res.Errors)
	}
	waitRender(b, "the desk after an arrival", n)
	if now := eval[string](b, awaiting); now != fmt.Sprint(mustAtoi(t, waiting)+1) || eval[string](b, `document.getElementById('desk').dataset.asOf`) != asOf {
		t.Errorf("items awaiting presentation at KEMBAA: %s before the arrival, %s after; want one more at the same moment", waiting, now)
	}

	// Print: the scorecard alone, on one A4 page.
	measurePrint(t, b)

	// Load time and bytes, on a reload with an empty cache (the token stays
	// in the tab).
	reportLoad(t, b, func() { ingestRelease("RR000000005CN", released) })

	// An AGENCY token sees only its countries' MoUs, even when the URL
	// names another one.
	other := firstOtherMoU(t, s, analyst, "KE")
	n = renders(b)
	b.step("sign out", chromedp.Click(chromedp.CSS("#sign-out")), chromedp.WaitVisible(chromedp.CSS("#token")))
	if stored := eval[string](b, `sessionStorage.getItem('postclear.token') || ''`); stored != "" {
		t.Error("the token is still stored after signing out")
	}
	b.step("open a shared link to another country's MoU",
		chromedp.Navigate(base+"/dashboard?mou="+url.QueryEscape(other)+"&quarter="+quarter), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), kenya), press(kb.Enter))
	waitRender(b, "the agency's render", 0)
	var visible struct {
		MoUs []struct{ ID, Country string } `json:"mous"`
	}
	dashboardOp(t, s, kenya, "MoUs", nil, &visible)
	var ids []string
	for _, m := range visible.MoUs {
		if m.Country != "KE" {
			t.Errorf("the API shows the agency MoU %s of %s", m.ID, m.Country)
		}
		ids = append(ids, m.ID)
	}
	if diff := cmp.Diff(ids, eval[[]string](b, `[...document.querySelectorAll('#mou option')].map(o => o.value)`)); diff != "" || len(ids) == 0 {
		t.Errorf("MoUs offered to the agency (-API +page):\n%s", diff)
	}
	shown := eval[string](b, `document.getElementById('mou').value`)
	if shown == other || !slices.Contains(ids, shown) {
		t.Errorf("the agency is shown MoU %s", shown)
	}
	checkScorecard(t, b, s, kenya, shown, quarter)
	// The other panels too show the agency what the API tells it.
	checkStages(t, b, s, kenya, shown, quarter)
	checkRisk(t, b, s, kenya, shown, quarter)
	checkDesk(t, b, s, kenya)
	if who := eval[string](b, `document.getElementById('viewer').textContent`); !strings.Contains(who, "AGENCY (KE)") {
		t.Errorf("signed in as %q", who)
	}
	b.checkClean(s.Addr())
}

// checkTrends holds the quarterly trends against the evaluations of those
// quarters, point by point: the page asks the KPI fields, the evaluation
// its own way. It returns the trends.
func checkTrends(t *testing.T, b *browser, s *Server, token, mou, quarter string) map[string][]trendRow {
	t.Helper()
	var ev scorecardAnswer
	dashboardOp(t, s, token, "Scorecard", map[string]any{"mouId": mou, "quarter": quarter}, &ev)
	targets := map[string]bool{}
	for _, k := range ev.Evaluation.KPIs {
		// The backlog at a quarter's end is a figure at a moment: no trend.
		if k.Target != nil && k.KPI != "BACKLOG_IN_CUSTOMS_OVER_72H" {
			targets[k.KPI] = true
		}
	}
	trends := readTrends(b)
	if len(trends) != len(targets) {
		t.Errorf("%s: %d charts for %d targets", mou, len(trends), len(targets))
	}
	evaluations := map[string]map[string]kpiResult{}
	for kpi, rows := range trends {
		if !targets[kpi] || len(rows) != 8 || quarterName(rows[7].Period) != quarter {
			t.Errorf("%s: chart %s: %d quarters ending %v, want 8 ending %s", mou, kpi, len(rows), rows[len(rows)-1:], quarter)
			continue
		}
		for _, r := range rows {
			qn := quarterName(r.Period)
			if evaluations[qn] == nil {
				var a scorecardAnswer
				dashboardOp(t, s, token, "Scorecard", map[string]any{"mouId": mou, "quarter": qn}, &a)
				evaluations[qn] = map[string]kpiResult{}
				for _, k := range a.Evaluation.KPIs {
					evaluations[qn][k.KPI] = k
				}
			}
			k := evaluations[qn][kpi]
			if want := (trendRow{r.Period, numAttr(k.Actual), numAttr(&k.Population)}); r != want {
				t.Errorf("%s: trend %s %s: page %+v, evaluation %+v", mou, kpi, qn, r, want)
			}
		}
	}
	return trends
}

// monthsBefore is the first day n months before day.
func monthsBefore(t *testing.T, day string, n int) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, -n, 0).Format(time.DateOnly)
}

// zoneOf is the time zone of an MoU, in which the page asks for its
// figures.
func zoneOf(t *testing.T, s *Server, token, mou string) string {
	t.Helper()
	var all struct {
		MoUs []struct{ ID, TimeZone string } `json:"mous"`
	}
	dashboardOp(t, s, token, "MoUs", nil, &all)
	for _, m := range all.MoUs {
		if m.ID == mou {
			return m.TimeZone
		}
	}
	t.Fatalf("no MoU %s", mou)
	return ""
}

func countryOf(mou string) string {
	// Demo MoU ids are mou-<country>-<year>.
	return strings.ToUpper(strings.Split(mou, "-")[1])
}

func tileOf(tiles []pageTile, kpi string) pageTile {
	for _, t := range tiles {
		if t.KPI == kpi {
			return t
		}
	}
	return pageTile{}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func firstOtherMoU(t *testing.T, s *Server, token, country string) string {
	var all struct {
		MoUs []struct{ ID, Country string } `json:"mous"`
	}
	dashboardOp(t, s, token, "MoUs", nil, &all)
	for _, m := range all.MoUs {
		if m.Country != country {
			return m.ID
		}
	}
	t.Fatal("no MoU of another country")
	return ""
}

// hoverLastPoint moves the mouse over the last point of a KPI's chart and
// returns the tooltip's text.
func hoverLastPoint(t *testing.T, b *browser, kpi string) string {
	t.Helper()
	sel := fmt.Sprintf(`document.querySelector('figure[data-kpi=%q] .plot')`, kpi)
	b.step("scroll to the chart", chromedp.Evaluate[chromedp.Void](sel+`.scrollIntoView({block: 'center'})`))
	xy := eval[[]float64](b, `(() => { const el = `+sel+`; const c = echarts.getInstanceByDom(el); const r = el.getBoundingClientRect();
		const o = c.getOption(); const i = o.xAxis[0].data.length - 1; const p = c.convertToPixel({seriesIndex: 0}, [i, o.series[0].data[i].value]);
		return [r.left + p[0], r.top + p[1]]; })()`)
	b.step("hover", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0]-3, xy[1]), chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0], xy[1]),
		chromedp.Poll[chromedp.Void](sel+`.innerText.trim().length > 0`, chromedp.WithPollingTimeout(5*time.Second)))
	return eval[string](b, sel+`.innerText`)
}

// shot saves a screenshot of the viewport scrolled to y.
func shot(t *testing.T, b *browser, name string, y float64) {
	t.Helper()
	b.step("scroll", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`scrollTo(0, %f)`, y)), chromedp.Sleep(300*time.Millisecond))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	out := docsPath(t, name)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)
}

// measurePrint prints the page as Chromium would to A4 and requires one
// page; it also leaves a picture of the print layout (in docs/ with
// POSTCLEAR_UPDATE_DOCS=1).
func measurePrint(t *testing.T, b *browser) {
	t.Helper()
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 {
		t.Errorf("the printed scorecard has %d pages, want 1", pages)
	}
	if err := os.WriteFile(t.TempDir()+"/dashboard-print.pdf", pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	shot(t, b, "dashboard-print.png", 0)
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
}

// pageLoad is what the browser's Performance API says about a load.
type pageLoad struct {
	Ready, DOMContentLoaded float64 // ms from the start of the navigation
	Bytes, Body             int64   // transferred (headers and compressed bodies), compressed bodies alone
	Requests                int
}

const measureLoad = `(() => {
	const nav = performance.getEntriesByType('navigation')[0];
	const all = [nav, ...performance.getEntriesByType('resource')];
	const sum = (f) => all.reduce((s, e) => s + e[f], 0);
	return {Ready: performance.getEntriesByName('dashboard-ready')[0].startTime, DOMContentLoaded: nav.domContentLoadedEventEnd,
		Bytes: sum('transferSize'), Body: sum('encodedBodySize'), Requests: all.length};
})()`

// reportLoad loads the page cold and then warm, and logs how long it took
// until the figures were shown and how many bytes it transferred
// (compressed, headers included). Cold is an empty browser cache and new
// data (ingest), so that the server computes every answer afresh; warm
// is a reload right after. Loading is not timed against a goal here (that
// is for benchmarks); the bytes are bounded, since they do not vary with
// the machine.
func reportLoad(t *testing.T, b *browser, ingest func()) {
	t.Helper()
	page := eval[string](b, `location.href`)
	b.step("leave the page", chromedp.Navigate("about:blank"))
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	ingest()
	for _, load := range []string{"cold", "warm"} {
		if load == "cold" {
			b.step("open the page again", chromedp.Navigate(page))
		} else {
			b.step("reload", chromedp.Reload())
		}
		waitRender(b, "the render of a "+load+" load", 0)
		m := eval[pageLoad](b, measureLoad)
		t.Logf("%s load: figures shown after %.0f ms (DOMContentLoaded %.0f ms); %d requests, %.1f kB transferred (%.1f kB of compressed bodies)",
			load, m.Ready, m.DOMContentLoaded, m.Requests, float64(m.Bytes)/1000, float64(m.Body)/1000)
		if load == "cold" && m.Bytes > 400_000 {
			t.Errorf("the dashboard transferred %d bytes on a cold load; its budget is 400 kB", m.Bytes)
		}
	}
}
