package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postclear/postclear/internal/postclear"
)

var (
	rtEvents = []postclear.Event{
		ev1,
		{ItemID: "EE000000080CN", EventCode: "EMA", EventTime: ts("2025-02-27T23:59:59Z"), Office: "CNPEKA",
			OriginCountry: "CN", DestinationCountry: "DE", MailClass: "EMS"},
	}
	rtDeclarations = []postclear.Declaration{
		{ItemID: "RR123456785FR", ReceivedAt: ts("2025-02-28T09:00:00Z"), OriginCountry: "FR", DestinationCountry: "US",
			MailClass: "PACKET", Category: "SALE_OF_GOODS", Description: `Café "moka" pot, 6 cups` + "\nsecond line",
			HSCode: "851671", DeclaredValue: dec("19.9"), Currency: "EUR", GrossWeightKg: dec("0.000001")},
		{ItemID: "CP000000005US", ReceivedAt: ts("2025-02-28T09:00:01Z"), OriginCountry: "US", DestinationCountry: "FR",
			MailClass: "LETTER", Category: "DOCUMENTS", DeclaredValue: dec("999999999999.999999")},
	}
	rtDecisions = []postclear.Decision{
		{ItemID: "RR123456785FR", DecidedAt: ts("2025-03-01T11:00:00Z"), Decision: "INSPECT", RiskChannel: "TARGETED"},
		{ItemID: "RR123456785FR", DecidedAt: ts("2025-03-01T12:00:00Z"), Decision: "SEIZE", SeizureCategory: "CULTURAL_HERITAGE",
			DutyAmount: dec("12.34")},
	}
)

func roundTrip[T Record](t *testing.T, recs []T) {
	t.Helper()
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			var err error
			if format == "csv" {
				err = WriteCSV(&b, recs)
			} else {
				err = WriteJSONL(&b, recs)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, errs := readAll[T](t, "rt."+format, b.String())
			if errs != nil {
				t.Fatalf("rejected rows: %v\n%s", errs, b.String())
			}
			if diff := cmp.Diff(recs, got, cmpOpts); diff != "" {
				t.Errorf("read(write(recs)) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	t.Run("events", func(t *testing.T) { roundTrip(t, rtEvents) })
	t.Run("declarations", func(t *testing.T) { roundTrip(t, rtDeclarations) })
	t.Run("decisions", func(t *testing.T) { roundTrip(t, rtDecisions) })
}

func TestWriteCSVCanonicalForm(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, rtDecisions); err != nil {
		t.Fatal(err)
	}
	want := "item_id,decided_at,decision,risk_channel,seizure_category,duty_amount\n" +
		"RR123456785FR,2025-03-01T11:00:00Z,INSPECT,TARGETED,,0\n" +
		"RR123456785FR,2025-03-01T12:00:00Z,SEIZE,,CULTURAL_HERITAGE,12.34\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteCSV (-want +got):\n%s", diff)
	}
	b.Reset()
	if err := WriteCSV[postclear.Event](&b, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), strings.Join(Fields[postclear.Event](), ",")+"\n"; got != want {
		t.Errorf("WriteCSV of no records = %q, want the header %q", got, want)
	}
}

func TestErrorReport(t *testing.T) {
	errs := []postclear.FieldError{
		{File: "e.csv", Line: 3, Field: "event_code", Message: `unknown event code "EZZ"`},
		{File: "e.csv", Line: 4, Message: "row has 6 fields, the header has 7"},
	}
	tests := []struct{ name, want string }{
		{"errors.csv", "file,line,field,message\n" +
			"e.csv,3,event_code,\"unknown event code \"\"EZZ\"\"\"\n" +
			"e.csv,4,,\"row has 6 fields, the header has 7\"\n"},
		{"errors.JSONL", `{"file":"e.csv","line":3,"field":"event_code","message":"unknown event code \"EZZ\""}` + "\n" +
			`{"file":"e.csv","line":4,"field":"","message":"row has 6 fields, the header has 7"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			rep := NewErrorReport(tt.name, &b)
			if err := rep.Add(errs...); err != nil {
				t.Fatal(err)
			}
			if err := rep.Flush(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			if rep.Count() != 2 {
				t.Errorf("Count() = %d, want 2", rep.Count())
			}
		})
	}
}
