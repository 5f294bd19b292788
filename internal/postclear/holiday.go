package postclear

import (
	"fmt"
	"time"
)

// KindHolidays names the holiday calendar records.
const KindHolidays = RecordKind("holidays")

// MaxHolidayNameRunes bounds a holiday's name.
const MaxHolidayNameRunes = 128

// Holiday is a public holiday of a country: a day that is not a working
// day there (docs/domain.md, "2b. Delivery"). Its key is (Country, Date):
// storing a key again changes nothing, as for the record streams.
type Holiday struct {
	Country string    `json:"country"`
	Date    time.Time `json:"date"`
	Name    string    `json:"name"`
}

// HolidaySchema describes holiday calendar records.
var HolidaySchema = (&RecordSchema[Holiday]{
	Kind:  KindHolidays,
	Table: "holidays",
	Fields: []RecordField[Holiday]{
		{Name: "country", Type: TypeCode, Ptr: func(h *Holiday) any { return &h.Country }, Check: str(countryRule)},
		{Name: "date", Type: TypeDate, Ptr: func(h *Holiday) any { return &h.Date }, Check: holidayDate},
		{Name: "name", Type: TypeText, Ptr: func(h *Holiday) any { return &h.Name }, Check: textRule(MaxHolidayNameRunes, true)},
	},
}).init()

// Validate returns every rule h breaks.
func (h Holiday) Validate(now time.Time) []FieldError { return HolidaySchema.Validate(&h, now) }

// holidayDate accepts the days of calendars as they are published: from
// the year 2000, and, unlike records, in the future (a calendar for next
// year is loaded before it starts), up to 2099.
func holidayDate(v any, _ time.Time) string {
	if t := *v.(*time.Time); t.Year() < MinTimestampYear || t.Year() > 2099 {
		return fmt.Sprintf("%s must be between the years %d and 2099", day(t), MinTimestampYear)
	}
	return ""
}
