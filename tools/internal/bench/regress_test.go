package bench

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	base := NewBaseline(1000, []Measured{
		{Case: "clearance/country-quarter", MedianMS: 10, ReadRows: 100, ReadBytes: 1000},
		{Case: "risk/country-quarter", MedianMS: 12, ReadRows: 100, ReadBytes: 2000},
		{Case: "clearance/all-year", MedianMS: 40, ReadRows: 400, ReadBytes: 4000},
		{Case: "stages/all-year", MedianMS: 40, ReadRows: 400, ReadBytes: 8000},
		{Case: "item/one", MedianMS: 2, ReadRows: 10, ReadBytes: 100},
	})
	if got := base.Cases[4].TimeRatio; got != 0.2 {
		t.Fatalf("item's time ratio %v, want 0.2 (over clearance/country-quarter)", got)
	}
	// A machine twice as slow everywhere, with one family slower still
	// and one reading more: only those two are named.
	run := NewBaseline(1000, []Measured{
		{Case: "clearance/country-quarter", MedianMS: 20, ReadRows: 100, ReadBytes: 1000},
		{Case: "risk/country-quarter", MedianMS: 24 * 1.6, ReadRows: 100, ReadBytes: 2000},
		{Case: "clearance/all-year", MedianMS: 80, ReadRows: 400, ReadBytes: 4000},
		{Case: "stages/all-year", MedianMS: 80 * 1.4, ReadRows: 400, ReadBytes: 8000 * 1.2},
	})
	regs, err := Compare(base, run, DefaultTolerance)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range regs {
		got = append(got, r.Case+" "+r.What)
	}
	want := []string{
		"risk/country-quarter time ÷ clearance/country-quarter",
		"stages/all-year bytes read",
		"item/one missing",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("regressions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if same, _ := Compare(base, base, DefaultTolerance); len(same) != 0 {
		t.Errorf("a run equal to its baseline has regressions: %v", same)
	}
	if _, err := Compare(base, NewBaseline(2000, nil), DefaultTolerance); err == nil {
		t.Error("runs of different sizes compared")
	}
}
