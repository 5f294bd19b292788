package report_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// movingData is the store with a data version that moves during the first
// moves evaluations, as if an ingest were accepted while each ran.
type movingData struct {
	*warehouse.Store
	moves, calls int
}

func (d *movingData) DataVersion(ctx context.Context) (string, error) {
	v, err := d.Store.DataVersion(ctx)
	d.calls++
	if d.calls <= d.moves {
		v += fmt.Sprintf("+%d", d.calls)
	}
	return v, err
}

// An evaluation whose data moved while it was computed is computed again,
// and one that never finds a quiet moment fails with CONFLICT after
// MaxAttempts rather than mixing states.
func TestEvaluationRetriesWhenTheDataMoves(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	id := f.ids["KE"]
	want, err := f.ev.Evaluate(ctx, id, "2025-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if want.Data.Version == "" || want.Data.LoadedAt == nil {
		t.Errorf("the evaluation does not say which data it reflects: %+v", want.Data)
	}
	for _, moves := range []int{1, report.MaxAttempts - 1} {
		d := &movingData{Store: f.store, moves: moves}
		ev := &report.Evaluator{KPIs: f.kpis, MoUs: f.store, Data: d}
		report.SetRetryWait(ev, func(int) time.Duration { return time.Millisecond })
		got, err := ev.Evaluate(ctx, id, "2025-Q3")
		if err != nil {
			t.Fatalf("data moving %d times: %v", moves, err)
		}
		if d.calls != moves+1 {
			t.Errorf("data moving %d times: %d attempts, want %d", moves, d.calls, moves+1)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("data moving %d times (-want +got):\n%s", moves, diff)
		}
	}
	d := &movingData{Store: f.store, moves: report.MaxAttempts}
	ev := &report.Evaluator{KPIs: f.kpis, MoUs: f.store, Data: d}
	report.SetRetryWait(ev, func(int) time.Duration { return time.Millisecond })
	if _, err := ev.Evaluate(ctx, id, "2025-Q3"); postclear.ErrorCode(err) != postclear.EConflict {
		t.Errorf("data moving on every attempt: err = %v, want %s", err, postclear.EConflict)
	}
}

// Evaluations computed while records are being loaded are each internally
// consistent (issue 9: 26 of 26 were not, their origins table summing to
// another population than their KPIs): the items arrived per origin add
// up to the EAD coverage population, and the seizures per origin to the
// seizures per month and category.
func TestEvaluationsDuringALoadAreConsistent(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	store := warehouse.NewStore(e, layout)
	ctx := context.Background()
	const seed, start = 5, 3000
	if _, err := ingest.Seed(ctx, store, demo.Config{Items: start, Seed: seed}, testenv.Now, nil); err != nil {
		t.Fatal(err)
	}
	mou, err := store.CreateMoU(ctx, demo.MoUs()[0].MoU)
	if err != nil {
		t.Fatal(err)
	}
	svc := &analytics.Service{Engine: e, Layout: layout, Now: func() time.Time { return testenv.Now }}
	ev := &report.Evaluator{KPIs: svc, MoUs: store, Data: store}
	report.SetRetryWait(ev, func(int) time.Duration { return 50 * time.Millisecond })

	// Load more of the same data set, 40 items (about 500 records) at a
	// time, with pauses of about an evaluation's time, until the
	// evaluations are done: without the version check nearly every
	// evaluation mixes states; with it, some collide and start again.
	loadCtx, stop := context.WithCancel(ctx)
	var batches atomic.Int64
	loadErr := make(chan error, 1)
	go func() {
		defer close(loadErr)
		for first := start; loadCtx.Err() == nil; first += 40 {
			if _, err := ingest.Seed(loadCtx, store, demo.Config{First: first, Items: 40, Seed: seed}, testenv.Now, nil); err != nil {
				if loadCtx.Err() == nil {
					loadErr <- err
				}
				return
			}
			batches.Add(1)
			time.Sleep(250 * time.Millisecond)
		}
	}()
	var evaluated, conflicts int
	versions := map[string]bool{}
	for deadline := time.Now().Add(8 * time.Second); evaluated < 5 && time.Now().Before(deadline); {
		got, err := ev.Evaluate(ctx, mou.ID, "2025-Q3")
		if postclear.ErrorCode(err) == postclear.EConflict {
			conflicts++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		evaluated++
		versions[got.Data.Version] = true
		var arrived, originSeizures, monthlySeizures int64
		for _, o := range got.Origins {
			arrived += o.Items
			originSeizures += o.Seizures
		}
		for _, s := range got.SeizuresByCategory {
			monthlySeizures += s.Seizures
		}
		var population int64
		for _, k := range got.KPIs {
			if k.KPI == postclear.KPIEadCoverage {
				population = k.Population
			}
		}
		if arrived != population || originSeizures != monthlySeizures {
			t.Errorf("evaluation at data version %s mixes states: origins sum to %d items arrived against a population of %d, and to %d seizures against %d by month",
				got.Data.Version, arrived, population, originSeizures, monthlySeizures)
		}
	}
	stop()
	if err := <-loadErr; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d evaluations over %d data versions, %d conflicts, while %d batches were loaded", evaluated, len(versions), conflicts, batches.Load())
	if batches.Load() < 3 || evaluated < 2 || len(versions) < 2 {
		t.Errorf("the load and the evaluations hardly overlapped (%d batches, %d evaluations over %d versions): the test proves nothing", batches.Load(), evaluated, len(versions))
	}
}
