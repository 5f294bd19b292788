package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
)

// SeedFiles writes the demo data set cfg describes into dir as
// events.csv, declarations.csv and decisions.csv, the files `postclear
// ingest` reads. Records are validated as Seed validates them and written
// in generation order, so the same cfg gives byte-identical files.
func SeedFiles(ctx context.Context, dir string, cfg demo.Config, now time.Time) (st demo.Stats, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	s := &fileSink{now: now}
	defer func() { err = errors.Join(err, s.close()) }()
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

// fileSink is the demo.Sink of SeedFiles. demo calls it from one
// goroutine, in order, which is what keeps the files deterministic.
type fileSink struct {
	now    time.Time
	closes []func() error
	events *CSVWriter[postclear.Event]
	decls  *CSVWriter[postclear.Declaration]
	decs   *CSVWriter[postclear.Decision]
}

// openCSV creates dir/KIND.csv and registers its flush and close.
func openCSV[T Record](s *fileSink, dir string) (*CSVWriter[T], error) {
	f, err := os.Create(filepath.Join(dir, string(schemaFor[T]().kind)+".csv"))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := NewCSVWriter[T](bw)
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

func writeValid[T Record](w *CSVWriter[T], batch []T, now time.Time) error {
	sc := schemaFor[T]()
	for i := range batch {
		if errs := sc.validate(&batch[i], now); errs != nil {
			return fmt.Errorf("generated %s record %+v is invalid (a bug in package demo): %s", sc.kind, batch[i], reasons(errs))
		}
		if err := w.Write(batch[i]); err != nil {
			return err
		}
	}
	return nil
}
