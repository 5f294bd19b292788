package postclear

import "testing"

func TestISOCodeLists(t *testing.T) {
	if n := len(CountryCodes); n != 249 {
		t.Errorf("len(CountryCodes) = %d, want the 249 officially assigned codes", n)
	}
	for _, list := range [][]string{CountryCodes, CurrencyCodes} {
		for i := 1; i < len(list); i++ {
			if list[i-1] >= list[i] {
				t.Errorf("code list not sorted or has a duplicate at %q, %q", list[i-1], list[i])
			}
		}
	}
}

func TestIsCountry(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"FR", true}, {"GB", true}, {"ZW", true}, {"AD", true}, {"SS", true}, {"BQ", true},
		{"fr", false}, {"Fr", false}, {"UK", false}, {"EU", false}, {"XK", false},
		{"", false}, {"F", false}, {"FRA", false}, {"F1", false}, {"é", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := IsCountry(tt.code); got != tt.want {
				t.Errorf("IsCountry(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestIsCurrency(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"EUR", true}, {"USD", true}, {"XCG", true}, {"ZWG", true}, {"SLE", true}, {"VED", true},
		{"eur", false}, {"HRK", false}, {"ZWL", false}, {"DEM", false}, {"EU", false},
		{"EURO", false}, {"", false}, {"E1R", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := IsCurrency(tt.code); got != tt.want {
				t.Errorf("IsCurrency(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}
