package ingest

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/postclear/postclear/internal/postclear"
)

// cmpOpts compares Decimal by value (its one field is unexported).
var cmpOpts = cmpopts.EquateComparable(postclear.Decimal{})

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func dec(s string) postclear.Decimal {
	d, err := postclear.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// readAll opens and reads name/content, failing the test on file errors.
func readAll[T Record](t *testing.T, name, content string) ([]T, []postclear.FieldError) {
	t.Helper()
	r, err := Open[T](name, strings.NewReader(content), testNow)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	recs, errs, err := ReadAll(r)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return recs, errs
}

var ev1 = postclear.Event{ItemID: "RR123456785FR", EventCode: "EMD", EventTime: ts("2025-03-01T10:15:00Z"),
	Office: "USJFKA", OriginCountry: "FR", DestinationCountry: "US", MailClass: "PACKET"}

func TestReadEventsCSV(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		want     []postclear.Event
		wantErrs []postclear.FieldError
	}{
		{
			name: "canonical order",
			content: "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n",
			want: []postclear.Event{ev1},
		},
		{
			name: "other column order, offset, CRLF, BOM, blank line",
			content: "\ufeffmail_class,office,event_time,event_code,item_id,destination_country,origin_country\r\n\r\n" +
				"PACKET,USJFKA,2025-03-01T12:15:00.7+02:00,EMD,RR123456785FR,US,FR\r\n",
			want: []postclear.Event{ev1},
		},
		{
			name: "one malformed value per field, valid rows kept",
			content: "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n" +
				"RR123456787FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n" +
				"RR123456785FR,EZZ,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00,USJFKA,FR,US,PACKET\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,us-jfk,FR,US,PACKET\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,fr,US,PACKET\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,,PACKET\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,BOX\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n",
			want: []postclear.Event{ev1},
			wantErrs: []postclear.FieldError{
				{File: "e.csv", Line: 2, Field: "item_id", Message: "check digit is 7, expected 5"},
				{File: "e.csv", Line: 3, Field: "event_code", Message: `unknown event code "EZZ"`},
				{File: "e.csv", Line: 4, Field: "event_time", Message: `"2025-03-01T10:15:00" has no offset: add "Z" for UTC or an offset such as "+02:00"`},
				{File: "e.csv", Line: 5, Field: "office", Message: `"us-jfk" must be 1 to 16 characters of A-Z and 0-9`},
				{File: "e.csv", Line: 6, Field: "origin_country", Message: `"fr" must be upper case ("FR")`},
				{File: "e.csv", Line: 7, Field: "destination_country", Message: "required"},
				{File: "e.csv", Line: 8, Field: "mail_class", Message: `unknown value "BOX" (allowed: LETTER, PACKET, PARCEL, EMS)`},
			},
		},
		{
			name: "several errors in one row, in field order",
			content: "mail_class,event_time,item_id,event_code,office,origin_country,destination_country\n" +
				"X,yesterday,RR1,EMD,USJFKA,FR,US\n",
			wantErrs: []postclear.FieldError{
				{File: "e.csv", Line: 2, Field: "item_id", Message: `must be 13 characters: 2 letters, 8 digits, a check digit and a 2-letter country code (e.g. "RR123456785FR")`},
				{File: "e.csv", Line: 2, Field: "event_time", Message: `"yesterday" is not an RFC 3339 timestamp such as "2025-03-01T10:15:00Z"`},
				{File: "e.csv", Line: 2, Field: "mail_class", Message: `unknown value "X" (allowed: LETTER, PACKET, PARCEL, EMS)`},
			},
		},
		{
			name: "wrong field count and bad quoting reject only their row",
			content: "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,US\"JFKA,FR,US,PACKET\n" +
				"\"RR123456785FR\",EMD,2025-03-01T10:15:00Z,\"USJFKA\",FR,US,PACKET\n",
			want: []postclear.Event{ev1},
			wantErrs: []postclear.FieldError{
				{File: "e.csv", Line: 2, Message: "row has 6 fields, the header has 7"},
				{File: "e.csv", Line: 3, Message: `bad CSV quoting: bare " in non-quoted-field`},
			},
		},
		{
			name: "quoted field spanning lines: line is where the row starts",
			content: "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n" +
				"RR123456785FR,EMD,2025-03-01T10:15:00Z,\"USJ\nFKA\",FR,US,PACKET\n" +
				"RR123456785FR,EZZ,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n",
			wantErrs: []postclear.FieldError{
				{File: "e.csv", Line: 2, Field: "office", Message: `"USJ\nFKA" must be 1 to 16 characters of A-Z and 0-9`},
				{File: "e.csv", Line: 4, Field: "event_code", Message: `unknown event code "EZZ"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, gotErrs := readAll[postclear.Event](t, "e.csv", tt.content)
			if diff := cmp.Diff(tt.want, got, cmpOpts); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name, content, wantErr string
	}{
		{"empty file", "", "empty file"},
		{"typo", "item_id,event_code,event_tme,office,origin_country,destination_country,mail_class\n",
			`e.csv: header row (events file): unknown column "event_tme" (did you mean "event_time"?); missing column "event_time"`},
		{"missing", "item_id,event_code,event_time,office,origin_country,destination_country\n",
			`missing column "mail_class"`},
		{"twice", "item_id,item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n",
			`column "item_id" appears twice`},
		{"extra", "item_id,event_code,event_time,office,origin_country,destination_country,mail_class,weight\n",
			`unknown column "weight"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open[postclear.Event]("e.csv", strings.NewReader(tt.content), testNow)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Open error = %v, want one containing %q", err, tt.wantErr)
			}
			if postclear.ErrorCode(err) != postclear.EInvalid {
				t.Errorf("ErrorCode = %q, want %q", postclear.ErrorCode(err), postclear.EInvalid)
			}
		})
	}
}

func TestReadDeclarationsCSV(t *testing.T) {
	content := "item_id,received_at,origin_country,destination_country,mail_class,category,declared_value,gross_weight_kg\n" +
		"RR123456785FR,2025-02-28T09:00:00Z,FR,US,PACKET,GIFT,0,0.25\n" +
		"RR123456785FR,2025-02-28T09:00:00Z,FR,US,PACKET,GIFT,,0.25\n" +
		"RR123456785FR,2025-02-28T09:00:00Z,FR,US,PACKET,GIFT,1e3,-1\n"
	got, gotErrs := readAll[postclear.Declaration](t, "d.csv", content)
	want := []postclear.Declaration{{ItemID: "RR123456785FR", ReceivedAt: ts("2025-02-28T09:00:00Z"), OriginCountry: "FR",
		DestinationCountry: "US", MailClass: "PACKET", Category: "GIFT", GrossWeightKg: dec("0.25")}}
	wantErrs := []postclear.FieldError{
		{File: "d.csv", Line: 3, Field: "declared_value", Message: "required"},
		{File: "d.csv", Line: 4, Field: "declared_value", Message: `"1e3": not a decimal number`},
		{File: "d.csv", Line: 4, Field: "gross_weight_kg", Message: "-1 must not be negative"},
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestReadDecisionsJSONL(t *testing.T) {
	content := `{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"RELEASE"}` + "\n" +
		"\n   \n" +
		`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"INSPECT","risk_channel":"RANDOM","duty_amount":12.5}` + "\r\n" +
		`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"SEIZE","seizure_category":"IPR","duty_amount":"3.10"}` + "\n" +
		`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"RELEASE",}` + "\n" +
		`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"RELEASE","duty":1}` + "\n" +
		`{"item_id":"RR123456785FR","decision":"INSPECT"}` + "\n" +
		`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":1}` + "\n" +
		`{"item_id":"RR123456785FR","item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"RELEASE"}` + "\n" +
		`["RR123456785FR"]` + "\n" +
		`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"RELEASE","duty_amount":null}`
	got, gotErrs := readAll[postclear.Decision](t, "x.jsonl", content)
	at := ts("2025-03-01T11:00:00Z")
	want := []postclear.Decision{
		{ItemID: "RR123456785FR", DecidedAt: at, Decision: "RELEASE"},
		{ItemID: "RR123456785FR", DecidedAt: at, Decision: "INSPECT", RiskChannel: "RANDOM", DutyAmount: dec("12.5")},
		{ItemID: "RR123456785FR", DecidedAt: at, Decision: "SEIZE", SeizureCategory: "IPR", DutyAmount: dec("3.1")},
		{ItemID: "RR123456785FR", DecidedAt: at, Decision: "RELEASE"},
	}
	wantErrs := []postclear.FieldError{
		{File: "x.jsonl", Line: 6, Message: "invalid JSON at column 85: invalid character '}' looking for beginning of object key string"},
		{File: "x.jsonl", Line: 7, Message: `unknown field "duty"`},
		{File: "x.jsonl", Line: 8, Field: "decided_at", Message: "required"},
		{File: "x.jsonl", Line: 8, Field: "risk_channel", Message: "required when decision is INSPECT"},
		{File: "x.jsonl", Line: 9, Field: "decision", Message: "must be a JSON string, not the number 1"},
		{File: "x.jsonl", Line: 10, Field: "item_id", Message: "field given twice"},
		{File: "x.jsonl", Line: 11, Message: "invalid JSON at column 1: expected a JSON object"},
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestReadDeclarationsJSONL(t *testing.T) {
	content := `{"item_id":"RR123456785FR","received_at":"2025-02-28T09:00:00Z","origin_country":"FR","destination_country":"US",` +
		`"mail_class":"PACKET","category":"SALE_OF_GOODS","description":"Caf\u00e9 \"moka\" pot \ud83d\ude00","hs_code":"851671",` +
		`"declared_value":"19.90","currency":"EUR","gross_weight_kg":0.8}` + "\n" +
		`{"item_id":"RR123456785FR","received_at":"2025-02-28T09:00:00Z","origin_country":"FR","destination_country":"US",` +
		`"mail_class":"PACKET","category":"GIFT","declared_value":null,"gross_weight_kg":true}` + "\n"
	got, gotErrs := readAll[postclear.Declaration](t, "-", content)
	want := []postclear.Declaration{{ItemID: "RR123456785FR", ReceivedAt: ts("2025-02-28T09:00:00Z"), OriginCountry: "FR",
		DestinationCountry: "US", MailClass: "PACKET", Category: "SALE_OF_GOODS", Description: "Café \"moka\" pot 😀",
		HSCode: "851671", DeclaredValue: dec("19.9"), Currency: "EUR", GrossWeightKg: dec("0.8")}}
	wantErrs := []postclear.FieldError{
		{File: "-", Line: 2, Field: "declared_value", Message: "required"},
		{File: "-", Line: 2, Field: "gross_weight_kg", Message: "must be a JSON string"},
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestFormatDetection(t *testing.T) {
	csvText := "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n" +
		"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n"
	jsonText := "\n  " + `{"item_id":"RR123456785FR","event_code":"EMD","event_time":"2025-03-01T10:15:00Z","office":"USJFKA",` +
		`"origin_country":"FR","destination_country":"US","mail_class":"PACKET"}` + "\n"
	gz := func(s string) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.String()
	}
	tests := []struct {
		name, content string
		want          Format
	}{
		{"e.csv", csvText, CSV},
		{"e.CSV.gz", gz(csvText), CSV},
		{"e.jsonl", jsonText, JSONL},
		{"e.ndjson.gz", gz(jsonText), JSONL},
		{"e.json", jsonText, JSONL},
		{"-", csvText, CSV},
		{"-", jsonText, JSONL},
		{"-", gz(jsonText), JSONL},
		{"e.csv", gz(csvText), CSV},     // gzip without the .gz name
		{"e.gz", gz(jsonText), JSONL},   // no format in the name: sniffed
		{"e.txt", csvText, CSV},         // unknown extension: sniffed
		{"e.jsonl.gz", jsonText, JSONL}, // .gz name but not compressed
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+string(tt.want), func(t *testing.T) {
			r, err := Open[postclear.Event](tt.name, strings.NewReader(tt.content), testNow)
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != tt.want {
				t.Errorf("Format() = %s, want %s", r.Format(), tt.want)
			}
			recs, errs, err := ReadAll(r)
			if err != nil || errs != nil {
				t.Fatalf("ReadAll: %v %v", errs, err)
			}
			if diff := cmp.Diff([]postclear.Event{ev1}, recs, cmpOpts); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenRejectsJSONArray(t *testing.T) {
	_, err := Open[postclear.Event]("e.json", strings.NewReader(`  [{"item_id":"x"}]`), testNow)
	if err == nil || !strings.Contains(err.Error(), "JSON array") {
		t.Fatalf("Open error = %v, want a JSON array error", err)
	}
}

func TestCorruptGzipIsAFileError(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(strings.Repeat(`{"item_id":"RR123456785FR"}`+"\n", 1000)))
	zw.Close()
	data := b.Bytes()[:b.Len()/2]
	r, err := Open[postclear.Event]("e.jsonl.gz", bytes.NewReader(data), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadAll(r); err == nil {
		t.Fatal("ReadAll of a truncated gzip stream succeeded")
	}
}

func TestJSONLLongLine(t *testing.T) {
	content := `{"item_id":"` + strings.Repeat("A", DefaultMaxRecordBytes) + `"}` + "\n" +
		`{"item_id":"RR123456785FR","event_code":"EMD","event_time":"2025-03-01T10:15:00Z","office":"USJFKA",` +
		`"origin_country":"FR","destination_country":"US","mail_class":"PACKET"}`
	got, gotErrs := readAll[postclear.Event](t, "e.jsonl", content)
	if diff := cmp.Diff([]postclear.Event{ev1}, got, cmpOpts); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	want := []postclear.FieldError{{File: "e.jsonl", Line: 1, Field: "item_id",
		Message: `the record is longer than 65536 bytes, the limit of a record (--max-record-bytes); the value starts "` + strings.Repeat("A", 40) + `…"`}}
	if diff := cmp.Diff(want, gotErrs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestDocExamples reads the examples of docs/records.md, kept as fixtures
// in testdata/examples: each must load without a rejected row.
func TestDocExamples(t *testing.T) {
	check := func(t *testing.T, name string, read func(string) (int, []postclear.FieldError)) {
		n, errs := read(name)
		if errs != nil || n == 0 {
			t.Errorf("%s: %d records, rejected %v", name, n, errs)
		}
	}
	for _, ext := range []string{"csv", "jsonl"} {
		t.Run(ext, func(t *testing.T) {
			check(t, "events."+ext, func(n string) (int, []postclear.FieldError) {
				recs, errs := readAll[postclear.Event](t, n, readFixture(t, n))
				return len(recs), errs
			})
			check(t, "declarations."+ext, func(n string) (int, []postclear.FieldError) {
				recs, errs := readAll[postclear.Declaration](t, n, readFixture(t, n))
				return len(recs), errs
			})
			check(t, "decisions."+ext, func(n string) (int, []postclear.FieldError) {
				recs, errs := readAll[postclear.Decision](t, n, readFixture(t, n))
				return len(recs), errs
			})
		})
	}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
