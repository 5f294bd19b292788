package warehouse

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
)

// TestColumnRows: the row form of columns, which engines without a
// column-by-column insert (the server) are given, holds the same values;
// columns of different lengths and columns without a row form are refused.
func TestColumnRows(t *testing.T) {
	at := time.Date(2025, 3, 1, 10, 15, 0, 0, time.UTC)
	names, rows, err := ColumnRows([]Column{
		{"s", []string{"a", ""}},
		{"at", []time.Time{at, noDate}},
		{"d", []postclear.Decimal{postclear.DecimalFromUnits(1), postclear.DecimalFromUnits(-2)}},
		{"n", []uint32{7, 0}},
		{"v", []uint64{^uint64(0), 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{
		{"a", at, postclear.DecimalFromUnits(1), uint32(7), ^uint64(0)},
		{"", noDate, postclear.DecimalFromUnits(-2), uint32(0), uint64(1)},
	}
	if diff := cmp.Diff([]string{"s", "at", "d", "n", "v"}, names); diff != "" {
		t.Errorf("names (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff(want, rows, cmp.AllowUnexported(postclear.Decimal{})); diff != "" {
		t.Errorf("rows (-want +got)\n%s", diff)
	}
	for name, cols := range map[string][]Column{
		"lengths":     {{"a", []string{"x"}}, {"b", []uint64{1, 2}}},
		"nullable":    {{"a", []*string{nil}}},
		"array":       {{"a", [][]string{{"x"}}}},
		"unsupported": {{"a", []byte("x")[:0:0]}, {"b", []int32{1}}},
		"none":        nil,
	} {
		if _, _, err := ColumnRows(cols); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
