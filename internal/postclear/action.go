package postclear

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Agreed actions: what a joint committee decides when it reviews an
// evaluation (the "management response and action plan" of an audit, the
// monitoring phase of the WCO Time Release Study). Each action has an
// owner, a due date and a status, and may name the KPI it is to improve;
// the next quarters' evaluations open with the actions still open
// (docs/mou.md, "Agreed actions").

// KindActions names the agreed actions of MoUs.
const KindActions = RecordKind("actions")

// ActionOwners are the parties an action can be given to.
var ActionOwners = []string{"CUSTOMS", "POST", "JOINT"}

// The statuses of an action.
const (
	ActionOpen    = "OPEN"
	ActionDone    = "DONE"
	ActionDropped = "DROPPED"
)

// ActionStatuses are the statuses of an action, OPEN first.
var ActionStatuses = []string{ActionOpen, ActionDone, ActionDropped}

// Limits of action records.
const (
	MaxActionTextRunes = 1000
	MaxActionIDLen     = 64
)

// Action is an action a joint committee agreed on under an MoU. Its key is
// (MoUID, ID): recording it again writes a new version of it, and every
// version is kept (the action's history). ClosedOn is set exactly when Status is
// DONE or DROPPED; KPI is "" when the action addresses no KPI in
// particular.
type Action struct {
	MoUID    string     `json:"mou_id"`
	ID       string     `json:"id"`
	RaisedOn time.Time  `json:"raised_on"`
	Text     string     `json:"text"`
	Owner    string     `json:"owner"`
	DueOn    time.Time  `json:"due_on"`
	Status   string     `json:"status"`
	ClosedOn *time.Time `json:"closed_on"`
	KPI      string     `json:"kpi"`
	// UpdatedAt is when this version was written; reads set it, writes
	// ignore it (it is no field of the record schema).
	UpdatedAt time.Time `json:"updated_at"`
}

// OpenAt reports whether a was open at the start of the day t: raised
// before t and not closed before t.
func (a *Action) OpenAt(t time.Time) bool {
	return a.RaisedOn.Before(t) && (a.ClosedOn == nil || !a.ClosedOn.Before(t))
}

// StatusAt is a's status at the start of the day t as its dates tell it:
// its status when it was closed before t, else OPEN.
func (a *Action) StatusAt(t time.Time) string {
	if a.ClosedOn != nil && a.ClosedOn.Before(t) {
		return a.Status
	}
	return ActionOpen
}

// OverdueAt reports whether a is overdue at the start of the day t: due
// before t and not closed before t.
func (a *Action) OverdueAt(t time.Time) bool {
	return a.DueOn.Before(t) && a.StatusAt(t) == ActionOpen
}

// ActionSchema describes agreed actions. Whether closed_on may be given
// depends on the status, and the dates are ordered: Check.
var ActionSchema = (&RecordSchema[Action]{
	Kind:  KindActions,
	Table: "mou_actions",
	Fields: []RecordField[Action]{
		{Name: "mou_id", Type: TypeText, Ptr: func(a *Action) any { return &a.MoUID }, Check: str(mouIDRule)},
		{Name: "id", Type: TypeText, Ptr: func(a *Action) any { return &a.ID }, Check: str(actionIDRule)},
		{Name: "raised_on", Type: TypeDate, Ptr: func(a *Action) any { return &a.RaisedOn }, Check: pastDay},
		{Name: "text", Type: TypeText, Ptr: func(a *Action) any { return &a.Text }, Check: textRule(MaxActionTextRunes, true)},
		{Name: "owner", Type: TypeCode, Ptr: func(a *Action) any { return &a.Owner }, Check: oneOf(ActionOwners)},
		// A due date is a plan: it may lie in the future, up to 2099.
		{Name: "due_on", Type: TypeDate, Ptr: func(a *Action) any { return &a.DueOn }, Check: holidayDate},
		{Name: "status", Type: TypeCode, Ptr: func(a *Action) any { return &a.Status }, Check: oneOf(ActionStatuses)},
		{Name: "closed_on", Type: TypeDate, Optional: true, Ptr: func(a *Action) any { return &a.ClosedOn }, Check: func(v any, now time.Time) string {
			return pastDay(*v.(**time.Time), now)
		}},
		{Name: "kpi", Type: TypeCode, Optional: true, Ptr: func(a *Action) any { return &a.KPI }, Check: str(kpiRule)},
	},
	Check: func(a *Action, now time.Time) []FieldError {
		var errs []FieldError
		raised := !a.RaisedOn.IsZero() && pastDay(&a.RaisedOn, now) == ""
		if raised && !a.DueOn.IsZero() && a.DueOn.Before(a.RaisedOn) {
			errs = fail(errs, "due_on", fmt.Sprintf("%s is before raised_on %s", day(a.DueOn), day(a.RaisedOn)))
		}
		switch {
		case a.Status == ActionOpen && a.ClosedOn != nil:
			errs = fail(errs, "closed_on", "must be empty while the action is OPEN")
		case (a.Status == ActionDone || a.Status == ActionDropped) && a.ClosedOn == nil:
			errs = fail(errs, "closed_on", "required when status is "+a.Status+" (the day it was closed)")
		case a.ClosedOn != nil && raised && pastDay(a.ClosedOn, now) == "" && a.ClosedOn.Before(a.RaisedOn):
			errs = fail(errs, "closed_on", fmt.Sprintf("%s is before raised_on %s", day(*a.ClosedOn), day(a.RaisedOn)))
		}
		return errs
	},
}).init()

// Validate returns every rule a breaks. now judges future dates.
func (a Action) Validate(now time.Time) []FieldError { return ActionSchema.Validate(&a, now) }

// actionIDRule checks an action's id, which the committee chooses (the
// number in its minutes, e.g. 2025-Q3-04).
func actionIDRule(s string) string {
	if len(s) > MaxActionIDLen {
		return fmt.Sprintf("has %d characters, at most %d allowed", len(s), MaxActionIDLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return Quote(s) + " is not an action id (letters, digits, '-', '_' and '.', e.g. 2025-Q3-04)"
		}
	}
	return ""
}

// kpiRule accepts the name of a KPI an MoU can set a target on.
func kpiRule(s string) string {
	if KPI(s).Valid() {
		return ""
	}
	names := make([]string, len(KPIs))
	for i, k := range KPIs {
		names[i] = string(k)
	}
	return fmt.Sprintf("unknown KPI %s (allowed: %s)", Quote(s), strings.Join(names, ", "))
}

// ActionSummary is the follow-up of the agreed actions of an MoU in a
// quarter [From, To) of its evaluation: the actions open at its start and
// their status at its end, and those raised in it.
type ActionSummary struct {
	// OpenAtStart counts the actions raised before the quarter and not
	// closed before its first day (carried over).
	OpenAtStart int
	// Raised counts the actions raised in the quarter.
	Raised int
	// Done and Dropped count the listed actions closed in the quarter
	// with that status.
	Done    int
	Dropped int
	// OpenAtEnd counts the listed actions not closed by the end of the
	// quarter; Overdue those of them due before its end.
	OpenAtEnd int
	Overdue   int
	// Actions are those carried over, then those raised in the quarter,
	// each by raising date and id.
	Actions []ActionFollowUp
}

// ActionFollowUp is one action as an evaluation states it.
type ActionFollowUp struct {
	Action Action
	// CarriedOver is true for an action open at the start of the quarter,
	// false for one raised in it.
	CarriedOver bool
	// StatusAtEnd is the action's status at the end of the quarter
	// (Action.StatusAt): OPEN unless it was closed before then.
	StatusAtEnd string
	// Overdue: due before the end of the quarter and not closed by then.
	Overdue bool
}

// FollowUp summarises actions for the quarter [from, to): those open at
// from or raised in it, the others being left out.
func FollowUp(actions []Action, from, to time.Time) ActionSummary {
	var s ActionSummary
	var carried, raised []ActionFollowUp
	for _, a := range actions {
		f := ActionFollowUp{Action: a, CarriedOver: a.OpenAt(from), StatusAtEnd: a.StatusAt(to), Overdue: a.OverdueAt(to)}
		switch {
		case f.CarriedOver:
			s.OpenAtStart++
			carried = append(carried, f)
		case !a.RaisedOn.Before(from) && a.RaisedOn.Before(to):
			s.Raised++
			raised = append(raised, f)
		default:
			continue
		}
		switch f.StatusAtEnd {
		case ActionDone:
			s.Done++
		case ActionDropped:
			s.Dropped++
		default:
			s.OpenAtEnd++
		}
		if f.Overdue {
			s.Overdue++
		}
	}
	byDate := func(a, b ActionFollowUp) int {
		if c := a.Action.RaisedOn.Compare(b.Action.RaisedOn); c != 0 {
			return c
		}
		return strings.Compare(a.Action.ID, b.Action.ID)
	}
	slices.SortStableFunc(carried, byDate)
	slices.SortStableFunc(raised, byDate)
	s.Actions = append(carried, raised...)
	return s
}

// ActionQuery selects actions. Zero fields do not restrict.
type ActionQuery struct {
	MoUID  string
	ID     string
	Status string // the latest status
	// From and To keep the actions open at some time in [From, To):
	// raised before To and not closed before From.
	From, To time.Time
}
