package graph

import (
	"context"
	"strings"

	"github.com/postclear/postclear/graph/model"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

// kpiQuery gathers the arguments every KPI field takes.
func kpiQuery(f postclear.AnalyticsFilter, groupBy []postclear.Dimension, g *postclear.Granularity, fillGaps *bool,
	timeZone *string, orderBy []postclear.Order, limit *int) postclear.KPIQuery {
	return postclear.KPIQuery{Filter: f, GroupBy: groupBy, Granularity: g, FillGaps: deref(fillGaps, false),
		TimeZone: deref(timeZone, "UTC"), OrderBy: orderBy, Limit: limit}
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// The input types give their fields as text, keyed here by the file field
// names, so that ingest.ParseFields judges them exactly as a file row.
func eventFields(in model.EventInput) map[string]string {
	return map[string]string{
		"item_id": in.ItemID, "event_code": in.EventCode, "event_time": in.EventTime, "office": in.Office,
		"origin_country": in.OriginCountry, "destination_country": in.DestinationCountry, "mail_class": in.MailClass,
	}
}

func declarationFields(in model.DeclarationInput) map[string]string {
	return map[string]string{
		"item_id": in.ItemID, "received_at": in.ReceivedAt, "origin_country": in.OriginCountry,
		"destination_country": in.DestinationCountry, "mail_class": in.MailClass, "category": in.Category,
		"description": deref(in.Description, ""), "hs_code": deref(in.HsCode, ""), "declared_value": in.DeclaredValue,
		"currency": deref(in.Currency, ""), "gross_weight_kg": in.GrossWeightKg,
	}
}

func decisionFields(in model.DecisionInput) map[string]string {
	return map[string]string{
		"item_id": in.ItemID, "decided_at": in.DecidedAt, "decision": in.Decision,
		"risk_channel": deref(in.RiskChannel, ""), "seizure_category": deref(in.SeizureCategory, ""),
		"duty_amount": deref(in.DutyAmount, ""),
	}
}

// ingestRecords validates every input record, stores the valid ones in one
// batch and reports the others by index and GraphQL field name. A list
// over the limit is refused whole, before anything is stored.
func ingestRecords[In any, T ingest.Record](ctx context.Context, r *Resolver, inputs []In, fields func(In) map[string]string, store func(context.Context, []T) error) (*postclear.IngestResult, error) {
	if limit := r.maxIngest(); len(inputs) > limit {
		return nil, postclear.Errorf(postclear.ETooLarge,
			"records: %d records in one call, the limit is %d; load larger sets with `postclear ingest`", len(inputs), limit)
	}
	now := r.now()
	res := &postclear.IngestResult{Errors: []postclear.FieldError{}}
	valid := make([]T, 0, len(inputs))
	for i, in := range inputs {
		rec, errs := ingest.ParseFields[T](fields(in), i, now)
		if len(errs) > 0 {
			res.Rejected++
			for _, e := range errs {
				e.Field = camelCase(e.Field)
				res.Errors = append(res.Errors, e)
			}
			continue
		}
		valid = append(valid, rec)
	}
	if len(valid) > 0 {
		if err := store(ctx, valid); err != nil {
			return nil, r.fail(ctx, "ingest", err)
		}
		// Finalize the records for the KPI queries now, while the caller
		// waits for its result, rather than in the next query.
		if err := r.Records.Refresh(ctx); err != nil {
			return nil, r.fail(ctx, "ingest", err)
		}
		r.announce(ctx)
	}
	res.Accepted = len(valid)
	if r.Metrics != nil {
		kind := string(ingest.Kind[T]())
		r.Metrics.RowsIngested.WithLabelValues(kind).Add(float64(res.Accepted))
		r.Metrics.RowsRejected.WithLabelValues(kind).Add(float64(res.Rejected))
	}
	return res, nil
}

// camelCase turns a file field name (gross_weight_kg) into the GraphQL
// input field name (grossWeightKg).
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func activityFields(in model.ActivityInput) map[string]string {
	return map[string]string{
		"mou_id": in.MouID, "date": in.Date, "title": in.Title, "kind": in.Kind,
		"customs_participants": in.CustomsParticipants, "post_participants": in.PostParticipants,
	}
}

func disputeFields(in model.DisputeInput) map[string]string {
	return map[string]string{
		"mou_id": in.MouID, "opened_on": in.OpenedOn, "subject": in.Subject,
		"resolved_on": deref(in.ResolvedOn, ""), "resolution": deref(in.Resolution, ""),
	}
}

// nonNil makes an empty result a list, not null, for a non-null GraphQL list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
