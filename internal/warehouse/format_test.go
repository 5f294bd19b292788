package warehouse_test

import (
	"testing"

	"github.com/postclear/postclear/internal/warehouse"
)

// Array parameters render as ClickHouse array literals, which the engines
// parse as the parameter's declared type.
func TestFormatValueArrays(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{[]string{"KE", "it's"}, `['KE','it\'s']`},
		{[]string{}, `[]`},
		{[]int64{20270, -1, 2147483648}, `[20270,-1,2147483648]`},
		{[]int64{}, `[]`},
	} {
		got, err := warehouse.FormatValue(c.v)
		if err != nil || got != c.want {
			t.Errorf("FormatValue(%#v) = %q, %v; want %q", c.v, got, err, c.want)
		}
	}
}
