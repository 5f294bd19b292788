package graph_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/testenv"
)

// backlogRecords are the analytics fixture, the scope fixture and the
// backlog fixture (internal/analytics/testdata), each stored once.
func backlogRecords(t *testing.T) kpioracle.Records {
	var r kpioracle.Records
	for _, dir := range []string{"fixture", "scope", "backlog"} {
		dir = filepath.Join("..", "internal", "analytics", "testdata", dir)
		r.Events = append(r.Events, readFile[postclear.Event](t, dir, "events.csv")...)
		r.Declarations = append(r.Declarations, readFile[postclear.Declaration](t, dir, "declarations.csv")...)
		r.Decisions = append(r.Decisions, readFile[postclear.Decision](t, dir, "decisions.csv")...)
	}
	return r
}

func readFile[T ingest.Record](t *testing.T, dir, name string) []T {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := ingest.Open[T](name, f, testenv.Now)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejected, err := ingest.ReadAll(rd)
	if err != nil || len(rejected) > 0 {
		t.Fatalf("%s: %v %v", name, err, rejected)
	}
	return recs
}

// backlogServer serves r with HS256 authentication and the result cache
// on, and returns its URL, the handler's resolver and a token minter.
func backlogServer(t *testing.T, r kpioracle.Records, cfg graph.Config) (string, *graph.Resolver, func(auth.Principal) string) {
	e := testenv.Embedded(t)
	st := storeRecords(t, e, r)
	cache := resultcache.New(resultcache.Limits{MaxEntries: 10_000, MaxBytes: 64 << 20}, st.DataVersion)
	svc := &analytics.Service{Engine: e, Layout: st.Layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }, Cache: cache}
	res := &graph.Resolver{Analytics: svc, Operations: svc, Records: st, Cache: cache}
	authn, mint := hs256(t)
	cfg.Auth = authn
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(graph.NewHandler(res, func(context.Context) error { return nil }, cfg))
	t.Cleanup(srv.Close)
	return srv.URL, res, mint
}

// postAs sends query as the bearer of token and decodes the data into
// data; it returns the errors.
func postAs(t *testing.T, base, token, query string, data any) []gqlError {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) == 0 && data != nil {
		if err := json.Unmarshal(out.Data, data); err != nil {
			t.Fatalf("decode %s: %v", out.Data, err)
		}
	}
	return out.Errors
}

// getAs downloads path as the bearer of token.
func getAs(t *testing.T, base, token, path string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header, b.Bytes()
}

// wireItem is Item as JSON: the records' domain types carry the file
// field names as JSON tags, so they are read here by their API names.
type wireItem struct {
	postclear.Item
	Events []struct {
		ItemID, EventCode, Office, OriginCountry, DestinationCountry, MailClass string
		EventTime                                                               time.Time
	}
	Declarations []struct {
		ItemID, OriginCountry, DestinationCountry, MailClass, Category, Description, HsCode, DeclaredValue, Currency, GrossWeightKg string
		ReceivedAt                                                                                                                  time.Time
	}
	Decisions []struct {
		ItemID, Decision             string
		RiskChannel, SeizureCategory *string
		DutyAmount                   string
		DecidedAt                    time.Time
	}
}

func (w wireItem) domain(t *testing.T) *postclear.Item {
	it := w.Item
	dec := func(s string) postclear.Decimal {
		d, err := postclear.ParseDecimal(s)
		if err != nil {
			t.Fatalf("decimal %q: %v", s, err)
		}
		return d
	}
	it.Events, it.Declarations, it.Decisions = []postclear.Event{}, []postclear.Declaration{}, []postclear.Decision{}
	for _, e := range w.Events {
		it.Events = append(it.Events, postclear.Event{ItemID: e.ItemID, EventCode: e.EventCode, EventTime: e.EventTime, Office: e.Office,
			OriginCountry: e.OriginCountry, DestinationCountry: e.DestinationCountry, MailClass: e.MailClass})
	}
	for _, d := range w.Declarations {
		it.Declarations = append(it.Declarations, postclear.Declaration{ItemID: d.ItemID, ReceivedAt: d.ReceivedAt, OriginCountry: d.OriginCountry,
			DestinationCountry: d.DestinationCountry, MailClass: d.MailClass, Category: d.Category, Description: d.Description, HSCode: d.HsCode,
			DeclaredValue: dec(d.DeclaredValue), Currency: d.Currency, GrossWeightKg: dec(d.GrossWeightKg)})
	}
	for _, d := range w.Decisions {
		c := postclear.Decision{ItemID: d.ItemID, DecidedAt: d.DecidedAt, Decision: d.Decision, DutyAmount: dec(d.DutyAmount)}
		if d.RiskChannel != nil {
			c.RiskChannel = *d.RiskChannel
		}
		if d.SeizureCategory != nil {
			c.SeizureCategory = *d.SeizureCategory
		}
		it.Decisions = append(it.Decisions, c)
	}
	return &it
}

const itemFields = `itemId originCountry destinationCountry mailClass office category
	milestones { postedAt departedOriginAt arrivedAt presentedAt releasedAt departedInwardAt deliveredAt closedAt eadAt requestedAt inspectedAt inspectionChannel }
	events { itemId eventCode eventTime office originCountry destinationCountry mailClass }
	declarations { itemId receivedAt originCountry destinationCountry mailClass category description hsCode declaredValue currency grossWeightKg }
	decisions { itemId decidedAt decision riskChannel seizureCategory dutyAmount }`

// The operations view through the real handler, as an administrator and
// as two agencies, each asking in turn with the result cache on, so that
// an answer computed for one caller and served to another shows: the
// backlog at both moments of the backlog fixture, every stage's open
// items page by page and as the CSV download, and every item whole, each
// compared with the oracle under the caller's scope.
func TestBacklogEndToEnd(t *testing.T) {
	r := backlogRecords(t)
	base, _, mint := backlogServer(t, r, graph.Config{})
	callers := []struct {
		name  string
		token string
		scope postclear.Scope
	}{
		{"admin", mint(auth.Principal{Subject: "admin", Role: auth.RoleAdmin}), postclear.Scope{}},
		{"KE", mint(auth.Principal{Subject: "ke", Role: auth.RoleAgency, Countries: []string{"KE"}}), postclear.Scope{Restricted: true, Countries: []string{"KE"}}},
		{"TH+US", mint(auth.Principal{Subject: "th", Role: auth.RoleAgency, Countries: []string{"TH", "US"}}), postclear.Scope{Restricted: true, Countries: []string{"TH", "US"}}},
	}
	moments := []time.Time{time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC), time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)}
	wide := postclear.AnalyticsFilter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	const filter = `filter: {from: "2000-01-01", to: "2026-01-01"}`
	var ids []string
	for id := range r.Items() {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	seen := map[string]int{}
	// Every caller twice, in turn: the second round is served from the
	// cache where the first filled it.
	for round := range 2 {
		for _, c := range callers {
			t.Run(fmt.Sprintf("%d/%s", round, c.name), func(t *testing.T) {
				for _, asOf := range moments {
					q := postclear.KPIQuery{Filter: wide, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry, postclear.DimOffice}, Scope: c.scope}
					var data struct{ Backlog []postclear.BacklogStat }
					if errs := postAs(t, base, c.token, `{ backlog(asOf: "`+asOf.Format(time.RFC3339)+`", `+filter+`, groupBy: [OFFICE, DESTINATION_COUNTRY], agesHours: [72, 24]) {
						`+keyFields+` stage items p50AgeHours p90AgeHours maxAgeHours olderThan { hours items } } }`, &data); len(errs) > 0 {
						t.Fatal(errs)
					}
					if diff := cmp.Diff(kpioracle.Backlog(r, q, asOf, []float64{72, 24}), data.Backlog, approx); diff != "" {
						t.Errorf("backlog at %s (-want +got):\n%s", asOf, diff)
					}
					for _, stage := range postclear.BacklogStages {
						want := kpioracle.OpenItems(r, q, asOf, stage, nil)
						if got := pageOverHTTP(t, base, c.token, `asOf: "`+asOf.Format(time.RFC3339)+`", stage: `+string(stage)+`, `+filter); !cmp.Equal(want, got, approx) {
							t.Errorf("openItems %s at %s (-want +got):\n%s", stage, asOf, cmp.Diff(want, got, approx))
						}
						seen[c.name] += len(want)
						v := url.Values{"asOf": {asOf.Format(time.RFC3339)}, "stage": {string(stage)}, "from": {"2000-01-01"}, "to": {"2026-01-01"}}
						status, h, body := getAs(t, base, c.token, "/reports/open-items.csv?"+v.Encode())
						if status != http.StatusOK || h.Get("Content-Type") != "text/csv; charset=utf-8" || h.Get("Cache-Control") != "no-store" {
							t.Fatalf("download: %d %v %s", status, h, body)
						}
						if diff := cmp.Diff(csvRows(want, stage), readCSV(t, body)); diff != "" {
							t.Errorf("open-items.csv %s at %s (-want +got):\n%s", stage, asOf, diff)
						}
					}
				}
				for _, id := range ids {
					var data struct{ Item *wireItem }
					if errs := postAs(t, base, c.token, `{ item(id: "`+id+`") { `+itemFields+` } }`, &data); len(errs) > 0 {
						t.Fatal(errs)
					}
					var got *postclear.Item
					if data.Item != nil {
						got = data.Item.domain(t)
					}
					if diff := cmp.Diff(kpioracle.ItemOf(r, id, c.scope), got, cmpopts.EquateComparable(postclear.Decimal{})); diff != "" {
						t.Errorf("item %s (-want +got):\n%s", id, diff)
					}
				}
			})
		}
	}
	if seen["admin"] <= seen["KE"] || seen["KE"] == 0 || seen["TH+US"] == 0 {
		t.Errorf("open items seen per caller %v: each agency should see some, the administrator more", seen)
	}
}

// pageOverHTTP reads openItems(args) three items a page.
func pageOverHTTP(t *testing.T, base, token, args string) []postclear.OpenItem {
	t.Helper()
	var items []postclear.OpenItem
	after := ""
	for {
		var data struct {
			OpenItems struct {
				TotalCount int64
				Edges      []struct {
					Cursor string
					Node   postclear.OpenItem
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		if errs := postAs(t, base, token, `{ openItems(`+args+`, first: 3`+after+`) { totalCount
			edges { cursor node { itemId originCountry destinationCountry mailClass office category enteredAt ageHours } }
			pageInfo { hasNextPage endCursor } } }`, &data); len(errs) > 0 {
			t.Fatal(errs)
		}
		c := data.OpenItems
		for _, e := range c.Edges {
			items = append(items, e.Node)
		}
		if !c.PageInfo.HasNextPage {
			if int64(len(items)) != c.TotalCount {
				t.Errorf("%d items listed, totalCount %d", len(items), c.TotalCount)
			}
			return items
		}
		after = `, after: "` + *c.PageInfo.EndCursor + `"`
	}
}

// csvRows is the download's rows of items.
func csvRows(items []postclear.OpenItem, stage postclear.BacklogStage) [][]string {
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	out := [][]string{{"item_id", "stage", "entered_at", "age_hours", "origin_country", "destination_country", "mail_class", "office", "category"}}
	for _, it := range items {
		out = append(out, []string{it.ItemID, string(stage), it.EnteredAt.UTC().Format(time.RFC3339), strconv.FormatFloat(it.AgeHours, 'f', -1, 64),
			text(it.OriginCountry), text(it.DestinationCountry), text(it.MailClass), text(it.Office), text(it.Category)})
	}
	return out
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return rows
}

// Wrong arguments get BAD_USER_INPUT naming the argument, over GraphQL and
// from the download; the download follows authentication, refuses other
// methods and a list longer than its bound, saying how to narrow it.
func TestBacklogBadInputEndToEnd(t *testing.T) {
	base, _, mint := backlogServer(t, backlogRecords(t), graph.Config{MaxExportRows: 3})
	admin := mint(auth.Principal{Subject: "admin", Role: auth.RoleAdmin})
	const filter = `filter: {from: "2025-01-01", to: "2026-01-01"}`
	for _, c := range []struct{ query, names string }{
		{`{ backlog(asOf: "2025-12-02T00:00:01Z", ` + filter + `) { items } }`, "asOf"},
		{`{ backlog(asOf: "2025-11-20T00:00:00Z", ` + filter + `, agesHours: []) { items } }`, "agesHours"},
		{`{ backlog(asOf: "2025-11-20T00:00:00Z", ` + filter + `, agesHours: [24, -1]) { items } }`, "agesHours[1]"},
		{`{ backlog(asOf: "2025-11-20T00:00:00Z", ` + filter + `, timeZone: "Mars/Olympus") { items } }`, "timeZone"},
		{`{ openItems(asOf: "2025-11-20T00:00:00Z", stage: IN_CUSTOMS, ` + filter + `, first: 0) { totalCount } }`, "first"},
		{`{ openItems(asOf: "2025-11-20T00:00:00Z", stage: IN_CUSTOMS, ` + filter + `, first: 501) { totalCount } }`, "first"},
		{`{ openItems(asOf: "2025-11-20T00:00:00Z", stage: IN_CUSTOMS, ` + filter + `, after: "oi1.bm90IGEgY3Vyc29y") { totalCount } }`, "after"},
		{`{ openItems(asOf: "2025-11-20T00:00:00Z", stage: IN_CUSTOMS, ` + filter + `, olderThanHours: -2) { totalCount } }`, "olderThanHours"},
		{`{ item(id: "RR123456784CN") { itemId } }`, "id"},
	} {
		errs := postAs(t, base, admin, c.query, nil)
		if len(errs) != 1 || errs[0].Extensions.Code != postclear.EInvalid || !strings.Contains(errs[0].Message, c.names) {
			t.Errorf("%s: %+v, want one %s naming %s", c.query, errs, postclear.EInvalid, c.names)
		}
	}
	ok := url.Values{"asOf": {"2025-11-20T00:00:00Z"}, "stage": {"IN_CUSTOMS"}, "from": {"2025-11-01"}, "to": {"2025-11-21"}, "destinationCountries": {"TH"}}
	with := func(k, v string) string {
		w := url.Values{}
		for key, vs := range ok {
			w[key] = slices.Clone(vs)
		}
		if v == "" {
			w.Del(k)
		} else {
			w.Set(k, v)
		}
		return "/reports/open-items.csv?" + w.Encode()
	}
	if status, _, body := getAs(t, base, admin, "/reports/open-items.csv?"+ok.Encode()); status != http.StatusOK || len(readCSV(t, body)) != 2 {
		t.Fatalf("a list of one item: %d %s", status, body)
	}
	for _, c := range []struct {
		path, token, code, names string
		status                   int
	}{
		{with("asOf", "yesterday"), admin, postclear.EInvalid, "asOf", 400},
		{with("asOf", "2030-01-01T00:00:00Z"), admin, postclear.EInvalid, "asOf", 400},
		{with("stage", "STUCK"), admin, postclear.EInvalid, "stage", 400},
		{with("from", "2025-13-01"), admin, postclear.EInvalid, "from", 400},
		{with("destinationCountries", "Kenya"), admin, postclear.EInvalid, "destinationCountries", 400},
		{with("olderThanHours", "ten"), admin, postclear.EInvalid, "olderThanHours", 400},
		{with("destinationCountry", "TH"), admin, postclear.EInvalid, "destinationCountry", 400},
		{with("destinationCountries", ""), admin, postclear.ETooLarge, "at most 3", 413},
		{with("stage", ""), admin, postclear.EInvalid, "stage", 400},
		{"/reports/open-items.csv?" + ok.Encode(), "", auth.EUnauthenticated, "bearer token", 401},
	} {
		status, _, body := getAs(t, base, c.token, c.path)
		var out struct{ Errors []gqlError }
		json.Unmarshal(body, &out)
		if status != c.status || len(out.Errors) != 1 || out.Errors[0].Extensions.Code != c.code || !strings.Contains(out.Errors[0].Message, c.names) {
			t.Errorf("%s: %d %s, want %d %s naming %s", c.path, status, body, c.status, c.code, c.names)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/reports/open-items.csv?"+ok.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v, want 405", resp, err)
	}
}

// failingExport passes two items, then fails as a download that outgrew
// its bound (or its deadline) meanwhile would.
type failingExport struct{ operations }

// operations names postclear.Backlog for embedding: its field would
// otherwise be called Backlog, like one of its methods.
type operations = postclear.Backlog

func (failingExport) ExportOpenItems(_ context.Context, _ postclear.OpenItemsQuery, _ int, each func(postclear.OpenItem) error) error {
	for range 2 {
		if err := each(postclear.OpenItem{ItemID: "RR123456785KE", EnteredAt: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			return err
		}
	}
	return postclear.Errorf(postclear.ETooLarge, "the list grew")
}

// A download that fails after its first rows is cut off, so that the
// client sees a failed transfer, never a shorter file that looks whole.
func TestOpenItemsDownloadFailingMidwayIsCut(t *testing.T) {
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Operations: failingExport{}}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	// Rows not yet flushed fail the request itself; flushed ones, the
	// reading of the body.
	resp, err := http.Get(srv.URL + "/reports/open-items.csv?asOf=2025-06-02T00:00:00Z&stage=IN_CUSTOMS&from=2025-01-01&to=2026-01-01")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Errorf("the transfer of a failed download completed: %d %s", resp.StatusCode, body)
	}
}
