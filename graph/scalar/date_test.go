package scalar

import (
	"testing"
	"time"
)

// FuzzParseDate: a Date argument either is refused or names exactly one
// UTC day that formats back to the same text.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-04-01", "2024-02-29", "2025-02-29", "2025-13-01", "2025-4-1", "2025-04-01T00:00:00Z", " 2025-04-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		if got := d.Format(time.DateOnly); got != s {
			t.Fatalf("ParseDate(%q) formats back as %q", s, got)
		}
		v, err := UnmarshalDate(s)
		if err != nil || !v.Equal(d) {
			t.Fatalf("UnmarshalDate(%q) = %v, %v; want %v", s, v, err, d)
		}
	})
}

func TestParseDateRefusesOtherForms(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2025-4-1", "01/04/2025", "2025-04-01T00:00:00Z"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if _, err := UnmarshalDate(20250401); err == nil {
		t.Error("UnmarshalDate accepted a number")
	}
}
