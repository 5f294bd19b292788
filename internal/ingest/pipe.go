package ingest

import (
	"context"
	"sync"
	"sync/atomic"
)

// insertWorkers is how many batches may be inserted at once. The embedded
// engine runs one statement at a time, but a Store insert first encodes its
// batch in Go (and chdb writes it to a file); with two workers that work
// for one batch overlaps the engine's work on the other, which measured
// about a fifth faster on 2 cores than one worker. More would only add
// memory.
//
// Each insert takes its ingest version when it starts, and workers take
// batches in file order tens of milliseconds apart (the time to fill a
// batch), so the first copy of a key repeated within one run still wins in
// practice; it is not guaranteed if a worker stalls that long before
// calling the store. Either copy is a record of the same key.
const insertWorkers = 2

// pipe overlaps producing records (reading and validating a file, or
// generating demo data) with storing them: the producer fills a batch while
// workers insert earlier ones. The hand-over channel is unbuffered, so a
// kind has at most insertWorkers+1 batches in memory (one being filled),
// whatever the input size.
type pipe struct {
	ctx    context.Context // cancelled when an insert fails or the caller cancels
	cancel context.CancelCauseFunc
	jobs   chan job
	wg     sync.WaitGroup
	stored atomic.Int64

	mu  sync.Mutex
	err error // first insert error
}

// job inserts one batch; n is its number of records.
type job struct {
	n   int
	run func(ctx context.Context) error
}

func startPipe(ctx context.Context) *pipe {
	ctx, cancel := context.WithCancelCause(ctx)
	p := &pipe{ctx: ctx, cancel: cancel, jobs: make(chan job)}
	p.wg.Add(insertWorkers)
	for range insertWorkers {
		go p.work()
	}
	return p
}

func (p *pipe) work() {
	defer p.wg.Done()
	for j := range p.jobs {
		if p.ctx.Err() != nil {
			continue // drain: the producer stops at its next send
		}
		if err := j.run(p.ctx); err != nil {
			p.mu.Lock()
			if p.err == nil {
				p.err = err
			}
			p.mu.Unlock()
			// Stop the producer too: reading on is pointless once the
			// engine refuses data.
			p.cancel(err)
			continue
		}
		p.stored.Add(int64(j.n))
	}
}

// send hands a job to a worker, or fails when the run was cancelled or an
// insert failed.
func (p *pipe) send(j job) error {
	select {
	case p.jobs <- j:
		return nil
	case <-p.ctx.Done():
		return context.Cause(p.ctx)
	}
}

// close waits for the workers to finish the jobs they were given and
// returns the first insert error.
func (p *pipe) close() error {
	close(p.jobs)
	p.wg.Wait()
	p.cancel(nil)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// batcher collects records of one kind and sends full batches down a pipe.
// Batch slices are recycled: the sink must not keep a batch after its
// insert returns (warehouse.Store does not).
type batcher[T any] struct {
	p      *pipe
	insert func(context.Context, []T) error
	size   int
	buf    []T
	// free holds batches whose insert has returned. A batch is always
	// either being filled, being inserted or here, so at most
	// insertWorkers+1 are ever made and a send to free never blocks.
	free chan []T
}

func newBatcher[T any](p *pipe, insert func(context.Context, []T) error, size int) *batcher[T] {
	return &batcher[T]{p: p, insert: insert, size: size, free: make(chan []T, insertWorkers+1)}
}

func (b *batcher[T]) add(rec T) error {
	if b.buf == nil {
		select {
		case s := <-b.free:
			b.buf = s[:0]
		default:
			b.buf = make([]T, 0, b.size)
		}
	}
	b.buf = append(b.buf, rec)
	if len(b.buf) >= b.size {
		return b.flush()
	}
	return nil
}

// flush sends the records collected so far, if any.
func (b *batcher[T]) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	batch := b.buf
	b.buf = nil
	return b.p.send(job{n: len(batch), run: func(ctx context.Context) error {
		err := b.insert(ctx, batch)
		clear(batch) // let the collector have this batch's strings
		b.free <- batch
		return err
	}})
}
