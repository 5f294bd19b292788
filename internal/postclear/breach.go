package postclear

import "time"

// TargetBreach is one target of an active MoU checked between quarters
// (docs/mou.md, "Target breaches"): its KPI over the quarter to date, from
// the first day of the quarter holding AsOf to AsOf inclusive, computed as
// the quarter's evaluation computes it.
type TargetBreach struct {
	MoU        MoU
	KPI        KPI
	Unit       Unit
	Comparison Comparison
	Target     float64
	// Quarter is "2025-Q3"; the figures cover [From, AsOf + 1 day).
	Quarter string
	From    time.Time
	AsOf    time.Time
	// Actual is the KPI quarter to date (nil when its population is
	// empty); Population the size of its population.
	Actual     *float64
	Population int64
	// Judged: Actual is not nil and Population is at least the minimum
	// population asked for. Breached: judged, and Actual misses the target.
	Judged   bool
	Breached bool
	// Since is, when Breached, the first day of the quarter from which the
	// quarter-to-date value, taken at the end of every day up to AsOf, was
	// judged and missed the target; nil otherwise.
	Since *time.Time
}

// BreachAnnouncement is what the alert webhook last announced about a
// target of an MoU in a quarter: a breach (Breached, since Since) or a
// recovery.
type BreachAnnouncement struct {
	MoUID       string
	KPI         KPI
	Quarter     string
	Breached    bool
	Since       *time.Time
	AnnouncedAt time.Time
}
