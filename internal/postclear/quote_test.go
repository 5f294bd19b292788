package postclear

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"EZZ", `"EZZ"`},
		{"a\nb", `"a\nb"`},
		{strings.Repeat("A", 40), `"` + strings.Repeat("A", 40) + `"`},
		{strings.Repeat("A", 41), `"` + strings.Repeat("A", 40) + `…" (41 bytes)`},
		// The cut never splits a character: é is 2 bytes and would straddle
		// byte 40.
		{strings.Repeat("A", 39) + "é" + "xyz", `"` + strings.Repeat("A", 39) + `…" (44 bytes)`},
		{strings.Repeat("A", 1<<20), `"` + strings.Repeat("A", 40) + `…" (1048576 bytes)`},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%.50q…) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
