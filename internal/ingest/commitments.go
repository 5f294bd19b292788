package ingest

import (
	"context"
	"strconv"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The MoU commitments (docs/mou.md, "Files"): capacity-building activities
// and disputes, read by the same CSV / JSON Lines machinery as the record
// streams, so that their rows are rejected with file, line and field too.

// CommitmentSink stores activities and disputes; warehouse.Store is one.
type CommitmentSink interface {
	InsertActivities(ctx context.Context, acts []postclear.Activity) error
	InsertDisputes(ctx context.Context, ds []postclear.Dispute) error
}

// LoadCommitmentFiles is LoadFiles for KindActivities and KindDisputes.
func LoadCommitmentFiles(ctx context.Context, sink CommitmentSink, kind postclear.RecordKind, names []string, opts LoadOptions) (Summary, error) {
	switch kind {
	case postclear.KindActivities:
		return loadFiles(ctx, sink.InsertActivities, nil, nil, names, opts)
	case postclear.KindDisputes:
		return loadFiles(ctx, sink.InsertDisputes, nil, nil, names, opts)
	}
	return Summary{}, postclear.Errorf(postclear.EInvalid, "unknown commitment kind %q (activities or disputes)", kind)
}

var activitySchema = schema[postclear.Activity]{
	kind:     postclear.KindActivities,
	fields:   []string{"mou_id", "date", "title", "kind", "customs_participants", "post_participants"},
	optional: flags(6),
	decimal:  flags(6, 4, 5),
	set: func(a *postclear.Activity, f int, v string) string {
		switch f {
		case 0:
			a.MoUID = v
		case 1:
			return setDate(&a.Date, v)
		case 2:
			a.Title = v
		case 3:
			a.Kind = v
		case 4:
			return setCount(&a.CustomsParticipants, v)
		case 5:
			return setCount(&a.PostParticipants, v)
		}
		return ""
	},
	appendFields: func(dst []string, a *postclear.Activity) []string {
		return append(dst, a.MoUID, formatDate(a.Date), a.Title, a.Kind, strconv.Itoa(a.CustomsParticipants), strconv.Itoa(a.PostParticipants))
	},
	validate: func(a *postclear.Activity, now time.Time) []postclear.FieldError { return a.Validate(now) },
}

var disputeSchema = schema[postclear.Dispute]{
	kind:     postclear.KindDisputes,
	fields:   []string{"mou_id", "opened_on", "subject", "resolved_on", "resolution"},
	optional: flags(5, 3, 4),
	decimal:  flags(5),
	set: func(d *postclear.Dispute, f int, v string) string {
		switch f {
		case 0:
			d.MoUID = v
		case 1:
			return setDate(&d.OpenedOn, v)
		case 2:
			d.Subject = v
		case 3:
			d.ResolvedOn = nil
			if v == "" {
				return ""
			}
			var t time.Time
			if msg := setDate(&t, v); msg != "" {
				return msg
			}
			d.ResolvedOn = &t
		case 4:
			d.Resolution = v
		}
		return ""
	},
	appendFields: func(dst []string, d *postclear.Dispute) []string {
		resolved := ""
		if d.ResolvedOn != nil {
			resolved = formatDate(*d.ResolvedOn)
		}
		return append(dst, d.MoUID, formatDate(d.OpenedOn), d.Subject, resolved, d.Resolution)
	},
	validate: func(d *postclear.Dispute, now time.Time) []postclear.FieldError { return d.Validate(now) },
}

// setDate parses a YYYY-MM-DD date; "" leaves the zero time, which
// validation reports as required.
func setDate(dst *time.Time, v string) string {
	if v == "" {
		*dst = time.Time{}
		return ""
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return postclear.Quote(v) + " is not a date in the form YYYY-MM-DD"
	}
	*dst = t
	return ""
}

func setCount(dst *int, v string) string {
	if v == "" {
		*dst = 0
		return "required"
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return postclear.Quote(v) + " is not a whole number"
	}
	*dst = n
	return ""
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
