package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Findings turns the figures of ev into short plain-language statements,
// deterministically: the same figures give the same text. Each finding
// quotes its figures as FormatValue renders them and references the rows
// (section, metric, period) of the CSV rendering it is based on. The rules
// are in docs/mou.md ("Findings").
func Findings(ev *postclear.Evaluation) []postclear.Finding {
	var out []postclear.Finding
	add := func(text string, refs ...postclear.FigureRef) {
		if refs == nil {
			refs = []postclear.FigureRef{}
		}
		text = strings.ToUpper(text[:1]) + text[1:]
		out = append(out, postclear.Finding{Text: text, References: refs})
	}
	m := &ev.MoU

	// 1. Whether the MoU was in force.
	if !ev.To.After(m.EffectiveFrom) {
		add(fmt.Sprintf("The MoU took effect on %s, after this quarter: the figures are a baseline.", dateText(m.EffectiveFrom)))
	} else if m.EffectiveTo != nil && !m.EffectiveTo.After(ev.From) {
		add(fmt.Sprintf("The MoU ended on %s, before this quarter.", dateText(*m.EffectiveTo)))
	}

	// 2. No data at all.
	hasData := false
	for _, r := range ev.KPIs {
		hasData = hasData || r.Actual != nil
	}
	if !hasData {
		add(fmt.Sprintf("No KPI can be computed for %s in %s: no item destined for %s was released, posted, arrived or presented in the quarter.",
			m.Country, ev.Quarter, m.Country), kpiRef(postclear.KPIClearanceP90Hours, ev.Quarter))
	}

	// 3. Each target, then the trend of headline KPIs without one.
	for _, r := range ev.KPIs {
		if r.Target == nil {
			continue
		}
		target := fmt.Sprintf("its target of %s %s", comparisonText(*r.Comparison), FormatValue(r.Unit, r.Target))
		if r.Actual == nil {
			if hasData {
				add(fmt.Sprintf("%s has no value for %s (its population is empty), so %s cannot be judged.", r.KPI.Label(), ev.Quarter, target),
					kpiRef(r.KPI, ev.Quarter))
			}
			continue
		}
		verb := "met"
		if !*r.Met {
			verb = "missed"
		}
		add(fmt.Sprintf("%s %s and %s %s.", r.KPI.Label(), trend(r, ev), verb, target), trendRefs(r, ev)...)
	}
	for _, r := range ev.KPIs {
		if r.Target == nil && r.Actual != nil && r.Previous != nil && headline[r.KPI] {
			add(fmt.Sprintf("%s %s (no target set).", r.KPI.Label(), trend(r, ev)), trendRefs(r, ev)...)
		}
	}

	// 4. Targets missed in some months.
	for _, metric := range MonthlyMetrics {
		var missed []string
		var refs []postclear.FigureRef
		judged := 0
		for _, mv := range ev.Monthly {
			if mv.Metric != metric || mv.Met == nil {
				continue
			}
			judged++
			if !*mv.Met {
				missed = append(missed, mv.Month.Format("January"))
				refs = append(refs, postclear.FigureRef{Section: SectionMonthly, Metric: metric, Period: MonthPeriod(mv.Month)})
			}
		}
		if len(missed) > 0 {
			add(fmt.Sprintf("%s missed its monthly target in %s of %s months (%s).",
				postclear.KPI(metric).Label(), number(len(missed)), number(judged), strings.Join(missed, ", ")), refs...)
		}
	}

	// 5. Seizures.
	total := map[string]int64{}
	var sum int64
	for _, s := range ev.SeizuresByCategory {
		total[s.Category] += s.Seizures
		sum += s.Seizures
	}
	if sum > 0 {
		top := ""
		for _, c := range postclear.SeizureCategories {
			if total[c] > total[top] {
				top = c
			}
		}
		var refs []postclear.FigureRef
		for _, s := range ev.SeizuresByCategory {
			if s.Category == top {
				refs = append(refs, postclear.FigureRef{Section: SectionSeizures, Metric: top, Period: MonthPeriod(s.Month)})
			}
		}
		add(fmt.Sprintf("%s items were seized in the quarter; %s was the largest category with %s.",
			count(sum), categoryText(top), count(total[top])), refs...)
	}

	// 6. The largest origin.
	var items int64
	for _, o := range ev.Origins {
		items += o.Items
	}
	if len(ev.Origins) > 0 && ev.Origins[0].Items > 0 {
		o := ev.Origins[0]
		section := OriginSection(o.Country)
		text := fmt.Sprintf("%s was the largest origin with %s of the %s items arrived (%s)",
			countryText(o.Country), count(o.Items), count(items), FormatValue(postclear.UnitRate, ptr(float64(o.Items)/float64(items))))
		refs := []postclear.FigureRef{{Section: section, Metric: "ITEMS", Period: ev.Quarter}}
		if o.ClearanceP90Hours != nil {
			text += fmt.Sprintf("; its clearance time p90 was %s", FormatValue(postclear.UnitHours, o.ClearanceP90Hours))
			refs = append(refs, postclear.FigureRef{Section: section, Metric: string(postclear.KPIClearanceP90Hours), Period: ev.Quarter})
		}
		add(text+".", refs...)
	}

	// 7. Capacity building and disputes.
	a := ev.Activities
	aRefs := []postclear.FigureRef{
		{Section: SectionActivities, Metric: "COUNT", Period: ev.Quarter},
		{Section: SectionActivities, Metric: "CUSTOMS_PARTICIPANTS", Period: ev.Quarter},
		{Section: SectionActivities, Metric: "POST_PARTICIPANTS", Period: ev.Quarter},
	}
	if a.Count == 0 {
		add("No capacity-building activity was recorded in the quarter.", aRefs[0])
	} else {
		add(fmt.Sprintf("%s capacity-building %s held, with %s participants from customs and %s from the post.",
			number(a.Count), plural(a.Count, "activity was", "activities were"), count(int64(a.CustomsParticipants)), count(int64(a.PostParticipants))), aRefs...)
	}
	d := ev.Disputes
	dRef := func(metric string) postclear.FigureRef {
		return postclear.FigureRef{Section: SectionDisputes, Metric: metric, Period: ev.Quarter}
	}
	switch {
	case d.Opened == 0 && d.Resolved == 0 && d.OpenAtEnd == 0:
		add("No dispute between the agencies was open in the quarter.", dRef("OPENED"), dRef("OPEN_AT_END"))
	default:
		text := fmt.Sprintf("%s %s opened and %s resolved", number(d.Opened), plural(d.Opened, "dispute was", "disputes were"), number(d.Resolved))
		refs := []postclear.FigureRef{dRef("OPENED"), dRef("RESOLVED")}
		if d.MedianDaysToResolve != nil {
			text += fmt.Sprintf(" (median %s to resolve)", FormatValue(postclear.UnitDays, d.MedianDaysToResolve))
			refs = append(refs, dRef("MEDIAN_DAYS_TO_RESOLVE"))
		}
		if d.OpenAtEnd == 0 {
			text += "; none was open at the end of the quarter."
		} else {
			text += fmt.Sprintf("; %s %s open at the end of the quarter.", number(d.OpenAtEnd), plural(d.OpenAtEnd, "was", "were"))
		}
		add(text, append(refs, dRef("OPEN_AT_END"))...)
	}

	// 8. Agreed actions, and missed targets no open action addresses.
	for _, f := range actionFindings(ev) {
		add(f.Text, f.References...)
	}
	return out
}

// headline are the KPIs whose trend is stated even without a target.
var headline = map[postclear.KPI]bool{
	postclear.KPIClearanceP90Hours:  true,
	postclear.KPIEadCoverage:        true,
	postclear.KPIDeliveryOnTimeRate: true,
	postclear.KPISeizuresPer10K:     true,
}

// trend says how r moved from the previous quarter, quoting both values as
// displayed: "rose from 71.0 % to 83.2 %". Values equal once rounded for
// display "stayed at" that value, so the text never contradicts its figures.
func trend(r postclear.KPIResult, ev *postclear.Evaluation) string {
	now := FormatValue(r.Unit, r.Actual)
	if r.Previous == nil {
		return fmt.Sprintf("was %s in %s (no value for %s)", now, ev.Quarter, ev.PreviousQuarter)
	}
	before := FormatValue(r.Unit, r.Previous)
	switch {
	case before == now:
		return "stayed at " + now
	case *r.Actual > *r.Previous:
		return fmt.Sprintf("rose from %s to %s", before, now)
	default:
		return fmt.Sprintf("fell from %s to %s", before, now)
	}
}

func trendRefs(r postclear.KPIResult, ev *postclear.Evaluation) []postclear.FigureRef {
	refs := []postclear.FigureRef{kpiRef(r.KPI, ev.Quarter)}
	if r.Previous != nil {
		refs = append(refs, kpiRef(r.KPI, ev.PreviousQuarter))
	}
	return refs
}

func kpiRef(k postclear.KPI, period string) postclear.FigureRef {
	return postclear.FigureRef{Section: SectionKPI, Metric: string(k), Period: period}
}

func comparisonText(c postclear.Comparison) string {
	if c == postclear.AtMost {
		return "at most"
	}
	return "at least"
}

// FormatValue renders a KPI value for people: hours and days with one
// decimal, rates as percentages with one decimal, per-10,000 figures with
// two decimals; "n/a" for no value. The PDF and the findings use it, so
// the text of both can be compared with the numbers of the evaluation.
func FormatValue(u postclear.Unit, v *float64) string {
	if v == nil {
		return "n/a"
	}
	switch u {
	case postclear.UnitHours:
		return fmt.Sprintf("%.1f h", *v)
	case postclear.UnitDays:
		return fmt.Sprintf("%.1f days", *v)
	case postclear.UnitRate:
		return fmt.Sprintf("%.1f %%", 100**v)
	case postclear.UnitPer10K:
		return fmt.Sprintf("%.2f", *v)
	}
	if *v == math.Trunc(*v) {
		return count(int64(*v))
	}
	return fmt.Sprintf("%.2f", *v)
}

// FormatChange renders Actual − Previous: signed, rates in percentage
// points.
func FormatChange(u postclear.Unit, v *float64) string {
	if v == nil {
		return "n/a"
	}
	sign := "+"
	if *v < 0 {
		sign = "-"
	}
	x := math.Abs(*v)
	if FormatValue(u, &x) == FormatValue(u, ptr(0.0)) {
		sign = "" // a change that rounds to nothing has no direction
	}
	switch u {
	case postclear.UnitHours:
		return fmt.Sprintf("%s%.1f h", sign, x)
	case postclear.UnitDays:
		return fmt.Sprintf("%s%.1f days", sign, x)
	case postclear.UnitRate:
		return fmt.Sprintf("%s%.1f pp", sign, 100*x)
	case postclear.UnitCount:
		return fmt.Sprintf("%s%s", sign, count(int64(math.Round(x))))
	}
	return fmt.Sprintf("%s%.2f", sign, x)
}

// count writes n with thousands separators: 12,345.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var numberWords = []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

// number writes small counts in words, as prose does ("two of three").
func number(n int) string {
	if n >= 0 && n < len(numberWords) {
		return numberWords[n]
	}
	return count(int64(n))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func dateText(t time.Time) string { return t.Format("2 January 2006") }

func categoryText(c string) string {
	return strings.ReplaceAll(c, "_", " ")
}

func countryText(c string) string {
	if c == "" {
		return "Unknown origin"
	}
	return c
}
