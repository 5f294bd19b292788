package postclear

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func validEvent() Event {
	return Event{
		ItemID: "RR123456785FR", EventCode: "EMD", EventTime: time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC),
		Office: "USJFKA", OriginCountry: "FR", DestinationCountry: "US", MailClass: "PACKET",
	}
}

func validDeclaration() Declaration {
	return Declaration{
		ItemID: "RR123456785FR", ReceivedAt: time.Date(2025, 4, 30, 8, 0, 0, 0, time.UTC),
		OriginCountry: "FR", DestinationCountry: "US", MailClass: "PACKET", Category: "SALE_OF_GOODS",
		Description: "Wool sweater", HSCode: "611011", DeclaredValue: DecimalFromUnits(45_500_000),
		Currency: "EUR", GrossWeightKg: DecimalFromUnits(400_000),
	}
}

func validDecision() Decision {
	return Decision{ItemID: "RR123456785FR", DecidedAt: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), Decision: "RELEASE"}
}

func fe(field, msg string) []FieldError { return []FieldError{{Field: field, Message: msg}} }

func TestEventValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Event)
		want   []FieldError
	}{
		{"valid", func(*Event) {}, nil},
		{"valid at now plus 1 day", func(e *Event) { e.EventTime = testNow.Add(24 * time.Hour) }, nil},
		{"item_id check digit", func(e *Event) { e.ItemID = "RR123456787FR" }, fe("item_id", "check digit is 7, expected 5")},
		{"event_code empty", func(e *Event) { e.EventCode = "" }, fe("event_code", "required")},
		{"event_code unknown", func(e *Event) { e.EventCode = "EZZ" }, fe("event_code", `unknown event code "EZZ"`)},
		{"event_time zero", func(e *Event) { e.EventTime = time.Time{} }, fe("event_time", "required")},
		{"event_time before 2000", func(e *Event) { e.EventTime = time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC) },
			fe("event_time", "1999-12-31T23:59:59Z is before the year 2000")},
		{"event_time future", func(e *Event) { e.EventTime = testNow.Add(24*time.Hour + time.Second) },
			fe("event_time", "2025-06-02T12:00:01Z is more than 1 day in the future")},
		{"office empty", func(e *Event) { e.Office = "" }, fe("office", "required")},
		{"office lower case", func(e *Event) { e.Office = "usjfka" }, fe("office", `"usjfka" must be 1 to 16 characters of A-Z and 0-9`)},
		{"office too long", func(e *Event) { e.Office = "ABCDEFGHIJKLMNOPQ" }, fe("office", `"ABCDEFGHIJKLMNOPQ" must be 1 to 16 characters of A-Z and 0-9`)},
		{"origin_country lower", func(e *Event) { e.OriginCountry = "fr" }, fe("origin_country", `"fr" must be upper case ("FR")`)},
		{"destination_country unknown", func(e *Event) { e.DestinationCountry = "UK" }, fe("destination_country", `"UK" is not an ISO 3166-1 alpha-2 country code`)},
		{"destination_country empty", func(e *Event) { e.DestinationCountry = "" }, fe("destination_country", "required")},
		{"mail_class unknown", func(e *Event) { e.MailClass = "PARCELS" }, fe("mail_class", `unknown value "PARCELS" (allowed: LETTER, PACKET, PARCEL, EMS)`)},
		{"several at once", func(e *Event) { e.ItemID = ""; e.MailClass = "" },
			[]FieldError{{Field: "item_id", Message: "required"}, {Field: "mail_class", Message: "required"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.modify(&e)
			if diff := cmp.Diff(tt.want, e.Validate(testNow)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeclarationValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Declaration)
		want   []FieldError
	}{
		{"valid", func(*Declaration) {}, nil},
		{"valid but incomplete", func(d *Declaration) {
			d.Description, d.HSCode, d.Currency, d.DeclaredValue, d.GrossWeightKg = "", "", "", Decimal{}, Decimal{}
		}, nil},
		{"description of 512 multi-byte characters", func(d *Declaration) { d.Description = strings.Repeat("é", 512) }, nil},
		{"item_id", func(d *Declaration) { d.ItemID = "RR123456785" }, fe("item_id", errS10Length.Error())},
		{"received_at before 2000", func(d *Declaration) { d.ReceivedAt = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC) },
			fe("received_at", "1970-01-01T00:00:00Z is before the year 2000")},
		{"received_at future", func(d *Declaration) { d.ReceivedAt = testNow.Add(48 * time.Hour) },
			fe("received_at", "2025-06-03T12:00:00Z is more than 1 day in the future")},
		{"origin_country", func(d *Declaration) { d.OriginCountry = "F" }, fe("origin_country", `"F" is not an ISO 3166-1 alpha-2 country code`)},
		{"destination_country", func(d *Declaration) { d.DestinationCountry = "ZZ" }, fe("destination_country", `"ZZ" is not an ISO 3166-1 alpha-2 country code`)},
		{"mail_class", func(d *Declaration) { d.MailClass = "" }, fe("mail_class", "required")},
		{"category", func(d *Declaration) { d.Category = "GIFTS" },
			fe("category", `unknown value "GIFTS" (allowed: GIFT, DOCUMENTS, SALE_OF_GOODS, RETURNED_GOODS, COMMERCIAL_SAMPLE, OTHER)`)},
		{"description too long", func(d *Declaration) { d.Description = strings.Repeat("é", 513) },
			fe("description", "has 513 characters, at most 512 allowed")},
		{"description not UTF-8", func(d *Declaration) { d.Description = "caf\xe9" }, fe("description", NotTextMessage)},
		// What encoding/json and gqlgen make of "caf\xe9": refused alike.
		{"description with U+FFFD", func(d *Declaration) { d.Description = "caf\ufffd" }, fe("description", NotTextMessage)},
		{"hs_code short", func(d *Declaration) { d.HSCode = "6110" }, fe("hs_code", `"6110" must be empty or 6 to 10 digits`)},
		{"hs_code long", func(d *Declaration) { d.HSCode = "61101100001" }, fe("hs_code", `"61101100001" must be empty or 6 to 10 digits`)},
		{"hs_code dotted", func(d *Declaration) { d.HSCode = "6110.11" }, fe("hs_code", `"6110.11" must be empty or 6 to 10 digits`)},
		{"declared_value negative", func(d *Declaration) { d.DeclaredValue = DecimalFromUnits(-1_500_000) },
			fe("declared_value", "-1.5 must not be negative")},
		{"currency unknown", func(d *Declaration) { d.Currency = "EURO" }, fe("currency", `"EURO" is not an ISO 4217 currency code`)},
		{"currency lower case", func(d *Declaration) { d.Currency = "eur" }, fe("currency", `"eur" must be upper case ("EUR")`)},
		{"gross_weight_kg negative", func(d *Declaration) { d.GrossWeightKg = DecimalFromUnits(-1) },
			fe("gross_weight_kg", "-0.000001 must not be negative")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDeclaration()
			tt.modify(&d)
			if diff := cmp.Diff(tt.want, d.Validate(testNow)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecisionValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Decision)
		want   []FieldError
	}{
		{"valid release", func(*Decision) {}, nil},
		{"valid inspect", func(d *Decision) { d.Decision, d.RiskChannel = "INSPECT", "TARGETED" }, nil},
		{"valid seize", func(d *Decision) { d.Decision, d.SeizureCategory = "SEIZE", "IPR" }, nil},
		{"valid duty", func(d *Decision) { d.DutyAmount = DecimalFromUnits(12_340_000) }, nil},
		{"item_id", func(d *Decision) { d.ItemID = "RR123456785ZZ" }, fe("item_id", `country code "ZZ" is not an ISO 3166-1 code`)},
		{"decided_at zero", func(d *Decision) { d.DecidedAt = time.Time{} }, fe("decided_at", "required")},
		{"decided_at future", func(d *Decision) { d.DecidedAt = testNow.AddDate(1, 0, 0) },
			fe("decided_at", "2026-06-01T12:00:00Z is more than 1 day in the future")},
		{"decision empty", func(d *Decision) { d.Decision = "" }, fe("decision", "required")},
		{"decision unknown", func(d *Decision) { d.Decision = "RELEASED" },
			fe("decision", `unknown value "RELEASED" (allowed: RELEASE, HOLD, INSPECT, SEIZE, RETURN, DO_NOT_LOAD, REQUEST_INFO)`)},
		{"risk_channel missing for INSPECT", func(d *Decision) { d.Decision = "INSPECT" }, fe("risk_channel", "required when decision is INSPECT")},
		{"risk_channel unknown", func(d *Decision) { d.Decision, d.RiskChannel = "INSPECT", "AI" },
			fe("risk_channel", `unknown value "AI" (allowed: TARGETED, RANDOM, DISCRETIONARY)`)},
		{"risk_channel without INSPECT", func(d *Decision) { d.RiskChannel = "RANDOM" }, fe("risk_channel", "must be empty unless decision is INSPECT")},
		{"seizure_category missing for SEIZE", func(d *Decision) { d.Decision = "SEIZE" }, fe("seizure_category", "required when decision is SEIZE")},
		{"seizure_category unknown", func(d *Decision) { d.Decision, d.SeizureCategory = "SEIZE", "WEAPONS" },
			fe("seizure_category", `unknown value "WEAPONS" (allowed: DRUGS, IPR, REVENUE, ENVIRONMENT, SECURITY, CURRENCY, CULTURAL_HERITAGE, OTHER)`)},
		{"seizure_category without SEIZE", func(d *Decision) { d.Decision, d.RiskChannel, d.SeizureCategory = "INSPECT", "RANDOM", "DRUGS" },
			fe("seizure_category", "must be empty unless decision is SEIZE")},
		{"duty_amount negative", func(d *Decision) { d.DutyAmount = DecimalFromUnits(-10_000_000) }, fe("duty_amount", "-10 must not be negative")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDecision()
			tt.modify(&d)
			if diff := cmp.Diff(tt.want, d.Validate(testNow)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeclarationComplete(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Declaration)
		want   bool
	}{
		{"complete", func(*Declaration) {}, true},
		{"no hs_code needed for a gift", func(d *Declaration) { d.Category, d.HSCode = "GIFT", "" }, true},
		{"empty description", func(d *Declaration) { d.Description = "" }, false},
		{"blank description", func(d *Declaration) { d.Description = " \t " }, false},
		{"vague description, any case, trimmed", func(d *Declaration) { d.Description = "  Gifts " }, false},
		{"vague word inside a real description", func(d *Declaration) { d.Description = "gift box of tea" }, true},
		{"zero value", func(d *Declaration) { d.DeclaredValue = Decimal{} }, false},
		{"no currency", func(d *Declaration) { d.Currency = "" }, false},
		{"zero weight", func(d *Declaration) { d.GrossWeightKg = Decimal{} }, false},
		{"sale without hs_code", func(d *Declaration) { d.HSCode = "" }, false},
		{"commercial sample without hs_code", func(d *Declaration) { d.Category, d.HSCode = "COMMERCIAL_SAMPLE", "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDeclaration()
			tt.modify(&d)
			if got := d.Complete(); got != tt.want {
				t.Errorf("Complete() = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkEventValidate(b *testing.B) {
	e := validEvent()
	b.ReportAllocs()
	for b.Loop() {
		if e.Validate(testNow) != nil {
			b.Fatal("invalid")
		}
	}
}
