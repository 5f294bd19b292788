package alert_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/alert"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

var secret = []byte("a-webhook-secret-of-some-length")

// receiver is a local webhook endpoint: it verifies each request's
// signature and timestamp, answers the statuses queued in fail before 200,
// and keeps the messages it accepted.
type receiver struct {
	mu       sync.Mutex
	fail     []int // statuses to answer first, in order
	requests int
	bad      []string // why requests were refused
	accepted []alert.Message
	delivery []string
	srv      *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests++
		if !alert.Verify(secret, req.Header.Get(alert.HeaderTimestamp), req.Header.Get(alert.HeaderSignature), body, time.Now(), 5*time.Minute) {
			r.bad = append(r.bad, "signature of "+string(body))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if len(r.fail) > 0 {
			w.WriteHeader(r.fail[0])
			r.fail = r.fail[1:]
			return
		}
		var m alert.Message
		if err := json.Unmarshal(body, &m); err != nil || m.Event != req.Header.Get(alert.HeaderEvent) {
			r.bad = append(r.bad, "body "+string(body))
		}
		r.accepted = append(r.accepted, m)
		r.delivery = append(r.delivery, req.Header.Get(alert.HeaderDelivery))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// take returns the messages accepted since the last take, as
// "event MoU KPI since".
func (r *receiver) take(t *testing.T) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) > 0 {
		t.Errorf("receiver refused: %v", r.bad)
		r.bad = nil
	}
	var out []string
	for _, m := range r.accepted {
		s := m.Event + " " + m.MoUID + " " + m.KPI
		if m.Since != nil {
			s += " since " + *m.Since
		}
		out = append(out, s)
	}
	r.accepted = nil
	return out
}

func noSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(_ context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return nil
	}
}

// The webhook signs each request (the receiver verifies it), retries after
// 500s with growing, jittered pauses and the same delivery id, gives up
// after its attempts, and does not retry a 4xx refusal.
func TestWebhookSignsAndRetries(t *testing.T) {
	r := newReceiver(t)
	var waits []time.Duration
	w := &alert.Webhook{URL: r.srv.URL, Secret: secret, Attempts: 4, BaseWait: time.Second, MaxWait: 3 * time.Second, Sleep: noSleep(&waits)}
	ctx := context.Background()

	r.fail = []int{500, 503, 502}
	if err := w.Send(ctx, "breach", []byte(`{"event":"breach","mouId":"m","kpi":"k"}`)); err != nil {
		t.Fatalf("500, 503, 502 then 200: %v", err)
	}
	if r.requests != 4 || len(r.take(t)) != 1 {
		t.Errorf("%d requests, want 4 (three failures, one success)", r.requests)
	}
	// Pauses: 1 s, 2 s, 3 s (capped), each less a random half at most.
	for i, max := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
		if i >= len(waits) || waits[i] < max/2 || waits[i] > max {
			t.Errorf("pause %d: %v, want in [%v, %v]", i+1, waits, max/2, max)
		}
	}

	r.requests, waits = 0, nil
	r.fail = []int{500, 500, 500, 500, 500}
	if err := w.Send(ctx, "breach", []byte(`{}`)); err == nil || r.requests != 4 {
		t.Errorf("always 500: err %v after %d requests, want an error after 4", err, r.requests)
	}
	r.fail = nil

	r.requests = 0
	r.fail = []int{http.StatusBadRequest}
	var perm *alert.PermanentError
	if err := w.Send(ctx, "breach", []byte(`{}`)); err == nil || r.requests != 1 || !asPermanent(err, &perm) || perm.Status != 400 {
		t.Errorf("400: err %v after %d requests, want a permanent error after 1", err, r.requests)
	}
	r.fail = nil

	// A wrong secret: the receiver refuses, the webhook does not retry.
	r.requests = 0
	bad := &alert.Webhook{URL: r.srv.URL, Secret: []byte("another secret"), Sleep: noSleep(&waits)}
	if err := bad.Send(ctx, "breach", []byte(`{}`)); err == nil || r.requests != 1 {
		t.Errorf("wrong secret: %v after %d requests", err, r.requests)
	}
	r.mu.Lock()
	refused := len(r.bad)
	r.bad = nil
	r.mu.Unlock()
	if refused != 1 {
		t.Errorf("the receiver accepted a request signed with another secret")
	}

	// Verify refuses an old timestamp (a replay) and a changed body.
	ts := "1700000000"
	sig := alert.Sign(secret, ts, []byte("x"))
	if !alert.Verify(secret, ts, sig, []byte("x"), time.Unix(1700000060, 0), 5*time.Minute) ||
		alert.Verify(secret, ts, sig, []byte("x"), time.Unix(1700003600, 0), 5*time.Minute) ||
		alert.Verify(secret, ts, sig, []byte("y"), time.Unix(1700000060, 0), 5*time.Minute) {
		t.Error("Verify accepts a replay or a changed body, or refuses a fresh request")
	}
}

func asPermanent(err error, p **alert.PermanentError) bool {
	pe, ok := err.(*alert.PermanentError)
	*p = pe
	return ok
}

// fakeBreaches answers the checks with what the test sets.
type fakeBreaches struct {
	mu    sync.Mutex
	bs    []postclear.TargetBreach
	calls atomic.Int64
}

func (f *fakeBreaches) set(bs ...postclear.TargetBreach) {
	f.mu.Lock()
	f.bs = bs
	f.mu.Unlock()
}

func (f *fakeBreaches) check(_ context.Context, asOf time.Time, _ int) ([]postclear.TargetBreach, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]postclear.TargetBreach, len(f.bs))
	for i, b := range f.bs {
		b.AsOf, b.Quarter, b.From = asOf, postclear.QuarterOf(asOf).String(), postclear.QuarterOf(asOf).Start()
		out[i] = b
	}
	return out, nil
}

func breach(mou string, k postclear.KPI, since string) postclear.TargetBreach {
	b := postclear.TargetBreach{MoU: postclear.MoU{ID: mou, Country: "KE"}, KPI: k, Unit: k.Unit(), Comparison: postclear.AtMost, Target: 36, Population: 500}
	v := 41.5
	b.Actual, b.Judged = &v, true
	if since != "" {
		d, _ := time.Parse(time.DateOnly, since)
		b.Breached, b.Since = true, &d
	}
	return b
}

// One message per new breach and per recovery; nothing when nothing
// changed, nor after a restart (the announcements are stored); a message
// the receiver could not take is sent by the next check; a new quarter
// starts afresh.
func TestCheckerAnnouncesEachChangeOnce(t *testing.T) {
	e := testenv.Embedded(t)
	store := warehouse.NewStore(e, testenv.Database(t, e))
	r := newReceiver(t)
	var waits []time.Duration
	now := time.Date(2025, 8, 14, 9, 30, 0, 0, time.UTC)
	f := &fakeBreaches{}
	checker := func() *alert.Checker {
		return &alert.Checker{Breaches: f.check, State: store, MinPopulation: 30, Now: func() time.Time { return now },
			Webhook: &alert.Webhook{URL: r.srv.URL, Secret: secret, Attempts: 3, Sleep: noSleep(&waits)}}
	}
	c := checker()
	ctx := context.Background()
	const p90, ead = postclear.KPIClearanceP90Hours, postclear.KPIEadCoverage
	step := func(name string, want ...string) {
		t.Helper()
		if _, err := c.Check(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, r.take(t)); diff != "" {
			t.Errorf("%s: messages (-want +got):\n%s", name, diff)
		}
	}
	f.set(breach("mou-ke-2024", p90, "2025-08-02"), breach("mou-ke-2024", ead, ""), breach("mou-ma-2025", p90, ""))
	step("a breach", "breach mou-ke-2024 CLEARANCE_P90_HOURS since 2025-08-02")
	step("the same again")
	c = checker()
	step("after a restart")

	f.set(breach("mou-ke-2024", p90, ""), breach("mou-ke-2024", ead, "2025-08-10"), breach("mou-ma-2025", p90, "2025-08-14"))
	step("a recovery and two breaches",
		"recovery mou-ke-2024 CLEARANCE_P90_HOURS",
		"breach mou-ke-2024 EAD_COVERAGE since 2025-08-10",
		"breach mou-ma-2025 CLEARANCE_P90_HOURS since 2025-08-14")
	// A breach whose first day moves (records of earlier days arrived) is
	// no new breach.
	f.set(breach("mou-ke-2024", p90, ""), breach("mou-ke-2024", ead, "2025-08-08"), breach("mou-ma-2025", p90, "2025-08-14"))
	step("since moved")

	// The receiver fails: the recovery is retried within the check and
	// delivered once.
	r.fail = []int{500, 502}
	f.set(breach("mou-ke-2024", p90, ""), breach("mou-ke-2024", ead, ""), breach("mou-ma-2025", p90, "2025-08-14"))
	step("recovery through 500s", "recovery mou-ke-2024 EAD_COVERAGE")

	// The receiver is down for a whole check: the check fails, nothing
	// is recorded, and the next check delivers the message.
	r.fail = []int{500, 500, 500}
	f.set(breach("mou-ke-2024", p90, ""), breach("mou-ke-2024", ead, ""))
	if _, err := c.Check(ctx); err == nil {
		t.Error("a check whose message was not delivered succeeded")
	}
	if got := r.take(t); len(got) != 0 {
		t.Errorf("messages while the receiver failed: %v", got)
	}
	// The MA target is gone from the check (its MoU ended): a recovery.
	step("delivered by the next check", "recovery mou-ma-2025 CLEARANCE_P90_HOURS")
	step("and once only")

	// A new quarter starts afresh: its breaches are new, the last
	// quarter's state announces nothing.
	f.set(breach("mou-ke-2024", p90, "2025-08-02"))
	step("KE breached again", "breach mou-ke-2024 CLEARANCE_P90_HOURS since 2025-08-02")
	now = time.Date(2025, 10, 2, 6, 0, 0, 0, time.UTC)
	f.set(breach("mou-ke-2024", p90, ""))
	step("Q4 starts without a judged value")
	f.set(breach("mou-ke-2024", p90, "2025-10-02"))
	step("Q4 breach", "breach mou-ke-2024 CLEARANCE_P90_HOURS since 2025-10-02")

	// Every retried message kept its delivery id; no two messages share one.
	seen := map[string]bool{}
	for _, d := range r.delivery {
		if seen[d] || d == "" {
			t.Errorf("delivery id %q twice or empty", d)
		}
		seen[d] = true
	}
}

// Run checks at once, then at most once per interval: not on a notified
// ingest within the interval, nor at an interval in which nothing changed;
// at the next interval once the data version moved; and at once on an
// ingest notified after a quiet interval.
func TestRunChecksAtMostOncePerInterval(t *testing.T) {
	e := testenv.Embedded(t)
	store := warehouse.NewStore(e, testenv.Database(t, e))
	r := newReceiver(t)
	f := &fakeBreaches{}
	var version atomic.Int64
	const interval = 150 * time.Millisecond
	c := &alert.Checker{Breaches: f.check, State: store, Interval: interval,
		Version: func(context.Context) (string, error) { return string(rune('a' + version.Load())), nil },
		Webhook: &alert.Webhook{URL: r.srv.URL, Secret: secret}}
	c.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	eventually := func(what string, n int64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); f.calls.Load() < n; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d checks, want %d", what, f.calls.Load(), n)
			}
		}
	}
	eventually("at start", 1)
	c.Notify() // within the interval: no check now
	time.Sleep(3 * interval)
	if n := f.calls.Load(); n != 1 {
		t.Errorf("nothing changed for three intervals: %d checks, want 1", n)
	}
	version.Add(1)
	eventually("data changed", 2)
	time.Sleep(2 * interval)
	if n := f.calls.Load(); n != 2 {
		t.Errorf("after the change: %d checks, want 2", n)
	}
	version.Add(1)
	c.Notify() // the last check is an interval old: check at once
	eventually("notified ingest after a quiet interval", 3)
}
