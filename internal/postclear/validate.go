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

// Validate returns every rule of the record contract that e breaks, or nil.
// now is the ingestion time, against which future timestamps are judged.
func (e Event) Validate(now time.Time) []FieldError {
	var errs []FieldError
	errs = checkErr(errs, "item_id", ValidS10(e.ItemID))
	if e.EventCode == "" {
		errs = fail(errs, "event_code", "required")
	} else if _, ok := EventCodes[e.EventCode]; !ok {
		errs = fail(errs, "event_code", "unknown event code "+Quote(e.EventCode))
	}
	errs = checkTime(errs, "event_time", e.EventTime, now)
	errs = checkOffice(errs, "office", e.Office)
	errs = checkCountry(errs, "origin_country", e.OriginCountry)
	errs = checkCountry(errs, "destination_country", e.DestinationCountry)
	errs = checkEnum(errs, "mail_class", e.MailClass, MailClasses)
	return errs
}

// Validate returns every rule of the record contract that d breaks, or nil.
// An incomplete declaration (see Complete) is valid.
func (d Declaration) Validate(now time.Time) []FieldError {
	var errs []FieldError
	errs = checkErr(errs, "item_id", ValidS10(d.ItemID))
	errs = checkTime(errs, "received_at", d.ReceivedAt, now)
	errs = checkCountry(errs, "origin_country", d.OriginCountry)
	errs = checkCountry(errs, "destination_country", d.DestinationCountry)
	errs = checkEnum(errs, "mail_class", d.MailClass, MailClasses)
	errs = checkEnum(errs, "category", d.Category, Categories)
	if !IsText(d.Description) {
		errs = fail(errs, "description", NotTextMessage)
	} else if n := utf8.RuneCountInString(d.Description); n > MaxDescriptionRunes {
		errs = fail(errs, "description", fmt.Sprintf("has %d characters, at most %d allowed", n, MaxDescriptionRunes))
	}
	if h := d.HSCode; h != "" && (len(h) < 6 || len(h) > 10 || !allDigits(h)) {
		errs = fail(errs, "hs_code", Quote(h)+" must be empty or 6 to 10 digits")
	}
	errs = checkNonNegative(errs, "declared_value", d.DeclaredValue)
	if c := d.Currency; c != "" && !IsCurrency(c) {
		msg := Quote(c) + " is not an ISO 4217 currency code"
		if up := strings.ToUpper(c); IsCurrency(up) {
			msg = fmt.Sprintf("%s must be upper case (%q)", Quote(c), up)
		}
		errs = fail(errs, "currency", msg)
	}
	errs = checkNonNegative(errs, "gross_weight_kg", d.GrossWeightKg)
	return errs
}

// Validate returns every rule of the record contract that d breaks, or nil.
func (d Decision) Validate(now time.Time) []FieldError {
	var errs []FieldError
	errs = checkErr(errs, "item_id", ValidS10(d.ItemID))
	errs = checkTime(errs, "decided_at", d.DecidedAt, now)
	errs = checkEnum(errs, "decision", d.Decision, Decisions)
	errs = checkConditional(errs, "risk_channel", d.RiskChannel, RiskChannels, d.Decision, "INSPECT")
	errs = checkConditional(errs, "seizure_category", d.SeizureCategory, SeizureCategories, d.Decision, "SEIZE")
	errs = checkNonNegative(errs, "duty_amount", d.DutyAmount)
	return errs
}

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

// The check helpers append to errs only on failure, so that a valid record
// costs no allocation.

func fail(errs []FieldError, field, msg string) []FieldError {
	return append(errs, FieldError{Field: field, Message: msg})
}

func checkErr(errs []FieldError, field string, err error) []FieldError {
	if err != nil {
		return fail(errs, field, err.Error())
	}
	return errs
}

func checkTime(errs []FieldError, field string, t, now time.Time) []FieldError {
	switch {
	case t.IsZero():
		return fail(errs, field, "required")
	case t.Year() < MinTimestampYear:
		return fail(errs, field, fmt.Sprintf("%s is before the year %d", t.UTC().Format(time.RFC3339), MinTimestampYear))
	case t.After(now.Add(MaxFutureSkew)):
		return fail(errs, field, fmt.Sprintf("%s is more than 1 day in the future", t.UTC().Format(time.RFC3339)))
	}
	return errs
}

func checkOffice(errs []FieldError, field, s string) []FieldError {
	if s == "" {
		return fail(errs, field, "required")
	}
	ok := len(s) <= MaxOfficeLen
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	}
	if !ok {
		return fail(errs, field, fmt.Sprintf("%s must be 1 to %d characters of A-Z and 0-9", Quote(s), MaxOfficeLen))
	}
	return errs
}

func checkCountry(errs []FieldError, field, s string) []FieldError {
	switch {
	case s == "":
		return fail(errs, field, "required")
	case IsCountry(s):
		return errs
	case IsCountry(strings.ToUpper(s)):
		return fail(errs, field, fmt.Sprintf("%s must be upper case (%q)", Quote(s), strings.ToUpper(s)))
	}
	return fail(errs, field, Quote(s)+" is not an ISO 3166-1 alpha-2 country code")
}

func checkEnum(errs []FieldError, field, s string, allowed []string) []FieldError {
	switch {
	case s == "":
		return fail(errs, field, "required")
	case contains(allowed, s):
		return errs
	}
	return fail(errs, field, fmt.Sprintf("unknown value %s (allowed: %s)", Quote(s), strings.Join(allowed, ", ")))
}

// checkConditional checks a field that is required, from allowed, when
// decision is when, and must be empty otherwise.
func checkConditional(errs []FieldError, field, s string, allowed []string, decision, when string) []FieldError {
	switch {
	case decision == when:
		if s == "" {
			return fail(errs, field, fmt.Sprintf("required when decision is %s", when))
		}
		return checkEnum(errs, field, s, allowed)
	case s != "":
		return fail(errs, field, fmt.Sprintf("must be empty unless decision is %s", when))
	}
	return errs
}

func checkNonNegative(errs []FieldError, field string, d Decimal) []FieldError {
	if d.Sign() < 0 {
		return fail(errs, field, fmt.Sprintf("%s must not be negative", d))
	}
	return errs
}
