package main

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/auth"
)

// Issue 11: holidays are recorded by ADMIN only (recordHolidays, with the
// same per-record rules as files), listed to every reader, AGENCY callers
// included, for any country (they are public); weekend days are set by
// ADMIN (setWeekendDays) and read back with weekendDays. Bad arguments are
// BAD_USER_INPUT naming the argument.
func TestHolidaysOverGraphQL(t *testing.T) {
	s, mint := authServer(t, "e2e_holidays")
	admin := mint(auth.Principal{Subject: "admin", Role: auth.RoleAdmin})
	ingester := mint(auth.Principal{Subject: "feed", Role: auth.RoleIngest})
	kenya := mint(auth.Principal{Subject: "ke-customs", Role: auth.RoleAgency, Countries: []string{"KE"}})

	const record = `mutation($r: [HolidayInput!]!) { recordHolidays(records: $r) { accepted rejected errors { index field message } } }`
	records := []map[string]any{
		{"country": "MA", "date": "2025-03-31", "name": "Aïd Al Fitr"},
		{"country": "MA", "date": "2025-07-30", "name": "Fête du Trône"},
		{"country": "MA", "date": "2025-07-30", "name": "a second copy changes nothing"},
		{"country": "MA", "date": "2025-02-30", "name": "No such day"},
		{"country": "KE", "date": "2025-06-01", "name": "  "},
	}
	if _, got := postAs(t, s, ingester, record, map[string]any{"r": records}); firstCode(got) != "FORBIDDEN" {
		t.Errorf("recordHolidays as INGEST: %+v, want FORBIDDEN", got.Errors)
	}
	_, got := postAs(t, s, admin, record, map[string]any{"r": records})
	var res struct {
		RecordHolidays struct {
			Accepted, Rejected int
			Errors             []struct {
				Index          int
				Field, Message string
			}
		}
	}
	json.Unmarshal(got.Data, &res)
	wantErrs := []struct {
		Index          int
		Field, Message string
	}{
		{3, "date", `"2025-02-30" is not a date in the form YYYY-MM-DD`},
		{4, "name", "required"},
	}
	if r := res.RecordHolidays; len(got.Errors) > 0 || r.Accepted != 3 || r.Rejected != 2 || !cmp.Equal(r.Errors, wantErrs) {
		t.Errorf("recordHolidays: %+v %+v", res.RecordHolidays, got.Errors)
	}

	const list = `{ holidays(country: "MA", year: 2025) { country date name } }`
	_, got = postAs(t, s, kenya, list, nil) // MA's calendar, asked by KE's agency
	var hs struct {
		Holidays []struct{ Country, Date, Name string }
	}
	json.Unmarshal(got.Data, &hs)
	want := []struct{ Country, Date, Name string }{{"MA", "2025-03-31", "Aïd Al Fitr"}, {"MA", "2025-07-30", "Fête du Trône"}}
	if len(got.Errors) > 0 || !cmp.Equal(hs.Holidays, want) {
		t.Errorf("holidays as AGENCY: %+v %+v", hs.Holidays, got.Errors)
	}
	for _, q := range []string{`{ holidays(country: "ma", year: 2025) { date } }`, `{ holidays(country: "MA", year: 1999) { date } }`} {
		if _, got := postAs(t, s, admin, q, nil); firstCode(got) != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v, want BAD_USER_INPUT", q, got.Errors)
		}
	}

	const weekend = `{ weekendDays(country: "MA") { country days configured } }`
	_, got = postAs(t, s, kenya, weekend, nil)
	if string(got.Data) != `{"weekendDays":{"country":"MA","days":["SATURDAY","SUNDAY"],"configured":false}}` {
		t.Errorf("weekendDays before setting: %s %+v", got.Data, got.Errors)
	}
	const set = `mutation { setWeekendDays(country: "MA", days: [SATURDAY, FRIDAY]) { days configured } }`
	if _, got := postAs(t, s, kenya, set, nil); firstCode(got) != "FORBIDDEN" {
		t.Errorf("setWeekendDays as AGENCY: %+v, want FORBIDDEN", got.Errors)
	}
	_, got = postAs(t, s, admin, set, nil)
	if string(got.Data) != `{"setWeekendDays":{"days":["FRIDAY","SATURDAY"],"configured":true}}` {
		t.Errorf("setWeekendDays: %s %+v", got.Data, got.Errors)
	}
	if _, got := postAs(t, s, admin, `mutation { setWeekendDays(country: "MA", days: [MONDAY, MONDAY]) { configured } }`, nil); firstCode(got) != "BAD_USER_INPUT" {
		t.Errorf("a day given twice: %+v, want BAD_USER_INPUT", got.Errors)
	}
}
