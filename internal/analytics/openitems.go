package analytics

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/warehouse"
)

// Paging through the items open in one stage (docs/domain.md, KPI 9),
// oldest first, then by item id: keyset pagination, each page reading the
// items after the position (entered_at, item_id) its cursor holds.
//
// The list is that of the first page's data. The cursor carries a
// watermark of it: the largest item_facts version among the rows a change
// to the list would show in (the query's destination keys, items first
// seen by the moment), and how many rows have it. Every change to an item
// writes a row with a larger version (warehouse.Facts, invariant 5): under
// its destination key, and a deletion row under a key it left. So after
// reading a later page, the page is checked against the watermark: no
// such row newer than it (and as many at it) means that no item of the
// list changed since the first page, and the pages together hold every
// item of the first page's list exactly once; otherwise the call fails
// with CONFLICT, saying the data moved. Items stored after the first page
// that concern neither the list's destinations nor its moment (first seen
// after asOf) leave the watermark alone, so a past backlog pages through
// undisturbed while today's records arrive.

// Bounds of openItems.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
	// DefaultMaxExport bounds the open-items CSV download.
	DefaultMaxExport = 100_000
)

// OpenItems returns a page of the items open in q.Stage at q.AsOf.
func (s *Service) OpenItems(ctx context.Context, oq postclear.OpenItemsQuery) (out postclear.OpenItemConnection, err error) {
	defer postclear.Wrap(&err, "open items")
	p, err := s.openQuery(ctx, oq)
	if err != nil {
		return out, err
	}
	if oq.First < 1 || oq.First > MaxPageSize {
		return out, invalid("first must be between 1 and %d, got %d", MaxPageSize, oq.First)
	}
	after, err := p.parseCursor(oq.After)
	if err != nil {
		return out, err
	}
	key, err := json.Marshal(struct {
		Q     string
		First int
		After *position
	}{p.hash, oq.First, after})
	if err != nil {
		return out, err
	}
	return resultcache.Do(ctx, s.Cache, "open items"+string(key), func(ctx context.Context) (postclear.OpenItemConnection, error) {
		return s.openPage(ctx, p, oq.First, after)
	})
}

// OpenItemsSQL returns the statement of OpenItems' first page on a
// serial engine (the embedded one), the watermark included, and its
// parameters, for the golden files and the benchmarks.
func (s *Service) OpenItemsSQL(ctx context.Context, oq postclear.OpenItemsQuery) (string, warehouse.Params, error) {
	p, err := s.openQuery(ctx, oq)
	if err != nil {
		return "", nil, err
	}
	text := p.page(oq.First, nil, true)
	if s.CountPopulations {
		text = countSQL(p.stage())
	}
	return text, p.b.params, nil
}

// ExportOpenItems passes every item of oq's stage to each, in page
// order, when there are at most max; more is TOO_LARGE before any is
// passed. The rows are passed as the engine returns them.
func (s *Service) ExportOpenItems(ctx context.Context, oq postclear.OpenItemsQuery, max int, each func(postclear.OpenItem) error) (err error) {
	defer postclear.Wrap(&err, "export open items")
	p, err := s.openQuery(ctx, oq)
	if err != nil {
		return err
	}
	var total uint64
	if err := s.query(ctx, "SELECT count() FROM (\n    "+p.stage()+"\n)", p.b.params, func(r warehouse.Rows) error { return r.Scan(&total) }); err != nil {
		return err
	}
	tooMany := func(n string) error {
		return postclear.Errorf(postclear.ETooLarge, "the list holds %s open items; a download holds at most %d: narrow it with the filter (dates of entry, countries, offices) or olderThanHours, or page through openItems", n, max)
	}
	if total > uint64(max) {
		return tooMany(fmt.Sprint(total))
	}
	p.b.params["limit"] = max + 1
	n := 0
	return s.query(ctx, "SELECT "+strings.Join(openColumns, ", ")+"\nFROM (\n    "+p.stage()+"\n)\nORDER BY entered_at, item_id\nLIMIT {limit:UInt64}", p.b.params,
		func(r warehouse.Rows) error {
			// Items stored since the count can make the list longer.
			if n++; n > max {
				return tooMany(fmt.Sprintf("more than %d", max))
			}
			it, err := scanOpenItem(r.Scan)
			if err != nil {
				return err
			}
			return each(it)
		})
}

// openColumns are the columns of an open item, in scan order.
var openColumns = []string{"item_id", "origin_country", "destination_country", "mail_class", "office", "category", "entered_at", "age_hours"}

func scanOpenItem(scan func(dest ...any) error) (postclear.OpenItem, error) {
	var it postclear.OpenItem
	err := scan(&it.ItemID, &it.OriginCountry, &it.DestinationCountry, &it.MailClass, &it.Office, &it.Category, &it.EnteredAt, &it.AgeHours)
	it.EnteredAt = it.EnteredAt.UTC()
	return it, err
}

// openQuery is a validated open-items query with its SQL builder.
type openQuery struct {
	b       *builder
	inStage postclear.BacklogStage // the stage listed
	// hash identifies the query a cursor belongs to: everything but the
	// page.
	hash string
}

// openQuery validates oq for the caller in ctx and binds its parameters.
func (s *Service) openQuery(ctx context.Context, oq postclear.OpenItemsQuery) (openQuery, error) {
	q := oq.Query
	q.Scope = postclear.ScopeFrom(ctx)
	if len(q.GroupBy) > 0 || q.Granularity != nil || len(q.OrderBy) > 0 || q.Limit != nil {
		return openQuery{}, invalid("open items are listed oldest first, ungrouped")
	}
	if err := s.checkAsOf(oq.AsOf); err != nil {
		return openQuery{}, err
	}
	if err := validStage(oq.Stage); err != nil {
		return openQuery{}, err
	}
	if h := oq.OlderThanHours; h != nil && (math.IsNaN(*h) || math.IsInf(*h, 0) || *h < 0) {
		return openQuery{}, invalid("olderThanHours must be a finite number of hours >= 0, got %v", *h)
	}
	q, err := validate(q, s.maxFilterValues())
	if err != nil {
		return openQuery{}, err
	}
	if err := s.Layout.Validate(); err != nil {
		return openQuery{}, err
	}
	asOf := oq.AsOf.UTC().Truncate(time.Second)
	b := newBuilder(s.Layout, q, s.now(), 0)
	b.params["older"] = -1.0 // every age is > -1
	if oq.OlderThanHours != nil {
		b.params["older"] = *oq.OlderThanHours
	}
	b.params["as_of"], b.params["as_of_month"] = asOf, monthOf(asOf)
	scope := slices.Clone(q.Scope.Countries)
	slices.Sort(scope)
	q.Scope.Countries = scope
	id, err := json.Marshal(struct {
		Q         postclear.KPIQuery
		AsOf      time.Time
		Stage     postclear.BacklogStage
		OlderThan any
	}{q, asOf, oq.Stage, b.params["older"]})
	if err != nil {
		return openQuery{}, err
	}
	sum := sha256.Sum256(id)
	return openQuery{b: b, inStage: oq.Stage, hash: hex.EncodeToString(sum[:8])}, nil
}

// stage is the population of the query's stage: open items with their
// attributes, entry and age, older than olderThanHours.
func (p openQuery) stage() string {
	return p.b.openIn(p.b.params["as_of"].(time.Time), p.inStage, openColumns[:6], "age_hours > {older:Float64}")
}

// page is the statement of one page: the count of the whole stage, and
// the first items after the position (entered_at, item_id) in that
// order, read in one pass (groupArraySorted keeps only the first n+1,
// which tell whether another page follows; its If form those after the
// position). Without a position, the first items. With withMark, the
// list's watermark in the last two columns of a row of its own, with an
// empty item_id and a zero total (the page's rows have zeros there). One
// row per item, or one row with an empty item_id when the page is empty.
//
// The first page must read the watermark before the page: a change made
// after that reading then shows as newer. On a serial engine a statement
// sees no write while it runs, so the watermark is a branch of the page's
// statement, which saves a statement, and a UNION ALL branch, which the
// engine reads beside the page rather than before it as it would a
// scalar subquery (the page's wall time at 20 M items −21 %:
// docs/benchmarks.md, "The open-items watermark beside the page"); a
// server reads each table when it gets to it, so there the watermark is a
// statement of its own, run first (openPage).
func (p openQuery) page(first int, after *position, withMark bool) string {
	p.b.params["n"] = first + 1
	delete(p.b.params, "after_at")
	delete(p.b.params, "after_id")
	if after != nil {
		p.b.params["after_at"], p.b.params["after_id"] = time.Unix(after.At, 0).UTC(), after.ID
	}
	tuple := "(entered_at, " + strings.Join(openColumns[:6], ", ") + ", age_hours)"
	items := "groupArraySorted({n:UInt64})(" + tuple + ")"
	if after != nil {
		items = "groupArraySortedIf({n:UInt64})(" + tuple + ", (entered_at, item_id) > ({after_at:DateTime('UTC')}, {after_id:String}))"
	}
	text := `SELECT total, p.2, p.3, p.4, p.5, p.6, p.7, p.1, p.8, toUInt64(0), toUInt64(0)
FROM (
    SELECT
        count() AS total,
        ` + items + ` AS items
    FROM (
    ` + p.stage() + `
    )
)
LEFT ARRAY JOIN items AS p`
	if withMark {
		text += `
UNION ALL
SELECT 0, '', NULL, NULL, NULL, NULL, NULL, toDateTime(0, 'UTC'), 0, m.1, m.2 FROM (
    ` + p.watermark() + `
)`
	}
	return text
}

// openPage reads one page, and after a later page checks that the data
// has not moved since the first (see the top of this file).
func (s *Service) openPage(ctx context.Context, p openQuery, first int, after *position) (postclear.OpenItemConnection, error) {
	out := postclear.OpenItemConnection{Edges: []postclear.OpenItemEdge{}}
	var items []postclear.OpenItem
	var mark watermark
	withMark := after == nil && s.Engine.Capabilities().Serial
	if after == nil && !withMark {
		var err error
		if mark, err = s.readWatermark(ctx, p); err != nil {
			return out, err
		}
	}
	err := s.query(ctx, p.page(first, after, withMark), p.b.params, func(r warehouse.Rows) error {
		var total uint64
		var m watermark
		it, err := scanOpenItem(func(dest ...any) error {
			return r.Scan(append(append([]any{&total}, dest...), &m.Version, &m.Rows)...)
		})
		if err != nil {
			return err
		}
		// The watermark's row (withMark) has no item and a zero total;
		// the page's rows have a zero watermark.
		if it.ItemID == "" {
			out.TotalCount = max(out.TotalCount, int64(total))
			if m != (watermark{}) {
				mark = m
			}
			return nil
		}
		out.TotalCount = int64(total)
		items = append(items, it)
		return nil
	})
	if err != nil {
		return out, err
	}
	if after != nil {
		mark = after.watermark
		if err := s.checkUnmoved(ctx, p, mark); err != nil {
			return out, err
		}
	}
	if len(items) > first {
		items, out.PageInfo.HasNextPage = items[:first], true
	}
	for _, it := range items {
		c := position{watermark: mark, Query: p.hash, At: it.EnteredAt.Unix(), ID: it.ItemID}.encode()
		out.Edges = append(out.Edges, postclear.OpenItemEdge{Cursor: c, Node: it})
	}
	if n := len(out.Edges); n > 0 {
		out.PageInfo.EndCursor = &out.Edges[n-1].Cursor
	}
	return out, nil
}

// watermark is the state of the rows a change to an open-items list shows
// in: the largest version, and the rows that have it.
type watermark struct {
	Version uint64 `json:"w"`
	Rows    uint64 `json:"n"`
}

// markConds selects the item_facts rows a change to the list shows in:
// under the destination keys the query can read (a deletion row under a
// key an item left included), of items first seen by the moment (every
// open item's milestones, and so its first_seen_at, are at or before it,
// and first_seen_at only moves earlier), told first by the sort key's
// first-seen month. The list's items entered their stage (a milestone) in
// [from, to) and are open at the moment, so their keys are within the
// bounds of attributed (last_month) and openKeys (migration 0011): a
// change that brings an item into the list writes its new row under such
// a key, and one that takes an item out, or changes it, writes a row (new,
// or a deletion) under its old key, which is such a key too. No other
// filter applies: an item's other attributes can change too.
func (p openQuery) markConds() string {
	conds := append([]string{"last_month >= {from_month:Date}", "first_seen_at <= {as_of:DateTime('UTC')}"}, openKeys...)
	return strings.Join(append(conds, p.b.destinationKeys()...), " AND ")
}

// watermark is the query of the list's watermark, one tuple: the largest
// version and its rows, (0, 0) when there is no row.
func (p openQuery) watermark() string {
	return `SELECT (max(version), argMax(rows, version)) AS m FROM (
        SELECT version, count() AS rows FROM {db:Identifier}.item_facts
        WHERE ` + p.markConds() + `
        GROUP BY version
    )`
}

// readWatermark reads the list's watermark in a statement of its own.
func (s *Service) readWatermark(ctx context.Context, p openQuery) (watermark, error) {
	var m watermark
	err := s.query(ctx, "SELECT m.1, m.2 FROM ("+p.watermark()+")", p.b.params, func(r warehouse.Rows) error { return r.Scan(&m.Version, &m.Rows) })
	return m, err
}

// checkUnmoved fails with CONFLICT when a row a change to the list shows
// in was written after the watermark was taken.
func (s *Service) checkUnmoved(ctx context.Context, p openQuery, m watermark) error {
	params := warehouse.Params{"w": m.Version}
	for k, v := range p.b.params {
		params[k] = v
	}
	var newer, at uint64
	err := s.query(ctx, `SELECT countIf(version > {w:UInt64}), countIf(version = {w:UInt64}) FROM {db:Identifier}.item_facts
WHERE version >= {w:UInt64} AND `+p.markConds(), params, func(r warehouse.Rows) error { return r.Scan(&newer, &at) })
	if err != nil {
		return err
	}
	if newer > 0 || at != m.Rows {
		return postclear.Errorf(postclear.EConflict, "after: the data moved: records stored since the first page changed items this list may hold; read it again from the first page (without after)")
	}
	return nil
}

// position is what a cursor holds: the list's watermark, the query it
// belongs to, and the (entered_at, item_id) of an item.
type position struct {
	watermark
	Query string `json:"q"`
	At    int64  `json:"t"`
	ID    string `json:"i"`
}

// cursorPrefix versions the cursor format.
const cursorPrefix = "oi1."

func (c position) encode() string {
	b, _ := json.Marshal(c) // a struct of strings and numbers
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// parseCursor reads a cursor of this query; "" is none.
func (p openQuery) parseCursor(s string) (*position, error) {
	if s == "" {
		return nil, nil
	}
	malformed := invalid("after: %q is not a cursor of openItems; pass the endCursor (or an edge's cursor) of a page", postclear.Cut(s, 40))
	raw, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok {
		return nil, malformed
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return nil, malformed
	}
	var c position
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() || postclear.ValidS10(c.ID) != nil || c.At < 0 || c.At > maxDate.Unix() {
		return nil, malformed
	}
	if c.Query != p.hash {
		return nil, invalid("after: the cursor belongs to another openItems query; pass the same asOf, stage, filter, olderThanHours and timeZone as the page it came from")
	}
	return &c, nil
}
