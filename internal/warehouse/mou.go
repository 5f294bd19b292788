package warehouse

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The MoU registry (docs/mou.md). MoUs are few (a handful per country), so
// every check that spans MoUs (overlap, id uniqueness) reads them all and
// decides in Go, under the store's mutex: that makes create and update
// atomic within one process. Several processes writing MoUs at once could
// race; postclear runs one server per database.

// noDate is the stored value of an absent date (effective_to, resolved_on).
var noDate = time.Unix(0, 0).UTC()

var (
	mouColumns      = []string{"id", "version", "country", "customs_administration", "postal_operator", "signed_on", "effective_from", "effective_to", "archived", "targets", "updated_at", "time_zone"}
	activityColumns = recordColumns[postclear.Activity]("version")
	disputeColumns  = recordColumns[postclear.Dispute]("version")
)

// writeVersion returns a version larger than every one this store handed
// out before, so that the latest write of an MoU wins.
func (s *Store) writeVersion() uint64 {
	v := uint64(time.Now().UnixNano())
	if v <= s.lastWrite {
		v = s.lastWrite + 1
	}
	s.lastWrite = v
	return v
}

// MoUs returns every MoU, archived ones too when archived is true, ordered
// by country and effective date. A caller with a restricted scope
// (postclear.ScopeFrom) gets only the MoUs of its countries; for it the
// others do not exist, so MoU and the evaluation answer NOT_FOUND.
func (s *Store) MoUs(ctx context.Context, archived bool) (out []postclear.MoU, err error) {
	defer postclear.Wrap(&err, "list MoUs")
	const q = `SELECT id, country, customs_administration, postal_operator, signed_on, effective_from, effective_to, archived, targets, updated_at, time_zone
FROM {db:Identifier}.mous FINAL
ORDER BY country, effective_from, id`
	scope := postclear.ScopeFrom(ctx)
	rows, err := s.Engine.Query(ctx, q, Params{"db": s.Layout.Database})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m postclear.MoU
		var to time.Time
		var arch uint8
		var targets string
		if err := rows.Scan(&m.ID, &m.Country, &m.CustomsAdministration, &m.PostalOperator, &m.SignedOn, &m.EffectiveFrom, &to, &arch, &targets, &m.UpdatedAt, &m.TimeZone); err != nil {
			return nil, err
		}
		m.SignedOn, m.EffectiveFrom, m.UpdatedAt = m.SignedOn.UTC(), m.EffectiveFrom.UTC(), m.UpdatedAt.UTC()
		m.EffectiveTo = optionalDate(to)
		m.Archived = arch != 0
		if err := json.Unmarshal([]byte(targets), &m.Targets); err != nil {
			return nil, fmt.Errorf("MoU %s: targets: %w", m.ID, err)
		}
		if m.Archived && !archived || !scope.Sees(m.Country) {
			continue
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MoU returns the MoU with id, archived or not, or an ENotFound error.
func (s *Store) MoU(ctx context.Context, id string) (postclear.MoU, error) {
	all, err := s.MoUs(ctx, true)
	if err != nil {
		return postclear.MoU{}, err
	}
	return findMoU(all, id)
}

func findMoU(all []postclear.MoU, id string) (postclear.MoU, error) {
	for _, m := range all {
		if m.ID == id {
			return m, nil
		}
	}
	return postclear.MoU{}, postclear.Errorf(postclear.ENotFound, "no MoU with id %q", id)
}

// CreateMoU validates in, refuses an MoU that overlaps an active one of
// the same country, and stores it under a new readable id:
// mou-<country>-<year it takes effect>, with -2, -3 … when taken.
func (s *Store) CreateMoU(ctx context.Context, in postclear.MoUInput) (m postclear.MoU, err error) {
	defer postclear.Wrap(&err, "create MoU")
	if err := in.Validate(); err != nil {
		return m, err
	}
	s.mouMu.Lock()
	defer s.mouMu.Unlock()
	all, err := s.MoUs(ctx, true)
	if err != nil {
		return m, err
	}
	m = fromInput(in)
	base := fmt.Sprintf("mou-%s-%d", strings.ToLower(in.Country), in.EffectiveFrom.Year())
	m.ID = base
	for n := 2; slices.ContainsFunc(all, func(o postclear.MoU) bool { return o.ID == m.ID }); n++ {
		m.ID = base + "-" + strconv.Itoa(n)
	}
	if err := checkOverlap(all, &m); err != nil {
		return m, err
	}
	return m, s.writeMoU(ctx, &m)
}

// UpdateMoU replaces the fields of the MoU id with in; an archived MoU
// cannot be changed.
func (s *Store) UpdateMoU(ctx context.Context, id string, in postclear.MoUInput) (m postclear.MoU, err error) {
	defer postclear.Wrap(&err, "update MoU")
	if err := in.Validate(); err != nil {
		return m, err
	}
	s.mouMu.Lock()
	defer s.mouMu.Unlock()
	all, err := s.MoUs(ctx, true)
	if err != nil {
		return m, err
	}
	old, err := findMoU(all, id)
	if err != nil {
		return m, err
	}
	if old.Archived {
		return m, postclear.Errorf(postclear.EConflict, "MoU %s is archived and cannot be changed", id)
	}
	if in.Country != old.Country {
		return m, postclear.Errorf(postclear.EInvalid, "country: an MoU cannot move from %s to %s; create a new MoU instead", old.Country, in.Country)
	}
	m = fromInput(in)
	m.ID = id
	if err := checkOverlap(all, &m); err != nil {
		return m, err
	}
	return m, s.writeMoU(ctx, &m)
}

// ArchiveMoU marks the MoU id archived: it no longer counts for overlaps
// and is left out of lists unless asked for, but can still be evaluated.
// Archiving an archived MoU changes nothing.
func (s *Store) ArchiveMoU(ctx context.Context, id string) (m postclear.MoU, err error) {
	defer postclear.Wrap(&err, "archive MoU")
	s.mouMu.Lock()
	defer s.mouMu.Unlock()
	m, err = s.MoU(ctx, id)
	if err != nil || m.Archived {
		return m, err
	}
	m.Archived = true
	return m, s.writeMoU(ctx, &m)
}

func fromInput(in postclear.MoUInput) postclear.MoU {
	return postclear.MoU{
		Country: in.Country, CustomsAdministration: in.CustomsAdministration, PostalOperator: in.PostalOperator,
		SignedOn: in.SignedOn, EffectiveFrom: in.EffectiveFrom, EffectiveTo: in.EffectiveTo,
		Targets: slices.Clone(in.Targets), TimeZone: cmp.Or(in.TimeZone, "UTC"),
	}
}

// checkOverlap refuses m when another active MoU of its country is in
// force on a day m is.
func checkOverlap(all []postclear.MoU, m *postclear.MoU) error {
	for _, o := range all {
		if o.ID == m.ID || o.Archived || o.Country != m.Country || !m.Overlaps(&o) {
			continue
		}
		end := "open-ended"
		if o.EffectiveTo != nil {
			end = "until " + o.EffectiveTo.Format(time.DateOnly)
		}
		return postclear.Errorf(postclear.EConflict,
			"%s already has an active MoU in force on overlapping days: %s, effective %s %s; end or archive it first",
			m.Country, o.ID, o.EffectiveFrom.Format(time.DateOnly), end)
	}
	return nil
}

func (s *Store) writeMoU(ctx context.Context, m *postclear.MoU) error {
	if m.Targets == nil {
		m.Targets = []postclear.Target{}
	}
	targets, err := json.Marshal(m.Targets)
	if err != nil {
		return err
	}
	m.UpdatedAt = time.Now().UTC().Truncate(time.Second)
	var arch uint8
	if m.Archived {
		arch = 1
	}
	to := noDate
	if m.EffectiveTo != nil {
		to = *m.EffectiveTo
	}
	row := []any{m.ID, s.writeVersion(), m.Country, m.CustomsAdministration, m.PostalOperator,
		m.SignedOn, m.EffectiveFrom, to, arch, string(targets), m.UpdatedAt, m.TimeZone}
	err = s.Engine.Insert(ctx, s.Layout.Database+".mous", mouColumns, [][]any{row})
	// An MoU's targets are part of its evaluation.
	s.facts.wrote()
	return err
}

// InsertActivities stores capacity-building activities; an activity whose
// key (MoU, date, title) is stored replaces it. Every MoU named must exist.
func (s *Store) InsertActivities(ctx context.Context, acts []postclear.Activity) (err error) {
	defer postclear.Wrap(&err, "store activities")
	if err := s.checkMoUIDs(ctx, len(acts), func(i int) string { return acts[i].MoUID }); err != nil {
		return err
	}
	s.mouMu.Lock()
	v := s.writeVersion()
	s.mouMu.Unlock()
	return insertChunks(ctx, s, "mou_activities", activityColumns, len(acts), func(i int) []any {
		return recordRow(&acts[i], v)
	}, s.commitmentWrite)
}

// InsertDisputes stores disputes; a dispute whose key (MoU, opened date,
// subject) is stored replaces it. Every MoU named must exist.
func (s *Store) InsertDisputes(ctx context.Context, ds []postclear.Dispute) (err error) {
	defer postclear.Wrap(&err, "store disputes")
	if err := s.checkMoUIDs(ctx, len(ds), func(i int) string { return ds[i].MoUID }); err != nil {
		return err
	}
	s.mouMu.Lock()
	v := s.writeVersion()
	s.mouMu.Unlock()
	return insertChunks(ctx, s, "mou_disputes", disputeColumns, len(ds), func(i int) []any {
		return recordRow(&ds[i], v)
	}, s.commitmentWrite)
}

// commitmentWrite runs the insert of MoU commitments: they are not items,
// so nothing is marked for the facts, but the evaluation reads them, so the
// data version moves.
func (s *Store) commitmentWrite(_ [][]any, insert func() error) error {
	err := insert()
	s.facts.wrote()
	return err
}

// checkMoUIDs refuses a batch that names an MoU that does not exist, so
// that a typo in a file cannot file activities under no MoU.
func (s *Store) checkMoUIDs(ctx context.Context, n int, id func(int) string) error {
	if n == 0 {
		return nil
	}
	all, err := s.MoUs(ctx, true)
	if err != nil {
		return err
	}
	for i := range n {
		if !slices.ContainsFunc(all, func(m postclear.MoU) bool { return m.ID == id(i) }) {
			return postclear.Errorf(postclear.EInvalid, "mou_id: no MoU with id %q; create it first (postclear seed or the createMou mutation)", id(i))
		}
	}
	return nil
}

// Activities returns the activities of MoU mouID held in [from, to), by
// date and title; zero times do not restrict.
func (s *Store) Activities(ctx context.Context, mouID string, from, to time.Time) (out []postclear.Activity, err error) {
	defer postclear.Wrap(&err, "list activities")
	const q = `SELECT mou_id, held_on, title, toString(kind), customs_participants, post_participants
FROM {db:Identifier}.mou_activities FINAL
WHERE mou_id = {mou:String} AND held_on >= {from:DateTime('UTC')} AND held_on < {to:DateTime('UTC')}
ORDER BY held_on, title`
	rows, err := s.Engine.Query(ctx, q, rangeParams(s, mouID, from, to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a postclear.Activity
		var c, p uint32
		if err := rows.Scan(&a.MoUID, &a.Date, &a.Title, &a.Kind, &c, &p); err != nil {
			return nil, err
		}
		a.Date = a.Date.UTC()
		a.CustomsParticipants, a.PostParticipants = int(c), int(p)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Disputes returns the disputes of MoU mouID opened before to and, unless
// from is zero, not resolved before from: those that were open at some
// time in [from, to). Ordered by opening date and subject.
func (s *Store) Disputes(ctx context.Context, mouID string, from, to time.Time) (out []postclear.Dispute, err error) {
	defer postclear.Wrap(&err, "list disputes")
	const q = `SELECT mou_id, opened_on, subject, resolved_on, toString(resolution)
FROM {db:Identifier}.mou_disputes FINAL
WHERE mou_id = {mou:String} AND opened_on < {to:DateTime('UTC')}
  AND (resolved_on = toDateTime(0, 'UTC') OR resolved_on >= {from:DateTime('UTC')})
ORDER BY opened_on, subject`
	rows, err := s.Engine.Query(ctx, q, rangeParams(s, mouID, from, to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d postclear.Dispute
		var resolved time.Time
		if err := rows.Scan(&d.MoUID, &d.OpenedOn, &d.Subject, &resolved, &d.Resolution); err != nil {
			return nil, err
		}
		d.OpenedOn = d.OpenedOn.UTC()
		d.ResolvedOn = optionalDate(resolved)
		out = append(out, d)
	}
	return out, rows.Err()
}

func rangeParams(s *Store, mouID string, from, to time.Time) Params {
	if from.IsZero() {
		from = time.Unix(1, 0)
	}
	if to.IsZero() {
		to = time.Date(2106, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return Params{"db": s.Layout.Database, "mou": mouID, "from": from.UTC(), "to": to.UTC()}
}

func optionalDate(t time.Time) *time.Time {
	if t.Unix() == 0 {
		return nil
	}
	t = t.UTC()
	return &t
}
