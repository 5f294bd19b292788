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

// The SQL that docs/records.md ("Working days in SQL") gives for a working
// day agrees with postclear.WorkCalendar, day by day, on every country
// kind: default weekend with holidays, a set weekend, no holidays at all.
func TestWorkingDaysSQL(t *testing.T) {
	e := testenv.Embedded(t)
	ctx := context.Background()
	layout := testenv.Database(t, e)
	store := warehouse.NewStore(e, layout)
	if err := store.InsertHolidays(ctx, []postclear.Holiday{
		{Country: "KE", Date: day("2025-06-02"), Name: "Madaraka Day (observed)"},
		{Country: "AE", Date: day("2025-03-31"), Name: "Eid al-Fitr"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := store.SetWeekendDays(ctx, "AE", []time.Weekday{time.Saturday, time.Sunday, time.Friday}); err != nil {
		t.Fatal(err)
	}
	from, to := day("2025-03-01"), day("2025-07-01")
	countries := []string{"KE", "AE", "TH"}
	cals, err := store.Calendar(ctx, countries, from, to)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.Query(ctx, `
SELECT k.c, k.d,
    NOT has(if(empty(w.days), [6, 7], w.days), toDayOfWeek(k.d))
    AND (k.c, k.d) NOT IN (SELECT country, toDate(date) FROM {db:Identifier}.holidays FINAL) AS working
FROM (SELECT arrayJoin({countries:Array(String)}) AS c, arrayJoin(range(toUInt32(dateDiff('day', {from:Date}, {to:Date})))) AS i,
             addDays({from:Date}, i) AS d) AS k
LEFT JOIN (SELECT country, days FROM {db:Identifier}.weekend_days FINAL) AS w ON w.country = k.c
ORDER BY k.c, k.d`, warehouse.Params{"db": layout.Database, "countries": countries, "from": warehouse.Date(from), "to": warehouse.Date(to)})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var c string
		var d time.Time
		var working bool
		if err := rows.Scan(&c, &d, &working); err != nil {
			t.Fatal(err)
		}
		n++
		if want := cals[c].Working(d); working != want {
			t.Errorf("%s %s: SQL says working %t, the calendar %t", c, d.Format(time.DateOnly), working, want)
		}
	}
	if err := rows.Err(); err != nil || n != 3*122 {
		t.Fatalf("%d days compared (%v), want %d", n, err, 3*122)
	}
}
