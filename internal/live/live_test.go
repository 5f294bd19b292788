package live

import (
	"context"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

func receive(t *testing.T, ch <-chan Change) (Change, bool) {
	t.Helper()
	select {
	case c, ok := <-ch:
		return c, ok
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received")
		return Change{}, false
	}
}

// Every subscriber hears every announcement; one that lags gets only the
// latest; Publish never waits for a subscriber.
func TestPublishFansOutLatestWins(t *testing.T) {
	b := New(0)
	ctx := context.Background()
	a, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lag, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Publish("1")
	if c, _ := receive(t, a); c.Version != "1" || c.At.IsZero() {
		t.Errorf("first subscriber got %+v, want version 1 with a time", c)
	}
	for _, v := range []string{"2", "3", "4"} {
		b.Publish(v) // lag takes nothing meanwhile: Publish must not block
	}
	if c, _ := receive(t, lag); c.Version != "4" {
		t.Errorf("the lagging subscriber got %q, want only the latest, 4", c.Version)
	}
	select {
	case c := <-lag:
		t.Errorf("the lagging subscriber got %q after the latest", c.Version)
	default:
	}
	if c, _ := receive(t, a); c.Version != "4" {
		t.Errorf("first subscriber got %q, want 4", c.Version)
	}
}

// A subscription ends with its context: its channel closes and its place
// is free again. Beyond the maximum, Subscribe refuses with TOO_LARGE.
func TestSubscriptionsAreBounded(t *testing.T) {
	b := New(2)
	ctx, cancel := context.WithCancel(context.Background())
	first, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Subscribe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Subscribe(context.Background()); postclear.ErrorCode(err) != postclear.ETooLarge {
		t.Fatalf("third subscription: %v, want %s", err, postclear.ETooLarge)
	}
	cancel()
	if _, ok := receive(t, first); ok {
		t.Error("the channel of a cancelled subscription is open")
	}
	if n := b.Subscribers(); n != 1 {
		t.Errorf("%d subscribers after one was cancelled, want 1", n)
	}
	if _, err := b.Subscribe(context.Background()); err != nil {
		t.Errorf("a place was freed, yet: %v", err)
	}
}

// Close ends every subscription, closes Done and refuses new ones.
func TestClose(t *testing.T) {
	b := New(0)
	ch, err := b.Subscribe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	b.Close()
	if _, ok := receive(t, ch); ok {
		t.Error("a subscription is open after Close")
	}
	select {
	case <-b.Done():
	default:
		t.Error("Done is open after Close")
	}
	if _, err := b.Subscribe(context.Background()); postclear.ErrorCode(err) != postclear.EUnavailable {
		t.Errorf("Subscribe after Close: %v, want %s", err, postclear.EUnavailable)
	}
	b.Publish("5") // no subscriber left; must not panic on a closed channel
}
