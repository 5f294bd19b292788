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

// DataState identifies the stored data an answer was computed over.
type DataState struct {
	// Version changes with every write to the stored data (an accepted
	// ingest, a refresh of the finalized facts); it is opaque.
	Version string
	// LoadedAt is when the stored records last changed: the newest
	// active part of the record tables (a background merge of parts also
	// moves it, later, never earlier). Nil when nothing is stored.
	LoadedAt *time.Time
}

// IngestResult reports one ingestion: how many records were accepted
// (valid, and stored or already stored) and why the others were rejected.
type IngestResult struct {
	Accepted int
	Rejected int
	Errors   []FieldError
}
