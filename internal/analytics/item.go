package analytics

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/warehouse"
)

// One item whole (docs/domain.md, KPI 9): its attributes and milestones
// as every KPI sees them (its item_facts row) and its stored records, in
// one statement reading the item's granule of two tables sorted by item
// (never a scan: EXPLAIN in the tests holds each read to a granule or two
// per part): item_dossier (migration 0012) holds the item's card, a copy
// of its item_facts row the refresh writes beside it, and its
// declarations and decisions, each as an array of text; events holds the
// events. The engine's cost of a point read is per column read, which is
// why the dossier packs each record in one column: the same page read
// from item_facts and the three record tables took three times as long.
//
// The tables are ReplacingMergeTrees, and a point read does what FINAL
// does itself, which costs far more than the read when a table has many
// parts: of the rows of one key it keeps the one with the largest version
// (LIMIT 1 BY), which is a record's first stored copy and the newest
// card.
const itemSQL = `SELECT kind, at, code, fields
FROM
(
    (
        SELECT kind, at, code, fields
        FROM {db:Identifier}.item_dossier
        WHERE item_id = {id:String}
        ORDER BY kind, at, code, version DESC
        LIMIT 1 BY kind, at, code
    )
    UNION ALL
    (
        SELECT toUInt8(1), event_time, toString(event_code),
            [toString(office), toString(origin_country), toString(destination_country), toString(mail_class)]
        FROM {db:Identifier}.events
        WHERE item_id = {id:String}
        ORDER BY event_time, event_code, office, ingest_version DESC
        LIMIT 1 BY event_time, event_code, office
    )
)
ORDER BY kind, at, code, fields`

// The kinds of itemSQL's rows (item_dossier's, and the events').
const (
	cardKind        = 0
	eventKind       = 1
	declarationKind = 2
	decisionKind    = 3
)

// ItemSQL returns the statement Item runs for id, with its parameters,
// for the tests that hold it to the item's granules. It is the same for
// every caller: the scope is applied to the item's card (readItem).
func (s *Service) ItemSQL(id string) (string, warehouse.Params) {
	return itemSQL, warehouse.Params{"db": s.Layout.Database, "id": id}
}

// Item returns the item id, or nil when nothing is stored for it or the
// caller may not see it: an agency sees the items destined to its
// countries, whole, and no other (an item merely originating there, or
// without a known destination, is nil).
func (s *Service) Item(ctx context.Context, id string) (it *postclear.Item, err error) {
	defer postclear.Wrap(&err, "item %s", id)
	if err := postclear.ValidS10(id); err != nil {
		return nil, invalid("id: %q is not a UPU S10 item identifier: %v", postclear.Cut(id, 40), err)
	}
	if err := s.Layout.Validate(); err != nil {
		return nil, err
	}
	return resultcache.Do(ctx, s.Cache, "item"+id, func(ctx context.Context) (*postclear.Item, error) {
		return s.readItem(ctx, id)
	})
}

// readItem reads the item and keeps it when its card is there (the item
// has records, and the refresh that Service.query runs first has
// finalized it) and the caller's scope holds its destination.
func (s *Service) readItem(ctx context.Context, id string) (*postclear.Item, error) {
	text, params := s.ItemSQL(id)
	it := &postclear.Item{ItemID: id, Events: []postclear.Event{}, Declarations: []postclear.Declaration{}, Decisions: []postclear.Decision{}}
	destination, carded := "", false
	err := s.query(ctx, text, params, func(r warehouse.Rows) error {
		var (
			kind   uint8
			at     time.Time
			code   string
			fields []*string
		)
		if err := r.Scan(&kind, &at, &code, &fields); err != nil {
			return err
		}
		at = at.UTC()
		switch kind {
		case cardKind:
			carded = true
			return readCard(it, &destination, fields)
		case eventKind:
			f, err := texts(fields, 4)
			it.Events = append(it.Events, postclear.Event{ItemID: id, EventTime: at, EventCode: code,
				Office: f[0], OriginCountry: f[1], DestinationCountry: f[2], MailClass: f[3]})
			return err
		case declarationKind:
			f, err := texts(fields, 9)
			if err != nil {
				return err
			}
			d := postclear.Declaration{ItemID: id, ReceivedAt: at, OriginCountry: f[0], DestinationCountry: f[1], MailClass: f[2],
				Category: f[3], Description: f[4], HSCode: f[5], Currency: f[7]}
			if d.DeclaredValue, err = postclear.ParseDecimal(f[6]); err != nil {
				return err
			}
			if d.GrossWeightKg, err = postclear.ParseDecimal(f[8]); err != nil {
				return err
			}
			it.Declarations = append(it.Declarations, d)
			return nil
		case decisionKind:
			f, err := texts(fields, 3)
			if err != nil {
				return err
			}
			d := postclear.Decision{ItemID: id, DecidedAt: at, Decision: code, RiskChannel: f[0], SeizureCategory: f[1]}
			d.DutyAmount, err = postclear.ParseDecimal(f[2])
			it.Decisions = append(it.Decisions, d)
			return err
		}
		return fmt.Errorf("a stored row of kind %d", kind)
	})
	if err != nil || !carded {
		return nil, err
	}
	if sc := postclear.ScopeFrom(ctx); sc.Restricted && !slices.Contains(sc.Countries, destination) {
		return nil, nil
	}
	return it, nil
}

// readCard sets the item's attributes and milestones from its card
// (warehouse's cardFields: the destination key, six attributes, then
// eleven milestones in Unix seconds), and destination to its destination
// key (empty when unknown).
func readCard(it *postclear.Item, destination *string, fields []*string) error {
	if len(fields) != 18 || fields[0] == nil {
		return fmt.Errorf("a stored card of %d fields", len(fields))
	}
	*destination = *fields[0]
	m := &it.Milestones
	for i, a := range []**string{&it.OriginCountry, &it.DestinationCountry, &it.MailClass, &it.Office, &it.Category, &m.InspectionChannel} {
		*a = fields[1+i]
	}
	for i, t := range []**time.Time{&m.PostedAt, &m.DepartedOriginAt, &m.ArrivedAt, &m.PresentedAt, &m.ReleasedAt, &m.DepartedInwardAt,
		&m.DeliveredAt, &m.ClosedAt, &m.EadAt, &m.RequestedAt, &m.InspectedAt} {
		f := fields[7+i]
		if f == nil {
			continue
		}
		secs, err := strconv.ParseInt(*f, 10, 64)
		if err != nil {
			return fmt.Errorf("a stored card's milestone %d: %w", i, err)
		}
		*t = ptrTo(time.Unix(secs, 0).UTC())
	}
	return nil
}

// texts returns a stored record's n fields, which are never NULL.
func texts(fields []*string, n int) ([]string, error) {
	if len(fields) != n || slices.Contains(fields, nil) {
		return make([]string, n), fmt.Errorf("a stored record of %d fields, %d wanted, none NULL", len(fields), n)
	}
	f := make([]string, n)
	for i, p := range fields {
		f[i] = *p
	}
	return f, nil
}

func ptrTo[T any](v T) *T { return &v }
