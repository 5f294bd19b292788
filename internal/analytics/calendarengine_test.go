package analytics

import (
	"context"
	"errors"
	"fmt"

	"github.com/postclear/postclear/internal/warehouse"
)

// CalendarEngine is an engine that holds only working-day calendars: it
// answers the calendars' query (calendarsSQL) with Calendars, whatever
// their range, and refuses every other statement. Tests that write SQL
// without data (golden files, the cluster's) give it to the Service, since
// working-day delivery reads the calendars before its SQL.
type CalendarEngine struct {
	Calendars []CalendarRow
}

// A CalendarRow is one country's calendar: its weekend (ISO weekdays) and
// its holidays as day numbers.
type CalendarRow struct {
	Country  string
	Weekend  []uint8
	Holidays []int64
}

func (e *CalendarEngine) Query(_ context.Context, query string, _ warehouse.Params) (warehouse.Rows, error) {
	if query != calendarsSQL {
		return nil, errors.New("CalendarEngine: only the calendars' query")
	}
	return &calendarRows{rows: e.Calendars, at: -1}, nil
}

func (e *CalendarEngine) Exec(context.Context, string, warehouse.Params) error {
	return errors.New("CalendarEngine: no statements")
}

func (e *CalendarEngine) Insert(context.Context, string, []string, [][]any) error {
	return errors.New("CalendarEngine: no inserts")
}

func (e *CalendarEngine) Ping(context.Context) error { return nil }
func (e *CalendarEngine) Name() string               { return "calendars" }
func (e *CalendarEngine) Capabilities() warehouse.Capabilities {
	return warehouse.Capabilities{}
}
func (e *CalendarEngine) Close() error { return nil }

type calendarRows struct {
	rows []CalendarRow
	at   int
}

func (r *calendarRows) Next() bool { r.at++; return r.at < len(r.rows) }

func (r *calendarRows) Scan(dest ...any) error {
	if len(dest) != 3 {
		return fmt.Errorf("CalendarEngine: %d destinations for 3 columns", len(dest))
	}
	c := r.rows[r.at]
	*dest[0].(*string), *dest[1].(*[]uint8), *dest[2].(*[]int64) = c.Country, c.Weekend, c.Holidays
	return nil
}

func (r *calendarRows) Columns() []string { return []string{"country", "weekend", "holidays"} }
func (r *calendarRows) Err() error        { return nil }
func (r *calendarRows) Close() error      { return nil }

// SetMaxCalendarCells sets the most days × calendars working-day delivery
// binds as parameters (0: it always joins the calendar computed in SQL),
// and returns a function that restores it.
func SetMaxCalendarCells(n int64) (restore func()) {
	old := maxCalendarCells
	maxCalendarCells = n
	return func() { maxCalendarCells = old }
}
