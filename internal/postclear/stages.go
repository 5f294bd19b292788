package postclear

// Stage is a stage of an item's way through the chain, from one milestone
// to the next (docs/domain.md, KPI 5: the WCO Time Release Study's
// intervals and the UPU's legs).
type Stage string

// The stages, in the order of the API's enum, which is the order of rows.
const (
	PostingToArrival      Stage = "POSTING_TO_ARRIVAL"
	ArrivalToPresentation Stage = "ARRIVAL_TO_PRESENTATION"
	PresentationToRelease Stage = "PRESENTATION_TO_RELEASE"
	ArrivalToRelease      Stage = "ARRIVAL_TO_RELEASE"
	ReleaseToDeparture    Stage = "RELEASE_TO_DEPARTURE"
	ReleaseToDelivery     Stage = "RELEASE_TO_DELIVERY"
	ArrivalToDelivery     Stage = "ARRIVAL_TO_DELIVERY"
)

// Stages lists every stage in enum order.
var Stages = []Stage{PostingToArrival, ArrivalToPresentation, PresentationToRelease, ArrivalToRelease,
	ReleaseToDeparture, ReleaseToDelivery, ArrivalToDelivery}

// DefaultThresholdsHours are the targets stage times are judged against
// when the caller names none: the 24 h and 48 h of published TRS reports.
var DefaultThresholdsHours = []float64{24, 48}

// ThresholdRate is the share of a stage's items that took at most Hours.
type ThresholdRate struct {
	Hours float64
	// Rate is null when the row has no items.
	Rate *float64
}

// StageStat is the time one stage took, per group (KPI 5). Hours are
// (end − start) / 3600 s over the items with both milestones and end ≥
// start, attributed to the end milestone.
type StageStat struct {
	Key   GroupKey
	Stage Stage
	Items int64
	// MeanHours to MaxHours are null when Items is 0; StddevHours (the
	// sample standard deviation) when Items < 2.
	MeanHours   *float64
	StddevHours *float64
	P50Hours    *float64
	P90Hours    *float64
	P95Hours    *float64
	MaxHours    *float64
	// Within answers each threshold asked, in the order asked.
	Within []ThresholdRate
}

// DeliveryLeg is where a delivery time starts (docs/domain.md, 2b).
type DeliveryLeg string

// The legs.
const (
	// EndToEnd starts at posting (first EMA): KPI 2.
	EndToEnd DeliveryLeg = "END_TO_END"
	// Inbound starts at arrival at the inward office of exchange (first
	// EMD): the leg the UPU Global Monitoring System measures.
	Inbound DeliveryLeg = "INBOUND"
)

// DayCount is how the n days of J+n are counted.
type DayCount string

// The day counts.
const (
	// CalendarDays: the deadline is J + n days.
	CalendarDays DayCount = "CALENDAR"
	// WorkingDays: the deadline is the n-th working day after J (J for n
	// = 0), working days being neither a weekend day nor a holiday of the
	// item's destination country.
	WorkingDays DayCount = "WORKING"
)

// DeliveryOptions are the arguments of the delivery-time KPI; the zero
// value but for StandardDays is KPI 2 as first defined (end to end,
// calendar days, gross of customs time).
type DeliveryOptions struct {
	// StandardDays is n of J+n, ≥ 0.
	StandardDays int
	// Leg is EndToEnd when empty.
	Leg DeliveryLeg
	// DayCount is CalendarDays when empty.
	DayCount DayCount
	// NetOfCustomsTime deducts the item's time in customs (released −
	// presented, when both exist in that order) from its delivery instant,
	// as PRIME does, so that the post is not judged on customs' time.
	NetOfCustomsTime bool
}

// Canonical returns o with its defaults named.
func (o DeliveryOptions) Canonical() DeliveryOptions {
	if o.Leg == "" {
		o.Leg = EndToEnd
	}
	if o.DayCount == "" {
		o.DayCount = CalendarDays
	}
	return o
}

// StandardDelivery is KPI 2 for the J+n standard: end to end, in
// calendar days.
func StandardDelivery(n int) DeliveryOptions {
	return DeliveryOptions{StandardDays: n, Leg: EndToEnd, DayCount: CalendarDays}
}
