package warehouse_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMigrateTwiceIsHarmless(t *testing.T) {
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			layout := testenv.Database(t, e)
			ctx := context.Background()
			v1, err := warehouse.AppliedVersion(ctx, e, layout.Database)
			if err != nil {
				t.Fatal(err)
			}
			v2, err := warehouse.Migrate(ctx, e, layout)
			if err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			migrations, _ := warehouse.Migrations(layout)
			want := migrations[len(migrations)-1].Version
			if v1 != want || v2 != want {
				t.Errorf("versions after first and second run = %d, %d; want %d", v1, v2, want)
			}
		})
	}
}

func TestStoreDuplicatesCountOnce(t *testing.T) {
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			layout := testenv.Database(t, e)
			s := warehouse.NewStore(e, layout)
			ctx := context.Background()
			events := []postclear.Event{
				{ItemID: "RR123456785CN", EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"},
				{ItemID: "RR123456785CN", EventCode: "EMD", EventTime: ts("2025-03-05T10:00:00Z"), Office: "KENBOA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"},
			}
			decisions := []postclear.Decision{{ItemID: "RR123456785CN", DecidedAt: ts("2025-03-06T10:00:00Z"), Decision: "RELEASE"}}
			for range 2 {
				if err := s.InsertEvents(ctx, events); err != nil {
					t.Fatal(err)
				}
				if err := s.InsertDecisions(ctx, decisions); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.DataStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			first, last := ts("2025-03-01T10:00:00Z"), ts("2025-03-05T10:00:00Z")
			want := postclear.DataStatus{Events: 2, Decisions: 1, Items: 1, FirstEventAt: &first, LastEventAt: &last, SchemaVersion: got.SchemaVersion, Engine: e.Name()}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DataStatus (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDataVersionMovesWithEveryInsert(t *testing.T) {
	e := testenv.Embedded(t)
	s := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	before, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.DataVersion(ctx); again != before {
		t.Fatalf("version changed without a write: %q then %q", before, again)
	}
	ev := []postclear.Event{{ItemID: "RR123456785CN", EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}}
	if err := s.InsertEvents(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.DataVersion(ctx); after == before {
		t.Errorf("version %q unchanged after an insert", after)
	}
}

// A record stored again under its key with other attributes changes
// nothing: the milestones keep the first stored copy's attributes, even
// where the later copy's would sort first.
func TestConflictingDuplicateChangesNothing(t *testing.T) {
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			layout := testenv.Database(t, e)
			s := warehouse.NewStore(e, layout)
			ctx := context.Background()
			first := postclear.Event{ItemID: "RR123456785US", EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "USJFKA", OriginCountry: "US", DestinationCountry: "TH", MailClass: "PACKET"}
			again := first
			again.OriginCountry, again.DestinationCountry, again.MailClass = "CN", "KE", "EMS"
			decl := postclear.Declaration{ItemID: first.ItemID, ReceivedAt: ts("2025-03-01T09:00:00Z"), OriginCountry: "US", DestinationCountry: "TH", MailClass: "PACKET", Category: "GIFT", Description: "book", DeclaredValue: postclear.DecimalFromUnits(10_000_000), Currency: "USD", GrossWeightKg: postclear.DecimalFromUnits(500_000)}
			declAgain := decl
			declAgain.Category = "DOCUMENTS"
			for _, step := range []func() error{
				func() error { return s.InsertEvents(ctx, []postclear.Event{first}) },
				func() error { return s.InsertDeclarations(ctx, []postclear.Declaration{decl}) },
				func() error { return s.InsertEvents(ctx, []postclear.Event{again}) },
				func() error { return s.InsertDeclarations(ctx, []postclear.Declaration{declAgain}) },
			} {
				if err := step(); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := e.Query(ctx, `SELECT origin_country, destination_country, mail_class, category FROM {db:Identifier}.item_milestones`, warehouse.Params{"db": layout.Database})
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got [][4]*string
			for rows.Next() {
				var r [4]*string
				if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
					t.Fatal(err)
				}
				got = append(got, r)
			}
			if len(got) != 1 {
				t.Fatalf("%d milestone rows, want 1", len(got))
			}
			var vals []string
			for _, p := range got[0] {
				vals = append(vals, *p)
			}
			if diff := cmp.Diff([]string{"US", "TH", "PACKET", "GIFT"}, vals); diff != "" {
				t.Errorf("item attributes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDataStatusRespectsScope(t *testing.T) {
	e := testenv.Embedded(t)
	s := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	ke := postclear.Event{ItemID: "RR123456785CN", EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}
	ma := postclear.Event{ItemID: "RR000000017FR", EventCode: "EMA", EventTime: ts("2025-02-01T10:00:00Z"), Office: "FRCDGA", OriginCountry: "FR", DestinationCountry: "MA", MailClass: "LETTER"}
	if err := s.InsertEvents(ctx, []postclear.Event{ke, ma}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertDecisions(ctx, []postclear.Decision{{ItemID: ma.ItemID, DecidedAt: ts("2025-02-05T10:00:00Z"), Decision: "RELEASE"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.DataStatus(postclear.WithScope(ctx, postclear.Scope{Restricted: true, Countries: []string{"KE"}}))
	if err != nil {
		t.Fatal(err)
	}
	first := ke.EventTime
	want := postclear.DataStatus{Events: 1, Items: 1, FirstEventAt: &first, LastEventAt: &first, SchemaVersion: got.SchemaVersion, Engine: "chdb"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KE-scoped DataStatus (-want +got):\n%s", diff)
	}
}

// A database migrated from other DDL is refused with a clear error, not
// used with tables the KPIs were not written for.
func TestMigrateRefusesForeignSchema(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	ctx := context.Background()
	if err := e.Exec(ctx, "INSERT INTO "+layout.Database+".schema_migrations (version, name, checksum, applied_at) VALUES (2, 'item_state', 'other', now())", nil); err != nil {
		t.Fatal(err)
	}
	_, err := warehouse.Migrate(ctx, e, layout)
	if testenv.Code(err) != postclear.EConflict || !strings.Contains(err.Error(), "0002_item_state") {
		t.Errorf("Migrate = %v, want a CONFLICT naming 0002_item_state", err)
	}
}
