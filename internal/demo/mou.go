package demo

import (
	"fmt"

	"github.com/postclear/postclear/internal/postclear"
)

// MoUSeed is a demo MoU with its commitments and agreed actions. The
// activities, disputes and actions lack their MoU id, which the store
// assigns; set it before storing them.
type MoUSeed struct {
	MoU        postclear.MoUInput
	Activities []postclear.Activity
	Disputes   []postclear.Dispute
	Actions    []postclear.Action
}

// MoUs returns one MoU per destination, signed on its MoUSigned date, with
// targets the generated data meets in some quarters and misses in others
// (the data improves from the signing on), and capacity-building
// activities, disputes and agreed actions up to DefaultNow. The agencies are named in the
// country's languages (French and Arabic in Morocco, Thai in Thailand).
// Each MoU is evaluated in its country's time zone (Destination.TimeZone).
// The result is deterministic.
func MoUs() []MoUSeed {
	var out []MoUSeed
	for i, d := range Destinations {
		s := MoUSeed{MoU: postclear.MoUInput{
			Country: d.Country, CustomsAdministration: d.Customs, PostalOperator: d.Post,
			SignedOn: d.MoUSigned, EffectiveFrom: d.MoUSigned, TimeZone: d.TimeZone,
			Targets: []postclear.Target{
				{KPI: postclear.KPIClearanceP90Hours, Comparison: postclear.AtMost, Value: 4.5 * d.ClearanceHoursAfter},
				{KPI: postclear.KPIEadCoverage, Comparison: postclear.AtLeast, Value: 0.8},
				// J+n counts from posting abroad (DOMAIN.md), which the
				// transport time alone often exceeds: the MoU commits to
				// the p90 of delivery days instead.
				{KPI: postclear.KPIDeliveryP90Days, Comparison: postclear.AtMost, Value: 13.5},
				{KPI: postclear.KPIDeclarationCompleteness, Comparison: postclear.AtLeast, Value: 0.75},
				{KPI: postclear.KPIReleaseWithoutInterventionRate, Comparison: postclear.AtLeast, Value: 0.9},
			},
		}}
		switch i {
		case 1:
			// One MoU also commits to the risk-management figures.
			s.MoU.Targets = append(s.MoU.Targets,
				postclear.Target{KPI: postclear.KPIHitRate, Comparison: postclear.AtLeast, Value: 0.1},
				postclear.Target{KPI: postclear.KPIInspectionRate, Comparison: postclear.AtMost, Value: 0.05})
		case 2:
			// Another to the later KPIs (DOMAIN.md, "MoU evaluation"):
			// the WCO TRS release time, the UPU standard in working days,
			// advance data in time for risk assessment and presenting held
			// items within a day, met in some quarters and missed in
			// others by the demo data.
			s.MoU.Targets = append(s.MoU.Targets,
				postclear.Target{KPI: postclear.KPIArrivalToReleaseP90Hours, Comparison: postclear.AtMost, Value: 6*d.ClearanceHoursAfter + 6},
				postclear.Target{KPI: postclear.KPIDeliveryOnTimeRateWorkingDays, Comparison: postclear.AtLeast, Value: 0.8},
				postclear.Target{KPI: postclear.KPIEadLeadTimeRate, Comparison: postclear.AtLeast, Value: 0.84},
				postclear.Target{KPI: postclear.KPIHoldPresentedWithinRate, Comparison: postclear.AtLeast, Value: 0.95})
		}
		s.Activities = activities(i, d)
		s.Disputes = disputes(i, d)
		s.Actions = actions(i, d)
		out = append(out, s)
	}
	return out
}

var activityPlan = []struct {
	kind, title  string
	customs, pst int
}{
	{"WORKSHOP", "Joint workshop on exchanging electronic advance data", 12, 9},
	{"TRAINING", "Risk profiling of postal items for customs officers", 18, 4},
	{"EXCHANGE", "Staff exchange at the inward office of exchange", 3, 3},
	{"TRAINING", "HS classification for postal counter staff", 2, 24},
	{"WORKSHOP", "Review of clearance times with the joint working group", 8, 8},
}

// activities holds about one activity every six weeks from the signing,
// rotating through activityPlan.
func activities(seed int, d Destination) []postclear.Activity {
	var out []postclear.Activity
	for n, t := 0, d.MoUSigned.AddDate(0, 0, 20+7*seed); t.Before(DefaultNow); n, t = n+1, t.AddDate(0, 0, 38+5*((n+seed)%4)) {
		p := activityPlan[(n+seed)%len(activityPlan)]
		out = append(out, postclear.Activity{
			Date: t, Title: p.title, Kind: p.kind,
			CustomsParticipants: p.customs + (n+seed)%5, PostParticipants: p.pst + (2*n+seed)%4,
		})
	}
	return out
}

var disputeSubjects = []string{
	"Storage charges for items held beyond 15 days",
	"Responsibility for items missing after customs inspection",
	"Format of the daily release file sent to the post",
	"Return of seized items' packaging to the post",
}

// disputes holds a few disputes: most resolved after a few weeks, the
// latest one still open.
func disputes(seed int, d Destination) []postclear.Dispute {
	var out []postclear.Dispute
	resolutions := []string{"AGREEMENT", "MEDIATION", "AGREEMENT", "ARBITRATION"}
	for n, t := 0, d.MoUSigned.AddDate(0, 2, 3*seed); t.Before(DefaultNow.AddDate(0, 0, -20)); n, t = n+1, t.AddDate(0, 0, 75+11*seed) {
		ds := postclear.Dispute{OpenedOn: t, Subject: fmt.Sprintf("%s (%s)", disputeSubjects[(n+seed)%len(disputeSubjects)], d.Country)}
		if resolved := t.AddDate(0, 0, 9+13*((n+seed)%4)); resolved.Before(DefaultNow.AddDate(0, 0, -30)) {
			ds.ResolvedOn = &resolved
			ds.Resolution = resolutions[(n+seed)%len(resolutions)]
		}
		out = append(out, ds)
	}
	return out
}

var actionPlan = []struct {
	text, owner string
	kpi         postclear.KPI
	days        int // from raising to due
}{
	{"Send the daily release file to the post by 06:00 so that released items leave the office of exchange the same day", "CUSTOMS", postclear.KPIClearanceP90Hours, 45},
	{"Refuse declarations with a generic description (\"gift\", \"goods\") at the counter and explain the rule to senders", "POST", postclear.KPIDeclarationCompleteness, 60},
	{"Ask the partner posts that send the most items without advance data for their EAD exchange plan", "JOINT", postclear.KPIEadCoverage, 75},
	{"Agree on a schedule of storage charges for items held beyond 15 days", "JOINT", "", 40},
	{"Review the risk profiles that select items for inspection with the post's operations team", "CUSTOMS", postclear.KPIReleaseWithoutInterventionRate, 50},
}

// actions holds about one action every ten weeks from six weeks after the
// signing, rotating through actionPlan: most done near their due date,
// some dropped, the latest ones open (one of them overdue by DefaultNow).
func actions(seed int, d Destination) []postclear.Action {
	var out []postclear.Action
	for n, t := 0, d.MoUSigned.AddDate(0, 0, 42+5*seed); t.Before(DefaultNow.AddDate(0, 0, -14)); n, t = n+1, t.AddDate(0, 0, 70) {
		p := actionPlan[(n+seed)%len(actionPlan)]
		q := postclear.QuarterOf(t)
		a := postclear.Action{ID: fmt.Sprintf("%d-Q%d-%02d", q.Year, q.Q, n+1), RaisedOn: t, Text: p.text, Owner: p.owner,
			DueOn: t.AddDate(0, 0, p.days), Status: postclear.ActionOpen, KPI: string(p.kpi)}
		closed := a.DueOn.AddDate(0, 0, 7*((n+seed)%3)-5)
		switch {
		case !closed.Before(DefaultNow):
		case (n+seed)%5 == 3:
			a.Status, a.ClosedOn = postclear.ActionDropped, &closed
		case (n+seed)%4 != 1:
			a.Status, a.ClosedOn = postclear.ActionDone, &closed
		}
		out = append(out, a)
	}
	return out
}
