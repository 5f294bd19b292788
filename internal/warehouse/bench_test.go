package warehouse_test

import (
	"context"
	"testing"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// BenchmarkFinalizing compares keeping item_facts with the explicit,
// coalesced refresh (one per load, as LoadFiles and Seed do every few
// million records and at the end) with finalizing every insert's items as
// the insert runs, which is what a materialized view cascading from
// item_state to item_facts would do (it could not do less: it sees one
// insert's block). Both load the same demo data; docs/scaling.md reports
// the figures.
//
//	go test ./internal/warehouse -run '^$' -bench Finalizing -benchtime 1x
func BenchmarkFinalizing(b *testing.B) {
	for _, tt := range []struct {
		name string
		sink func(*warehouse.Store) ingest.Sink
	}{
		{"coalesced", func(s *warehouse.Store) ingest.Sink { return s }},
		{"per-insert", func(s *warehouse.Store) ingest.Sink { return perInsert{s} }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			e := testenv.Embedded(b)
			for range b.N {
				b.StopTimer()
				s := warehouse.NewStore(e, testenv.Database(b, e))
				b.StartTimer()
				if _, err := seed.Seed(context.Background(), tt.sink(s), demo.Config{Items: 50_000, Seed: 3}, testenv.Now, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// perInsert finalizes the items of every insert before the next.
type perInsert struct{ *warehouse.Store }

func (p perInsert) InsertEvents(ctx context.Context, r []postclear.Event) error {
	return p.then(ctx, p.Store.InsertEvents(ctx, r))
}

func (p perInsert) InsertDeclarations(ctx context.Context, r []postclear.Declaration) error {
	return p.then(ctx, p.Store.InsertDeclarations(ctx, r))
}

func (p perInsert) InsertDecisions(ctx context.Context, r []postclear.Decision) error {
	return p.then(ctx, p.Store.InsertDecisions(ctx, r))
}

func (p perInsert) then(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return p.Refresh(ctx)
}
