package postclear

import (
	"strings"
	"testing"
)

func TestS10CheckDigit(t *testing.T) {
	tests := []struct {
		serial string
		want   int
	}{
		{"12345678", 5}, // sum 204, 11 − 204 mod 11 = 5
		{"00000000", 5}, // 11 − 0 = 11 → 5
		{"00000008", 0}, // sum 56, 11 − 1 = 10 → 0
		{"00000001", 4}, // sum 7
		{"00000003", 1}, // sum 21, 11 − 10 = 1
	}
	for _, tt := range tests {
		t.Run(tt.serial, func(t *testing.T) {
			if got := S10CheckDigit(tt.serial); got != tt.want {
				t.Errorf("S10CheckDigit(%q) = %d, want %d", tt.serial, got, tt.want)
			}
		})
	}
}

func TestValidS10(t *testing.T) {
	tests := []struct {
		name, id, wantErr string // wantErr: substring, "" for valid
	}{
		{"valid", "RR123456785FR", ""},
		{"valid 11 maps to 5", "CP000000005US", ""},
		{"valid 10 maps to 0", "EE000000080CN", ""},
		{"empty", "", "required"},
		{"short", "RR12345678FR", "must be 13 characters"},
		{"long", "RR123456785FRX", "must be 13 characters"},
		{"lower-case service indicator", "rr123456785FR", "upper case"},
		{"digit in service indicator", "R1123456785FR", "must start with 2 letters"},
		{"letter in serial", "RR12345A785FR", "must be digits"},
		{"letter as check digit", "RR12345678XFR", "must be digits"},
		{"wrong check digit", "RR123456787FR", "check digit is 7, expected 5"},
		{"lower-case country", "RR123456785fr", "must be 2 upper-case letters"},
		{"unknown country", "RR123456785XX", `"XX" is not an ISO 3166-1 code`},
		{"reserved code UK", "RR123456785UK", `"UK" is not an ISO 3166-1 code`},
		{"non-ASCII digit", "RR1234567é5F", "must be digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidS10(tt.id)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidS10(%q) = %v, want nil", tt.id, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ValidS10(%q) = %v, want an error containing %q", tt.id, err, tt.wantErr)
			}
		})
	}
}

func TestS10CheckDigitPanicsOnBadSerial(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("S10CheckDigit(\"1234\") did not panic")
		}
	}()
	S10CheckDigit("1234")
}

func FuzzValidS10(f *testing.F) {
	for _, s := range []string{"RR123456785FR", "EE000000080CN", "rr123456785fr", "", "RR1234567é5F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if ValidS10(id) != nil {
			return
		}
		// Anything accepted must match the definition, checked independently.
		if len(id) != 13 {
			t.Fatalf("accepted %q of length %d", id, len(id))
		}
		for i := 0; i < 13; i++ {
			c := id[i]
			letter := c >= 'A' && c <= 'Z'
			digit := c >= '0' && c <= '9'
			if (i < 2 || i > 10) && !letter || i >= 2 && i <= 10 && !digit {
				t.Fatalf("accepted %q: byte %d is %q", id, i, c)
			}
		}
		if got := int(id[10] - '0'); got != S10CheckDigit(id[2:10]) {
			t.Fatalf("accepted %q with wrong check digit", id)
		}
		if !IsCountry(id[11:]) {
			t.Fatalf("accepted %q with unknown country", id)
		}
	})
}
