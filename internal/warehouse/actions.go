package warehouse

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Agreed actions (migration 0008, docs/mou.md "Agreed actions"). Every
// write of an action inserts a new version and keeps the old ones: the
// latest version is the action, the others its history. Actions are few
// (tens per MoU and year), so reads take them whole.

var actionColumns = recordColumns[postclear.Action]("version")

// InsertActions stores actions: each becomes the latest version of its key
// (MoU, id), in the order given, so that of two rows of one key the later
// wins. A row equal to the latest version of its key writes nothing, so
// that loading a file again adds no history. Every MoU named must exist.
func (s *Store) InsertActions(ctx context.Context, acts []postclear.Action) (err error) {
	defer postclear.Wrap(&err, "store actions")
	if err := s.checkMoUIDs(ctx, len(acts), func(i int) string { return acts[i].MoUID }); err != nil {
		return err
	}
	// Under the MoU mutex, so that the comparison with the latest
	// versions and the insert are one step for this process.
	s.mouMu.Lock()
	defer s.mouMu.Unlock()
	var mous []string
	for i := range acts {
		if !slices.Contains(mous, acts[i].MoUID) {
			mous = append(mous, acts[i].MoUID)
		}
	}
	stored, err := s.readActions(ctx, mous, "", false, postclear.Scope{})
	if err != nil {
		return err
	}
	latest := make(map[[2]string]postclear.Action, len(stored))
	for _, a := range stored {
		latest[[2]string{a.MoUID, a.ID}] = a
	}
	var rows [][]any
	for i := range acts {
		a := &acts[i]
		key := [2]string{a.MoUID, a.ID}
		if old, ok := latest[key]; ok && sameAction(&old, a) {
			continue
		}
		latest[key] = *a
		rows = append(rows, recordRow(a, s.writeVersion()))
	}
	if len(rows) == 0 {
		return nil
	}
	return insertChunks(ctx, s, postclear.ActionSchema.Table, actionColumns, len(rows), func(i int) []any { return rows[i] }, s.commitmentWrite)
}

func sameAction(a, b *postclear.Action) bool {
	closed := func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	}
	return a.MoUID == b.MoUID && a.ID == b.ID && a.RaisedOn.Equal(b.RaisedOn) && a.Text == b.Text && a.Owner == b.Owner &&
		a.DueOn.Equal(b.DueOn) && a.Status == b.Status && closed(a.ClosedOn).Equal(closed(b.ClosedOn)) && a.KPI == b.KPI
}

// Actions returns the latest version of the actions q selects among those
// of the MoUs the caller sees (postclear.ScopeFrom): an MoU of another
// country, like one that does not exist, has no actions for it. Ordered by
// MoU, raising date and id.
func (s *Store) Actions(ctx context.Context, q postclear.ActionQuery) (out []postclear.Action, err error) {
	defer postclear.Wrap(&err, "list actions")
	all, err := s.scopedActions(ctx, q, false)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		switch {
		case q.Status != "" && a.Status != q.Status,
			!q.To.IsZero() && !a.RaisedOn.Before(q.To),
			!q.From.IsZero() && a.ClosedOn != nil && a.ClosedOn.Before(q.From):
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b postclear.Action) int {
		if c := strings.Compare(a.MoUID, b.MoUID); c != 0 {
			return c
		}
		if c := a.RaisedOn.Compare(b.RaisedOn); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// ActionHistory returns every version of the action (mouID, id), the
// latest first; none when the caller does not see the MoU.
func (s *Store) ActionHistory(ctx context.Context, mouID, id string) (_ []postclear.Action, err error) {
	defer postclear.Wrap(&err, "action history")
	return s.scopedActions(ctx, postclear.ActionQuery{MoUID: mouID, ID: id}, true)
}

// scopedActions reads the actions of q.MoUID (of every MoU when empty)
// that the caller's scope admits: the latest version of each, or all
// versions with history, latest first.
func (s *Store) scopedActions(ctx context.Context, q postclear.ActionQuery, history bool) ([]postclear.Action, error) {
	var mous []string
	if q.MoUID != "" {
		mous = []string{q.MoUID}
	}
	return s.readActions(ctx, mous, q.ID, history, postclear.ScopeFrom(ctx))
}

// readActions reads the actions of mous (every MoU when nil), of id only
// when it is set, the latest version of each or all of them. With a
// restricted scope, only the actions of MoUs of its countries are read: the
// engine joins them to the MoUs, so that no caller can pass the scope by.
func (s *Store) readActions(ctx context.Context, mous []string, id string, history bool, scope postclear.Scope) ([]postclear.Action, error) {
	p := Params{"db": s.Layout.Database}
	var where []string
	if mous != nil {
		where = append(where, "mou_id IN {mous:Array(String)}")
		p["mous"] = mous
	}
	if id != "" {
		where = append(where, "id = {id:String}")
		p["id"] = id
	}
	if scope.Restricted {
		where = append(where, "mou_id "+s.Layout.In()+" (SELECT id FROM {db:Identifier}.mous FINAL WHERE country IN {scope:Array(String)})")
		p["scope"] = append([]string{}, scope.Countries...)
	}
	q := `SELECT mou_id, id, raised_on, text, toString(owner), due_on, toString(status), closed_on, toString(kpi), version
FROM {db:Identifier}.mou_actions`
	if len(where) > 0 {
		q += "\nWHERE " + strings.Join(where, " AND ")
	}
	q += "\nORDER BY mou_id, id, version DESC"
	if !history {
		q += "\nLIMIT 1 BY mou_id, id"
	}
	var out []postclear.Action
	err := Each(ctx, s.Engine, q, p, func(rows Rows) error {
		var v postclear.Action
		var closed time.Time
		var version uint64
		if err := rows.Scan(&v.MoUID, &v.ID, &v.RaisedOn, &v.Text, &v.Owner, &v.DueOn, &v.Status, &closed, &v.KPI, &version); err != nil {
			return err
		}
		v.RaisedOn, v.DueOn = v.RaisedOn.UTC(), v.DueOn.UTC()
		v.ClosedOn = optionalDate(closed)
		// The version is the write time in nanoseconds (writeVersion).
		v.UpdatedAt = time.Unix(0, int64(version)).UTC().Truncate(time.Second)
		out = append(out, v)
		return nil
	})
	return out, err
}
