package ingest

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// drain reads everything r yields and checks the reader's promises: every
// record passes Validate, every rejected row carries at least one error
// with the file name and a line, lines never go backwards, and reading ends.
func drain[T Record](t *testing.T, r *Reader[T], validate func(T) []postclear.FieldError, onRecord func(T, int)) {
	t.Helper()
	last := 0
	for i := 0; ; i++ {
		if i > 1<<20 {
			t.Fatal("reader does not end")
		}
		rec, line, errs, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			return // a file-level error (e.g. broken gzip) ends the file
		}
		if line < last || line < 1 {
			t.Fatalf("line %d after line %d", line, last)
		}
		last = line
		if errs != nil {
			for _, e := range errs {
				if e.File != r.name || e.Line != line || e.Message == "" {
					t.Fatalf("bad error %+v at line %d", e, line)
				}
			}
			continue
		}
		if verrs := validate(rec); verrs != nil {
			t.Fatalf("line %d: yielded a record that fails Validate: %v (%+v)", line, verrs, rec)
		}
		if onRecord != nil {
			onRecord(rec, line)
		}
	}
}

var fuzzNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func FuzzReadEventsCSV(f *testing.F) {
	f.Add([]byte("item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n" +
		"RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n"))
	f.Add([]byte("mail_class,office,event_time,event_code,item_id,destination_country,origin_country\r\n" +
		"PACKET,\"USJ\"\"FKA\",2025-03-01T12:15:00+02:00,EMD,RR123456785FR,US,FR\r\nx,\"y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Open[postclear.Event]("f.csv", bytes.NewReader(data), fuzzNow)
		if err != nil {
			return
		}
		drain(t, r, func(e postclear.Event) []postclear.FieldError { return e.Validate(fuzzNow) }, nil)
	})
}

// FuzzReadJSONL reads data as each record kind. For events it also checks
// the hand-written parser against encoding/json: a line that yields a
// record must be valid JSON and decode to the same record.
func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"item_id":"RR123456785FR","event_code":"EMD","event_time":"2025-03-01T10:15:00Z","office":"USJFKA",` +
		`"origin_country":"FR","destination_country":"US","mail_class":"PACKET"}` + "\n"))
	f.Add([]byte(`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"INSPECT","risk_channel":"RANDOM","duty_amount":12.5}`))
	f.Add([]byte(`{"item_id":"RR123456785FR","received_at":"2025-02-28T09:00:00Z","origin_country":"FR","destination_country":"US",` +
		`"mail_class":"PACKET","category":"GIFT","description":"t\u00e9 \ud83d\ude00","declared_value":"1","gross_weight_kg":0.5,"x":[{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Split(data, []byte("\n"))
		plain := !bytes.HasPrefix(data, []byte{0x1f, 0x8b})
		if r, err := Open[postclear.Event]("f.jsonl", bytes.NewReader(data), fuzzNow); err == nil {
			drain(t, r, func(e postclear.Event) []postclear.FieldError { return e.Validate(fuzzNow) }, func(e postclear.Event, line int) {
				if !plain || line > len(lines) {
					return
				}
				raw := lines[line-1]
				if line == 1 {
					raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
				}
				var want postclear.Event
				if err := json.Unmarshal(raw, &want); err != nil {
					t.Fatalf("line %d yields %+v but encoding/json rejects it: %v", line, e, err)
				}
				want.EventTime = want.EventTime.UTC().Truncate(time.Second)
				if want != e {
					t.Fatalf("line %d: got %+v, encoding/json reads %+v", line, e, want)
				}
			})
		}
		if r, err := Open[postclear.Declaration]("f.jsonl", bytes.NewReader(data), fuzzNow); err == nil {
			drain(t, r, func(d postclear.Declaration) []postclear.FieldError { return d.Validate(fuzzNow) }, nil)
		}
		if r, err := Open[postclear.Decision]("f.jsonl", bytes.NewReader(data), fuzzNow); err == nil {
			drain(t, r, func(d postclear.Decision) []postclear.FieldError { return d.Validate(fuzzNow) }, nil)
		}
	})
}

// FuzzJSONLPathsAgree holds the quick decoding of a JSON line (scanObject's
// one pass) against the token-by-token one it falls back on: for every line
// they must give the same record and the same errors, and a line the quick
// scan accepts must be valid JSON.
func FuzzJSONLPathsAgree(f *testing.F) {
	f.Add([]byte(`{"item_id":"RR123456785FR","decided_at":"2025-03-01T11:00:00Z","decision":"INSPECT","risk_channel":"RANDOM","duty_amount":12.5}`))
	f.Add([]byte(`{"item_id":"RR123456785FR","ITEM_ID":"x","decision":"SEIZE","seizure_category":"IPR","duty_amount":"3.10"}`))
	f.Add([]byte(`{"item_id":"RR\u0031","item_id":"RR123456785FR","decided_at":null,"decision":1,"duty_amount":true}`))
	f.Add([]byte(`{"decision":"RELEASE","x":{"a":[1,2]},"decided_at":"2025-03-01T11:00:00\ud83dZ"}`))
	f.Add([]byte(" { \"item_id\" :\t\"RR123456785FR\" , \"duty_amount\" : -0.5e+3 ,\"decision\":null}\r"))
	f.Add([]byte(`{"duty_amount":01,"decision":"SEIZE",}`))
	f.Add([]byte("{\"item_id\":\"R\tR\",\"d\u00e9cision\":\"x\",\"decision\":\"\xff\"} x"))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := Open[postclear.Decision]("f.jsonl", bytes.NewReader(nil), fuzzNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := scanObject(line, make([][]byte, len(r.s.Fields)), r.s.IndexBytes); ok && !json.Valid(line) {
			t.Fatalf("line %q: the quick scan accepts what is not JSON", line)
		}
		rec1, _, errs1, _ := r.parseObject(line, 1)
		rec2, _, errs2, _ := r.decodeTokens(line, 1)
		if rec1 != rec2 || !slices.Equal(errs1, errs2) {
			t.Fatalf("line %q:\nquick:  %+v %v\ntokens: %+v %v", line, rec1, errs1, rec2, errs2)
		}
	})
}
