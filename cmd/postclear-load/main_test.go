package main

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The mixed mode's ingests must be accepted whole by the server: every
// generated item id valid and new, every record valid by the domain's own
// rules.
func TestIngestRequestRecordsAreValid(t *testing.T) {
	next := itemIDs(7)
	seen := map[string]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		id := next()
		if err := postclear.ValidS10(id); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("%s generated twice", id)
		}
		seen[id] = true
		var req struct {
			Variables struct {
				Ev  []map[string]string
				Dec []map[string]string
			}
		}
		if err := json.Unmarshal(ingestRequest(rng, id, 520), &req); err != nil {
			t.Fatal(err)
		}
		for _, m := range req.Variables.Ev {
			at, err := time.Parse(time.RFC3339, m["eventTime"])
			if err != nil {
				t.Fatal(err)
			}
			e := postclear.Event{ItemID: m["itemId"], EventCode: m["eventCode"], EventTime: at, Office: m["office"],
				OriginCountry: m["originCountry"], DestinationCountry: m["destinationCountry"], MailClass: m["mailClass"]}
			if errs := e.Validate(time.Now()); len(errs) > 0 {
				t.Fatalf("event %v: %v", m, errs)
			}
		}
		for _, m := range req.Variables.Dec {
			at, err := time.Parse(time.RFC3339, m["decidedAt"])
			if err != nil {
				t.Fatal(err)
			}
			d := postclear.Decision{ItemID: m["itemId"], DecidedAt: at, Decision: m["decision"]}
			if errs := d.Validate(time.Now()); len(errs) > 0 {
				t.Fatalf("decision %v: %v", m, errs)
			}
		}
	}
}
