package warehouse

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The working-day calendar (migration 0007): holidays, a record kind, and
// each country's weekend days. The KPIs that count working days read the
// two tables in SQL (docs/records.md, "Working days in SQL"); Calendar
// gives the same calendar to Go, for tests and oracles.

var holidayColumns = recordColumns[postclear.Holiday]("ingest_version")

// InsertHolidays stores holidays. A stored key (country, date) changes
// nothing: the first stored copy, its name included, is kept.
func (s *Store) InsertHolidays(ctx context.Context, hs []postclear.Holiday) (err error) {
	defer postclear.Wrap(&err, "store holidays")
	if len(hs) == 0 {
		return nil
	}
	// Rows of one insert share a version, and of equal versions the engine
	// keeps any; so a key repeated within the batch is dropped here after
	// its first row, which is the one that must win.
	v := s.facts.ingestVersions(1)
	type key struct {
		country string
		day     int64
	}
	seen := make(map[key]bool, len(hs))
	rows := make([][]any, 0, len(hs))
	for i := range hs {
		key := key{hs[i].Country, hs[i].Date.Unix()}
		if !seen[key] {
			seen[key] = true
			rows = append(rows, recordRow(&hs[i], v))
		}
	}
	// Holidays are no item's records, so nothing is marked for the facts;
	// the data versions move, since working-day KPIs read them: every
	// answer about the countries may change (a holiday moves the deadline
	// of items posted days before it).
	err = s.Engine.Insert(ctx, s.Layout.Database+"."+postclear.HolidaySchema.Table, holidayColumns, rows)
	s.facts.wrote()
	countries := map[string]time.Time{}
	for i := range hs {
		countries[hs[i].Country] = time.Time{}
	}
	s.facts.changes.record(countries)
	return err
}

// Holidays returns the holidays of country in year, by date. Holidays are
// public: every caller that may read sees every country's.
func (s *Store) Holidays(ctx context.Context, country string, year int) (out []postclear.Holiday, err error) {
	defer postclear.Wrap(&err, "list holidays")
	const q = `SELECT country, date, name FROM {db:Identifier}.holidays FINAL
WHERE country = {country:String} AND date >= {from:DateTime('UTC')} AND date < {to:DateTime('UTC')}
ORDER BY date`
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := s.Engine.Query(ctx, q, Params{"db": s.Layout.Database, "country": country, "from": from, "to": from.AddDate(1, 0, 0)})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h postclear.Holiday
		if err := rows.Scan(&h.Country, &h.Date, &h.Name); err != nil {
			return nil, err
		}
		h.Date = h.Date.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// SetWeekendDays makes days the weekend of country, replacing what was set
// before. days must pass postclear.ValidWeekend.
func (s *Store) SetWeekendDays(ctx context.Context, country string, days []time.Weekday) (err error) {
	defer postclear.Wrap(&err, "set weekend days")
	if err := postclear.ValidWeekend(days); err != nil {
		return err
	}
	iso := make([]string, len(days))
	for i, d := range days {
		iso[i] = strconv.Itoa(int(postclear.ISOWeekday(d)))
	}
	slices.Sort(iso)
	s.mouMu.Lock()
	v := s.writeVersion()
	s.mouMu.Unlock()
	// An INSERT … SELECT with parameters: the engines' batch inserts do not
	// take arrays.
	err = s.Engine.Exec(ctx, `INSERT INTO {db:Identifier}.weekend_days (country, days, version, updated_at)
SELECT {country:String}, {days:Array(UInt8)}, {version:UInt64}, now('UTC')`,
		Params{"db": s.Layout.Database, "country": country, "days": "[" + strings.Join(iso, ",") + "]", "version": v})
	s.facts.wrote()
	s.facts.changes.record(map[string]time.Time{country: {}})
	return err
}

// Calendar returns the working-day calendar of each of countries, with its
// holidays in [from, to) (none when to is zero): what the working-day KPIs
// compute in SQL, for Go (their tests' oracles, for one).
func (s *Store) Calendar(ctx context.Context, countries []string, from, to time.Time) (_ map[string]*postclear.WorkCalendar, err error) {
	defer postclear.Wrap(&err, "calendar")
	out := make(map[string]*postclear.WorkCalendar, len(countries))
	for _, c := range countries {
		out[c] = &postclear.WorkCalendar{Country: c, Weekend: postclear.DefaultWeekend, Holidays: map[time.Time]string{}}
	}
	p := Params{"db": s.Layout.Database, "countries": countries}
	err = Each(ctx, s.Engine, `SELECT country, days FROM {db:Identifier}.weekend_days FINAL
WHERE country IN {countries:Array(String)}`, p, func(rows Rows) error {
		var c string
		var iso []uint8
		if err := rows.Scan(&c, &iso); err != nil {
			return err
		}
		cal := out[c]
		cal.Weekend, cal.WeekendConfigured = nil, true
		for _, n := range iso {
			d, err := postclear.WeekdayFromISO(n)
			if err != nil {
				return err
			}
			cal.Weekend = append(cal.Weekend, d)
		}
		return nil
	})
	if err != nil || to.IsZero() {
		return out, err
	}
	p["from"], p["to"] = from, to
	err = Each(ctx, s.Engine, `SELECT country, date, name FROM {db:Identifier}.holidays FINAL
WHERE country IN {countries:Array(String)} AND date >= {from:DateTime('UTC')} AND date < {to:DateTime('UTC')}`, p, func(rows Rows) error {
		var h postclear.Holiday
		if err := rows.Scan(&h.Country, &h.Date, &h.Name); err != nil {
			return err
		}
		out[h.Country].Holidays[h.Date.UTC()] = h.Name
		return nil
	})
	return out, err
}

// WeekendDays returns the weekend of country, and whether it was set
// (else it is postclear.DefaultWeekend).
func (s *Store) WeekendDays(ctx context.Context, country string) ([]time.Weekday, bool, error) {
	cals, err := s.Calendar(ctx, []string{country}, time.Time{}, time.Time{})
	if err != nil {
		return nil, false, err
	}
	return cals[country].Weekend, cals[country].WeekendConfigured, nil
}
