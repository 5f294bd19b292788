package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Batches stores records that a program produces (the demo generator)
// rather than reads from files, with the machinery of LoadFiles: records
// are validated as a file row would be, gathered in batches per kind, and
// inserted by workers while the producer goes on, so memory stays at a few
// batches whatever the volume. An invalid record is the producer's bug and
// stops it with an error naming the record.
type Batches struct {
	sink     Sink
	now      time.Time
	p        *pipe
	batchers map[postclear.RecordKind]any // *batcher[T] by kind
}

// NewBatches starts storing into sink; now is the ingestion time records
// are validated against. Call Close when the producer is done.
func NewBatches(ctx context.Context, sink Sink, now time.Time) *Batches {
	return &Batches{sink: sink, now: now, p: startPipe(ctx), batchers: map[postclear.RecordKind]any{}}
}

// Context is cancelled when an insert fails (or the caller's context is
// done): a producer should stop then.
func (b *Batches) Context() context.Context { return b.p.ctx }

// Stored is the number of records inserted so far.
func (b *Batches) Stored() int64 { return b.p.stored.Load() }

// Add validates recs and queues them for storing. The caller may reuse recs
// once Add returns.
func Add[T Record](b *Batches, recs []T) error {
	sc := postclear.SchemaOf[T]()
	bt, ok := b.batchers[sc.Kind].(*batcher[T])
	if !ok {
		insert := insertOf[T](b.sink)
		if insert == nil {
			return fmt.Errorf("ingest: %s records cannot be stored in batches", sc.Kind)
		}
		bt = newBatcher(b.p, insert, DefaultBatchSize)
		b.batchers[sc.Kind] = bt
	}
	for i := range recs {
		if errs := sc.Validate(&recs[i], b.now); errs != nil {
			return &InvalidError{Kind: sc.Kind, Record: recs[i], Errs: errs}
		}
		if err := bt.add(recs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Close stores what is still queued, waits for the inserts and, when the
// sink can, finalizes what was stored for the KPI queries. err is the
// producer's own error, if it stopped on one; Close returns the root cause
// of a failure (an insert failing makes the producer see only a
// cancellation) and says how much was stored.
func (b *Batches) Close(ctx context.Context, err error) error {
	for _, kind := range []postclear.RecordKind{postclear.KindEvents, postclear.KindDeclarations, postclear.KindDecisions} {
		if f, ok := b.batchers[kind].(interface{ flush() error }); ok && err == nil {
			err = f.flush()
		}
	}
	if insertErr := b.p.close(); insertErr != nil {
		err = insertErr
	}
	if finish := refreshOf(b.sink, true); err == nil && finish != nil && b.Stored() > 0 {
		err = finish(ctx)
	}
	if err != nil {
		return fmt.Errorf("stopped after storing %d records: %w", b.Stored(), err)
	}
	return nil
}

// InvalidError is a produced record that breaks a rule of its kind.
type InvalidError struct {
	Kind   postclear.RecordKind
	Record any
	Errs   []postclear.FieldError
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("%s record %+v is invalid: %s", e.Kind, e.Record, reasons(e.Errs))
}

// insertOf is the sink's insert for kind T (its InsertEvents,
// InsertHolidays …), nil when it has none.
func insertOf[T Record](sink any) func(context.Context, []T) error {
	var f any
	switch any(*new(T)).(type) {
	case postclear.Event:
		if s, ok := sink.(interface {
			InsertEvents(context.Context, []postclear.Event) error
		}); ok {
			f = s.InsertEvents
		}
	case postclear.Declaration:
		if s, ok := sink.(interface {
			InsertDeclarations(context.Context, []postclear.Declaration) error
		}); ok {
			f = s.InsertDeclarations
		}
	case postclear.Decision:
		if s, ok := sink.(interface {
			InsertDecisions(context.Context, []postclear.Decision) error
		}); ok {
			f = s.InsertDecisions
		}
	case postclear.Activity:
		if s, ok := sink.(interface {
			InsertActivities(context.Context, []postclear.Activity) error
		}); ok {
			f = s.InsertActivities
		}
	case postclear.Dispute:
		if s, ok := sink.(interface {
			InsertDisputes(context.Context, []postclear.Dispute) error
		}); ok {
			f = s.InsertDisputes
		}
	case postclear.Holiday:
		if s, ok := sink.(interface {
			InsertHolidays(context.Context, []postclear.Holiday) error
		}); ok {
			f = s.InsertHolidays
		}
	case postclear.Action:
		if s, ok := sink.(interface {
			InsertActions(context.Context, []postclear.Action) error
		}); ok {
			f = s.InsertActions
		}
	}
	insert, _ := f.(func(context.Context, []T) error)
	return insert
}

// reasons lists field errors without the "record 0" that FieldError.Error
// would put before each one.
func reasons(errs []postclear.FieldError) string {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Field + ": " + e.Message)
	}
	return b.String()
}
