package warehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Holidays are a record kind: a key (country, date) stored again changes
// nothing, the first copy's name included; listing is by country and year.
// Weekend days are set per country and replaced by a later setting; the
// calendar gives both to Go.
func TestHolidaysAndWeekends(t *testing.T) {
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			ctx := context.Background()
			store := warehouse.NewStore(e, testenv.Database(t, e))
			first := []postclear.Holiday{
				{Country: "KE", Date: day("2025-06-01"), Name: "Madaraka Day"},
				{Country: "KE", Date: day("2025-12-12"), Name: "Jamhuri Day"},
				{Country: "KE", Date: day("2026-01-01"), Name: "New Year's Day"},
				{Country: "MA", Date: day("2025-07-30"), Name: "Fête du Trône"},
			}
			if err := store.InsertHolidays(ctx, first); err != nil {
				t.Fatal(err)
			}
			again := []postclear.Holiday{{Country: "KE", Date: day("2025-06-01"), Name: "renamed"}}
			if err := store.InsertHolidays(ctx, again); err != nil {
				t.Fatal(err)
			}
			got, err := store.Holidays(ctx, "KE", 2025)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(first[:2], got); diff != "" {
				t.Errorf("KE 2025 (-want +got):\n%s", diff)
			}

			days, configured, err := store.WeekendDays(ctx, "MA")
			if err != nil || configured || !cmp.Equal(days, postclear.DefaultWeekend) {
				t.Errorf("MA before setting: %v %t %v; want Saturday and Sunday, not configured", days, configured, err)
			}
			for _, set := range [][]time.Weekday{{time.Thursday, time.Friday}, {time.Saturday, time.Friday}} {
				if err := store.SetWeekendDays(ctx, "MA", set); err != nil {
					t.Fatal(err)
				}
			}
			days, configured, err = store.WeekendDays(ctx, "MA")
			if want := []time.Weekday{time.Friday, time.Saturday}; err != nil || !configured || !cmp.Equal(days, want) {
				t.Errorf("MA after setting: %v %t %v; want %v, configured", days, configured, err, want)
			}
			if err := store.SetWeekendDays(ctx, "MA", nil); postclear.ErrorCode(err) != postclear.EInvalid {
				t.Errorf("an empty weekend: %v, want BAD_USER_INPUT", err)
			}

			cals, err := store.Calendar(ctx, []string{"KE", "MA", "TH"}, day("2025-01-01"), day("2026-01-01"))
			if err != nil {
				t.Fatal(err)
			}
			ke, ma, th := cals["KE"], cals["MA"], cals["TH"]
			if len(ke.Holidays) != 2 || ke.Holidays[day("2025-06-01")] != "Madaraka Day" || ke.WeekendConfigured {
				t.Errorf("KE calendar %+v", ke)
			}
			if ma.Working(day("2025-07-30")) || ma.Working(day("2025-08-01")) || !ma.Working(day("2025-08-03")) {
				t.Errorf("MA: a holiday and a Friday are not working days, a Sunday is: %+v", ma)
			}
			if len(th.Holidays) != 0 || th.Working(day("2025-08-02")) {
				t.Errorf("TH calendar %+v", th)
			}
		})
	}
}
