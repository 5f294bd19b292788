package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The sections of the tidy table (docs/mou.md, "CSV"). A FigureRef names a
// row by section, metric and period.
const (
	SectionKPI    = "kpi"
	SectionChange = "change"
	// SectionChangeFromPreviousYear holds actual − the same quarter a year
	// before.
	SectionChangeFromPreviousYear = "change_from_previous_year"
	SectionMonthly                = "monthly"
	SectionSeizures               = "seizures"
	SectionActivities             = "activities"
	SectionDisputes               = "disputes"
	SectionData                   = "data"
	sectionOrigin                 = "origin:"
)

// OriginSection is the section of an origin country's rows: "origin:CN".
func OriginSection(country string) string { return sectionOrigin + country }

// MonthPeriod names a month in the period column: "2025-07".
func MonthPeriod(t time.Time) string { return t.UTC().Format("2006-01") }

// CSVHeader is the header of the CSV rendering.
var CSVHeader = []string{"section", "kpi", "period", "value", "target", "met"}

// Row is one row of the tidy table. Value and Target are nil when empty;
// Met is nil when not judged.
type Row struct {
	Section, Metric, Period string
	Value, Target           *float64
	Met                     *bool
}

// Rows flattens ev into the tidy table: one figure per row. Values are
// exactly those of the evaluation (not rounded).
func Rows(ev *postclear.Evaluation) []Row {
	var out []Row
	for _, r := range ev.KPIs {
		out = append(out,
			Row{Section: SectionKPI, Metric: string(r.KPI), Period: ev.Quarter, Value: r.Actual, Target: r.Target, Met: r.Met},
			Row{Section: SectionKPI, Metric: string(r.KPI), Period: ev.PreviousQuarter, Value: r.Previous},
			Row{Section: SectionKPI, Metric: string(r.KPI), Period: ev.PreviousYearQuarter, Value: r.PreviousYear},
			Row{Section: SectionChange, Metric: string(r.KPI), Period: ev.Quarter, Value: r.Change},
			Row{Section: SectionChangeFromPreviousYear, Metric: string(r.KPI), Period: ev.Quarter, Value: r.ChangeFromPreviousYear})
	}
	for _, m := range ev.Monthly {
		out = append(out, Row{Section: SectionMonthly, Metric: m.Metric, Period: MonthPeriod(m.Month), Value: m.Value, Target: m.Target, Met: m.Met})
	}
	for _, s := range ev.SeizuresByCategory {
		out = append(out, Row{Section: SectionSeizures, Metric: s.Category, Period: MonthPeriod(s.Month), Value: ptr(float64(s.Seizures))})
	}
	for _, o := range ev.Origins {
		sec := OriginSection(o.Country)
		out = append(out,
			Row{Section: sec, Metric: "ITEMS", Period: ev.Quarter, Value: ptr(float64(o.Items))},
			Row{Section: sec, Metric: string(postclear.KPIClearanceP90Hours), Period: ev.Quarter, Value: o.ClearanceP90Hours},
			Row{Section: sec, Metric: string(postclear.KPIEadCoverage), Period: ev.Quarter, Value: o.EadCoverage},
			Row{Section: sec, Metric: "SEIZURES", Period: ev.Quarter, Value: ptr(float64(o.Seizures))})
	}
	a, d := ev.Activities, ev.Disputes
	for _, r := range []struct {
		sec, metric string
		v           *float64
	}{
		{SectionActivities, "COUNT", ptr(float64(a.Count))},
		{SectionActivities, "CUSTOMS_PARTICIPANTS", ptr(float64(a.CustomsParticipants))},
		{SectionActivities, "POST_PARTICIPANTS", ptr(float64(a.PostParticipants))},
		{SectionDisputes, "OPENED", ptr(float64(d.Opened))},
		{SectionDisputes, "RESOLVED", ptr(float64(d.Resolved))},
		{SectionDisputes, "OPEN_AT_END", ptr(float64(d.OpenAtEnd))},
		{SectionDisputes, "MEDIAN_DAYS_TO_RESOLVE", d.MedianDaysToResolve},
	} {
		out = append(out, Row{Section: r.sec, Metric: r.metric, Period: ev.Quarter, Value: r.v})
	}
	out = append(out, actionRows(ev)...)
	// The state of the data the figures reflect; its text is in the
	// period column, the only text column.
	loaded := ""
	if ev.Data.LoadedAt != nil {
		loaded = ev.Data.LoadedAt.UTC().Format(time.RFC3339)
	}
	return append(out,
		Row{Section: SectionData, Metric: "DATA_VERSION", Period: ev.Data.Version},
		Row{Section: SectionData, Metric: "DATA_LOADED_AT", Period: loaded})
}

// WriteCSV writes the tidy table of ev. Numbers are written in full
// precision, without exponent, so that the file reproduces the evaluation
// exactly; empty cells are nulls.
func WriteCSV(w io.Writer, ev *postclear.Evaluation) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range Rows(ev) {
		met := ""
		if r.Met != nil {
			met = strconv.FormatBool(*r.Met)
		}
		if err := cw.Write([]string{r.Section, r.Metric, r.Period, FormatNumber(r.Value), FormatNumber(r.Target), met}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatNumber writes v in the shortest decimal form that reads back as v;
// "" for nil.
func FormatNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// WriteJSON writes ev as indented JSON with the field names of Go; it is
// what `postclear report --format json` prints.
func WriteJSON(w io.Writer, ev *postclear.Evaluation) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ev)
}
