// Package live announces changes of the stored data to the clients that
// asked to hear of them (GraphQL's dataChanged subscription): a small
// in-process broker. Each accepted ingest publishes the data version then
// in force; every subscriber gets it, and a subscriber that has not taken
// the previous announcement yet gets only the latest, since a version
// supersedes the ones before it. Nothing is stored: a client that
// reconnects asks for the current version again.
package live

import (
	"context"
	"sync"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Change is one announcement.
type Change struct {
	// Version is the data version in force after the change (opaque).
	Version string
	// At is when it was announced.
	At time.Time
}

// DefaultMaxSubscribers bounds the subscriptions of a broker made with a
// limit of 0.
const DefaultMaxSubscribers = 256

// Broker fans announcements out to subscribers. The zero value is not
// usable; make one with New.
type Broker struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	max    int
	closed bool
	done   chan struct{}
	now    func() time.Time
}

// subscriber holds at most one pending announcement: the latest.
type subscriber struct {
	ch chan Change
}

// New returns a broker that holds at most maxSubscribers subscriptions at
// once (DefaultMaxSubscribers when 0 or less).
func New(maxSubscribers int) *Broker {
	if maxSubscribers <= 0 {
		maxSubscribers = DefaultMaxSubscribers
	}
	return &Broker{subs: map[*subscriber]struct{}{}, max: maxSubscribers, done: make(chan struct{}), now: time.Now}
}

// Subscribe registers a subscriber until ctx ends or the broker closes; the
// channel is closed then. It fails with ETooLarge when the broker holds
// its maximum, and with EUnavailable once it is closed.
func (b *Broker) Subscribe(ctx context.Context) (<-chan Change, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, postclear.Errorf(postclear.EUnavailable, "the server is shutting down")
	}
	if len(b.subs) >= b.max {
		return nil, postclear.Errorf(postclear.ETooLarge, "the server holds its maximum of %d live subscriptions; try again later", b.max)
	}
	s := &subscriber{ch: make(chan Change, 1)}
	b.subs[s] = struct{}{}
	context.AfterFunc(ctx, func() { b.remove(s) })
	return s.ch, nil
}

func (b *Broker) remove(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.ch)
	}
}

// Publish announces that the stored data is now at version. It never
// blocks on a subscriber: one that has not taken the previous announcement
// has it replaced by this one.
func (b *Broker) Publish(version string) {
	c := Change{Version: version, At: b.now().UTC()}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case <-s.ch: // superseded
		default:
		}
		s.ch <- c // cannot block: only Publish sends, under b.mu
	}
}

// Subscribers is the number of subscriptions held now.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Close ends every subscription and refuses new ones; Done is closed.
// It may be called more than once.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.ch)
	}
	close(b.done)
}

// Done is closed when the broker closes, so that connections serving its
// subscriptions can close too.
func (b *Broker) Done() <-chan struct{} { return b.done }
