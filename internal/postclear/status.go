package postclear

import "time"

// DataStatus tells a user what is loaded. Counts are of distinct stored
// records (a duplicate key counts once) and of distinct items.
type DataStatus struct {
	Events        int64
	Declarations  int64
	Decisions     int64
	Items         int64
	FirstEventAt  *time.Time
	LastEventAt   *time.Time
	SchemaVersion int
	Engine        string
}

// IngestResult reports one ingestion: how many records were accepted
// (valid, and stored or already stored) and why the others were rejected.
type IngestResult struct {
	Accepted int
	Rejected int
	Errors   []FieldError
}
