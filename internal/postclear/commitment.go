package postclear

import (
	"fmt"
	"strings"
	"time"
)

// The non-metric commitments of an MoU (WCO–UPU guidelines): capacity
// building between the two agencies, and a procedure to resolve disputes.

// ActivityKinds are the kinds of capacity-building activity.
var ActivityKinds = []string{"TRAINING", "WORKSHOP", "EXCHANGE", "OTHER"}

// Resolutions are the ways a dispute between the agencies is resolved.
var Resolutions = []string{"MEDIATION", "ARBITRATION", "AGREEMENT"}

// Limits of commitment records.
const (
	MaxTitleRunes       = 200
	MaxParticipants     = 100_000
	KindActivities      = RecordKind("activities")
	KindDisputes        = RecordKind("disputes")
	maxCommitmentFuture = MaxFutureSkew
)

// Activity is one capacity-building activity held under an MoU: a joint
// training, workshop or staff exchange, with how many people each agency
// sent. Its key is (MoUID, Date, Title): recording it again replaces it.
type Activity struct {
	MoUID               string    `json:"mou_id"`
	Date                time.Time `json:"date"`
	Title               string    `json:"title"`
	Kind                string    `json:"kind"`
	CustomsParticipants int       `json:"customs_participants"`
	PostParticipants    int       `json:"post_participants"`
}

// Dispute is a disagreement between the agencies handled by the MoU's
// dispute-resolution procedure. ResolvedOn is nil while it is open;
// Resolution is set exactly when it is resolved. Its key is (MoUID,
// OpenedOn, Subject): recording it again, e.g. once resolved, replaces it.
type Dispute struct {
	MoUID      string     `json:"mou_id"`
	OpenedOn   time.Time  `json:"opened_on"`
	Subject    string     `json:"subject"`
	ResolvedOn *time.Time `json:"resolved_on"`
	Resolution string     `json:"resolution"`
}

// OpenAt reports whether d is open at the end of the day before t: opened
// before t and not resolved before t.
func (d *Dispute) OpenAt(t time.Time) bool {
	return d.OpenedOn.Before(t) && (d.ResolvedOn == nil || !d.ResolvedOn.Before(t))
}

// ActivitySchema describes capacity-building activities.
var ActivitySchema = (&RecordSchema[Activity]{
	Kind:  KindActivities,
	Table: "mou_activities",
	Fields: []RecordField[Activity]{
		{Name: "mou_id", Type: TypeText, Ptr: func(a *Activity) any { return &a.MoUID }, Check: str(mouIDRule)},
		{Name: "date", Column: "held_on", Type: TypeDate, Ptr: func(a *Activity) any { return &a.Date }, Check: pastDay},
		{Name: "title", Type: TypeText, Ptr: func(a *Activity) any { return &a.Title }, Check: textRule(MaxTitleRunes, true)},
		{Name: "kind", Type: TypeCode, Ptr: func(a *Activity) any { return &a.Kind }, Check: oneOf(ActivityKinds)},
		{Name: "customs_participants", Type: TypeCount, Ptr: func(a *Activity) any { return &a.CustomsParticipants }, Check: participants},
		{Name: "post_participants", Type: TypeCount, Ptr: func(a *Activity) any { return &a.PostParticipants }, Check: participants},
	},
}).init()

// DisputeSchema describes disputes. Whether resolution may be given depends
// on resolved_on: Check.
var DisputeSchema = (&RecordSchema[Dispute]{
	Kind:  KindDisputes,
	Table: "mou_disputes",
	Fields: []RecordField[Dispute]{
		{Name: "mou_id", Type: TypeText, Ptr: func(d *Dispute) any { return &d.MoUID }, Check: str(mouIDRule)},
		{Name: "opened_on", Type: TypeDate, Ptr: func(d *Dispute) any { return &d.OpenedOn }, Check: pastDay},
		{Name: "subject", Type: TypeText, Ptr: func(d *Dispute) any { return &d.Subject }, Check: textRule(MaxTitleRunes, true)},
		{Name: "resolved_on", Type: TypeDate, Optional: true, Ptr: func(d *Dispute) any { return &d.ResolvedOn }, Check: func(v any, now time.Time) string {
			return pastDay(*v.(**time.Time), now)
		}},
		{Name: "resolution", Type: TypeCode, Optional: true, Ptr: func(d *Dispute) any { return &d.Resolution }},
	},
	Check: func(d *Dispute, now time.Time) []FieldError {
		var errs []FieldError
		if d.ResolvedOn == nil {
			if d.Resolution != "" {
				errs = fail(errs, "resolution", "must be empty while the dispute is open (no resolved_on)")
			}
			return errs
		}
		if pastDay(d.ResolvedOn, now) == "" && !d.OpenedOn.IsZero() && d.ResolvedOn.Before(d.OpenedOn) {
			errs = fail(errs, "resolved_on", fmt.Sprintf("%s is before opened_on %s", day(*d.ResolvedOn), day(d.OpenedOn)))
		}
		if d.Resolution == "" {
			return fail(errs, "resolution", "required when resolved_on is set ("+strings.Join(Resolutions, ", ")+")")
		}
		if msg := enumRule(d.Resolution, Resolutions); msg != "" {
			errs = fail(errs, "resolution", msg)
		}
		return errs
	},
}).init()

// Validate returns every rule a breaks. now judges future dates.
func (a Activity) Validate(now time.Time) []FieldError { return ActivitySchema.Validate(&a, now) }

// Validate returns every rule d breaks. now judges future dates.
func (d Dispute) Validate(now time.Time) []FieldError { return DisputeSchema.Validate(&d, now) }

// mouIDRule checks the form of an MoU id; whether it exists is the store's
// business.
func mouIDRule(s string) string {
	if !ValidMoUID(s) {
		return Quote(s) + " is not an MoU id (lower-case letters, digits and '-', e.g. mou-ke-2024)"
	}
	return ""
}

// ValidMoUID reports whether s has the form of an MoU id: 1 to 64
// characters of a-z, 0-9 and '-'.
func ValidMoUID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// pastDay bounds a commitment's date, given as a *time.Time: from the year
// 2000, and not after today.
func pastDay(v any, now time.Time) string {
	t := *v.(*time.Time)
	switch {
	case t.Year() < MinTimestampYear:
		return fmt.Sprintf("%s is before the year %d", day(t), MinTimestampYear)
	case t.After(now.Add(maxCommitmentFuture)):
		return fmt.Sprintf("%s is in the future", day(t))
	}
	return ""
}

func participants(v any, _ time.Time) string {
	if n := *v.(*int); n < 0 || n > MaxParticipants {
		return fmt.Sprintf("%d must be between 0 and %d", n, MaxParticipants)
	}
	return ""
}
