package analytics

import (
	"context"
	"fmt"
	"slices"

	"github.com/postclear/postclear/internal/resultcache"
	"github.com/postclear/postclear/internal/warehouse"
)

// Working days (docs/domain.md, 2b): a day that is neither a weekend day
// of the item's destination country (Saturday and Sunday unless its
// weekend_days row says otherwise) nor one of its holidays. The deadline
// of working-day J+n is the n-th working day after J (J itself for n = 0),
// and a delivery after it is late by two or more working days from the
// second working day after the deadline on.
//
// They are computed per country and day J, never per item: before a
// working-day query's SQL is written, the service reads the calendars
// (readCalendars: each country with one of its own, a holiday in the range
// or a weekend setting, and the default calendar) and numbers their days
// by working-day ordinal o(d), the working days up to d, listing the
// working days in order (nth). Then for each J of [from, to), deadline =
// nth[o(J) + n] and late = nth[o(J) + n + 2], which holds for n = 0 too.
// The query gets them as two array parameters, one block of days per
// calendar, and each item reads its own by position: its destination's
// block (the default one when its destination has none), then J's day.
// Reading constant arrays by position costs the engine next to nothing;
// the first version joined a calendar computed in SQL to the items, which
// took half of working-day delivery's time (docs/benchmarks.md, "Working
// days without a join"). The arrays grow with the days of the range times
// the calendars, and parameters are bounded (warehouse.MaxParamBytes): past
// maxCalendarCells, a range of several years, the query joins the calendar
// computed in SQL as before (joinedDeadlines), which costs the engine more
// but no parameter text.
//
// The calendar runs from `from` to a year past the later of `to` and
// today plus seven days per counted day, which holds every deadline and
// every delivery a due item can have, unless a country has more than a
// year of holidays in a row. A deadline past its end counts as not yet
// reached, a late day past it as never reached.

// calendarSlack is the part of the calendar past the later of `to` and
// today that does not depend on n: a year, for holidays.
const calendarSlack = 366

// beyondCalendar stands for a day past the calendar's end.
const beyondCalendar = 1 << 31

// A workCalendar is one country's weekend (ISO weekdays, Monday 1 … Sunday
// 7; none means Saturday and Sunday) and its holidays in the calendar's
// range, as day numbers (days from 1970-01-01).
type workCalendar struct {
	country  string
	weekend  []uint8
	holidays []int64
}

// calendarSpan is the range of days a working-day query's calendar
// covers: first, the day number of `from`, and the number of days; jDays
// are the days J of [from, to).
type calendarSpan struct {
	first       int64
	days, jDays int64
}

// span returns the calendar's range for a deadline of n working days.
func (b *builder) span(n int) calendarSpan {
	from, to := utcDate(b.q.Filter.From), utcDate(b.q.Filter.To)
	end := to
	if today := localDate(b.now, b.loc); today.After(end) {
		end = today
	}
	end = end.AddDate(0, 0, 7*(n+2)+calendarSlack)
	first := from.Unix() / 86400
	return calendarSpan{first: first, days: end.Unix()/86400 - first, jDays: to.Unix()/86400 - first}
}

// calendarsSQL reads the calendars of the countries with one of their own
// over {cal_first, cal_first + cal_days) (day numbers): weekend_days is
// read whole (a country with a row has its own calendar even without a
// holiday in range), holidays as day numbers. readCalendars reads it for
// workingDeadlines, joinedDeadlines joins it.
const calendarsSQL = `SELECT country, anyIf(days, kind = 1) AS weekend, groupArrayIf(day, kind = 2) AS holidays
FROM (
    SELECT toString(country) AS country, 1 AS kind, CAST(days, 'Array(UInt8)') AS days, toInt64(0) AS day
    FROM {db:Identifier}.weekend_days FINAL
    UNION ALL
    SELECT toString(country) AS country, 2 AS kind, CAST([], 'Array(UInt8)') AS days, toInt64(toDate(date, 'UTC')) AS day
    FROM {db:Identifier}.holidays FINAL
    WHERE ` + holidaysInSpan + `
)
GROUP BY country
ORDER BY country`

// holidaysInSpan keeps the holidays in calendarsSQL's days.
const holidaysInSpan = "date >= toDateTime({cal_first:Int64} * 86400, 'UTC') AND date < toDateTime(({cal_first:Int64} + {cal_days:Int64}) * 86400, 'UTC')"

// readCalendars reads the calendars of sp, through the cache: they are
// data, and the data version moves when a holiday is loaded or a weekend
// set.
func (s *Service) readCalendars(ctx context.Context, sp calendarSpan) ([]workCalendar, error) {
	key := fmt.Sprintf("calendars %d+%d", sp.first, sp.days)
	return resultcache.Do(ctx, s.Cache, key, func(ctx context.Context) ([]workCalendar, error) {
		var out []workCalendar
		p := warehouse.Params{"db": s.Layout.Database, "cal_first": sp.first, "cal_days": sp.days}
		err := warehouse.Each(ctx, s.Engine, calendarsSQL, p, func(r warehouse.Rows) error {
			var c workCalendar
			if err := r.Scan(&c.country, &c.weekend, &c.holidays); err != nil {
				return fmt.Errorf("calendars: %w", err)
			}
			out = append(out, c)
			return nil
		})
		return out, err
	})
}

// deadlines returns, for each J of sp's [from, to) in turn, the deadline
// of J+n and the second working day after it in c (day numbers, or
// beyondCalendar past the calendar's end).
func (c *workCalendar) deadlines(sp calendarSpan, n int) (due, late []int64) {
	weekend := c.weekend
	if len(weekend) == 0 {
		weekend = []uint8{6, 7}
	}
	ordinal := make([]int, sp.days) // working days up to and including the day
	var nth []int64                 // the working days, in order
	for i := range sp.days {
		day := sp.first + i
		iso := uint8((day+3)%7) + 1 // 1970-01-01 was a Thursday
		if !slices.Contains(weekend, iso) && !slices.Contains(c.holidays, day) {
			nth = append(nth, day)
		}
		ordinal[i] = len(nth)
	}
	// nthOr is the k-th working day (from 1), or beyondCalendar.
	nthOr := func(k int) int64 {
		if k <= len(nth) {
			return nth[k-1]
		}
		return beyondCalendar
	}
	for j := range sp.jDays {
		o := ordinal[j]
		d := sp.first + j
		if n > 0 {
			d = nthOr(o + n)
		}
		due, late = append(due, d), append(late, nthOr(o+n+2))
	}
	return due, late
}

// maxCalendarCells bounds the days × calendars that workingDeadlines binds
// as parameters: two numbers of up to 14 characters each, about 220 KB at
// most, within warehouse.MaxParamBytes with room for the filters. A year
// with four calendars of their own is 1,825. A variable for the tests.
var maxCalendarCells int64 = 8_000

// arrayCalendar reports whether the deadlines of sp in cals fit in
// parameters (maxCalendarCells).
func arrayCalendar(sp calendarSpan, cals []workCalendar) bool {
	return int64(len(cals)+1)*sp.jDays <= maxCalendarCells
}

// workingDeadlines binds the deadlines of working-day J+n in cals and
// returns the columns that give an item of a population with start_day
// (J) its deadline, due_day, and late_day, the second working day after
// it. Block 0 of the arrays is the default calendar; block k the k-th of
// cals, in the order of cal_countries.
func (b *builder) workingDeadlines(sp calendarSpan, cals []workCalendar, n int) []string {
	due, late := (&workCalendar{}).deadlines(sp, n)
	countries, blocks := []string{}, []int64{}
	for i := range cals {
		d, l := cals[i].deadlines(sp, n)
		due, late = append(due, d...), append(late, l...)
		countries = append(countries, cals[i].country)
		blocks = append(blocks, int64(i+1)*sp.jDays)
	}
	b.params["cal_first"] = sp.first
	b.params["cal_countries"] = countries
	b.params["cal_blocks"] = blocks
	b.params["cal_due"] = due
	b.params["cal_late"] = late
	// J lies in [from, to) (the population is attributed to its start), so
	// its position is in its block.
	return []string{
		"transform(destination_country_key, {cal_countries:Array(String)}, {cal_blocks:Array(Int64)}, toInt64(0)) + (start_day - {cal_first:Int64}) + 1 AS cal_at",
		"{cal_due:Array(Int64)}[cal_at] AS due_day",
		"{cal_late:Array(Int64)}[cal_at] AS late_day",
	}
}

// joinedDeadlines returns population (a SELECT with the columns
// cal_country, the item's calendar country (calendarCountry), and
// start_day, J) with due_day and late_day as workingDeadlines gives them,
// computed in SQL: for each country with a calendar of its own
// (calendarsSQL) and for the default one (the empty country), the days of
// sp numbered by working-day ordinal (arrayCumSum) and the working days
// listed (nth), then one row per country and J of [from, to), joined to
// the items by (country, J). For ranges too long for workingDeadlines'
// parameters.
func (b *builder) joinedDeadlines(population string, sp calendarSpan, n int) string {
	b.params["cal_first"] = sp.first
	b.params["cal_days"] = sp.days
	b.params["j_days"] = sp.jDays
	ordinals := `SELECT
            country,
            arrayMap(i -> {cal_first:Int64} + i, range(toUInt64({cal_days:Int64}))) AS days,
            arrayMap(d -> NOT has(if(empty(weekend), [6, 7], weekend), toDayOfWeek(toDate(0) + d)) AND NOT has(holidays, d), days) AS working,
            arrayCumSum(working) AS ordinal,
            arrayFilter((d, w) -> w, days, working) AS nth
        FROM (
            SELECT * FROM (` + calendarsSQL + `)
            UNION ALL
            SELECT '' AS country, CAST([], 'Array(UInt8)') AS weekend, CAST([], 'Array(Int64)') AS holidays
        )`
	deadlines := fmt.Sprintf(`SELECT
        country,
        j AS j_day,
        if({standard_days:Int64} = 0, j_day, if(o + {standard_days:Int64} <= length(nth), nth[o + {standard_days:Int64}], %[1]d)) AS deadline_day,
        if(o + {standard_days:Int64} + 2 <= length(nth), nth[o + {standard_days:Int64} + 2], %[1]d) AS late_day
    FROM (
        %[2]s
    )
    ARRAY JOIN arraySlice(days, 1, {j_days:UInt32}) AS j, arraySlice(ordinal, 1, {j_days:UInt32}) AS o`, beyondCalendar, ordinals)
	return `SELECT
        i.*,
        cal.deadline_day AS due_day,
        cal.late_day AS late_day
    FROM (
    ` + population + `
    ) AS i
    ANY LEFT JOIN (
    ` + deadlines + `
    ) AS cal ON cal.country = i.cal_country AND cal.j_day = i.start_day`
}

// calendarCountry is the country whose calendar an item's days are
// counted in, for joinedDeadlines: its destination's when that has one of
// its own, else the default calendar (the empty country).
func (b *builder) calendarCountry() string {
	return "if(destination_country_key " + b.in + ` (
            SELECT country FROM {db:Identifier}.weekend_days
            UNION ALL
            SELECT country FROM {db:Identifier}.holidays
            WHERE ` + holidaysInSpan + `
        ), destination_country_key, '') AS cal_country`
}
