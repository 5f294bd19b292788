package postclear

// The data-quality checks of an evaluation's methodology section
// (docs/mou.md, "Methodology and data quality"): items whose milestones
// are missing or out of sequence, which the KPIs leave out of some
// populations.
const (
	// ReleasedBeforePresented: released_at < presented_at. In the period
	// by released_at.
	ReleasedBeforePresented = "RELEASED_BEFORE_PRESENTED"
	// DeliveredWithoutArrival: delivered_at and no arrived_at. In the
	// period by delivered_at.
	DeliveredWithoutArrival = "DELIVERED_WITHOUT_ARRIVAL"
	// ArrivalWithoutPosting: arrived_at and no posted_at. In the period
	// by arrived_at.
	ArrivalWithoutPosting = "ARRIVAL_WITHOUT_POSTING"
	// PresentedWithoutArrival: presented_at and no arrived_at. In the
	// period by presented_at.
	PresentedWithoutArrival = "PRESENTED_WITHOUT_ARRIVAL"
)

// DataQualityIssues lists the checks in report order.
var DataQualityIssues = []string{ReleasedBeforePresented, DeliveredWithoutArrival, ArrivalWithoutPosting, PresentedWithoutArrival}

// DataQualityStat counts the items of one group with one issue.
type DataQualityStat struct {
	Key   GroupKey
	Issue string
	Items int64
}

// DataQualityCount is one check of an evaluation: the items of the
// quarter with the issue, and what the KPIs do with them.
type DataQualityCount struct {
	Issue string
	Items int64
	// Description says what the issue is; InQuarterBy which milestone
	// dates an item into the quarter; Excluded what the KPIs leave out.
	Description, InQuarterBy, Excluded string
}

// dataQualityInfo is what reports say about each issue.
var dataQualityInfo = map[string]struct{ description, by, excluded string }{
	ReleasedBeforePresented: {"Released before presented: release (first RELEASE, else EDC) earlier than the presentation to import customs (first EDB).",
		"released_at",
		"Left out of the clearance KPIs (CLEARANCE_P90_HOURS, CLEARANCE_MEAN_HOURS, CLEARANCE_WITHIN_TARGET_RATE) and of the PRESENTATION_TO_RELEASE stage; their time in customs counts as 0 where delivery is measured net of customs time."},
	DeliveredWithoutArrival: {"Delivered without arrival: a final delivery (EMI) and no arrival at the inward office of exchange (EMD).",
		"delivered_at",
		"Left out of the inbound delivery leg (ARRIVAL_TO_DELIVERY, delivery by leg INBOUND) and of EAD coverage and timeliness, which count arrived items."},
	ArrivalWithoutPosting: {"Arrival without posting: an arrival at the inward office of exchange (EMD) and no posting event (EMA).",
		"arrived_at",
		"Left out of the delivery KPIs measured from posting (DELIVERY_ON_TIME_RATE, DELIVERY_ON_TIME_RATE_WORKING_DAYS, DELIVERY_P90_DAYS) and of the POSTING_TO_ARRIVAL stage."},
	PresentedWithoutArrival: {"Presented without arrival: a presentation to import customs (EDB) and no arrival at the inward office of exchange (EMD).",
		"presented_at",
		"Left out of ARRIVAL_TO_RELEASE_MEAN_HOURS and ARRIVAL_TO_RELEASE_P90_HOURS, of the ARRIVAL_TO_PRESENTATION stage and of EAD coverage and timeliness."},
}

// NewDataQualityCount describes issue with its count.
func NewDataQualityCount(issue string, items int64) DataQualityCount {
	i := dataQualityInfo[issue]
	return DataQualityCount{Issue: issue, Items: items, Description: i.description, InQuarterBy: i.by, Excluded: i.excluded}
}
