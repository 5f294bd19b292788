package postclear

import "time"

// Evaluation is the quarterly evaluation of an MoU (docs/mou.md): every
// figure an agency needs for its joint review, computed once and rendered
// as GraphQL, CSV, JSON and PDF.
type Evaluation struct {
	MoU MoU
	// Quarter is "2025-Q3"; the figures cover [From, To).
	Quarter         string
	From            time.Time
	To              time.Time
	PreviousQuarter string
	// PreviousYearQuarter is the same quarter a year before ("2024-Q3").
	PreviousYearQuarter string
	// KPIs holds one row per KPI of DOMAIN.md, in KPIs order.
	KPIs []KPIResult
	// Monthly holds the headline KPIs month by month within the quarter.
	Monthly []MonthlyValue
	// SeizuresByCategory counts seizures per month and category.
	SeizuresByCategory []SeizureCount
	// Origins are the origin countries ranked by items arrived.
	Origins    []OriginFigures
	Activities ActivitySummary
	// ActivityTrend counts the MoU's capacity-building activities in each
	// quarter of the trends, the oldest first, to mark them beside the
	// KPIs' trends.
	ActivityTrend []QuarterActivities
	Disputes      DisputeSummary
	// Actions is the follow-up of the agreed actions (action.go).
	Actions  ActionSummary
	Findings []Finding
	// Methodology defines each KPI and counts the items the data leaves
	// in doubt.
	Methodology Methodology
	// Data is the one state of the stored data every figure was computed
	// over.
	Data DataState
}

// KPIResult is one KPI of an evaluation. Change is Actual − Previous in
// the KPI's unit (a rate change is in rate points: 0.71 → 0.83 is +0.12);
// ChangeFromPreviousYear is Actual − PreviousYear, likewise.
type KPIResult struct {
	KPI        KPI
	Unit       Unit
	Actual     *float64
	Comparison *Comparison
	Target     *float64
	// Met is nil when there is no target or no actual value.
	Met      *bool
	Previous *float64
	Change   *float64
	// PreviousYear is the value in the same quarter a year before.
	PreviousYear           *float64
	ChangeFromPreviousYear *float64
	// Trend is the KPI in the last TrendQuarters quarters, the oldest
	// first and the evaluated quarter last.
	Trend []QuarterValue
	// Population is the number of items (or declarations) Actual is
	// computed over.
	Population int64
}

// TrendQuarters is how many quarters an evaluation's trends hold: the
// evaluated quarter and the four before, back to the same quarter a year
// before.
const TrendQuarters = 5

// QuarterValue is a KPI in one quarter.
type QuarterValue struct {
	Quarter string
	// From is the first day of the quarter.
	From       time.Time
	Value      *float64
	Population int64
}

// MonthlyValue is one headline metric in one month. Metric is a KPI name,
// or CLEARANCE_P50_HOURS, which has no target but is charted beside p90.
type MonthlyValue struct {
	Metric string
	Month  time.Time
	Value  *float64
	Target *float64
	Met    *bool
}

// MetricClearanceP50Hours is the monthly median clearance time.
const MetricClearanceP50Hours = "CLEARANCE_P50_HOURS"

// SeizureCount is the seizures of one category in one month.
type SeizureCount struct {
	Month    time.Time
	Category string
	Seizures int64
}

// OriginFigures are the quarter's figures of one origin country.
type OriginFigures struct {
	Country           string
	Items             int64 // items arrived at the inward office of exchange
	ClearanceP90Hours *float64
	EadCoverage       *float64
	Seizures          int64
}

// ActivitySummary is the capacity building of the quarter.
type ActivitySummary struct {
	Count               int
	CustomsParticipants int
	PostParticipants    int
	Activities          []Activity
}

// DisputeSummary is the dispute resolution of the quarter. Opened and
// Resolved count disputes opened or resolved in the quarter; OpenAtEnd
// those opened before its end and not resolved by then. MedianDaysToResolve
// is over the disputes resolved in the quarter.
type DisputeSummary struct {
	Opened              int
	Resolved            int
	OpenAtEnd           int
	MedianDaysToResolve *float64
	// Disputes are those opened or resolved in the quarter, or open at its end.
	Disputes []Dispute
}

// Finding is one plain-language statement generated from the figures, with
// References to the rows it quotes.
type Finding struct {
	Text       string
	References []FigureRef
}

// FigureRef names one figure of the evaluation by the same keys as the CSV
// rendering: its section, metric and period.
type FigureRef struct {
	Section string
	Metric  string
	Period  string
}

// Methodology is an evaluation's methodology and data-quality section.
type Methodology struct {
	// TimeZone is the zone the quarter's dates are taken in.
	TimeZone string
	// KPIs defines each KPI, in KPIs order.
	KPIs []KPIMethod
	// DataQuality counts the items of the quarter with missing or
	// out-of-sequence milestones, in DataQualityIssues order.
	DataQuality []DataQualityCount
}

// KPIMethod is one KPI's definition and population, in plain words.
type KPIMethod struct {
	KPI                           KPI
	Label, Definition, Population string
}

// QuarterActivities is the number of activities held in one quarter.
type QuarterActivities struct {
	Quarter    string
	Activities int
}
