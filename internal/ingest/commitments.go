package ingest

import (
	"context"

	"github.com/postclear/postclear/internal/postclear"
)

// The MoU commitments (docs/mou.md, "Files"): capacity-building activities
// and disputes, read by the same CSV / JSON Lines machinery as the record
// streams, so that their rows are rejected with file, line and field too.

// CommitmentSink stores activities and disputes; warehouse.Store is one.
type CommitmentSink interface {
	InsertActivities(ctx context.Context, acts []postclear.Activity) error
	InsertDisputes(ctx context.Context, ds []postclear.Dispute) error
}

// LoadCommitmentFiles is LoadFiles for KindActivities and KindDisputes.
func LoadCommitmentFiles(ctx context.Context, sink CommitmentSink, kind postclear.RecordKind, names []string, opts LoadOptions) (Summary, error) {
	switch kind {
	case postclear.KindActivities:
		return loadFiles(ctx, sink.InsertActivities, nil, nil, names, opts)
	case postclear.KindDisputes:
		return loadFiles(ctx, sink.InsertDisputes, nil, nil, names, opts)
	}
	return Summary{}, postclear.Errorf(postclear.EInvalid, "unknown commitment kind %q (activities or disputes)", kind)
}
