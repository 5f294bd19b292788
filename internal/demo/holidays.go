package demo

import (
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Holiday is a public holiday of a destination country: a day without
// delivery rounds, which working-day J+n does not count (DOMAIN.md 2b). It
// is the holidays record kind, so that seeding stores the calendar the
// generator used.
type Holiday = postclear.Holiday

// Holidays returns the public holidays of the demo destinations for 2024 to
// 2026, sorted by country and date; the slice is the caller's.
//
// The dates are those the governments published: Kenya's Public Holidays
// Act days, with the Monday after a holiday that falls on a Sunday and the
// Idd days the Cabinet Secretary for Interior gazetted; Morocco's civil
// holidays, and its Islamic holidays on the dates the Ministry of Habous
// and Islamic Affairs announced after the crescent was sighted (first day
// only); Thailand's cabinet calendar with its substitution days. Moon-
// dependent holidays of 2026 (Kenya's Idd days, Morocco's Islamic ones,
// Thailand's Buddhist ones) are left out: they are announced only weeks
// ahead, and the demo data ends in December 2025.
func Holidays() []Holiday {
	var out []Holiday
	for _, c := range holidayCalendars {
		for _, line := range strings.Split(strings.TrimSpace(c.dates), "\n") {
			date, name, _ := strings.Cut(strings.TrimSpace(line), " ")
			d, err := time.Parse(time.DateOnly, date)
			if err != nil {
				panic("demo: holiday table: " + err.Error()) // a typo in the table; TestHolidays catches it
			}
			out = append(out, Holiday{Country: c.country, Date: d, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b Holiday) int {
		return strings.Compare(a.Country, b.Country)*2 + a.Date.Compare(b.Date)
	})
	return out
}

// holidayCalendars are written one "YYYY-MM-DD Name" per line, as the
// countries publish them, so that a reviewer can check them line by line.
var holidayCalendars = []struct{ country, dates string }{
	{"KE", `
2024-01-01 New Year's Day
2024-03-29 Good Friday
2024-04-01 Easter Monday
2024-04-10 Idd-ul-Fitr
2024-05-01 Labour Day
2024-06-01 Madaraka Day
2024-06-17 Idd-ul-Adha
2024-10-10 Mazingira Day
2024-10-20 Mashujaa Day
2024-10-21 Mashujaa Day (observed)
2024-12-12 Jamhuri Day
2024-12-25 Christmas Day
2024-12-26 Boxing Day
2025-01-01 New Year's Day
2025-03-31 Idd-ul-Fitr
2025-04-18 Good Friday
2025-04-21 Easter Monday
2025-05-01 Labour Day
2025-06-01 Madaraka Day
2025-06-02 Madaraka Day (observed)
2025-06-06 Idd-ul-Adha
2025-10-10 Mazingira Day
2025-10-20 Mashujaa Day
2025-12-12 Jamhuri Day
2025-12-25 Christmas Day
2025-12-26 Boxing Day
2026-01-01 New Year's Day
2026-04-03 Good Friday
2026-04-06 Easter Monday
2026-05-01 Labour Day
2026-06-01 Madaraka Day
2026-10-10 Mazingira Day
2026-10-20 Mashujaa Day
2026-12-12 Jamhuri Day
2026-12-25 Christmas Day
2026-12-26 Boxing Day
`},
	{"MA", `
2024-01-01 Nouvel An
2024-01-11 Manifeste de l'Indépendance
2024-01-14 Nouvel An amazigh
2024-04-10 Aïd Al Fitr
2024-05-01 Fête du Travail
2024-06-17 Aïd Al Adha
2024-07-07 1er Moharram
2024-07-30 Fête du Trône
2024-08-14 Allégeance Oued Eddahab
2024-08-20 Révolution du Roi et du Peuple
2024-08-21 Fête de la Jeunesse
2024-09-16 Aïd Al Mawlid Annabaoui
2024-11-06 Marche Verte
2024-11-18 Fête de l'Indépendance
2025-01-01 Nouvel An
2025-01-11 Manifeste de l'Indépendance
2025-01-14 Nouvel An amazigh
2025-03-31 Aïd Al Fitr
2025-05-01 Fête du Travail
2025-06-07 Aïd Al Adha
2025-06-27 1er Moharram
2025-07-30 Fête du Trône
2025-08-14 Allégeance Oued Eddahab
2025-08-20 Révolution du Roi et du Peuple
2025-08-21 Fête de la Jeunesse
2025-09-05 Aïd Al Mawlid Annabaoui
2025-11-06 Marche Verte
2025-11-18 Fête de l'Indépendance
2026-01-01 Nouvel An
2026-01-11 Manifeste de l'Indépendance
2026-01-14 Nouvel An amazigh
2026-05-01 Fête du Travail
2026-07-30 Fête du Trône
2026-08-14 Allégeance Oued Eddahab
2026-08-20 Révolution du Roi et du Peuple
2026-08-21 Fête de la Jeunesse
2026-10-31 Aïd Al Wahda
2026-11-06 Marche Verte
2026-11-18 Fête de l'Indépendance
`},
	{"TH", `
2024-01-01 New Year's Day
2024-02-24 Makha Bucha Day
2024-02-26 Substitution for Makha Bucha Day
2024-04-06 Chakri Memorial Day
2024-04-08 Substitution for Chakri Memorial Day
2024-04-13 Songkran Festival
2024-04-14 Songkran Festival
2024-04-15 Songkran Festival
2024-04-16 Substitution for Songkran Festival
2024-05-01 National Labour Day
2024-05-04 Coronation Day
2024-05-06 Substitution for Coronation Day
2024-05-22 Visakha Bucha Day
2024-06-03 H.M. Queen Suthida's Birthday
2024-07-20 Asarnha Bucha Day
2024-07-22 Substitution for Asarnha Bucha Day
2024-07-28 H.M. King Maha Vajiralongkorn's Birthday
2024-07-29 Substitution for H.M. the King's Birthday
2024-08-12 H.M. Queen Sirikit The Queen Mother's Birthday / Mother's Day
2024-10-13 H.M. King Bhumibol Adulyadej The Great Memorial Day
2024-10-14 Substitution for King Bhumibol Memorial Day
2024-10-23 Chulalongkorn Day
2024-12-05 H.M. King Bhumibol Adulyadej The Great's Birthday / National Day / Father's Day
2024-12-10 Constitution Day
2024-12-31 New Year's Eve
2025-01-01 New Year's Day
2025-02-12 Makha Bucha Day
2025-04-06 Chakri Memorial Day
2025-04-07 Substitution for Chakri Memorial Day
2025-04-13 Songkran Festival
2025-04-14 Songkran Festival
2025-04-15 Songkran Festival
2025-05-01 National Labour Day
2025-05-04 Coronation Day
2025-05-05 Substitution for Coronation Day
2025-05-11 Visakha Bucha Day
2025-05-12 Substitution for Visakha Bucha Day
2025-06-03 H.M. Queen Suthida's Birthday
2025-07-10 Asarnha Bucha Day
2025-07-28 H.M. King Maha Vajiralongkorn's Birthday
2025-08-12 H.M. Queen Sirikit The Queen Mother's Birthday / Mother's Day
2025-10-13 H.M. King Bhumibol Adulyadej The Great Memorial Day
2025-10-23 Chulalongkorn Day
2025-12-05 H.M. King Bhumibol Adulyadej The Great's Birthday / National Day / Father's Day
2025-12-10 Constitution Day
2025-12-31 New Year's Eve
2026-01-01 New Year's Day
2026-04-06 Chakri Memorial Day
2026-04-13 Songkran Festival
2026-04-14 Songkran Festival
2026-04-15 Songkran Festival
2026-05-01 National Labour Day
2026-05-04 Coronation Day
2026-06-03 H.M. Queen Suthida's Birthday
2026-07-28 H.M. King Maha Vajiralongkorn's Birthday
2026-08-12 H.M. Queen Sirikit The Queen Mother's Birthday / Mother's Day
2026-10-13 H.M. King Bhumibol Adulyadej The Great Memorial Day
2026-10-23 Chulalongkorn Day
2026-12-05 H.M. King Bhumibol Adulyadej The Great's Birthday / National Day / Father's Day
2026-12-07 Substitution for King Bhumibol's Birthday
2026-12-10 Constitution Day
2026-12-31 New Year's Eve
`},
}
