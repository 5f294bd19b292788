package ingest

import (
	"fmt"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Record is one of the record kinds a file can hold: the three streams,
// and the MoU commitments (activities, disputes; commitments.go).
type Record interface {
	postclear.Event | postclear.Declaration | postclear.Decision | postclear.Activity | postclear.Dispute
}

// schema describes one record kind to the readers and writers. Fields are
// addressed by their index in the canonical order of DOMAIN.md, so the hot
// path is a switch on a small integer instead of reflection.
type schema[T Record] struct {
	kind   postclear.RecordKind
	fields []string // canonical order, exactly the file field names
	// optional fields may be absent from a CSV header; every other column
	// is required because its value can never be empty.
	optional []bool
	// decimal fields also accept a JSON number.
	decimal []bool
	// set stores the text of field f in rec and returns a message for the
	// user if the text cannot be converted. "" means empty or absent.
	set func(rec *T, f int, v string) string
	// appendCSV appends the fields of rec in canonical order, unquoted;
	// the writer quotes them.
	appendFields func(dst []string, rec *T) []string
	validate     func(rec *T, now time.Time) []postclear.FieldError
}

func (s *schema[T]) index(name string) int {
	for i, f := range s.fields {
		if f == name {
			return i
		}
	}
	return -1
}

func flags(n int, set ...int) []bool {
	b := make([]bool, n)
	for _, i := range set {
		b[i] = true
	}
	return b
}

var eventSchema = schema[postclear.Event]{
	kind:     postclear.KindEvents,
	fields:   []string{"item_id", "event_code", "event_time", "office", "origin_country", "destination_country", "mail_class"},
	optional: flags(7),
	decimal:  flags(7),
	set: func(e *postclear.Event, f int, v string) string {
		switch f {
		case 0:
			e.ItemID = v
		case 1:
			e.EventCode = v
		case 2:
			return setTime(&e.EventTime, v)
		case 3:
			e.Office = v
		case 4:
			e.OriginCountry = v
		case 5:
			e.DestinationCountry = v
		case 6:
			e.MailClass = v
		}
		return ""
	},
	appendFields: func(dst []string, e *postclear.Event) []string {
		return append(dst, e.ItemID, e.EventCode, formatTime(e.EventTime), e.Office, e.OriginCountry, e.DestinationCountry, e.MailClass)
	},
	validate: func(e *postclear.Event, now time.Time) []postclear.FieldError { return e.Validate(now) },
}

var declarationSchema = schema[postclear.Declaration]{
	kind: postclear.KindDeclarations,
	fields: []string{"item_id", "received_at", "origin_country", "destination_country", "mail_class", "category",
		"description", "hs_code", "declared_value", "currency", "gross_weight_kg"},
	optional: flags(11, 6, 7, 9),
	decimal:  flags(11, 8, 10),
	set: func(d *postclear.Declaration, f int, v string) string {
		switch f {
		case 0:
			d.ItemID = v
		case 1:
			return setTime(&d.ReceivedAt, v)
		case 2:
			d.OriginCountry = v
		case 3:
			d.DestinationCountry = v
		case 4:
			d.MailClass = v
		case 5:
			d.Category = v
		case 6:
			d.Description = v
		case 7:
			d.HSCode = v
		case 8:
			return setDecimal(&d.DeclaredValue, v, true)
		case 9:
			d.Currency = v
		case 10:
			return setDecimal(&d.GrossWeightKg, v, true)
		}
		return ""
	},
	appendFields: func(dst []string, d *postclear.Declaration) []string {
		return append(dst, d.ItemID, formatTime(d.ReceivedAt), d.OriginCountry, d.DestinationCountry, d.MailClass, d.Category,
			d.Description, d.HSCode, d.DeclaredValue.String(), d.Currency, d.GrossWeightKg.String())
	},
	validate: func(d *postclear.Declaration, now time.Time) []postclear.FieldError { return d.Validate(now) },
}

var decisionSchema = schema[postclear.Decision]{
	kind:     postclear.KindDecisions,
	fields:   []string{"item_id", "decided_at", "decision", "risk_channel", "seizure_category", "duty_amount"},
	optional: flags(6, 3, 4, 5),
	decimal:  flags(6, 5),
	set: func(d *postclear.Decision, f int, v string) string {
		switch f {
		case 0:
			d.ItemID = v
		case 1:
			return setTime(&d.DecidedAt, v)
		case 2:
			d.Decision = v
		case 3:
			d.RiskChannel = v
		case 4:
			d.SeizureCategory = v
		case 5:
			return setDecimal(&d.DutyAmount, v, false)
		}
		return ""
	},
	appendFields: func(dst []string, d *postclear.Decision) []string {
		return append(dst, d.ItemID, formatTime(d.DecidedAt), d.Decision, d.RiskChannel, d.SeizureCategory, d.DutyAmount.String())
	},
	validate: func(d *postclear.Decision, now time.Time) []postclear.FieldError { return d.Validate(now) },
}

// schemaFor returns the schema of T. The type switch runs once per file,
// not per row.
func schemaFor[T Record]() *schema[T] {
	var zero T
	switch any(zero).(type) {
	case postclear.Event:
		return any(&eventSchema).(*schema[T])
	case postclear.Declaration:
		return any(&declarationSchema).(*schema[T])
	case postclear.Activity:
		return any(&activitySchema).(*schema[T])
	case postclear.Dispute:
		return any(&disputeSchema).(*schema[T])
	default:
		return any(&decisionSchema).(*schema[T])
	}
}

// Fields returns the file field names of T in canonical order.
func Fields[T Record]() []string {
	return append([]string(nil), schemaFor[T]().fields...)
}

func setTime(dst *time.Time, v string) string {
	t, err := postclear.ParseTimestamp(v)
	if err != nil {
		return err.Error()
	}
	*dst = t
	return ""
}

// setDecimal parses v. An empty value is zero for an optional decimal
// (duty_amount) and an error for a required one, because a missing declared
// value must not pass silently for a declared zero.
func setDecimal(dst *postclear.Decimal, v string, required bool) string {
	if v == "" {
		if required {
			return "required"
		}
		*dst = postclear.Decimal{}
		return ""
	}
	d, err := postclear.ParseDecimal(v)
	if err != nil {
		return fmt.Sprintf("%s: %v", postclear.Quote(v), err)
	}
	*dst = d
	return ""
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
