package postclear

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the record contract (docs/records.md).
const (
	// MaxDescriptionRunes bounds a declaration's description, in characters.
	MaxDescriptionRunes = 512
	// MaxOfficeLen bounds an office code.
	MaxOfficeLen = 16
	// MinTimestampYear is the earliest year a record timestamp may have; an
	// earlier one is almost always a default or epoch value, not data.
	MinTimestampYear = 2000
	// MaxFutureSkew is how far after the ingestion time a timestamp may lie,
	// allowing for clock differences between the parties.
	MaxFutureSkew = 24 * time.Hour
)

// The schemas of the three streams (docs/domain.md, "Records"). Each field
// is one line: name, type, whether it may be empty, where it lives in the
// record, and its rule.

// EventSchema describes tracking events.
var EventSchema = (&RecordSchema[Event]{
	Kind:  KindEvents,
	Table: "events",
	Fields: []RecordField[Event]{
		{Name: "item_id", Type: TypeText, Ptr: func(e *Event) any { return &e.ItemID }, Check: str(s10Rule)},
		{Name: "event_code", Type: TypeCode, Ptr: func(e *Event) any { return &e.EventCode }, Check: str(eventCodeRule)},
		{Name: "event_time", Type: TypeTimestamp, Ptr: func(e *Event) any { return &e.EventTime }, Check: recordTime},
		{Name: "office", Type: TypeCode, Ptr: func(e *Event) any { return &e.Office }, Check: str(officeRule)},
		{Name: "origin_country", Type: TypeCode, Ptr: func(e *Event) any { return &e.OriginCountry }, Check: str(countryRule)},
		{Name: "destination_country", Type: TypeCode, Ptr: func(e *Event) any { return &e.DestinationCountry }, Check: str(countryRule)},
		{Name: "mail_class", Type: TypeCode, Ptr: func(e *Event) any { return &e.MailClass }, Check: oneOf(MailClasses)},
	},
}).init()

// DeclarationSchema describes declarations (electronic advance data).
var DeclarationSchema = (&RecordSchema[Declaration]{
	Kind:  KindDeclarations,
	Table: "declarations",
	Fields: []RecordField[Declaration]{
		{Name: "item_id", Type: TypeText, Ptr: func(d *Declaration) any { return &d.ItemID }, Check: str(s10Rule)},
		{Name: "received_at", Type: TypeTimestamp, Ptr: func(d *Declaration) any { return &d.ReceivedAt }, Check: recordTime},
		{Name: "origin_country", Type: TypeCode, Ptr: func(d *Declaration) any { return &d.OriginCountry }, Check: str(countryRule)},
		{Name: "destination_country", Type: TypeCode, Ptr: func(d *Declaration) any { return &d.DestinationCountry }, Check: str(countryRule)},
		{Name: "mail_class", Type: TypeCode, Ptr: func(d *Declaration) any { return &d.MailClass }, Check: oneOf(MailClasses)},
		{Name: "category", Type: TypeCode, Ptr: func(d *Declaration) any { return &d.Category }, Check: oneOf(Categories)},
		{Name: "description", Type: TypeText, Optional: true, Ptr: func(d *Declaration) any { return &d.Description }, Check: textRule(MaxDescriptionRunes, false)},
		{Name: "hs_code", Type: TypeText, Optional: true, Ptr: func(d *Declaration) any { return &d.HSCode }, Check: str(hsCodeRule)},
		{Name: "declared_value", Type: TypeDecimal, Ptr: func(d *Declaration) any { return &d.DeclaredValue }, Check: nonNegative},
		{Name: "currency", Type: TypeCode, Optional: true, Ptr: func(d *Declaration) any { return &d.Currency }, Check: str(currencyRule)},
		{Name: "gross_weight_kg", Type: TypeDecimal, Ptr: func(d *Declaration) any { return &d.GrossWeightKg }, Check: nonNegative},
	},
}).init()

// DecisionSchema describes customs decisions.
var DecisionSchema = (&RecordSchema[Decision]{
	Kind:  KindDecisions,
	Table: "decisions",
	Fields: []RecordField[Decision]{
		{Name: "item_id", Type: TypeText, Ptr: func(d *Decision) any { return &d.ItemID }, Check: str(s10Rule)},
		{Name: "decided_at", Type: TypeTimestamp, Ptr: func(d *Decision) any { return &d.DecidedAt }, Check: recordTime},
		{Name: "decision", Type: TypeCode, Ptr: func(d *Decision) any { return &d.Decision }, Check: oneOf(Decisions)},
		// Their rules depend on the decision: Check below.
		{Name: "risk_channel", Type: TypeCode, Optional: true, Ptr: func(d *Decision) any { return &d.RiskChannel }},
		{Name: "seizure_category", Type: TypeCode, Optional: true, Ptr: func(d *Decision) any { return &d.SeizureCategory }},
		{Name: "duty_amount", Type: TypeDecimal, Optional: true, Ptr: func(d *Decision) any { return &d.DutyAmount }, Check: nonNegative},
	},
	Check: func(d *Decision, _ time.Time) []FieldError {
		var errs []FieldError
		errs = checkConditional(errs, "risk_channel", d.RiskChannel, RiskChannels, d.Decision, "INSPECT")
		errs = checkConditional(errs, "seizure_category", d.SeizureCategory, SeizureCategories, d.Decision, "SEIZE")
		return errs
	},
}).init()

// Validate returns every rule of the record contract that e breaks, or nil.
// now is the ingestion time, against which future timestamps are judged.
func (e Event) Validate(now time.Time) []FieldError { return EventSchema.Validate(&e, now) }

// Validate returns every rule of the record contract that d breaks, or nil.
// An incomplete declaration (see Complete) is valid.
func (d Declaration) Validate(now time.Time) []FieldError { return DeclarationSchema.Validate(&d, now) }

// Validate returns every rule of the record contract that d breaks, or nil.
func (d Decision) Validate(now time.Time) []FieldError { return DecisionSchema.Validate(&d, now) }

// Complete reports whether d counts as complete for the declaration
// completeness KPI (DOMAIN.md, compliance). It is written as a plain
// transcription of the definition so that tests can use it as an
// independent oracle for the SQL.
func (d Declaration) Complete() bool {
	desc := strings.TrimSpace(d.Description)
	if desc == "" {
		return false
	}
	for _, v := range VagueDescriptions {
		if strings.EqualFold(desc, v) {
			return false
		}
	}
	if d.DeclaredValue.Sign() <= 0 || d.Currency == "" || d.GrossWeightKg.Sign() <= 0 {
		return false
	}
	if contains(HSRequiredCategories, d.Category) && d.HSCode == "" {
		return false
	}
	return true
}

// NotTextMessage is why a text field that IsText refuses is rejected.
const NotTextMessage = "is not valid UTF-8 text: it holds bytes that are not UTF-8, or U+FFFD, the character that replaces them"

// IsText reports whether s is text as a record may hold it: valid UTF-8
// without U+FFFD. Stored bytes must come back unchanged through GraphQL
// (UTF-8), so invalid bytes are refused rather than replaced. U+FFFD is
// refused too because it is what every JSON decoder (encoding/json,
// gqlgen's transports) puts in place of invalid bytes before a program
// sees the value: after decoding it is the only trace of them. Refusing it
// makes a CSV row, a JSON line and a GraphQL record with the same bytes
// fail the same rule with the same message; a real declaration has no use
// for the character that means "this text was damaged".
func IsText(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError {
			return false
		}
	}
	return true
}

// The rules of single values. Each returns why v breaks it, "" when it
// does not; Validate calls them for non-empty values only.

// str adapts a rule on a string to Field.Check.
func str(rule func(string) string) func(any, time.Time) string {
	return func(v any, _ time.Time) string { return rule(*v.(*string)) }
}

func s10Rule(s string) string {
	if err := ValidS10(s); err != nil {
		return err.Error()
	}
	return ""
}

func eventCodeRule(s string) string {
	if _, ok := EventCodes[s]; !ok {
		return "unknown event code " + Quote(s)
	}
	return ""
}

// recordTime bounds a record's timestamp: from the year 2000 to a day after
// the ingestion time.
func recordTime(v any, now time.Time) string {
	switch t := *v.(*time.Time); {
	case t.Year() < MinTimestampYear:
		return fmt.Sprintf("%s is before the year %d", t.UTC().Format(time.RFC3339), MinTimestampYear)
	case t.After(now.Add(MaxFutureSkew)):
		return fmt.Sprintf("%s is more than 1 day in the future", t.UTC().Format(time.RFC3339))
	}
	return ""
}

func officeRule(s string) string {
	ok := len(s) <= MaxOfficeLen
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	}
	if !ok {
		return fmt.Sprintf("%s must be 1 to %d characters of A-Z and 0-9", Quote(s), MaxOfficeLen)
	}
	return ""
}

func countryRule(s string) string {
	switch {
	case IsCountry(s):
		return ""
	case IsCountry(strings.ToUpper(s)):
		return fmt.Sprintf("%s must be upper case (%q)", Quote(s), strings.ToUpper(s))
	}
	return Quote(s) + " is not an ISO 3166-1 alpha-2 country code"
}

func enumRule(s string, allowed []string) string {
	if contains(allowed, s) {
		return ""
	}
	return fmt.Sprintf("unknown value %s (allowed: %s)", Quote(s), strings.Join(allowed, ", "))
}

func oneOf(allowed []string) func(any, time.Time) string {
	return str(func(s string) string { return enumRule(s, allowed) })
}

// textRule checks free text: valid UTF-8, at most maxRunes characters, and,
// when blankIsEmpty, not only spaces (a title must say something).
func textRule(maxRunes int, blankIsEmpty bool) func(any, time.Time) string {
	return str(func(s string) string {
		switch {
		case blankIsEmpty && strings.TrimSpace(s) == "":
			return "required"
		case !IsText(s):
			return NotTextMessage
		}
		if n := utf8.RuneCountInString(s); n > maxRunes {
			return fmt.Sprintf("has %d characters, at most %d allowed", n, maxRunes)
		}
		return ""
	})
}

func hsCodeRule(h string) string {
	if len(h) < 6 || len(h) > 10 || !allDigits(h) {
		return Quote(h) + " must be empty or 6 to 10 digits"
	}
	return ""
}

func currencyRule(c string) string {
	if IsCurrency(c) {
		return ""
	}
	if up := strings.ToUpper(c); IsCurrency(up) {
		return fmt.Sprintf("%s must be upper case (%q)", Quote(c), up)
	}
	return Quote(c) + " is not an ISO 4217 currency code"
}

func nonNegative(v any, _ time.Time) string {
	if d := *v.(*Decimal); d.Sign() < 0 {
		return fmt.Sprintf("%s must not be negative", d)
	}
	return ""
}

// The rules that span fields append to errs only on failure, so that a
// valid record costs no allocation.

func fail(errs []FieldError, field, msg string) []FieldError {
	return append(errs, FieldError{Field: field, Message: msg})
}

// checkConditional checks a field that is required, from allowed, when
// decision is when, and must be empty otherwise.
func checkConditional(errs []FieldError, field, s string, allowed []string, decision, when string) []FieldError {
	switch {
	case decision == when:
		if s == "" {
			return fail(errs, field, fmt.Sprintf("required when decision is %s", when))
		}
		if msg := enumRule(s, allowed); msg != "" {
			return fail(errs, field, msg)
		}
	case s != "":
		return fail(errs, field, fmt.Sprintf("must be empty unless decision is %s", when))
	}
	return errs
}
