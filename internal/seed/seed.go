// Package seed stores the deterministic demo data of package demo, or
// writes it as the record files `postclear ingest` reads. It is the one
// place that joins the generator to the loading machinery, so that ingest
// (and everything above it) does not depend on demo.
package seed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

// progressInterval is how often Seed reports progress; a variable so that
// tests need not wait a second.
var progressInterval = time.Second

// Seed generates the demo data set cfg describes and stores it in sink.
// Every record passes the same validation as an ingested file (with now as
// the ingestion time), so that the demo cannot hold data a user could not
// load; an invalid record is a bug in the generator and stops seeding with
// an error naming it. Generation overlaps with inserting, and memory stays
// at a few batches whatever cfg.Items is.
//
// When sink can store holidays (warehouse.Store can), the public holidays
// of the demo's destination countries, which the generator's delivery
// rounds skip, are stored first, so that working-day J+n counts the days
// the demo data was generated with.
//
// progress, when not nil, is called about once a second with Read counting
// the records generated so far.
func Seed(ctx context.Context, sink ingest.Sink, cfg demo.Config, now time.Time, progress func(ingest.Progress)) (demo.Stats, error) {
	if hs, ok := sink.(holidaySink); ok {
		if err := storeHolidays(ctx, hs, now); err != nil {
			return demo.Stats{}, fmt.Errorf("seed: %w", err)
		}
	}
	b := ingest.NewBatches(ctx, sink, now)
	s := &storeSink{b: b, progress: progress, start: time.Now()}
	s.last = s.start
	// Generate sees the batches' context so that a failed insert also
	// stops the generator.
	st, err := demo.Generate(b.Context(), cfg, s)
	if err = b.Close(ctx, err); err != nil {
		return st, fmt.Errorf("seed: %w", err)
	}
	return st, nil
}

// holidaySink is a sink that also stores holidays.
type holidaySink interface {
	InsertHolidays(ctx context.Context, hs []postclear.Holiday) error
}

// storeHolidays stores demo.Holidays, validated as a holidays file would
// be.
func storeHolidays(ctx context.Context, sink holidaySink, now time.Time) error {
	hs := demo.Holidays()
	if err := validAll(hs, now); err != nil {
		return err
	}
	return sink.InsertHolidays(ctx, hs)
}

func validAll[T ingest.Record](recs []T, now time.Time) error {
	sc := postclear.SchemaOf[T]()
	for i := range recs {
		if errs := sc.Validate(&recs[i], now); errs != nil {
			return generatorBug(&ingest.InvalidError{Kind: sc.Kind, Record: recs[i], Errs: errs})
		}
	}
	return nil
}

// storeSink is the demo.Sink of Seed.
type storeSink struct {
	b           *ingest.Batches
	progress    func(ingest.Progress)
	generated   int64
	start, last time.Time
}

func (s *storeSink) Events(_ context.Context, batch []postclear.Event) error {
	return add(s, batch)
}

func (s *storeSink) Declarations(_ context.Context, batch []postclear.Declaration) error {
	return add(s, batch)
}

func (s *storeSink) Decisions(_ context.Context, batch []postclear.Decision) error {
	return add(s, batch)
}

func add[T ingest.Record](s *storeSink, batch []T) error {
	if err := ingest.Add(s.b, batch); err != nil {
		return generatorBug(err)
	}
	s.generated += int64(len(batch))
	if now := time.Now(); s.progress != nil && now.Sub(s.last) >= progressInterval {
		s.last = now
		elapsed := now.Sub(s.start)
		s.progress(ingest.Progress{Read: s.generated, Accepted: s.b.Stored(), Elapsed: elapsed,
			RowsPerSecond: float64(s.generated) / elapsed.Seconds()})
	}
	return nil
}

// generatorBug marks a validation failure as the generator's fault; other
// errors (a failed insert, a cancellation) pass unchanged.
func generatorBug(err error) error {
	var inv *ingest.InvalidError
	if errors.As(err, &inv) {
		return fmt.Errorf("generated %w (a bug in package demo)", err)
	}
	return err
}

// Files writes the demo data set cfg describes into dir as events.csv,
// declarations.csv and decisions.csv, and the holiday calendar as
// holidays.csv: the files `postclear ingest` reads. Records are validated as
// Seed validates them and written in generation order, so the same cfg
// gives byte-identical files.
func Files(ctx context.Context, dir string, cfg demo.Config, now time.Time) (st demo.Stats, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	s := &fileSink{now: now}
	defer func() { err = errors.Join(err, s.close()) }()
	holidays, err := openCSV[postclear.Holiday](s, dir)
	if err != nil {
		return st, err
	}
	if err := writeValid(holidays, demo.Holidays(), now); err != nil {
		return st, err
	}
	if s.events, err = openCSV[postclear.Event](s, dir); err != nil {
		return st, err
	}
	if s.decls, err = openCSV[postclear.Declaration](s, dir); err != nil {
		return st, err
	}
	if s.decs, err = openCSV[postclear.Decision](s, dir); err != nil {
		return st, err
	}
	return demo.Generate(ctx, cfg, s)
}

// fileSink is the demo.Sink of Files. demo calls it from one goroutine, in
// order, which is what keeps the files deterministic.
type fileSink struct {
	now    time.Time
	closes []func() error
	events *ingest.CSVWriter[postclear.Event]
	decls  *ingest.CSVWriter[postclear.Declaration]
	decs   *ingest.CSVWriter[postclear.Decision]
}

// openCSV creates dir/KIND.csv and registers its flush and close.
func openCSV[T ingest.Record](s *fileSink, dir string) (*ingest.CSVWriter[T], error) {
	f, err := os.Create(filepath.Join(dir, string(postclear.SchemaOf[T]().Kind)+".csv"))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := ingest.NewCSVWriter[T](bw)
	s.closes = append(s.closes, func() error {
		return errors.Join(w.Flush(), bw.Flush(), f.Close())
	})
	return w, nil
}

func (s *fileSink) close() error {
	var errs []error
	for _, c := range s.closes {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

func (s *fileSink) Events(_ context.Context, b []postclear.Event) error {
	return writeValid(s.events, b, s.now)
}

func (s *fileSink) Declarations(_ context.Context, b []postclear.Declaration) error {
	return writeValid(s.decls, b, s.now)
}

func (s *fileSink) Decisions(_ context.Context, b []postclear.Decision) error {
	return writeValid(s.decs, b, s.now)
}

func writeValid[T ingest.Record](w *ingest.CSVWriter[T], batch []T, now time.Time) error {
	if err := validAll(batch, now); err != nil {
		return err
	}
	for i := range batch {
		if err := w.Write(batch[i]); err != nil {
			return err
		}
	}
	return nil
}
