package postclear

import (
	"testing"
	"time"
)

// FuzzParseQuarter: any string either is refused or round-trips through
// String, and the quarter's days are consistent: Start is a quarter's first
// day, End is three months later, Prev ends where it starts.
func FuzzParseQuarter(f *testing.F) {
	for _, s := range []string{"2025-Q3", "2000-Q1", "2099-Q4", "2025-q3", "2025Q3", "2025-Q03", "2025-Q5", "1999-Q4", "٢٠٢٥-Q1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuarter(s)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("ParseQuarter(%q): error code %q, want %q", s, ErrorCode(err), EInvalid)
			}
			return
		}
		if q.String() != s {
			t.Fatalf("ParseQuarter(%q).String() = %q", s, q.String())
		}
		start, end := q.Start(), q.End()
		if start.Day() != 1 || (start.Month()-1)%3 != 0 || !end.Equal(start.AddDate(0, 3, 0)) {
			t.Fatalf("%s: days [%s, %s) are not a quarter", s, start, end)
		}
		if !q.Prev().End().Equal(start) || QuarterOf(end.Add(-time.Second)) != q {
			t.Fatalf("%s: Prev or QuarterOf disagree with Start/End", s)
		}
	})
}
