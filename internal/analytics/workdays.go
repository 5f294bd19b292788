package analytics

import (
	"fmt"
	"time"
)

// Working days (docs/domain.md, 2b): a day that is neither a weekend day
// of the item's destination country (Saturday and Sunday unless its
// weekend_days row says otherwise) nor one of its holidays. The deadline
// of working-day J+n is the n-th working day after J (J itself for n = 0),
// and a delivery after it is late by two or more working days from the
// second working day after the deadline on.
//
// They are computed in SQL, per country and day J, never per item: for
// each country with a calendar of its own (a holiday in the range, or a
// weekend setting) and for the default calendar (country ''), the days of
// the range and beyond are numbered by their working-day ordinal o(d)
// (the working days up to d, arrayCumSum) and the working days listed in
// order (nth). Then for each J of [from, to), deadline = nth[o(J) + n]
// and late = nth[o(J) + n + 2], which holds for n = 0 too. That is a few
// thousand rows, joined to the items by (country, J); an item whose
// country has no calendar of its own takes the default one.
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

// workingDeadlines returns population (a SELECT with the columns
// cal_country and start_day, the item's calendar country (calendarCountry)
// and J) with due_day, the deadline of J+n in working days, and late_day,
// the second working day after it. It binds the calendar's parameters.
func (b *builder) workingDeadlines(population string, n int) string {
	from, to := b.q.Filter.From, b.q.Filter.To
	end := to
	if today := localDate(b.now, b.loc); today.After(end) {
		end = today
	}
	end = end.AddDate(0, 0, 7*(n+2)+calendarSlack)
	b.params["cal_from"] = from.Format(time.DateOnly)
	b.params["cal_days"] = int64(end.Sub(from).Hours() / 24)
	b.params["j_days"] = int64(to.Sub(from).Hours() / 24)

	// The countries with a calendar of their own, and their holidays in
	// the calendar's range; '' is the default calendar.
	calendars := `SELECT country, anyIf(days, kind = 1) AS weekend, groupArrayIf(day, kind = 2) AS holidays
            FROM (
                SELECT country, 1 AS kind, CAST(days, 'Array(UInt8)') AS days, toDate(0) AS day
                FROM {db:Identifier}.weekend_days FINAL
                UNION ALL
                SELECT country, 2 AS kind, CAST([], 'Array(UInt8)') AS days, toDate(date, 'UTC') AS day
                FROM {db:Identifier}.holidays FINAL
                WHERE ` + calendarRange + `
                UNION ALL
                SELECT '' AS country, 3 AS kind, CAST([], 'Array(UInt8)') AS days, toDate(0) AS day
            )
            GROUP BY country`
	// Per country: every day of the calendar (day numbers), whether it is
	// a working day, its working-day ordinal, and the working days.
	ordinals := `SELECT
            country,
            arrayMap(i -> {cal_from:Date} + i, range({cal_days:UInt32})) AS days,
            arrayMap(d -> NOT has(if(empty(weekend), [6, 7], weekend), toDayOfWeek(d)) AND NOT has(holidays, d), days) AS working,
            arrayCumSum(working) AS ordinal,
            arrayFilter((d, w) -> w, days, working) AS nth
        FROM (
            ` + calendars + `
        )`
	b.params["standard_days"] = int64(n)
	deadlines := fmt.Sprintf(`SELECT
        country,
        toInt64(j) AS j_day,
        if({standard_days:Int64} = 0, j_day, if(o + {standard_days:Int64} <= length(nth), toInt64(nth[o + {standard_days:Int64}]), %[1]d)) AS deadline_day,
        if(o + {standard_days:Int64} + 2 <= length(nth), toInt64(nth[o + {standard_days:Int64} + 2]), %[1]d) AS late_day
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
// counted in: its destination's when that has one of its own, else the
// default calendar (”).
func (b *builder) calendarCountry() string {
	return "if(destination_country_key " + b.in + ` (
            SELECT country FROM {db:Identifier}.weekend_days
            UNION ALL
            SELECT country FROM {db:Identifier}.holidays
            WHERE ` + calendarRange + `
        ), destination_country_key, '') AS cal_country`
}

// calendarRange is the calendar's range of holidays' dates.
const calendarRange = "date >= toDateTime({cal_from:Date}, 'UTC') AND date < toDateTime({cal_from:Date}, 'UTC') + toIntervalDay({cal_days:UInt32})"
