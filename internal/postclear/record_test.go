package postclear

import (
	"fmt"
	"testing"
	"time"
)

// checkSchema holds a record schema to its own promises: names unique and
// lower_snake_case, Ptr giving the Go type its field type calls for, and a
// value written by Format read back the same by Parse.
func checkSchema[T Record](t *testing.T, sample T) {
	sc := SchemaOf[T]()
	t.Run(string(sc.Kind), func(t *testing.T) {
		if sc.Table == "" || len(sc.Fields) == 0 || len(sc.Fields) > 64 {
			t.Fatalf("schema %s: table %q, %d fields (1 to 64: the JSON Lines reader keeps a bit per field)", sc.Kind, sc.Table, len(sc.Fields))
		}
		for i := range sc.Fields {
			f := &sc.Fields[i]
			if sc.Index(f.Name) != i {
				t.Errorf("%s: Index(%q) = %d, want %d (a name given twice?)", sc.Kind, f.Name, sc.Index(f.Name), i)
			}
			for _, c := range f.Name {
				if !(c >= 'a' && c <= 'z' || c == '_') {
					t.Errorf("%s: field name %q is not lower_snake_case", sc.Kind, f.Name)
				}
			}
			var zero T
			typ := fmt.Sprintf("%T", f.Ptr(&zero))
			want := map[FieldType][]string{
				TypeText: {"*string"}, TypeCode: {"*string"}, TypeTimestamp: {"*time.Time"},
				TypeDate: {"*time.Time", "**time.Time"}, TypeDecimal: {"*postclear.Decimal"}, TypeCount: {"*int"},
			}[f.Type]
			if !contains(want, typ) {
				t.Errorf("%s.%s: Ptr gives %s, want one of %v for its type", sc.Kind, f.Name, typ, want)
			}
			if typ == "**time.Time" && !f.Optional {
				t.Errorf("%s.%s: a date that may be absent must be Optional", sc.Kind, f.Name)
			}
		}
		if errs := sc.Validate(&sample, testNow); errs != nil {
			t.Fatalf("%s sample is invalid: %v", sc.Kind, errs)
		}
		var back T
		for i := range sc.Fields {
			if msg := sc.Fields[i].Parse(&back, sc.Fields[i].Format(&sample)); msg != "" {
				t.Errorf("%s.%s: %q does not read back: %s", sc.Kind, sc.Fields[i].Name, sc.Fields[i].Format(&sample), msg)
			}
		}
		if got, want := fmt.Sprint(back), fmt.Sprint(sample); got != want {
			t.Errorf("%s: read back %s, wrote %s", sc.Kind, got, want)
		}
	})
}

func TestRecordSchemas(t *testing.T) {
	resolved := time.Date(2025, 5, 2, 0, 0, 0, 0, time.UTC)
	checkSchema(t, validEvent())
	checkSchema(t, validDeclaration())
	checkSchema(t, Decision{ItemID: "RR123456785FR", DecidedAt: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), Decision: "INSPECT",
		RiskChannel: "TARGETED", DutyAmount: DecimalFromUnits(1_500_000)})
	checkSchema(t, Activity{MoUID: "mou-ke-2024", Date: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), Title: "Joint workshop",
		Kind: "WORKSHOP", CustomsParticipants: 12, PostParticipants: 9})
	checkSchema(t, Dispute{MoUID: "mou-ke-2024", OpenedOn: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Subject: "Late presentation",
		ResolvedOn: &resolved, Resolution: "AGREEMENT"})
	checkSchema(t, Holiday{Country: "KE", Date: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Name: "Madaraka Day"})
	checkSchema(t, Action{MoUID: "mou-ke-2024", ID: "2025-Q2-03", RaisedOn: time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC),
		Text: "Send the daily release file by 06:00", Owner: "JOINT", DueOn: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		Status: "DONE", ClosedOn: &resolved, KPI: "CLEARANCE_P90_HOURS"})
}

func TestCamelCase(t *testing.T) {
	for in, want := range map[string]string{"item_id": "itemId", "gross_weight_kg": "grossWeightKg", "date": "date", "mou_id": "mouId"} {
		if got := CamelCase(in); got != want {
			t.Errorf("CamelCase(%q) = %q, want %q", in, got, want)
		}
	}
}
