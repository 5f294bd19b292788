package postclear

import (
	"context"
	"time"
)

// BacklogStage is a stage an item can be open in at a moment
// (docs/domain.md, "9. Backlog as of a moment").
type BacklogStage string

// The stages, in the order of the API's enum, which is the order rows
// are sorted in.
const (
	// AwaitingPresentation: arrived, neither presented, released nor
	// closed. Entered at arrived_at.
	AwaitingPresentation BacklogStage = "AWAITING_PRESENTATION"
	// InCustoms: presented, neither released nor closed. Entered at
	// presented_at.
	InCustoms BacklogStage = "IN_CUSTOMS"
	// AwaitingDelivery: released, not closed. Entered at released_at.
	AwaitingDelivery BacklogStage = "AWAITING_DELIVERY"
)

// BacklogStages lists the stages in enum order.
var BacklogStages = []BacklogStage{AwaitingPresentation, InCustoms, AwaitingDelivery}

// DefaultAgesHours are the ages a backlog counts the items older than
// when the caller names none: a day, three days, a week, thirty days.
var DefaultAgesHours = []float64{24, 72, 168, 720}

// AgeCount is the number of items older than Hours (strictly).
type AgeCount struct {
	Hours float64
	Items int64
}

// BacklogStat is the backlog of one group in one stage at a moment.
type BacklogStat struct {
	Key   GroupKey
	Stage BacklogStage
	Items int64
	// The age statistics, in hours (age = moment − entry); null when
	// Items is 0 (never, for a returned row).
	P50AgeHours, P90AgeHours, MaxAgeHours *float64
	// OlderThan holds one count per age asked for, in the order asked.
	OlderThan []AgeCount
}

// BacklogArgs are the arguments of a backlog beside its KPIQuery (whose
// filter dates apply to the entry time).
type BacklogArgs struct {
	AsOf      time.Time
	AgesHours []float64
}

// OpenItem is an item open in a stage at a moment.
type OpenItem struct {
	ItemID                                                         string
	OriginCountry, DestinationCountry, MailClass, Office, Category *string
	EnteredAt                                                      time.Time
	AgeHours                                                       float64
}

// OpenItemsQuery asks for a page of the items open in one stage at AsOf,
// oldest first. Query holds the filter (its dates apply to the entry
// time) and the time zone; its grouping, ordering and limit are unused.
type OpenItemsQuery struct {
	Query KPIQuery
	AsOf  time.Time
	Stage BacklogStage
	// OlderThanHours, when set, keeps the items whose age is greater.
	OlderThanHours *float64
	// First is the page size; After the cursor of the item the page
	// starts after ("" for the first page).
	First int
	After string
}

// OpenItemEdge is an item of a page with the cursor of its position.
type OpenItemEdge struct {
	Cursor string
	Node   OpenItem
}

// PageInfo says whether a page is followed by another, and where it ends.
type PageInfo struct {
	HasNextPage bool
	EndCursor   *string
}

// OpenItemConnection is one page of open items (a Relay connection).
type OpenItemConnection struct {
	// TotalCount counts every item of the stage that passes the filter
	// and OlderThanHours, not only those of the page.
	TotalCount int64
	Edges      []OpenItemEdge
	PageInfo   PageInfo
}

// ItemMilestones are an item's milestones (docs/domain.md, "Item
// milestones" and "More item milestones"); nil when it has none.
type ItemMilestones struct {
	PostedAt, DepartedOriginAt, ArrivedAt, PresentedAt, ReleasedAt, DepartedInwardAt, DeliveredAt, ClosedAt *time.Time
	EadAt, RequestedAt, InspectedAt                                                                         *time.Time
	// InspectionChannel is the risk channel of the first INSPECT decision.
	InspectionChannel *string
}

// Item is one item whole: its attributes and milestones as the KPIs see
// them, and every record stored for it, each as ingested (the first
// stored copy of its key), in time order.
type Item struct {
	ItemID                                                         string
	OriginCountry, DestinationCountry, MailClass, Office, Category *string
	Milestones                                                     ItemMilestones
	Events                                                         []Event
	Declarations                                                   []Declaration
	Decisions                                                      []Decision
}

// Backlog answers what is stuck at a moment (docs/domain.md, KPI 9): the
// backlog per group and stage, the items behind it a page at a time, and
// one item whole. Like Analytics, it works within the scope of the caller
// in ctx (ScopeFrom), which no argument can widen. It is implemented by
// analytics.Service.
type Backlog interface {
	Backlog(ctx context.Context, q KPIQuery, a BacklogArgs) ([]BacklogStat, error)
	OpenItems(ctx context.Context, q OpenItemsQuery) (OpenItemConnection, error)
	// ExportOpenItems calls each for every item of q's stage in page
	// order (q.First and q.After are unused), after checking that there
	// are at most max of them; more is an error that says so, before
	// any item is passed.
	ExportOpenItems(ctx context.Context, q OpenItemsQuery, max int, each func(OpenItem) error) error
	// Item returns the item with id, or nil when no record of it is
	// stored or the caller may not see it.
	Item(ctx context.Context, id string) (*Item, error)
}
