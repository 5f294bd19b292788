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
// took 40 % of working-day delivery's time (docs/benchmarks.md, "Working
// days without a join").
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
	first      int64
	days, jDay int64
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
	return calendarSpan{first: first, days: end.Unix()/86400 - first, jDay: to.Unix()/86400 - first}
}

// calendarsSQL reads the calendars of the countries with one of their own
// over {first, first + days): weekend_days is read whole (a country with a
// row has its own calendar even without a holiday in range).
const calendarsSQL = `SELECT country, anyIf(days, kind = 1) AS weekend, groupArrayIf(day, kind = 2) AS holidays
FROM (
    SELECT toString(country) AS country, 1 AS kind, CAST(days, 'Array(UInt8)') AS days, toInt64(0) AS day
    FROM {db:Identifier}.weekend_days FINAL
    UNION ALL
    SELECT toString(country) AS country, 2 AS kind, CAST([], 'Array(UInt8)') AS days, toInt64(toDate(date, 'UTC')) AS day
    FROM {db:Identifier}.holidays FINAL
    WHERE date >= toDateTime({first:Int64} * 86400, 'UTC') AND date < toDateTime(({first:Int64} + {days:Int64}) * 86400, 'UTC')
)
GROUP BY country
ORDER BY country`

// readCalendars reads the calendars of sp, through the cache: they are
// data, and the data version moves when a holiday is loaded or a weekend
// set.
func (s *Service) readCalendars(ctx context.Context, sp calendarSpan) ([]workCalendar, error) {
	key := fmt.Sprintf("calendars %d+%d", sp.first, sp.days)
	return resultcache.Do(ctx, s.Cache, key, func(ctx context.Context) ([]workCalendar, error) {
		var out []workCalendar
		p := warehouse.Params{"db": s.Layout.Database, "first": sp.first, "days": sp.days}
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
	for j := range sp.jDay {
		o := ordinal[j]
		d := sp.first + j
		if n > 0 {
			d = nthOr(o + n)
		}
		due, late = append(due, d), append(late, nthOr(o+n+2))
	}
	return due, late
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
		blocks = append(blocks, int64(i+1)*sp.jDay)
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
