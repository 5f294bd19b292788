package warehouse_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// The finalized facts (item_facts, seizure_state, declaration_facts) are
// checked against kpioracle, a plain Go derivation of the milestones of
// docs/domain.md from the records, over the KPI fixture and over random
// records that exercise every event code and decision, with ties at one
// instant and every record stored again under its key with other
// attributes, in the same batch or a later one: the first stored copy of a
// key is the record, whatever follows.

// fact is an item's row as the KPIs read it, in the oracle's terms.
type fact struct {
	ID                                                                   string
	Origin, Destination, MailClass, Office, Category, InspectionChannel  *string
	Posted, Arrived, Presented, Released, Delivered, EAD                 *time.Time
	DepartedOrigin, DepartedInward, Requested, InspectedAt, Closed, Seen *time.Time
	Inspected, Seized, Intervened, Duty, Returned                        bool
	CustomsSecs                                                          int64
}

func oracleFacts(r kpioracle.Records) map[string]fact {
	out := map[string]fact{}
	for id, it := range r.Items() {
		out[id] = fact{
			ID: id, Origin: it.Origin, Destination: it.Destination, MailClass: it.MailClass, Office: it.Office,
			Category: it.Category, InspectionChannel: it.InspectionChannel,
			Posted: it.Posted, Arrived: it.Arrived, Presented: it.Presented, Released: it.Released,
			Delivered: it.Delivered, EAD: it.EAD, DepartedOrigin: it.DepartedOrigin, DepartedInward: it.DepartedInward,
			Requested: it.Requested, InspectedAt: it.InspectedAt, Closed: it.Closed,
			Inspected: it.Inspected, Seized: it.Seized, Intervened: it.Intervened, Duty: it.Duty, Returned: it.Returned,
			CustomsSecs: it.CustomsSecs,
		}
	}
	return out
}

// storedFacts reads the facts of from: item_facts FINAL, or item_checks
// FINAL with a kind.
func storedFacts(t *testing.T, e warehouse.Engine, db, from string) map[string]fact {
	t.Helper()
	rows, err := e.Query(context.Background(), `SELECT item_id, origin_country, destination_country, mail_class, office, category,
    inspection_channel, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, departed_origin_at,
    departed_inward_at, requested_at, inspected_at, closed_at, inspected, seized, intervened, duty, returned, customs_secs
FROM {db:Identifier}.`+from, warehouse.Params{"db": db})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]fact{}
	for rows.Next() {
		var f fact
		var flags [5]uint8
		var secs uint32
		if err := rows.Scan(&f.ID, &f.Origin, &f.Destination, &f.MailClass, &f.Office, &f.Category, &f.InspectionChannel,
			&f.Posted, &f.Arrived, &f.Presented, &f.Released, &f.Delivered, &f.EAD, &f.DepartedOrigin, &f.DepartedInward,
			&f.Requested, &f.InspectedAt, &f.Closed, &flags[0], &flags[1], &flags[2], &flags[3], &flags[4], &secs); err != nil {
			t.Fatal(err)
		}
		f.Inspected, f.Seized, f.Intervened, f.Duty, f.Returned = flags[0] == 1, flags[1] == 1, flags[2] == 1, flags[3] == 1, flags[4] == 1
		f.CustomsSecs = int64(secs)
		if _, dup := out[f.ID]; dup {
			t.Errorf("item %s has two rows in %s", f.ID, from)
		}
		out[f.ID] = f
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// seizures returns "item category first-seizure" lines, from seizure_state
// as the seizure KPI reads it, or from the oracle.
func storedSeizures(t *testing.T, e warehouse.Engine, db string) []string {
	t.Helper()
	rows, err := e.Query(context.Background(), `SELECT toString(tuple(item_id, seizure_category, min(first_seized_at))) AS s
FROM {db:Identifier}.seizure_state GROUP BY item_id, seizure_category ORDER BY s`, warehouse.Params{"db": db})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func oracleSeizures(r kpioracle.Records) []string {
	var out []string
	for id, it := range r.Items() {
		for c, at := range it.FirstSeizure {
			out = append(out, fmt.Sprintf("('%s','%s','%s')", id, c, at.Format(time.DateTime)))
		}
	}
	slices.Sort(out)
	return out
}

// declarationRow is a declaration fact as text: destination, date, item,
// origin, class, category and the five rule flags.
func oracleDeclarations(r kpioracle.Records) []string {
	var out []string
	for _, d := range r.Dedupe().Declarations {
		desc := strings.TrimSpace(d.Description)
		vague := desc == ""
		for _, v := range postclear.VagueDescriptions {
			vague = vague || strings.EqualFold(desc, v)
		}
		flags := []bool{vague, d.DeclaredValue.Sign() <= 0, d.Currency == "", d.GrossWeightKg.Sign() <= 0,
			slices.Contains(postclear.HSRequiredCategories, d.Category) && d.HSCode == ""}
		if complete := !slices.Contains(flags, true); complete != d.Complete() {
			panic("the rules disagree with postclear.Declaration.Complete")
		}
		var f []string
		for _, b := range flags {
			f = append(f, map[bool]string{true: "1", false: "0"}[b])
		}
		out = append(out, fmt.Sprintf("('%s','%s','%s','%s','%s','%s',%s)", d.DestinationCountry, d.ReceivedAt.UTC().Format(time.DateTime),
			d.ItemID, d.OriginCountry, d.MailClass, d.Category, strings.Join(f, ",")))
	}
	slices.Sort(out)
	return out
}

func storedDeclarations(t *testing.T, e warehouse.Engine, db string) []string {
	return rowsOf(t, e, db, "destination_country, received_at, item_id, origin_country, mail_class, category, fails_description, fails_value, fails_currency, fails_weight, fails_hs_code",
		"declaration_facts FINAL")
}

// checkAgainstOracle compares everything the KPIs read with the oracle (no
// rows, nil or empty, are the same).
func checkAgainstOracle(t *testing.T, e warehouse.Engine, db string, r kpioracle.Records) {
	t.Helper()
	facts := oracleFacts(r)
	if diff := cmp.Diff(facts, storedFacts(t, e, db, "item_facts FINAL"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("item_facts FINAL differs from the oracle (-want +got):\n%s", diff)
	}
	// item_checks: the facts of the inspected items, and of those with a
	// hold request, each under its kind.
	for kind, has := range map[int]func(fact) bool{
		warehouse.CheckKinds["inspected_at"]: func(f fact) bool { return f.InspectedAt != nil },
		warehouse.CheckKinds["requested_at"]: func(f fact) bool { return f.Requested != nil },
	} {
		want := map[string]fact{}
		for id, f := range facts {
			if has(f) {
				want[id] = f
			}
		}
		from := fmt.Sprintf("item_checks FINAL WHERE check_kind = %d", kind)
		if diff := cmp.Diff(want, storedFacts(t, e, db, from), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s differs from the oracle (-want +got):\n%s", from, diff)
		}
	}
	if diff := cmp.Diff(oracleSeizures(r), storedSeizures(t, e, db), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("seizures differ from the oracle (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(oracleDeclarations(r), storedDeclarations(t, e, db), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("declaration_facts FINAL differs from the oracle (-want +got):\n%s", diff)
	}
}

func fixtureRecords(t *testing.T) kpioracle.Records {
	dir := filepath.Join("..", "analytics", "testdata", "fixture")
	return kpioracle.Records{
		Events:       readFixture[postclear.Event](t, filepath.Join(dir, "events.csv")),
		Declarations: readFixture[postclear.Declaration](t, filepath.Join(dir, "declarations.csv")),
		Decisions:    readFixture[postclear.Decision](t, filepath.Join(dir, "decisions.csv")),
	}
}

func readFixture[T ingest.Record](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ingest.Open[T](path, f, testenv.Now)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejected, err := ingest.ReadAll(r)
	if err != nil || len(rejected) > 0 {
		t.Fatalf("%s: %v %v", path, err, rejected)
	}
	return recs
}

// randomRecords returns records of n items drawn from every event code,
// decision and attribute, at hour resolution over a few days so that
// several records of an item often share an instant.
func randomRecords(seed uint64, n int) kpioracle.Records {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	codes := slices.Sorted(maps.Keys(postclear.EventCodes))
	countries := []string{"KE", "TH", "MA", "CN", "US"}
	classes := []string{"LETTER", "PACKET", "PARCEL", "EMS"}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func() time.Time { return base.Add(time.Duration(rng.IntN(24*6)) * time.Hour) }
	var r kpioracle.Records
	for i := range n {
		serial := fmt.Sprintf("%08d", 10_000_000+i)
		id := fmt.Sprintf("LX%s%d%s", serial, postclear.S10CheckDigit(serial), "CN")
		for range rng.IntN(7) {
			r.Events = append(r.Events, postclear.Event{ItemID: id, EventCode: pick(codes), EventTime: at(),
				Office: pick([]string{"KENBOA", "KEMBAA", "THBKKA"}), OriginCountry: pick(countries),
				DestinationCountry: pick(countries), MailClass: pick(classes)})
		}
		for range rng.IntN(3) {
			d := postclear.Declaration{ItemID: id, ReceivedAt: at(), OriginCountry: pick(countries), DestinationCountry: pick(countries),
				MailClass: pick(classes), Category: pick(postclear.Categories), Description: pick([]string{"Cotton shirt", " gift ", "", "Books", "STUFF"}),
				HSCode: pick([]string{"", "610910"}), DeclaredValue: postclear.DecimalFromUnits(int64(rng.IntN(3)) * 5_000_000),
				Currency: pick([]string{"", "USD"}), GrossWeightKg: postclear.DecimalFromUnits(int64(rng.IntN(2)) * 500_000)}
			r.Declarations = append(r.Declarations, d)
		}
		for range rng.IntN(4) {
			d := postclear.Decision{ItemID: id, DecidedAt: at(), Decision: pick(postclear.Decisions),
				DutyAmount: postclear.DecimalFromUnits(int64(rng.IntN(2)) * 3_200_000)}
			switch d.Decision {
			case "INSPECT":
				d.RiskChannel = pick(postclear.RiskChannels)
			case "SEIZE":
				d.SeizureCategory = pick(postclear.SeizureCategories)
			}
			r.Decisions = append(r.Decisions, d)
		}
	}
	return r
}

// conflicting returns a copy of each record under the same key with other
// attributes (what a sender correcting a record without changing its key
// would send): storing it must change nothing.
func conflicting(r kpioracle.Records) kpioracle.Records {
	var out kpioracle.Records
	for _, e := range r.Events {
		e.OriginCountry, e.DestinationCountry, e.MailClass = "FR", "FR", "EMS"
		out.Events = append(out.Events, e)
	}
	for _, d := range r.Declarations {
		d.OriginCountry, d.DestinationCountry, d.MailClass, d.Category = "FR", "FR", "EMS", "DOCUMENTS"
		d.Description, d.HSCode, d.Currency = "Changed", "999999", "EUR"
		d.DeclaredValue, d.GrossWeightKg = postclear.DecimalFromUnits(1), postclear.DecimalFromUnits(0)
		out.Declarations = append(out.Declarations, d)
	}
	for _, d := range r.Decisions {
		switch d.Decision {
		case "INSPECT":
			d.RiskChannel = map[string]string{"TARGETED": "RANDOM", "RANDOM": "DISCRETIONARY", "DISCRETIONARY": "TARGETED"}[d.RiskChannel]
		case "SEIZE":
			d.SeizureCategory = map[bool]string{true: "IPR", false: "DRUGS"}[d.SeizureCategory == "DRUGS"]
		}
		if d.DutyAmount.Sign() > 0 {
			d.DutyAmount = postclear.DecimalFromUnits(0)
		} else {
			d.DutyAmount = postclear.DecimalFromUnits(9_000_000)
		}
		out.Decisions = append(out.Decisions, d)
	}
	return out
}

// interleave returns the records of r in storage order, each record
// followed by its conflicting copy in the same batch for even positions,
// the copies of odd positions all stored after, and the batches to store
// them in (of 1 to 40 records).
func interleave(r kpioracle.Records) (all kpioracle.Records, batches func(store func(kpioracle.Records))) {
	c := conflicting(r)
	all.Events = interleaved(r.Events, c.Events)
	all.Declarations = interleaved(r.Declarations, c.Declarations)
	all.Decisions = interleaved(r.Decisions, c.Decisions)
	return all, func(store func(kpioracle.Records)) {
		// Batch boundaries may split a record from its same-batch copy:
		// the order of storing is what decides.
		sizes := []int{1, 7, 90, 13, 160}
		for i, lo := 0, 0; lo < max(len(all.Events), len(all.Declarations), len(all.Decisions)); i++ {
			hi := lo + sizes[i%len(sizes)]
			store(kpioracle.Records{Events: window(all.Events, lo, hi), Declarations: window(all.Declarations, lo, hi), Decisions: window(all.Decisions, lo, hi)})
			lo = hi
		}
	}
}

// interleaved is recs with the copy of each even one right after it and
// the copies of the odd ones at the end.
func interleaved[T any](recs, copies []T) []T {
	var out, late []T
	for i := range recs {
		out = append(out, recs[i])
		if i%2 == 0 {
			out = append(out, copies[i])
		} else {
			late = append(late, copies[i])
		}
	}
	return append(out, late...)
}

func window[T any](xs []T, lo, hi int) []T {
	return xs[min(lo, len(xs)):min(hi, len(xs))]
}

func storeAll(t *testing.T, s *warehouse.Store, batches func(func(kpioracle.Records))) {
	t.Helper()
	ctx := context.Background()
	batches(func(b kpioracle.Records) {
		if err := s.InsertEvents(ctx, b.Events); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertDeclarations(ctx, b.Declarations); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertDecisions(ctx, b.Decisions); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFactsMatchOracle(t *testing.T) {
	for name, records := range map[string]kpioracle.Records{
		"fixture": fixtureRecords(t),
		"random":  randomRecords(1, 300),
	} {
		for writer, e := range writers(t) {
			t.Run(name+"/"+writer, func(t *testing.T) {
				layout := testenv.Database(t, e)
				s := warehouse.NewStore(e, layout)
				all, batches := interleave(records)
				storeAll(t, s, batches)
				if err := s.Refresh(context.Background()); err != nil {
					t.Fatal(err)
				}
				checkAgainstOracle(t, e, layout.Database, all)
				checkFacts(t, e, layout.Database)
			})
		}
	}
}

// upgradeFrom returns a database migrated to version and holding the first
// 20 batches of seed's random records (stored), for a test that upgrades
// it in place, and the remaining batches (after) for the test to store
// after the upgrade; all is every record.
func upgradeFrom(t *testing.T, version int, seed uint64) (e warehouse.Engine, layout warehouse.Layout, stored, all kpioracle.Records, after []kpioracle.Records) {
	t.Helper()
	e = testenv.Embedded(t)
	ctx := context.Background()
	layout = warehouse.Layout{Database: fmt.Sprintf("t_upgrade%d_%d", version, os.Getpid())}
	if _, err := warehouse.MigrateTo(ctx, e, layout, version); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+layout.Database, nil) })
	all, batches := interleave(randomRecords(seed, 300))
	var before []kpioracle.Records
	batches(func(b kpioracle.Records) {
		if len(before) < 20 {
			before = append(before, b)
		} else {
			after = append(after, b)
		}
	})
	storeBatches(t, warehouse.NewStore(e, layout), before)
	for _, b := range before {
		stored.Events = append(stored.Events, b.Events...)
		stored.Declarations = append(stored.Declarations, b.Declarations...)
		stored.Decisions = append(stored.Decisions, b.Decisions...)
	}
	return e, layout, stored, all, after
}

// afterUpgrade checks an upgraded database: the first refresh of a new
// store finalizes the records stored before the upgrade (stored) as the
// oracle does, and records stored afterwards (after) are maintained too.
func afterUpgrade(t *testing.T, e warehouse.Engine, layout warehouse.Layout, stored, all kpioracle.Records, after []kpioracle.Records) {
	t.Helper()
	ctx := context.Background()
	s := warehouse.NewStore(e, layout)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	checkAgainstOracle(t, e, layout.Database, stored)
	checkFacts(t, e, layout.Database)

	storeBatches(t, s, after)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	checkAgainstOracle(t, e, layout.Database, all)
	checkFacts(t, e, layout.Database)
	checkItems(t, e, layout, all, s.Facts())
}

// checkItems compares every item of r, and an unknown one, read through
// analytics' Item (by the caller of every scope: the whole item or
// nothing) with kpioracle.ItemOf. facts is the refresh Item runs first:
// noRefresh reads the tables as they are.
func checkItems(t *testing.T, e warehouse.Engine, layout warehouse.Layout, r kpioracle.Records, facts analytics.Facts) {
	t.Helper()
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: facts, Now: func() time.Time { return testenv.Now }}
	ids := slices.Sorted(maps.Keys(r.Items()))
	for _, scope := range []postclear.Scope{{}, {Restricted: true, Countries: []string{"KE", "TH"}}} {
		ctx := postclear.WithScope(context.Background(), scope)
		for _, id := range append(ids, "RB999999995KE") {
			got, err := svc.Item(ctx, id)
			if err != nil {
				t.Fatalf("item %s: %v", id, err)
			}
			if diff := cmp.Diff(kpioracle.ItemOf(r, id, scope), got, cmpopts.EquateComparable(postclear.Decimal{})); diff != "" {
				t.Errorf("item %s, scope %v (-oracle +got):\n%s", id, scope.Countries, diff)
			}
		}
	}
}

// noRefresh is a refresh that does nothing.
type noRefresh struct{}

func (noRefresh) Refresh(context.Context) error { return nil }

func storeBatches(t *testing.T, s *warehouse.Store, batches []kpioracle.Records) {
	t.Helper()
	storeAll(t, s, func(f func(kpioracle.Records)) {
		for _, b := range batches {
			f(b)
		}
	})
}

// A database migrated to 0005 and holding records, facts and seizures is
// upgraded in place: the migration fills the new milestones of the records
// stored before it, seizures count the first stored copy, and the first
// refresh finalizes every item again; records stored afterwards are
// maintained as usual.
func TestUpgradeFrom0005(t *testing.T) {
	// Half the records stored under 0005, facts finalized as 0005's
	// refresh did.
	e, layout, stored, all, after := upgradeFrom(t, 5, 2)
	ctx := context.Background()
	if err := e.Exec(ctx, `INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, version, is_deleted)
SELECT ifNull(destination_country, ''), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, 1, 0
FROM {db:Identifier}.item_milestones`, warehouse.Params{"db": layout.Database}); err != nil {
		t.Fatal(err)
	}
	if err := e.Exec(ctx, "TRUNCATE TABLE {db:Identifier}.dirty_items", warehouse.Params{"db": layout.Database}); err != nil {
		t.Fatal(err)
	}

	if _, err := warehouse.Migrate(ctx, e, layout); err != nil {
		t.Fatal(err)
	}
	afterUpgrade(t, e, layout, stored, all, after)
}

// A database at 0009 holding records and finalized facts, one item of
// which has left a destination (its row there deleted), is upgraded in
// place by 0010 and 0011, which rebuild item_facts and item_fact_keys
// sorted by (destination, unclosed, last month, first-seen month), and
// 0012, which fills item_dossier, and 0014, which fills item_checks: the
// facts read as before, the checked items' in item_checks, one recorded
// key per item, the table's new sort key, every item whole as the oracle
// has it, and records stored afterwards are maintained as usual.
func TestUpgradeFrom0009(t *testing.T) {
	e, layout, stored, all, after := upgradeFrom(t, 9, 3)
	ctx := context.Background()
	// The facts as 0009's refresh left them: a row and a key per item,
	// and an item that left ZZ (a row there, and its deletion).
	p := warehouse.Params{"db": layout.Database}
	for _, q := range []string{
		`INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, ` + milestoneColumns[len("item_id, "):] + `, version, is_deleted)
SELECT ifNull(destination_country, ''), ` + milestoneColumns + `, 1, 0 FROM {db:Identifier}.item_milestones`,
		`INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, ` + milestoneColumns[len("item_id, "):] + `, version, is_deleted)
SELECT 'ZZ', ` + milestoneColumns + `, 1, 0 FROM {db:Identifier}.item_milestones LIMIT 1`,
		`INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, version, is_deleted)
SELECT 'ZZ', item_id, 2, 1 FROM {db:Identifier}.item_milestones LIMIT 1`,
		`INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, version)
SELECT item_id, destination_country_key, version FROM {db:Identifier}.item_facts`,
	} {
		if err := e.Exec(ctx, q, p); err != nil {
			t.Fatal(err)
		}
	}

	if v, err := warehouse.Migrate(ctx, e, layout); err != nil || v != 14 {
		t.Fatalf("migrate: version %d, %v", v, err)
	}
	// The facts copied by the migration, with 0014's item_checks, and the
	// items' pages (0012's item_dossier, filled from the records and those
	// facts), before any refresh.
	checkFacts(t, e, layout.Database)
	checkItems(t, e, layout, stored, noRefresh{})
	if diff := cmp.Diff(rowsOf(t, e, layout.Database, "item_id, "+warehouse.FactKey, "item_facts FINAL"),
		rowsOf(t, e, layout.Database, "item_id, "+warehouse.FactKey, "item_fact_keys")); diff != "" {
		t.Errorf("item_fact_keys are not the keys of item_facts (-facts +keys):\n%s", diff)
	}
	var sortKey string
	if err := warehouse.Each(ctx, e, "SELECT sorting_key FROM system.tables WHERE database = {db:String} AND name = 'item_facts'", p,
		func(r warehouse.Rows) error { return r.Scan(&sortKey) }); err != nil {
		t.Fatal(err)
	}
	if sortKey != warehouse.FactKey+", item_id" {
		t.Errorf("item_facts is sorted by %q", sortKey)
	}

	// The records stored under 0009 (their declaration facts too, which
	// this test did not write) are finalized by the first refresh.
	afterUpgrade(t, e, layout, stored, all, after)
}
