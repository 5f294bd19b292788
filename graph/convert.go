package graph

import (
	"context"
	"slices"
	"time"

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

// openItemsQuery gathers the arguments of openItems (and of its CSV
// download).
func openItemsQuery(asOf time.Time, stage postclear.BacklogStage, f postclear.AnalyticsFilter, olderThanHours *float64,
	first *int, after, timeZone *string) postclear.OpenItemsQuery {
	return postclear.OpenItemsQuery{Query: postclear.KPIQuery{Filter: f, TimeZone: deref(timeZone, "UTC")}, AsOf: asOf, Stage: stage,
		OlderThanHours: olderThanHours, First: deref(first, DefaultPageSize), After: deref(after, "")}
}

// DefaultPageSize is openItems' first when the caller gives none (the
// schema's default).
const DefaultPageSize = 50

// errNoBacklog is the error of a backlog field on a server built without
// the service.
var errNoBacklog = postclear.Errorf(postclear.EUnavailable, "the backlog is not configured")

// nullable is s, or null when it is empty (a domain "" the API shows as
// null: the risk channel of a decision other than INSPECT, ...).
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// ingestRecords validates every input record, stores the valid ones in one
// batch and reports the others by index and GraphQL field name. A list
// over the limit is refused whole, before anything is stored.
//
// The record inputs arrive as maps keyed by GraphQL field name (gqlgen.yml
// binds them so); the schema of T names the fields, so that
// ingest.ParseFields judges each record exactly as a file row, with the
// same size limit.
func ingestRecords[T ingest.Record](ctx context.Context, r *Resolver, inputs []map[string]any, store func(context.Context, []T) error) (*postclear.IngestResult, error) {
	if limit := r.maxIngest(); len(inputs) > limit {
		return nil, postclear.Errorf(postclear.ETooLarge,
			"records: %d records in one call, the limit is %d; load larger sets with `postclear ingest`", len(inputs), limit)
	}
	opts := ingest.Options{Now: r.now(), MaxRecordBytes: r.MaxRecordBytes}
	sc := postclear.SchemaOf[T]()
	res := &postclear.IngestResult{Errors: []postclear.FieldError{}}
	valid := make([]T, 0, len(inputs))
	for i, in := range inputs {
		values := make(map[string]string, len(sc.Fields))
		for f := range sc.Fields {
			// The schema makes every value a String: gqlgen gives a
			// required one as a string, a nullable one as a *string.
			switch v := in[sc.Fields[f].InputName()].(type) {
			case string:
				values[sc.Fields[f].Name] = v
			case *string:
				if v != nil {
					values[sc.Fields[f].Name] = *v
				}
			}
		}
		rec, errs := ingest.ParseFields[T](values, i, opts)
		if len(errs) > 0 {
			res.Rejected++
			for _, e := range errs {
				e.Field = postclear.CamelCase(e.Field)
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
		if r.Ingested != nil {
			r.Ingested()
		}
	}
	res.Accepted = len(valid)
	if r.Metrics != nil {
		kind := string(sc.Kind)
		r.Metrics.RowsIngested.WithLabelValues(kind).Add(float64(res.Accepted))
		r.Metrics.RowsRejected.WithLabelValues(kind).Add(float64(res.Rejected))
	}
	return res, nil
}

// countryArg checks a country argument, naming it.
func countryArg(country string) error {
	if !postclear.IsCountry(country) {
		return postclear.Errorf(postclear.EInvalid, "country: %s is not an ISO 3166-1 alpha-2 country code in upper case", postclear.Quote(country))
	}
	return nil
}

// The GraphQL weekdays, in time.Weekday order (Sunday first).
var weekdayNames = [7]model.Weekday{model.WeekdaySunday, model.WeekdayMonday, model.WeekdayTuesday, model.WeekdayWednesday,
	model.WeekdayThursday, model.WeekdayFriday, model.WeekdaySaturday}

// weekdays converts the days argument of setWeekendDays and checks it.
func weekdays(days []model.Weekday) ([]time.Weekday, error) {
	out := make([]time.Weekday, len(days))
	for i, d := range days {
		out[i] = time.Weekday(slices.Index(weekdayNames[:], d))
	}
	return out, postclear.ValidWeekend(out)
}

// weekendDays answers weekendDays: the days Monday first.
func (r *Resolver) weekendDays(ctx context.Context, country string) (*model.WeekendDays, error) {
	days, configured, err := r.Calendars.WeekendDays(ctx, country)
	if err != nil {
		return nil, r.fail(ctx, "weekendDays", err)
	}
	slices.SortFunc(days, func(a, b time.Weekday) int { return int(postclear.ISOWeekday(a)) - int(postclear.ISOWeekday(b)) })
	out := &model.WeekendDays{Country: country, Configured: configured, Days: []model.Weekday{}}
	for _, d := range days {
		out.Days = append(out.Days, weekdayNames[d])
	}
	return out, nil
}

// nonNil makes an empty result a list, not null, for a non-null GraphQL list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
