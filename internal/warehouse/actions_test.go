package warehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// Every write of an action is a new version; reads take the latest, the
// history keeps them all, and a caller sees the actions of its MoUs only.
func TestActionStore(t *testing.T) {
	e := testenv.Embedded(t)
	store := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	p := func(s string) *time.Time { t := d(s); return &t }
	ids := map[string]string{}
	for _, c := range []string{"KE", "MA"} {
		m, err := store.CreateMoU(ctx, postclear.MoUInput{Country: c, CustomsAdministration: "Customs " + c, PostalOperator: "Post " + c,
			SignedOn: d("2025-01-01"), EffectiveFrom: d("2025-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		ids[c] = m.ID
	}
	a1 := postclear.Action{MoUID: ids["KE"], ID: "2025-Q1-01", RaisedOn: d("2025-02-10"), Text: "Send the release file daily",
		Owner: "CUSTOMS", DueOn: d("2025-04-30"), Status: "OPEN", KPI: "CLEARANCE_P90_HOURS"}
	a2 := postclear.Action{MoUID: ids["KE"], ID: "2025-Q1-02", RaisedOn: d("2025-01-20"), Text: "Train counter staff on HS codes",
		Owner: "POST", DueOn: d("2025-03-31"), Status: "OPEN"}
	ma := postclear.Action{MoUID: ids["MA"], ID: "2025-Q1-01", RaisedOn: d("2025-02-01"), Text: "Réunion mensuelle",
		Owner: "JOINT", DueOn: d("2025-03-01"), Status: "OPEN"}
	if err := store.InsertActions(ctx, []postclear.Action{a1, a2, ma}); err != nil {
		t.Fatal(err)
	}
	// a1 is closed; in the same batch a2's due date moves twice: the
	// later row wins.
	done := a1
	done.Status, done.ClosedOn = "DONE", p("2025-05-02")
	moved, movedAgain := a2, a2
	moved.DueOn, movedAgain.DueOn = d("2025-05-31"), d("2025-06-30")
	if err := store.InsertActions(ctx, []postclear.Action{done, moved, movedAgain}); err != nil {
		t.Fatal(err)
	}
	// Loading the same rows again adds no version.
	if err := store.InsertActions(ctx, []postclear.Action{done, movedAgain}); err != nil {
		t.Fatal(err)
	}

	got, err := store.Actions(ctx, postclear.ActionQuery{MoUID: ids["KE"]})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]postclear.Action{movedAgain, done}, got, cmpopts.IgnoreFields(postclear.Action{}, "UpdatedAt")); diff != "" {
		t.Errorf("KE actions (-want +got):\n%s", diff)
	}
	hist, err := store.ActionHistory(ctx, ids["KE"], "2025-Q1-02")
	if err != nil {
		t.Fatal(err)
	}
	var dues []string
	for _, v := range hist {
		dues = append(dues, v.DueOn.Format(time.DateOnly))
		if v.UpdatedAt.IsZero() || v.UpdatedAt.After(time.Now()) {
			t.Errorf("version written at %v", v.UpdatedAt)
		}
	}
	if diff := cmp.Diff([]string{"2025-06-30", "2025-05-31", "2025-03-31"}, dues); diff != "" {
		t.Errorf("history of 2025-Q1-02, latest first (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		name string
		q    postclear.ActionQuery
		want []string
	}{
		{"every MoU", postclear.ActionQuery{}, []string{"KE/2025-Q1-02", "KE/2025-Q1-01", "MA/2025-Q1-01"}},
		{"status", postclear.ActionQuery{Status: "DONE"}, []string{"KE/2025-Q1-01"}},
		{"one action", postclear.ActionQuery{MoUID: ids["KE"], ID: "2025-Q1-01"}, []string{"KE/2025-Q1-01"}},
		{"open in Q2", postclear.ActionQuery{From: d("2025-04-01"), To: d("2025-07-01")}, []string{"KE/2025-Q1-02", "KE/2025-Q1-01", "MA/2025-Q1-01"}},
		{"open in Q3", postclear.ActionQuery{From: d("2025-07-01"), To: d("2025-10-01")}, []string{"KE/2025-Q1-02", "MA/2025-Q1-01"}},
		{"raised before February", postclear.ActionQuery{To: d("2025-02-01")}, []string{"KE/2025-Q1-02"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			as, err := store.Actions(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, a := range as {
				keys = append(keys, map[string]string{ids["KE"]: "KE", ids["MA"]: "MA"}[a.MoUID]+"/"+a.ID)
			}
			if diff := cmp.Diff(tt.want, keys); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	// An AGENCY of KE sees the KE actions only, and the MA MoU's action
	// and its history do not exist for it; MA's agency the reverse.
	kenya := postclear.WithScope(ctx, postclear.Scope{Restricted: true, Countries: []string{"KE"}})
	morocco := postclear.WithScope(ctx, postclear.Scope{Restricted: true, Countries: []string{"MA"}})
	for _, tt := range []struct {
		name string
		ctx  context.Context
		q    postclear.ActionQuery
		want int
	}{
		{"KE, all", kenya, postclear.ActionQuery{}, 2},
		{"KE, the MA MoU", kenya, postclear.ActionQuery{MoUID: ids["MA"]}, 0},
		{"MA, all", morocco, postclear.ActionQuery{}, 1},
		{"MA, the KE MoU", morocco, postclear.ActionQuery{MoUID: ids["KE"]}, 0},
		{"nobody's", postclear.WithScope(ctx, postclear.Scope{Restricted: true}), postclear.ActionQuery{}, 0},
	} {
		as, err := store.Actions(tt.ctx, tt.q)
		if err != nil || len(as) != tt.want {
			t.Errorf("%s: %d actions (%v), want %d", tt.name, len(as), err, tt.want)
		}
		for _, a := range as {
			if tt.ctx == kenya && a.MoUID != ids["KE"] || tt.ctx == morocco && a.MoUID != ids["MA"] {
				t.Errorf("%s: sees %s/%s", tt.name, a.MoUID, a.ID)
			}
		}
	}
	if h, err := store.ActionHistory(kenya, ids["MA"], "2025-Q1-01"); err != nil || len(h) != 0 {
		t.Errorf("KE agency reads the history of an MA action: %v %v", h, err)
	}

	// An action under an MoU that does not exist is refused whole.
	bad := a1
	bad.MoUID = "mou-zz-2025"
	if err := store.InsertActions(ctx, []postclear.Action{a1, bad}); postclear.ErrorCode(err) != postclear.EInvalid {
		t.Errorf("unknown MoU: %v, want BAD_USER_INPUT", err)
	}
}
