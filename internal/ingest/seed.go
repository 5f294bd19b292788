package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
)

// Seed generates the demo data set cfg describes and stores it in sink.
// Every record passes the same validation as an ingested file (Validate
// with now as the ingestion time), so that the demo cannot hold data a user
// could not load; an invalid record is a bug in the generator and stops
// seeding with an error naming it. Generation overlaps with inserting, and
// memory stays at a few batches whatever cfg.Items is.
//
// progress, when not nil, is called about once a second with Read counting
// the records generated so far.
func Seed(ctx context.Context, sink Sink, cfg demo.Config, now time.Time, progress func(Progress)) (demo.Stats, error) {
	s := &seedSink{now: now, meter: newMeter(progress), p: startPipe(ctx)}
	s.events = newBatcher(s.p, sink.InsertEvents, DefaultBatchSize)
	s.decls = newBatcher(s.p, sink.InsertDeclarations, DefaultBatchSize)
	s.decs = newBatcher(s.p, sink.InsertDecisions, DefaultBatchSize)

	// Generate sees the pipe's context so that a failed insert also stops
	// the generator.
	st, err := demo.Generate(s.p.ctx, cfg, s)
	for _, flush := range []func() error{s.events.flush, s.decls.flush, s.decs.flush} {
		if err == nil {
			err = flush()
		}
	}
	if insertErr := s.p.close(); insertErr != nil {
		err = insertErr // the root cause; the generator only saw a cancellation
	}
	if finish := refreshOf(sink, true); err == nil && finish != nil {
		// Finalize the seeded items, so that the first KPI query need not.
		err = finish(ctx)
	}
	if err != nil {
		return st, fmt.Errorf("seed: stopped after storing %d records: %w", s.p.stored.Load(), err)
	}
	return st, nil
}

// seedSink is the demo.Sink that validates and batches generated records.
// demo reuses its batches, so records are copied into the batchers' own.
type seedSink struct {
	now       time.Time
	meter     meter
	generated int64
	p         *pipe
	events    *batcher[postclear.Event]
	decls     *batcher[postclear.Declaration]
	decs      *batcher[postclear.Decision]
}

func (s *seedSink) Events(_ context.Context, batch []postclear.Event) error {
	return seedBatch(s, s.events, batch)
}

func (s *seedSink) Declarations(_ context.Context, batch []postclear.Declaration) error {
	return seedBatch(s, s.decls, batch)
}

func (s *seedSink) Decisions(_ context.Context, batch []postclear.Decision) error {
	return seedBatch(s, s.decs, batch)
}

func seedBatch[T Record](s *seedSink, b *batcher[T], batch []T) error {
	sc := schemaFor[T]()
	for i := range batch {
		if errs := sc.validate(&batch[i], s.now); errs != nil {
			return fmt.Errorf("generated %s record %+v is invalid (a bug in package demo): %s", sc.kind, batch[i], reasons(errs))
		}
		if err := b.add(batch[i]); err != nil {
			return err
		}
	}
	s.generated += int64(len(batch))
	s.meter.tick(Progress{Read: s.generated, Accepted: s.p.stored.Load()})
	return nil
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
