package warehouse

import (
	"context"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The state of the target-breach alerts (migration 0008): what the webhook
// last announced per MoU, KPI and quarter, so that a restarted server
// announces only what changed since.

var alertColumns = []string{"mou_id", "kpi", "quarter", "breached", "since", "announced_at", "version"}

// BreachAnnouncements returns the latest announcement of each target of
// quarter ("2025-Q3").
func (s *Store) BreachAnnouncements(ctx context.Context, quarter string) (out []postclear.BreachAnnouncement, err error) {
	defer postclear.Wrap(&err, "read breach announcements")
	err = Each(ctx, s.Engine, `SELECT mou_id, toString(kpi), quarter, breached, since, announced_at
FROM {db:Identifier}.breach_alerts FINAL
WHERE quarter = {quarter:String}
ORDER BY mou_id, kpi`, Params{"db": s.Layout.Database, "quarter": quarter}, func(rows Rows) error {
		var a postclear.BreachAnnouncement
		var kpi string
		var breached uint8
		var since time.Time
		if err := rows.Scan(&a.MoUID, &kpi, &a.Quarter, &breached, &since, &a.AnnouncedAt); err != nil {
			return err
		}
		a.KPI, a.Breached, a.Since, a.AnnouncedAt = postclear.KPI(kpi), breached != 0, optionalDate(since), a.AnnouncedAt.UTC()
		out = append(out, a)
		return nil
	})
	return out, err
}

// RecordBreachAnnouncement stores a as the latest announcement of its
// target and quarter. It is no data the KPIs or evaluations read, so the
// data version does not move for it (on a ClickHouse server, where the
// version is derived from the parts, it does).
func (s *Store) RecordBreachAnnouncement(ctx context.Context, a postclear.BreachAnnouncement) (err error) {
	defer postclear.Wrap(&err, "record breach announcement")
	var breached uint8
	since := noDate
	if a.Breached {
		breached = 1
	}
	if a.Since != nil {
		since = *a.Since
	}
	s.mouMu.Lock()
	v := s.writeVersion()
	s.mouMu.Unlock()
	return s.Engine.Insert(ctx, s.Layout.Database+".breach_alerts", alertColumns,
		[][]any{{a.MoUID, string(a.KPI), a.Quarter, breached, since, a.AnnouncedAt.UTC().Truncate(time.Second), v}})
}
