package postclear

// The KPI families of joint risk management and information sharing
// (docs/domain.md KPIs 6, 7 and 8): whether targeting works, whether the
// post presents what customs holds, how early advance data comes and how
// good it is.

// DeclarationRules are the rules of a complete declaration (docs/domain.md
// KPI 8), in the order of the API's DeclarationRule enum. A declaration is
// complete exactly when it fails none of them.
var DeclarationRules = []string{"DESCRIPTION", "VALUE", "CURRENCY", "WEIGHT", "HS_CODE"}

// Defaults of the families' own arguments: hold fulfilment judges
// presentation within 24 hours of the request, EAD timeliness a lead of 4
// hours before arrival (the EU ICS2 limit for air).
const (
	DefaultWithinHours  = 24
	DefaultMinLeadHours = 4
)

// ChannelStat is the inspections of one group and risk channel (KPI 6),
// attributed to the item's first INSPECT decision.
type ChannelStat struct {
	Key GroupKey
	// Channel is the risk_channel of the item's first INSPECT decision:
	// TARGETED, RANDOM or DISCRETIONARY.
	Channel   string
	Inspected int64
	// ShareOfInspections is Inspected over the inspected items of every
	// channel of the same group and bucket.
	ShareOfInspections *float64
	// HitRate is the share seized; FindingRate the share seized,
	// returned or charged duty.
	HitRate, FindingRate *float64
	// LiftVsRandom is HitRate over the RANDOM row's HitRate of the same
	// group and bucket; null when that is null or 0.
	LiftVsRandom *float64
	// P50ClearanceHours is the median clearance time (KPI 1) of those of
	// the items that have one.
	P50ClearanceHours *float64
}

// HoldStat is the hold fulfilment of one group (KPI 7): the items customs
// asked the post to hold or present, attributed to the request.
type HoldStat struct {
	Key       GroupKey
	Requested int64
	// Presented counts the requested items presented to customs, at any
	// time.
	Presented     int64
	PresentedRate *float64
	// PresentedWithinRate is the share presented at most withinHours
	// after the request (or before it).
	PresentedWithinRate *float64
	// The hours from request to presentation (0 when presented before
	// the request), over presented items.
	P50HoursToPresent, P90HoursToPresent *float64
	// DeliveredWithoutPresentation counts the requested items delivered
	// but never presented.
	DeliveredWithoutPresentation int64
}

// EadTimelinessStat is the advance data timeliness of one group (KPI 8):
// arrived items other than DOCUMENTS, attributed to the arrival.
type EadTimelinessStat struct {
	Key     GroupKey
	Items   int64
	WithEad int64
	// The shares of items whose earliest declaration came before the
	// departure from the origin, before the arrival, and at least
	// minLeadHours before the arrival.
	BeforeDepartureRate, BeforeArrivalRate, LeadTimeRate *float64
	// Percentiles of the lead (arrival − EAD, in hours, negative when the
	// data came after arrival) over the items with EAD.
	P10LeadHours, P50LeadHours *float64
}

// DeclarationRuleStat is how many declarations of one group fail one rule
// of a complete declaration (KPI 8).
type DeclarationRuleStat struct {
	Key GroupKey
	// Rule is one of DeclarationRules.
	Rule         string
	Declarations int64
	Failing      int64
	FailureRate  *float64
}
