package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Sink stores validated records; warehouse.Store is one. A sink must not
// keep a batch after the call returns: the loader reuses the slice.
// Storing a key that is already stored must change nothing, so that loading
// a file twice is harmless.
type Sink interface {
	InsertEvents(ctx context.Context, events []postclear.Event) error
	InsertDeclarations(ctx context.Context, decls []postclear.Declaration) error
	InsertDecisions(ctx context.Context, decisions []postclear.Decision) error
}

// refresher is the optional part of a Sink that finalizes what it has
// stored for the KPI queries (warehouse.Store.Refresh). Loads call it as
// they go, so that a long load becomes visible progressively and queries
// after it need not finalize everything at once.
type refresher interface {
	Refresh(ctx context.Context) error
}

// compacter is the optional part of a Sink that merges what a bulk load's
// refreshes wrote (warehouse.Store.Compact), so that the queries after
// the load read one version per item.
type compacter interface {
	Compact(ctx context.Context) error
}

// refreshOf returns a function that refreshes sink, or nil when it cannot.
// With final set it also compacts, when sink can: the end of a bulk load.
func refreshOf(sink any, final bool) func(context.Context) error {
	r, ok := sink.(refresher)
	if !ok {
		return nil
	}
	c, ok := sink.(compacter)
	if !final || !ok {
		return r.Refresh
	}
	return func(ctx context.Context) error {
		if err := r.Refresh(ctx); err != nil {
			return err
		}
		return c.Compact(ctx)
	}
}

// refreshEvery is how many rows a load reads between refreshes (besides
// one at the end of each file), at least: a few seconds of ingest, so that
// what a long load has stored shows up in the KPIs without the refreshes
// costing much of the load's time.
const refreshEvery = 2_000_000

// refreshAfter is how many rows a load that has read read rows reads
// before its next refresh: refreshEvery, or a quarter of what it has read
// when that is more. A refresh reads every granule of item_state holding
// a dirty item, and a load's items are spread over the whole table, so
// besides its cost per item (11-16 µs) a refresh costs in proportion to
// the table (0.7 s at 1 M items, 1.0 s at 3 M, measured with 1 % of the
// items dirty): at a fixed interval that part of a load's refreshes grows
// with the square of its size. Growing the interval with the load keeps
// their number logarithmic (a load of 229 M events refreshes 15 times
// instead of 114) and that part in proportion to the load.
func refreshAfter(read int64) int64 {
	return max(refreshEvery, read/4)
}

// Defaults of LoadOptions.
const (
	// DefaultBatchSize is large enough that the per-insert cost of the
	// engine (a new part, the materialized views) is small per row, and
	// small enough that two batches in memory stay in the tens of MB.
	DefaultBatchSize = 100_000
	// DefaultMaxFirstErrors is how many rejections a Summary keeps for the
	// CLI to print; the rest are only counted (and written to the report).
	DefaultMaxFirstErrors = 20
)

// progressInterval is how often Progress is called; a variable so that
// tests need not wait a second.
var progressInterval = time.Second

// LoadOptions tunes LoadFiles. The zero value works, except that "-" then
// cannot be read.
type LoadOptions struct {
	// Stdin is read for the file name "-". The library never touches
	// os.Stdin itself.
	Stdin io.Reader
	// Now is the ingestion time that future timestamps are judged against;
	// zero means time.Now().
	Now time.Time
	// BatchSize is the number of records per insert; zero means
	// DefaultBatchSize.
	BatchSize int
	// Errors, when not nil, receives every rejected row. The caller
	// flushes it.
	Errors *ErrorReport
	// MaxFirstErrors bounds Summary.FirstErrors; zero means
	// DefaultMaxFirstErrors.
	MaxFirstErrors int
	// MaxRecordBytes bounds one record in a file (Options.MaxRecordBytes);
	// zero means DefaultMaxRecordBytes.
	MaxRecordBytes int
	// Progress, when not nil, is called about once a second from the
	// goroutine that called LoadFiles (never concurrently).
	Progress func(Progress)
}

// Progress is a snapshot of a running load.
type Progress struct {
	File     string // the file being read
	Read     int64  // rows read so far, valid or not, over all files
	Accepted int64  // rows stored so far
	Rejected int64
	Elapsed  time.Duration
	// RowsPerSecond is Read / Elapsed: the average since the start, which
	// is steadier on a terminal than the rate of the last second.
	RowsPerSecond float64
}

// Summary says what a load did.
type Summary struct {
	// Files is the number of files read to their end; a file that could
	// not be opened or read to its end is not counted and is in
	// FailedFiles instead.
	Files int64
	// FailedFiles says, for each file that could not be opened or read to
	// its end, why and at which line reading stopped. The rows read
	// before are stored; the other files are read.
	FailedFiles []*FileError
	// Read counts rows (records) read, valid or not.
	Read int64
	// Accepted counts valid rows that were stored (or were stored
	// already: loading a file again accepts its rows again and changes
	// nothing).
	Accepted int64
	// Rejected counts rows that broke a rule.
	Rejected int64
	Elapsed  time.Duration
	// FirstErrors holds the first field errors, in reading order, each
	// with file, line, field and reason. A row that breaks several rules
	// contributes several entries.
	FirstErrors []postclear.FieldError
}

// Exit statuses of `postclear ingest`.
const (
	ExitOK = 0 // every row of every file was accepted
	// ExitRejected: some input was not stored, because rows broke a rule
	// or a file could not be read to its end; everything else is stored.
	// Fixing the input and loading it again completes the job.
	ExitRejected = 1
	// ExitFailed: the run itself failed (the engine, cancellation, a
	// command-line mistake); loading the same files again completes it.
	ExitFailed = 2
)

// ExitCode maps the outcome of LoadFiles to the CLI's exit status. A failed
// run outranks bad input: a script must not mistake "the engine refused
// data" for "some rows were bad", since only the first is fixed by running
// again.
func (s Summary) ExitCode(err error) int {
	switch {
	case err != nil:
		return ExitFailed
	case s.Rejected > 0 || len(s.FailedFiles) > 0:
		return ExitRejected
	}
	return ExitOK
}

// LoadFiles reads the files of one record kind, stores their valid rows in
// sink and reports the rejected ones. "-" names opts.Stdin. sink stores
// the kind with its Insert method for it (InsertEvents, InsertHolidays …;
// warehouse.Store has them all).
//
// Reading and validating overlap with inserting: a full batch is inserted
// by a second goroutine while the next one is filled, so memory holds at
// most two batches whatever the input size.
//
// A problem with one file (missing, unreadable, a bad header, a corrupt
// gzip stream) fails that file and loading goes on with the next: the
// file is in Summary.FailedFiles with the line where reading stopped (and
// in opts.Errors), and the valid rows read before the problem are stored.
// An engine failure or the cancellation of ctx stops the whole run and is
// the error returned; rows stored before stay stored and are counted in
// Summary.Accepted, so loading the same files again completes the job
// without duplicating anything.
func LoadFiles(ctx context.Context, sink any, kind postclear.RecordKind, names []string, opts LoadOptions) (Summary, error) {
	switch kind {
	case postclear.KindEvents:
		return loadKind[postclear.Event](ctx, sink, names, opts)
	case postclear.KindDeclarations:
		return loadKind[postclear.Declaration](ctx, sink, names, opts)
	case postclear.KindDecisions:
		return loadKind[postclear.Decision](ctx, sink, names, opts)
	case postclear.KindHolidays:
		return loadKind[postclear.Holiday](ctx, sink, names, opts)
	case postclear.KindActivities:
		return loadKind[postclear.Activity](ctx, sink, names, opts)
	case postclear.KindDisputes:
		return loadKind[postclear.Dispute](ctx, sink, names, opts)
	case postclear.KindActions:
		return loadKind[postclear.Action](ctx, sink, names, opts)
	}
	return Summary{}, postclear.Errorf(postclear.EInvalid,
		"unknown record kind %q (events, declarations, decisions, holidays, activities, disputes or actions)", kind)
}

// loadKind is LoadFiles for kind T. Only the item records (the three
// streams) feed the finalized milestones, so only their loads refresh.
func loadKind[T Record](ctx context.Context, sink any, names []string, opts LoadOptions) (Summary, error) {
	insert := insertOf[T](sink)
	if insert == nil {
		return Summary{}, fmt.Errorf("ingest: the sink cannot store %s", postclear.SchemaOf[T]().Kind)
	}
	var refresh, finish func(context.Context) error
	switch any(*new(T)).(type) {
	case postclear.Event, postclear.Declaration, postclear.Decision:
		refresh, finish = refreshOf(sink, false), refreshOf(sink, true)
	}
	return loadFiles(ctx, insert, refresh, finish, names, opts)
}

// loader is the state of one LoadFiles run.
type loader[T Record] struct {
	opts  LoadOptions
	p     *pipe
	b     *batcher[T]
	sum   Summary
	meter meter
	// refresh is the sink's Refresh, nil without one, and finish the same
	// followed by its Compact, for the end; sinceRefresh counts the rows
	// read since the last refresh was queued.
	refresh, finish func(context.Context) error
	sinceRefresh    int64
}

func loadFiles[T Record](ctx context.Context, insert func(context.Context, []T) error, refresh, finish func(context.Context) error, names []string, opts LoadOptions) (Summary, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.MaxFirstErrors <= 0 {
		opts.MaxFirstErrors = DefaultMaxFirstErrors
	}
	l := &loader[T]{opts: opts, meter: newMeter(opts.Progress), refresh: refresh, finish: finish}
	l.p = startPipe(ctx)
	l.b = newBatcher(l.p, insert, opts.BatchSize)

	var fatal error
	for i, name := range names {
		fileErr, err := l.loadFile(name)
		if err != nil {
			fatal = err
			break
		}
		// The last file is refreshed with everything after the pipe
		// drains, below.
		if i < len(names)-1 {
			if err := l.queueRefresh(); err != nil {
				fatal = err
				break
			}
		}
		if fileErr != nil {
			if err := l.failFile(name, fileErr); err != nil {
				fatal = err
				break
			}
			continue
		}
		l.sum.Files++
	}
	if fatal == nil {
		// The tail of the last file, and of files before a failed one.
		fatal = l.b.flush()
	}
	insertErr := l.p.close()
	if insertErr == nil && l.finish != nil && l.p.stored.Load() > 0 {
		// Everything is stored now: finalize the rest, so that the load
		// is wholly visible when it returns. On a failure the rows stored
		// are finalized by the next refresh (every KPI query runs one).
		if err := l.finish(ctx); err != nil {
			insertErr = err
		}
	}
	l.sum.Accepted = l.p.stored.Load()
	l.sum.Elapsed = time.Since(l.meter.start)

	// An insert failure cancels the pipe, so the producer sees the cause
	// as its own error; report the engine's error once, and say what is
	// stored, because the run is incomplete.
	if insertErr != nil {
		fatal = insertErr
	}
	if fatal != nil {
		return l.sum, fmt.Errorf("ingest %s: stopped after storing %d rows: %w", postclear.SchemaOf[T]().Kind, l.sum.Accepted, fatal)
	}
	return l.sum, nil
}

// failFile records that a file could not be read to its end, in the
// summary and in the error report, where the reasons of everything not
// stored belong.
func (l *loader[T]) failFile(name string, err error) error {
	fe, ok := err.(*FileError)
	if !ok {
		fe = &FileError{File: name, Err: err}
	}
	l.sum.FailedFiles = append(l.sum.FailedFiles, fe)
	if l.opts.Errors == nil {
		return nil
	}
	return l.opts.Errors.Add(postclear.FieldError{File: fe.File, Line: fe.Line, Message: "file not read to its end: " + fe.Err.Error()})
}

// queueRefresh has a pipe worker refresh what the batches sent so far
// stored, alongside the next insert rather than holding up the reading.
func (l *loader[T]) queueRefresh() error {
	l.sinceRefresh = 0
	if l.refresh == nil {
		return nil
	}
	return l.p.send(job{run: l.refresh})
}

// loadFile reads one file into the batcher. fileErr is a problem of this
// file only (a *FileError, mostly); err ends the run (cancellation,
// engine, error report).
func (l *loader[T]) loadFile(name string) (fileErr, err error) {
	if err := l.p.ctx.Err(); err != nil {
		return nil, context.Cause(l.p.ctx)
	}
	var r io.Reader
	if name == "-" {
		if l.opts.Stdin == nil {
			return &FileError{File: name, Err: postclear.Errorf(postclear.EInvalid, "no standard input to read")}, nil
		}
		r = l.opts.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the file is named once, by FileError
			}
			return &FileError{File: name, Err: err}, nil
		}
		defer f.Close()
		r = f
	}
	rd, err := OpenWith[T](l.p.ctx, name, r, Options{Now: l.opts.Now, MaxRecordBytes: l.opts.MaxRecordBytes})
	if err != nil {
		if l.p.ctx.Err() != nil {
			return nil, context.Cause(l.p.ctx)
		}
		return err, nil
	}
	for n := 0; ; n++ {
		// Checking the clock and the context every row would cost more
		// than reading some rows do.
		if n&1023 == 0 {
			if err := l.p.ctx.Err(); err != nil {
				return nil, context.Cause(l.p.ctx)
			}
			l.meter.tick(Progress{File: name, Read: l.sum.Read, Accepted: l.p.stored.Load(), Rejected: l.sum.Rejected})
		}
		rec, _, errs, err := rd.Next()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			if l.p.ctx.Err() != nil {
				return nil, context.Cause(l.p.ctx)
			}
			return err, nil
		}
		l.sum.Read++
		if l.sinceRefresh++; l.sinceRefresh >= refreshAfter(l.sum.Read) {
			if err := l.queueRefresh(); err != nil {
				return nil, err
			}
		}
		if errs != nil {
			if err := l.reject(errs); err != nil {
				return nil, err
			}
			continue
		}
		if err := l.b.add(rec); err != nil {
			return nil, err
		}
	}
}

func (l *loader[T]) reject(errs []postclear.FieldError) error {
	l.sum.Rejected++
	if room := l.opts.MaxFirstErrors - len(l.sum.FirstErrors); room > 0 {
		l.sum.FirstErrors = append(l.sum.FirstErrors, errs[:min(room, len(errs))]...)
	}
	if l.opts.Errors != nil {
		// A report that cannot be written would silently lose the reasons
		// for every later rejection, so it stops the run.
		return l.opts.Errors.Add(errs...)
	}
	return nil
}

// meter calls a Progress function about once every progressInterval.
type meter struct {
	fn    func(Progress)
	start time.Time
	last  time.Time
}

func newMeter(fn func(Progress)) meter {
	now := time.Now()
	return meter{fn: fn, start: now, last: now}
}

// tick reports p, with Elapsed and RowsPerSecond filled in, if the
// interval has passed.
func (m *meter) tick(p Progress) {
	if m.fn == nil {
		return
	}
	now := time.Now()
	if now.Sub(m.last) < progressInterval {
		return
	}
	m.last = now
	p.Elapsed = now.Sub(m.start)
	p.RowsPerSecond = float64(p.Read) / p.Elapsed.Seconds()
	m.fn(p)
}
