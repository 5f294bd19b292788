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
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/seed"
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

// countingData counts the attempts of an evaluation (DataState calls).
type countingData struct {
	*warehouse.Store
	attempts atomic.Int64
}

func (d *countingData) DataState(ctx context.Context) (postclear.DataState, error) {
	d.attempts.Add(1)
	return d.Store.DataState(ctx)
}

// Evaluations computed while records are being loaded are each internally
// consistent (issue 9: 26 of 26 were not, their origins table summing to
// another population than their KPIs): the items arrived per origin add
// up to the EAD coverage population, and the seizures per origin to the
// seizures per month and category. Each round starts an evaluation and a
// load of 40 more items (about 500 records) together, so the evaluation's
// first attempt overlaps the load; without the version check nearly every
// evaluation mixed states.
func TestEvaluationsDuringALoadAreConsistent(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	store := warehouse.NewStore(e, layout)
	ctx := context.Background()
	const demoSeed, start = 5, 3000
	if _, err := seed.Seed(ctx, store, demo.Config{Items: start, Seed: demoSeed}, testenv.Now, nil); err != nil {
		t.Fatal(err)
	}
	mou, err := store.CreateMoU(ctx, demo.MoUs()[0].MoU)
	if err != nil {
		t.Fatal(err)
	}
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: store.Facts(), Now: func() time.Time { return testenv.Now }}
	data := &countingData{Store: store}
	ev := &report.Evaluator{KPIs: svc, MoUs: store, Data: data}
	report.SetRetryWait(ev, func(n int) time.Duration { return 200 * time.Millisecond << (n - 1) })

	var evaluated, conflicts int
	versions := map[string]bool{}
	for round := range 4 {
		loaded := make(chan error, 1)
		go func() {
			_, err := seed.Seed(ctx, store, demo.Config{First: start + 40*round, Items: 40, Seed: demoSeed}, testenv.Now, nil)
			loaded <- err
		}()
		got, err := ev.Evaluate(ctx, mou.ID, "2025-Q3")
		if lerr := <-loaded; lerr != nil {
			t.Fatal(lerr)
		}
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
	retried := data.attempts.Load() - int64(evaluated+conflicts)
	t.Logf("%d evaluations over %d data versions, %d conflicts, %d attempts beyond the first", evaluated, len(versions), conflicts, retried)
	if evaluated < 2 || len(versions) < 2 || retried < 1 {
		t.Errorf("the loads and the evaluations hardly overlapped (%d evaluations over %d versions, %d retries): the test proves nothing", evaluated, len(versions), retried)
	}
}
