package report

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
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

// The CSV rendering is one file of six sections, each a table with its
// own header row, separated by an empty line (docs/mou.md, "CSV"): the
// KPIs, one row per KPI and quarter, for people and spreadsheets; the
// findings; the agreed actions; the methodology (the KPIs' definitions and
// the data-quality counts); and the tidy table of every figure (section,
// kpi, period, value, target, met).
var (
	// KPIHeader is the header of the KPI section.
	KPIHeader = []string{"mou_id", "country", "quarter", "kpi", "kpi_label", "unit", "comparison", "target", "actual", "met",
		"previous_quarter", "previous", "change", "previous_year_quarter", "previous_year", "change_from_previous_year", "population"}
	// FindingHeader is the header of the findings section; references
	// name figures as section|kpi|period rows of the tidy table, "; "
	// between them.
	FindingHeader = []string{"finding", "text", "references"}
	// ActionHeader is the header of the agreed actions section.
	ActionHeader = []string{"action_id", "owner", "raised_on", "due_on", "kpi", "carried_over", "status_at_end", "closed_on", "overdue", "text"}
	// DefinitionHeader and DataQualityHeader are the headers of the
	// methodology's two sections.
	DefinitionHeader  = []string{"kpi", "kpi_label", "definition", "population"}
	DataQualityHeader = []string{"data_quality_issue", "items", "in_quarter_by", "description", "excluded"}
	// CSVHeader is the header of the tidy table, the last section.
	CSVHeader = []string{"section", "kpi", "period", "value", "target", "met"}
)

// BOM is the UTF-8 byte order mark that makes Excel read a CSV file as
// UTF-8 (`?bom=1`, `postclear report --bom`).
const BOM = "\uFEFF"

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

// WriteCSV writes the six sections of ev's CSV rendering. Numbers are
// rounded to their unit's precision (Round); empty cells are nulls.
func WriteCSV(w io.Writer, ev *postclear.Evaluation) error {
	cw := csv.NewWriter(w)
	m := ev.MoU
	sections := [][][]string{{KPIHeader}, {FindingHeader}, {ActionHeader}, {DefinitionHeader}, {DataQualityHeader}, {CSVHeader}}
	for _, r := range ev.KPIs {
		comparison := ""
		if r.Comparison != nil {
			comparison = string(*r.Comparison)
		}
		sections[0] = append(sections[0], []string{m.ID, m.Country, ev.Quarter, string(r.KPI), r.KPI.Label(), string(r.Unit),
			comparison, Round(r.Unit, r.Target), Round(r.Unit, r.Actual), boolCell(r.Met),
			ev.PreviousQuarter, Round(r.Unit, r.Previous), Round(r.Unit, r.Change),
			ev.PreviousYearQuarter, Round(r.Unit, r.PreviousYear), Round(r.Unit, r.ChangeFromPreviousYear),
			strconv.FormatInt(r.Population, 10)})
	}
	for i, f := range ev.Findings {
		refs := make([]string, len(f.References))
		for j, ref := range f.References {
			refs[j] = ref.Section + "|" + ref.Metric + "|" + ref.Period
		}
		sections[1] = append(sections[1], []string{strconv.Itoa(i + 1), f.Text, strings.Join(refs, "; ")})
	}
	for _, f := range ev.Actions.Actions {
		a := &f.Action
		closed := ""
		if a.ClosedOn != nil && f.StatusAtEnd != postclear.ActionOpen {
			closed = a.ClosedOn.Format(time.DateOnly)
		}
		sections[2] = append(sections[2], []string{a.ID, a.Owner, a.RaisedOn.Format(time.DateOnly), a.DueOn.Format(time.DateOnly), a.KPI,
			strconv.FormatBool(f.CarriedOver), f.StatusAtEnd, closed, strconv.FormatBool(f.Overdue), a.Text})
	}
	for _, k := range ev.Methodology.KPIs {
		sections[3] = append(sections[3], []string{string(k.KPI), k.Label, k.Definition, k.Population})
	}
	for _, c := range ev.Methodology.DataQuality {
		sections[4] = append(sections[4], []string{c.Issue, strconv.FormatInt(c.Items, 10), c.InQuarterBy, c.Description, c.Excluded})
	}
	for _, r := range Rows(ev) {
		u := rowUnit(r)
		sections[5] = append(sections[5], []string{r.Section, r.Metric, r.Period, Round(u, r.Value), Round(u, r.Target), boolCell(r.Met)})
	}
	for i, rows := range sections {
		if i > 0 {
			// An empty line between sections: csv.Writer writes a record
			// of one empty field as "", which a spreadsheet shows as an
			// empty row too, but a reader would see as a record.
			cw.Flush()
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func boolCell(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// Round writes v rounded to the precision of unit u: hours and days to
// 0.1, rates to 0.0001, per 10,000 to 0.01, counts to whole numbers; ""
// for nil. Values with no unit are written in full.
func Round(u postclear.Unit, v *float64) string {
	if v == nil {
		return ""
	}
	digits := -1
	switch u {
	case postclear.UnitHours, postclear.UnitDays:
		digits = 1
	case postclear.UnitRate:
		digits = 4
	case postclear.UnitPer10K:
		digits = 2
	case postclear.UnitCount:
		digits = 0
	}
	x := *v
	if digits >= 0 {
		p := math.Pow10(digits)
		x = math.Round(x*p) / p
		if x == 0 {
			x = 0 // no "-0.0"
		}
	}
	return strconv.FormatFloat(x, 'f', digits, 64)
}

// rowUnit is the unit of a tidy-table row's value: its KPI's, hours for
// the monthly median, days for the disputes' median, else a count.
func rowUnit(r Row) postclear.Unit {
	switch k := postclear.KPI(r.Metric); {
	case k.Valid():
		return k.Unit()
	case r.Metric == postclear.MetricClearanceP50Hours:
		return postclear.UnitHours
	case r.Metric == "MEDIAN_DAYS_TO_RESOLVE":
		return postclear.UnitDays
	case r.Value != nil && *r.Value == math.Trunc(*r.Value):
		return postclear.UnitCount
	}
	return ""
}

// FormatNumber writes v in the shortest decimal form that reads back as v;
// "" for nil.
func FormatNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
