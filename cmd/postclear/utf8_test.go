package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

// Issue 9: GraphQL ingest replaced invalid UTF-8 with U+FFFD and stored the
// record, while the CLI rejected it. The same bytes are now rejected alike
// in a CSV file, a JSON Lines file and a GraphQL request, with the same
// field and message, and the valid records of the same request are stored.
func TestInvalidUTF8RejectedAlike(t *testing.T) {
	s := startServer(t, "utf8_alike")
	const bad = "Caf\xe9 pot" // Latin-1, as a spreadsheet export may write it
	decl := func(id, desc string) string {
		return `{"itemId":"` + id + `","receivedAt":"2025-02-28T09:00:00Z","originCountry":"FR","destinationCountry":"KE",` +
			`"mailClass":"PACKET","category":"GIFT","description":"` + desc + `","declaredValue":"10","currency":"EUR","grossWeightKg":"0.5"}`
	}
	body := `{"query":"mutation($r: [DeclarationInput!]!) { ingestDeclarations(records: $r) { accepted rejected errors { index field message } } }",` +
		`"variables":{"r":[` + decl("RR123456785FR", "Coffee pot") + `,` + decl("RR123456785FR", bad) + `,` + decl("RR123456785FR", `Caf\ufffd pot`) + `]}}`
	resp, err := http.Post("http://"+s.Addr()+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			IngestDeclarations struct {
				Accepted, Rejected int
				Errors             []struct {
					Index          int
					Field, Message string
				}
			}
		}
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("decode: %v %v", err, out.Errors)
	}
	got := out.Data.IngestDeclarations
	if got.Accepted != 1 || got.Rejected != 2 {
		t.Errorf("accepted %d, rejected %d; want 1 and 2", got.Accepted, got.Rejected)
	}
	for _, e := range got.Errors {
		if e.Field != "description" || e.Message != postclear.NotTextMessage {
			t.Errorf("record %d: %s: %s; want description: %s", e.Index, e.Field, e.Message, postclear.NotTextMessage)
		}
	}

	// The same record in files.
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	want := []postclear.FieldError{{File: "d", Line: 2, Field: "description", Message: postclear.NotTextMessage}}
	for name, content := range map[string]string{
		"csv": "item_id,received_at,origin_country,destination_country,mail_class,category,description,declared_value,currency,gross_weight_kg\n" +
			"RR123456785FR,2025-02-28T09:00:00Z,FR,KE,PACKET,GIFT," + bad + ",10,EUR,0.5\n",
		"jsonl": "\n" + `{"item_id":"RR123456785FR","received_at":"2025-02-28T09:00:00Z","origin_country":"FR","destination_country":"KE",` +
			`"mail_class":"PACKET","category":"GIFT","description":"` + bad + `","declared_value":"10","currency":"EUR","gross_weight_kg":"0.5"}` + "\n",
	} {
		r, err := ingest.Open[postclear.Declaration]("d", bytes.NewReader([]byte(content)), now)
		if err != nil {
			t.Fatal(err)
		}
		recs, errs, err := ingest.ReadAll(r)
		if err != nil || len(recs) != 0 {
			t.Fatalf("%s: %d records, %v", name, len(recs), err)
		}
		if diff := cmp.Diff(want, errs); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}
