package postclear

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
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

// Validate returns every rule a breaks. now judges future dates.
func (a Activity) Validate(now time.Time) []FieldError {
	var errs []FieldError
	errs = checkMoUID(errs, "mou_id", a.MoUID)
	errs = checkDay(errs, "date", a.Date, now)
	errs = checkText(errs, "title", a.Title)
	errs = checkEnum(errs, "kind", a.Kind, ActivityKinds)
	errs = checkCount(errs, "customs_participants", a.CustomsParticipants)
	errs = checkCount(errs, "post_participants", a.PostParticipants)
	return errs
}

// Validate returns every rule d breaks. now judges future dates.
func (d Dispute) Validate(now time.Time) []FieldError {
	var errs []FieldError
	errs = checkMoUID(errs, "mou_id", d.MoUID)
	errs = checkDay(errs, "opened_on", d.OpenedOn, now)
	errs = checkText(errs, "subject", d.Subject)
	switch {
	case d.ResolvedOn == nil:
		if d.Resolution != "" {
			errs = fail(errs, "resolution", "must be empty while the dispute is open (no resolved_on)")
		}
	default:
		n := len(errs)
		errs = checkDay(errs, "resolved_on", *d.ResolvedOn, now)
		if len(errs) == n && !d.OpenedOn.IsZero() && d.ResolvedOn.Before(d.OpenedOn) {
			errs = fail(errs, "resolved_on", fmt.Sprintf("%s is before opened_on %s", day(*d.ResolvedOn), day(d.OpenedOn)))
		}
		if d.Resolution == "" {
			errs = fail(errs, "resolution", "required when resolved_on is set ("+strings.Join(Resolutions, ", ")+")")
		} else {
			errs = checkEnum(errs, "resolution", d.Resolution, Resolutions)
		}
	}
	return errs
}

// checkMoUID checks the form of an MoU id; whether it exists is the
// store's business.
func checkMoUID(errs []FieldError, field, s string) []FieldError {
	switch {
	case s == "":
		return fail(errs, field, "required")
	case !ValidMoUID(s):
		return fail(errs, field, Quote(s)+" is not an MoU id (lower-case letters, digits and '-', e.g. mou-ke-2024)")
	}
	return errs
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

func checkDay(errs []FieldError, field string, t, now time.Time) []FieldError {
	switch {
	case t.IsZero():
		return fail(errs, field, "required")
	case t.Year() < MinTimestampYear:
		return fail(errs, field, fmt.Sprintf("%s is before the year %d", day(t), MinTimestampYear))
	case t.After(now.Add(maxCommitmentFuture)):
		return fail(errs, field, fmt.Sprintf("%s is in the future", day(t)))
	}
	return errs
}

func checkText(errs []FieldError, field, s string) []FieldError {
	switch {
	case strings.TrimSpace(s) == "":
		return fail(errs, field, "required")
	case !IsText(s):
		return fail(errs, field, NotTextMessage)
	case utf8.RuneCountInString(s) > MaxTitleRunes:
		return fail(errs, field, fmt.Sprintf("at most %d characters", MaxTitleRunes))
	}
	return errs
}

func checkCount(errs []FieldError, field string, n int) []FieldError {
	if n < 0 || n > MaxParticipants {
		return fail(errs, field, fmt.Sprintf("%d must be between 0 and %d", n, MaxParticipants))
	}
	return errs
}
