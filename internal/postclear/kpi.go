package postclear

import (
	"context"
	"time"
)

// Granularity is the size of the time buckets KPIs are grouped into.
type Granularity string

// The granularities; a bucket is named by its first day (weeks start on
// Monday), in the query's time zone.
const (
	Day     Granularity = "DAY"
	Week    Granularity = "WEEK"
	Month   Granularity = "MONTH"
	Quarter Granularity = "QUARTER"
	Year    Granularity = "YEAR"
)

// Dimension is an item attribute KPIs can be grouped by.
type Dimension string

// The dimensions. Their order, and what each reads, is the dimensions
// table of package analytics.
const (
	DimOriginCountry      Dimension = "ORIGIN_COUNTRY"
	DimDestinationCountry Dimension = "DESTINATION_COUNTRY"
	DimMailClass          Dimension = "MAIL_CLASS"
	DimOffice             Dimension = "OFFICE"
	DimCategory           Dimension = "CATEGORY"
	// DimRiskChannel is the channel of the item's first INSPECT decision,
	// or NotInspected (docs/domain.md, "More item milestones").
	DimRiskChannel Dimension = "RISK_CHANNEL"
)

// NotInspected is the RISK_CHANNEL of an item without an INSPECT decision.
const NotInspected = "NOT_INSPECTED"

// The default arguments of docs/domain.md: the clearance target of KPI 1
// and the UPU J+5 standard of KPI 2. They are also what the MoU KPIs
// CLEARANCE_WITHIN_TARGET_RATE and DELIVERY_ON_TIME_RATE mean.
const (
	DefaultTargetHours  = 24
	DefaultStandardDays = 5
)

// Analytics computes the KPI families of docs/domain.md within the scope of
// the caller in ctx (ScopeFrom), which no argument can widen. It is
// implemented by analytics.Service and used by the GraphQL resolvers and
// the MoU evaluation.
type Analytics interface {
	ClearanceTimes(ctx context.Context, q KPIQuery, targetHours float64) ([]ClearanceStat, error)
	DeliveryTimes(ctx context.Context, q KPIQuery, opts DeliveryOptions) ([]DeliveryStat, error)
	ComplianceRates(ctx context.Context, q KPIQuery) ([]ComplianceStat, error)
	SeizureTrends(ctx context.Context, q KPIQuery) ([]SeizureStat, error)
	StageTimes(ctx context.Context, q KPIQuery, stages []Stage, thresholdsHours []float64) ([]StageStat, error)
	RiskEffectiveness(ctx context.Context, q KPIQuery) ([]ChannelStat, error)
	HoldFulfilment(ctx context.Context, q KPIQuery, withinHours float64) ([]HoldStat, error)
	EadTimeliness(ctx context.Context, q KPIQuery, minLeadHours float64) ([]EadTimelinessStat, error)
	DeclarationQuality(ctx context.Context, q KPIQuery) ([]DeclarationRuleStat, error)
}

// AnalyticsFilter restricts a KPI to attribution dates in [From, To) and to
// items whose attributes are in the given lists (an empty list does not
// restrict). From and To are calendar dates, held as midnight UTC; they
// are taken in the query's time zone.
type AnalyticsFilter struct {
	From                 time.Time
	To                   time.Time
	OriginCountries      []string
	DestinationCountries []string
	MailClasses          []string
	Offices              []string
	Categories           []string
}

// KPIQuery is what every KPI family takes: a filter, the dimensions to
// group by, an optional granularity, and whether to fill empty buckets.
type KPIQuery struct {
	Filter      AnalyticsFilter
	GroupBy     []Dimension
	Granularity *Granularity
	FillGaps    bool
	// TimeZone is the IANA name of the zone in which From, To, buckets,
	// the day J of J+n and "today" are taken; "" means UTC.
	TimeZone string
	// OrderBy sorts the rows by fields of the family's rows, in order;
	// rows they leave tied keep the default order (period, the group
	// fields, the family's own key).
	OrderBy []Order
	// Limit, when set, keeps the first Limit rows after ordering.
	Limit *int
	// Running makes the row of each bucket cover the attribution dates
	// from Filter.From to the bucket's end (or Filter.To, when earlier)
	// instead of the bucket alone: period-to-date figures, each what the
	// same query over that range without granularity returns. It needs a
	// granularity. Not an API argument: the target-breach check uses it.
	Running bool `json:",omitempty"`
	// Scope is what the caller may see. It is not an argument: services
	// set it from the request's context (ScopeFrom), so that it applies to
	// every population of every KPI whatever the filter and grouping.
	Scope Scope
}

// Order sorts KPI rows by one field of the family's rows, named as in the
// API (ITEMS, P90_HOURS, ORIGIN_COUNTRY, PERIOD, ...). Nulls come last in
// either direction.
type Order struct {
	Field     string
	Direction OrderDirection
}

// OrderDirection is ASC (smallest, earliest, A first) or DESC.
type OrderDirection string

// The directions; "" is ASC.
const (
	Ascending  OrderDirection = "ASC"
	Descending OrderDirection = "DESC"
)

// GroupKey identifies a result row; fields not grouped by are nil.
type GroupKey struct {
	Period             *time.Time
	OriginCountry      *string
	DestinationCountry *string
	MailClass          *string
	Office             *string
	Category           *string
	RiskChannel        *string
}

// ClearanceStat is the clearance-time KPI of one group (docs/domain.md, KPI 1).
type ClearanceStat struct {
	Key              GroupKey
	Items            int64
	MeanHours        *float64
	P50Hours         *float64
	P90Hours         *float64
	P95Hours         *float64
	WithinTargetRate *float64
}

// DeliveryStat is the delivery-time KPI of one group (KPI 2, and 2b for
// its options).
type DeliveryStat struct {
	Key        GroupKey
	Items      int64
	Delivered  int64
	MeanDays   *float64
	P50Days    *float64
	P90Days    *float64
	OnTimeRate *float64
	// DueItems are the items whose deadline is before today; the four
	// rates below are shares of them (null when there are none) and sum
	// to 1: on time, late by one counted day, by two or more, and not
	// delivered.
	DueItems            int64
	LateBy1DayRate      *float64
	LateBy2PlusDaysRate *float64
	NotDeliveredRate    *float64
}

// ComplianceStat combines the four compliance sub-populations of one group
// (KPI 3), each attributed by its own date.
type ComplianceStat struct {
	Key                            GroupKey
	ItemsArrived                   int64
	EadCoverage                    *float64
	Declarations                   int64
	DeclarationCompleteness        *float64
	ItemsPresented                 int64
	InspectionRate                 *float64
	HitRate                        *float64
	ReleaseWithoutInterventionRate *float64
}

// SeizureStat counts seized items of one group and seizure category (KPI 4).
type SeizureStat struct {
	Key                      GroupKey
	SeizureCategory          string
	Seizures                 int64
	PerTenThousandItems      *float64
	ChangeFromPreviousPeriod *float64
}
