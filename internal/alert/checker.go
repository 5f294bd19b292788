package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
)

// State keeps what was announced (implemented by warehouse.Store), so
// that a restarted server announces only what changed since.
type State interface {
	BreachAnnouncements(ctx context.Context, quarter string) ([]postclear.BreachAnnouncement, error)
	RecordBreachAnnouncement(ctx context.Context, a postclear.BreachAnnouncement) error
}

// DefaultInterval is how often the checker may run.
const DefaultInterval = 15 * time.Minute

// recordTimeout bounds the storing of an announcement once its message
// was delivered.
const recordTimeout = 10 * time.Second

// Checker checks the targets of the active MoUs and announces each new
// breach and each recovery, once.
type Checker struct {
	// Breaches is the check (report.Evaluator.TargetBreaches). It is
	// called with a context without a caller, so that it sees every MoU.
	Breaches func(ctx context.Context, asOf time.Time, minPopulation int) ([]postclear.TargetBreach, error)
	State    State
	// Version is the data version (warehouse.Store.DataVersion): a check
	// whose data and day are those of the last successful check would
	// find the same and is skipped.
	Version       func(ctx context.Context) (string, error)
	Webhook       *Webhook
	MinPopulation int
	// Interval is the least time between two checks (DefaultInterval
	// when 0).
	Interval time.Duration
	// Now is the clock; asOf is its UTC date. nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger

	notify chan struct{}
	// What the last successful check saw.
	lastVersion string
	lastDay     time.Time
}

// Message is the JSON body of a webhook request: one new breach or one
// recovery of a target.
type Message struct {
	// Event is "breach" or "recovery".
	Event      string     `json:"event"`
	MoUID      string     `json:"mouId"`
	Country    string     `json:"country,omitempty"`
	KPI        string     `json:"kpi"`
	Label      string     `json:"label"`
	Unit       string     `json:"unit"`
	Comparison string     `json:"comparison,omitempty"`
	Target     *float64   `json:"target,omitempty"`
	Quarter    string     `json:"quarter"`
	From       string     `json:"from"`
	AsOf       string     `json:"asOf"`
	Actual     *float64   `json:"actual"`
	Population int64      `json:"population"`
	Judged     bool       `json:"judged"`
	Since      *string    `json:"since,omitempty"`
	Text       string     `json:"text"`
	CheckedAt  time.Time  `json:"checkedAt"`
	Previous   *time.Time `json:"breachAnnouncedAt,omitempty"`
}

// The events.
const (
	EventBreach   = "breach"
	EventRecovery = "recovery"
)

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) interval() time.Duration {
	if c.Interval > 0 {
		return c.Interval
	}
	return DefaultInterval
}

func (c *Checker) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// Check checks the targets as of today and posts a message for each target
// newly in breach and each one that recovered since the last announcement
// of this quarter: a target no longer checked (its MoU ended or was
// archived, or the target was removed) counts as recovered. An
// announcement is stored once its message was delivered; a message that
// could not be delivered is tried again by the next check. It returns the
// messages delivered.
func (c *Checker) Check(ctx context.Context) (sent int, err error) {
	now := c.now().UTC()
	asOf := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	quarter := postclear.QuarterOf(asOf).String()
	bs, err := c.Breaches(ctx, asOf, c.MinPopulation)
	if err != nil {
		return 0, fmt.Errorf("target-breach check: %w", err)
	}
	before, err := c.State.BreachAnnouncements(ctx, quarter)
	if err != nil {
		return 0, err
	}
	announced := map[[2]string]postclear.BreachAnnouncement{}
	for _, a := range before {
		announced[[2]string{a.MoUID, string(a.KPI)}] = a
	}
	var errs []error
	announce := func(m Message, a postclear.BreachAnnouncement) {
		body, err := json.Marshal(m)
		if err == nil {
			err = c.Webhook.Send(ctx, m.Event, body)
		}
		if err == nil {
			// Delivered: store it even if ctx ends now (the server is
			// stopping), or the next server would announce it again.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
			a.AnnouncedAt = now
			err = c.State.RecordBreachAnnouncement(rctx, a)
			cancel()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s of %s %s: %w", m.Event, m.MoUID, m.KPI, err))
			return
		}
		sent++
		c.logger().Info("target-breach alert sent", "event", m.Event, "mou", m.MoUID, "kpi", m.KPI, "since", m.Since)
	}
	for i := range bs {
		b := &bs[i]
		key := [2]string{b.MoU.ID, string(b.KPI)}
		prev, had := announced[key]
		delete(announced, key)
		wasBreached := had && prev.Breached
		if b.Breached == wasBreached {
			continue
		}
		m := message(b, now)
		state := postclear.BreachAnnouncement{MoUID: b.MoU.ID, KPI: b.KPI, Quarter: quarter, Breached: b.Breached, Since: b.Since}
		if !b.Breached {
			m.Event, m.Previous = EventRecovery, &prev.AnnouncedAt
		}
		announce(m, state)
	}
	for _, prev := range announced {
		if !prev.Breached {
			continue
		}
		m := Message{Event: EventRecovery, MoUID: prev.MoUID, KPI: string(prev.KPI), Label: prev.KPI.Label(), Unit: string(prev.KPI.Unit()),
			Quarter: quarter, From: postclear.QuarterOf(asOf).Start().Format(time.DateOnly), AsOf: asOf.Format(time.DateOnly),
			Text:      fmt.Sprintf("%s of MoU %s is no longer checked (the MoU ended or was archived, or the target was removed)", prev.KPI.Label(), prev.MoUID),
			CheckedAt: now, Previous: &prev.AnnouncedAt}
		announce(m, postclear.BreachAnnouncement{MoUID: prev.MoUID, KPI: prev.KPI, Quarter: quarter})
	}
	return sent, errors.Join(errs...)
}

// message is the breach message of b.
func message(b *postclear.TargetBreach, now time.Time) Message {
	m := Message{Event: EventBreach, MoUID: b.MoU.ID, Country: b.MoU.Country, KPI: string(b.KPI), Label: b.KPI.Label(), Unit: string(b.Unit),
		Comparison: string(b.Comparison), Target: &b.Target, Quarter: b.Quarter, From: b.From.Format(time.DateOnly), AsOf: b.AsOf.Format(time.DateOnly),
		Actual: b.Actual, Population: b.Population, Judged: b.Judged, Text: report.BreachText(b), CheckedAt: now}
	if b.Since != nil {
		s := b.Since.Format(time.DateOnly)
		m.Since = &s
	}
	return m
}

// Notify tells the checker that records were ingested: it checks as soon
// as the interval since its last check allows. It never blocks.
func (c *Checker) Notify() {
	if c.notify == nil {
		return
	}
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Start makes Notify effective; call it before Run and before handing
// Notify to the ingest paths.
func (c *Checker) Start() { c.notify = make(chan struct{}, 1) }

// Run checks until ctx is done: at once, then at most once per interval:
// each interval, when the data or the day changed since the last
// successful check, or that check failed; and as soon as an ingest is
// notified, when the last check is an interval old or more. A failed check
// is logged and tried again at the next interval.
func (c *Checker) Run(ctx context.Context) {
	if c.notify == nil {
		c.Start()
	}
	var last time.Time // of the last check that ran
	ok := false        // whether it succeeded
	run := func() {
		last = c.now()
		version, day := "", last.UTC().Truncate(24*time.Hour)
		if c.Version != nil {
			v, err := c.Version(ctx)
			if err != nil {
				c.logger().Warn("target-breach check skipped: the data version cannot be read", "err", err)
				ok = false
				return
			}
			version = v
		}
		if _, err := c.Check(ctx); err != nil {
			if ctx.Err() == nil {
				c.logger().Error("target-breach check failed; trying again at the next interval", "err", err)
			}
			ok = false
			return
		}
		ok, c.lastVersion, c.lastDay = true, version, day
	}
	// changed reports whether a check could find something new.
	changed := func() bool {
		if !ok || c.Version == nil || !c.now().UTC().Truncate(24*time.Hour).Equal(c.lastDay) {
			return true
		}
		v, err := c.Version(ctx)
		return err != nil || v != c.lastVersion
	}
	run()
	timer := time.NewTimer(c.interval())
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			if changed() {
				run()
			}
			timer.Reset(c.interval())
		case <-c.notify:
			if c.now().Sub(last) >= c.interval() {
				run()
				timer.Reset(c.interval()) // no stale tick since Go 1.23
			}
		}
	}
}
