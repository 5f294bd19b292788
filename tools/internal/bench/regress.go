package bench

import (
	"fmt"
	"slices"
	"strings"
)

// Baseline is what `make bench-quick` compares a run against
// (docs/bench-baseline-1m.json): per case, figures that a loaded or
// faster machine does not move as it moves raw times. A time is kept as
// a ratio to clearance's time in the same run, and the engine's rows and
// bytes read, which do not vary with load at all, as they are.
type Baseline struct {
	Items int            `json:"items"`
	Cases []BaselineCase `json:"cases"`
}

// BaselineCase is one case of a Baseline.
type BaselineCase struct {
	Case string `json:"case"`
	// TimeRatio is the case's HTTP median over that of its reference
	// case (ReferenceCase) in the same run.
	TimeRatio float64 `json:"time_ratio"`
	ReadRows  uint64  `json:"read_rows"`
	ReadBytes uint64  `json:"read_bytes"`
}

// Measured is one case's figures in a run, as NewBaseline takes them.
type Measured struct {
	Case                string
	MedianMS            float64
	ReadRows, ReadBytes uint64
}

// ReferenceCase is the case whose time c's time is divided by:
// clearance in c's shape, and clearance for one destination and one
// quarter for the operations view.
func ReferenceCase(c string) string {
	shape := c[strings.LastIndex(c, "/")+1:]
	if shape == string(One) {
		shape = string(CountryQuarter)
	}
	return string(Clearance) + "/" + shape
}

// NewBaseline turns a run's figures into ratios; a case whose reference
// was not measured has no time ratio (0).
func NewBaseline(items int, ms []Measured) Baseline {
	b := Baseline{Items: items}
	median := map[string]float64{}
	for _, m := range ms {
		median[m.Case] = m.MedianMS
	}
	for _, m := range ms {
		c := BaselineCase{Case: m.Case, ReadRows: m.ReadRows, ReadBytes: m.ReadBytes}
		if ref := median[ReferenceCase(m.Case)]; ref > 0 {
			c.TimeRatio = m.MedianMS / ref
		}
		b.Cases = append(b.Cases, c)
	}
	return b
}

// Tolerance is how much worse than the baseline a case may get before
// Compare names it, as factors: a time ratio may grow by Time (run-to-run
// noise on a shared two-core machine moves it by up to ~30 %), rows and
// bytes read by Read (they move only when the data or the SQL changes).
type Tolerance struct {
	Time, Read float64
}

// DefaultTolerance is the documented tolerance of docs/benchmarks.md.
var DefaultTolerance = Tolerance{Time: 1.5, Read: 1.1}

// Regression is a case that got worse than the baseline allows, or a
// baseline case the run no longer has.
type Regression struct {
	Case, What string
	Was, Now   float64
}

func (r Regression) String() string {
	if r.What == "missing" {
		return fmt.Sprintf("%s: in the baseline but not measured", r.Case)
	}
	return fmt.Sprintf("%s: %s %.3g → %.3g (×%.2f)", r.Case, r.What, r.Was, r.Now, r.Now/r.Was)
}

// Compare returns the cases of run that are worse than base by more than
// tol, in base's order. Data sets of different sizes are not compared.
func Compare(base, run Baseline, tol Tolerance) ([]Regression, error) {
	if base.Items != run.Items {
		return nil, fmt.Errorf("baseline is for %d items, the run for %d", base.Items, run.Items)
	}
	var out []Regression
	for _, b := range base.Cases {
		i := slices.IndexFunc(run.Cases, func(c BaselineCase) bool { return c.Case == b.Case })
		if i < 0 {
			out = append(out, Regression{Case: b.Case, What: "missing"})
			continue
		}
		r := run.Cases[i]
		worse := func(what string, was, now, factor float64) {
			if was > 0 && now > was*factor {
				out = append(out, Regression{Case: b.Case, What: what, Was: was, Now: now})
			}
		}
		worse("time ÷ "+ReferenceCase(b.Case), b.TimeRatio, r.TimeRatio, tol.Time)
		worse("rows read", float64(b.ReadRows), float64(r.ReadRows), tol.Read)
		worse("bytes read", float64(b.ReadBytes), float64(r.ReadBytes), tol.Read)
	}
	return out, nil
}
