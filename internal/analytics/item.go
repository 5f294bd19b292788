package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/warehouse"
)

// One item whole (docs/domain.md, KPI 9): its attributes and milestones
// as every KPI sees them (its item_facts row) and its stored records, each
// read by the item's key range of its table's primary index, never by a
// scan. The record tables are sorted by item_id first (migration 0001);
// item_facts by warehouse.FactKey, then item_id (migration 0011), so the
// item's keys are first read from item_fact_keys (sorted by item_id),
// which makes every column of item_facts' index known. EXPLAIN in the
// tests holds every statement to a granule or two.
//
// The tables are ReplacingMergeTrees, and a point read does what FINAL
// does itself, which costs far more than the read when a table has many
// parts (a declaration lookup took 30 ms with FINAL, 3 without): of the
// rows of one key it keeps the one with the largest version (LIMIT 1 BY),
// and for item_facts drops a key whose newest row is a deletion.

// itemKeysSQL reads the keys (warehouse.FactKey) the item has been stored
// under in item_facts.
const itemKeysSQL = `SELECT ` + warehouse.FactKey + ` FROM {db:Identifier}.item_fact_keys WHERE item_id = {id:String}`

// itemFactsSQL reads the item's finalized row; under a restricted scope
// only when its destination is one of the caller's countries (scopeCond).
const itemFactsSQL = `SELECT origin_country, destination_country, mail_class, office, category,
    posted_at, departed_origin_at, arrived_at, presented_at, released_at, departed_inward_at, delivered_at, closed_at,
    ead_at, requested_at, inspected_at, inspection_channel
FROM
(
    SELECT *
    FROM {db:Identifier}.item_facts
    WHERE (` + warehouse.FactKey + `) IN (` + itemKeysSQL + `)
      AND item_id = {id:String}%s
    ORDER BY version DESC
    LIMIT 1 BY ` + warehouse.FactKey + `
)
WHERE is_deleted = 0
ORDER BY version DESC
LIMIT 1`

// The stored records of the item, each key's first stored copy (the row
// with the largest ingest_version, which FINAL would keep), in time
// order, ties in the order of the key.
const (
	itemEventsSQL = `SELECT event_code, event_time, office, origin_country, destination_country, mail_class
FROM {db:Identifier}.events
WHERE item_id = {id:String}
ORDER BY event_time, event_code, office, ingest_version DESC
LIMIT 1 BY event_time, event_code, office`
	itemDeclarationsSQL = `SELECT received_at, origin_country, destination_country, mail_class, category, description, hs_code,
    toString(declared_value), currency, toString(gross_weight_kg)
FROM {db:Identifier}.declarations
WHERE item_id = {id:String}
ORDER BY received_at, ingest_version DESC
LIMIT 1 BY received_at`
	itemDecisionsSQL = `SELECT decided_at, decision, risk_channel, seizure_category, toString(duty_amount)
FROM {db:Identifier}.decisions
WHERE item_id = {id:String}
ORDER BY decided_at, decision, ingest_version DESC
LIMIT 1 BY decided_at, decision`
)

// ItemSQL returns the statements Item runs for id, and the subquery of the
// first, with their parameters, for the tests that hold them to the
// item's granules.
func (s *Service) ItemSQL(ctx context.Context, id string) ([]string, warehouse.Params) {
	return []string{s.itemFactsSQL(ctx), itemEventsSQL, itemDeclarationsSQL, itemDecisionsSQL, itemKeysSQL}, s.itemParams(ctx, id)
}

func (s *Service) itemFactsSQL(ctx context.Context) string {
	scopeCond := ""
	if postclear.ScopeFrom(ctx).Restricted {
		scopeCond = "\n      AND destination_country_key IN {scope:Array(String)}"
	}
	return fmt.Sprintf(itemFactsSQL, scopeCond)
}

func (s *Service) itemParams(ctx context.Context, id string) warehouse.Params {
	p := warehouse.Params{"db": s.Layout.Database, "id": id}
	if sc := postclear.ScopeFrom(ctx); sc.Restricted {
		p["scope"] = append([]string{}, sc.Countries...)
	}
	return p
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

func (s *Service) readItem(ctx context.Context, id string) (*postclear.Item, error) {
	params := s.itemParams(ctx, id)
	var it *postclear.Item
	err := s.query(ctx, s.itemFactsSQL(ctx), params, func(r warehouse.Rows) error {
		it = &postclear.Item{ItemID: id}
		m := &it.Milestones
		times := []**time.Time{&m.PostedAt, &m.DepartedOriginAt, &m.ArrivedAt, &m.PresentedAt, &m.ReleasedAt, &m.DepartedInwardAt,
			&m.DeliveredAt, &m.ClosedAt, &m.EadAt, &m.RequestedAt, &m.InspectedAt}
		dest := []any{&it.OriginCountry, &it.DestinationCountry, &it.MailClass, &it.Office, &it.Category}
		for _, t := range times {
			dest = append(dest, t)
		}
		if err := r.Scan(append(dest, &m.InspectionChannel)...); err != nil {
			return err
		}
		for _, t := range times {
			if *t != nil {
				*t = ptrTo((*t).UTC())
			}
		}
		return nil
	})
	if err != nil || it == nil {
		return nil, err
	}
	it.Events, it.Declarations, it.Decisions = []postclear.Event{}, []postclear.Declaration{}, []postclear.Decision{}
	err = s.query(ctx, itemEventsSQL, params, func(r warehouse.Rows) error {
		e := postclear.Event{ItemID: id}
		err := r.Scan(&e.EventCode, &e.EventTime, &e.Office, &e.OriginCountry, &e.DestinationCountry, &e.MailClass)
		e.EventTime = e.EventTime.UTC()
		it.Events = append(it.Events, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = s.query(ctx, itemDeclarationsSQL, params, func(r warehouse.Rows) error {
		d := postclear.Declaration{ItemID: id}
		var value, weight string
		if err := r.Scan(&d.ReceivedAt, &d.OriginCountry, &d.DestinationCountry, &d.MailClass, &d.Category, &d.Description, &d.HSCode,
			&value, &d.Currency, &weight); err != nil {
			return err
		}
		d.ReceivedAt = d.ReceivedAt.UTC()
		var err error
		if d.DeclaredValue, err = postclear.ParseDecimal(value); err != nil {
			return err
		}
		if d.GrossWeightKg, err = postclear.ParseDecimal(weight); err != nil {
			return err
		}
		it.Declarations = append(it.Declarations, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.query(ctx, itemDecisionsSQL, params, func(r warehouse.Rows) error {
		d := postclear.Decision{ItemID: id}
		var duty string
		if err := r.Scan(&d.DecidedAt, &d.Decision, &d.RiskChannel, &d.SeizureCategory, &duty); err != nil {
			return err
		}
		d.DecidedAt = d.DecidedAt.UTC()
		var err error
		d.DutyAmount, err = postclear.ParseDecimal(duty)
		it.Decisions = append(it.Decisions, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

func ptrTo[T any](v T) *T { return &v }
