package postclear

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTimestamp(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "2025-03-01T10:15:00Z", want: utc("2025-03-01T10:15:00Z")},
		{in: "2025-03-01T12:15:00+02:00", want: utc("2025-03-01T10:15:00Z")},
		{in: "2025-03-01T00:15:00-05:30", want: utc("2025-03-01T05:45:00Z")},
		{in: "2025-03-01T10:15:00.999999999Z", want: utc("2025-03-01T10:15:00Z")},
		{in: "2025-03-01t10:15:00z", want: utc("2025-03-01T10:15:00Z")},
		{in: "2024-02-29T23:59:59+00:00", want: utc("2024-02-29T23:59:59Z")},
		{in: "2000-01-01T00:30:00+01:00", want: utc("1999-12-31T23:30:00Z")},
		{in: "", wantErr: "required"},
		{in: "2025-03-01T10:15:00", wantErr: "has no offset"},
		{in: "2025-03-01 10:15:00Z", wantErr: `separated by "T"`},
		{in: "2025-03-01", wantErr: "not an RFC 3339 timestamp"},
		{in: "2025-3-01T10:15:00Z", wantErr: "not an RFC 3339 timestamp"},
		{in: "2025-02-29T10:15:00Z", wantErr: "not a valid date"},
		{in: "2025-13-01T10:15:00Z", wantErr: "not a valid date"},
		{in: "2025-03-01T24:00:00Z", wantErr: "not a valid date"},
		{in: "2025-03-01T10:15:60Z", wantErr: "not a valid date"},
		{in: "2025-03-01T10:15:00.Z", wantErr: "not an RFC 3339 timestamp"},
		{in: "2025-03-01T10:15:00+0200", wantErr: "not an RFC 3339 timestamp"},
		{in: "2025-03-01T10:15:00+24:00", wantErr: "offset"},
		{in: "2025-03-01T10:15:00ZZ", wantErr: "not an RFC 3339 timestamp"},
		{in: "1741083300", wantErr: "not an RFC 3339 timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimestamp(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseTimestamp(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseTimestamp(%q) (-want +got):\n%s", tt.in, diff)
			}
			if got.Location() != time.UTC {
				t.Errorf("ParseTimestamp(%q) location = %v, want UTC", tt.in, got.Location())
			}
		})
	}
}

// FuzzParseTimestamp compares ParseTimestamp with time.Parse, which is the
// independent oracle: whatever one accepts the other must accept (after
// mapping the lower-case "t"/"z" that RFC 3339 allows and time.Parse does
// not), with the same instant to the second.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2025-03-01T10:15:00Z", "2025-03-01T12:15:00+02:00", "2025-03-01T10:15:00.5-01:30",
		"2025-03-01T10:15:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "2024-02-29T00:00:00z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTimestamp(s)
		norm := s
		if len(s) > 19 {
			b := []byte(s)
			if b[10] == 't' {
				b[10] = 'T'
			}
			if b[len(b)-1] == 'z' {
				b[len(b)-1] = 'Z'
			}
			norm = string(b)
		}
		want, werr := time.Parse(time.RFC3339Nano, norm)
		if err != nil {
			// time.Parse is laxer than RFC 3339 in places (one-digit
			// hours, a comma before the fraction), so the converse is only
			// required for inputs of the canonical shape.
			if werr == nil && canonicalShape(norm) {
				t.Fatalf("ParseTimestamp(%q) = %v, time.Parse accepts it as %v", s, err, want)
			}
			return
		}
		if werr != nil {
			t.Fatalf("ParseTimestamp(%q) = %v, time.Parse rejects it: %v", s, got, werr)
		}
		if !got.Equal(want.Truncate(time.Second)) || got.Location() != time.UTC {
			t.Fatalf("ParseTimestamp(%q) = %v, want %v", s, got, want.Truncate(time.Second).UTC())
		}
	})
}

func canonicalShape(s string) bool {
	if len(s) < 20 {
		return false
	}
	for i := 0; i < 19; i++ {
		c := s[i]
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return s[19] == '.' || s[19] == 'Z' || s[19] == '+' || s[19] == '-'
}
