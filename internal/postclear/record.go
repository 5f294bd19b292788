package postclear

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// A record kind is described once, by a Schema: its fields in canonical
// order, each with its name, type, nullability and rule. The file readers
// and writers, the GraphQL input conversion and the inserts all range over
// it, so that adding a field to a kind is one line here plus its rule (and
// its line in schema.graphqls and in a migration, which tests hold against
// the Schema).

// FieldType is the kind of value a record field holds. It decides how the
// field is read from text and written back, whether JSON Lines may give it
// as a number, and the column type it is stored in
// (warehouse.ColumnType).
type FieldType int

// The field types.
const (
	TypeText      FieldType = iota // free text (an identifier, a description)
	TypeCode                       // one of few values (an enum, a country, an office)
	TypeTimestamp                  // RFC 3339 with an offset; UTC to the second
	TypeDate                       // YYYY-MM-DD
	TypeDecimal                    // a Decimal in plain notation
	TypeCount                      // a whole number
)

// RecordField describes one field of records of kind T.
type RecordField[T any] struct {
	// Name is the file field name (CSV header, JSON Lines key) and the
	// stored column; the GraphQL input field is its lowerCamelCase
	// (InputName).
	Name string
	// Column is the stored column when it is not Name.
	Column string
	Type   FieldType
	// Optional fields may be empty: left out of a CSV header, missing or
	// null in JSON, a nullable GraphQL input. Empty means "", zero, or no
	// date. A required field that is empty is rejected as "required".
	Optional bool
	// Ptr returns the field of rec: a *string (TypeText, TypeCode), a
	// *time.Time (TypeTimestamp, TypeDate), a **time.Time (an optional
	// TypeDate: nil when absent), a *Decimal or an *int (TypeCount).
	Ptr func(rec *T) any
	// Check is the rule a non-empty value must meet, given as Ptr gives
	// it; it returns why the value breaks it, "" when it does not. nil
	// means any value of the type.
	Check func(v any, now time.Time) string
}

// ColumnName is where the field is stored.
func (f *RecordField[T]) ColumnName() string {
	if f.Column != "" {
		return f.Column
	}
	return f.Name
}

// InputName is the GraphQL input field name: mou_id → mouId.
func (f *RecordField[T]) InputName() string { return CamelCase(f.Name) }

// Numeric reports whether JSON may give the field as a number.
func (f *RecordField[T]) Numeric() bool { return f.Type == TypeDecimal || f.Type == TypeCount }

// Parse stores the text of the field in rec, as a file or a GraphQL
// input gives it, and returns why it cannot be converted ("" when it can).
// An empty text is the field's empty value; for a required decimal or
// count it is "required", because a missing declared value must not pass
// for a declared zero.
func (f *RecordField[T]) Parse(rec *T, text string) string {
	switch p := f.Ptr(rec).(type) {
	case *string:
		*p = text
	case *time.Time:
		*p = time.Time{}
		if text == "" {
			return ""
		}
		var t time.Time
		var err error
		if f.Type == TypeDate {
			t, err = ParseDate(text)
		} else {
			t, err = ParseTimestamp(text)
		}
		if err != nil {
			return err.Error()
		}
		*p = t
	case **time.Time:
		*p = nil
		if text == "" {
			return ""
		}
		t, err := ParseDate(text)
		if err != nil {
			return err.Error()
		}
		*p = &t
	case *Decimal:
		*p = Decimal{}
		if text == "" {
			return f.requiredUnlessOptional()
		}
		d, err := ParseDecimal(text)
		if err != nil {
			return fmt.Sprintf("%s: %v", Quote(text), err)
		}
		*p = d
	case *int:
		*p = 0
		if text == "" {
			return f.requiredUnlessOptional()
		}
		n, err := strconv.Atoi(text)
		if err != nil {
			return Quote(text) + " is not a whole number"
		}
		*p = n
	default:
		panic(fmt.Sprintf("postclear: field %s: Ptr gives %T", f.Name, p))
	}
	return ""
}

func (f *RecordField[T]) requiredUnlessOptional() string {
	if f.Optional {
		return ""
	}
	return "required"
}

// Format returns the field of rec as text, as Parse reads it: timestamps
// as 2025-03-01T10:15:00Z, dates as 2025-03-01, decimals in plain
// notation, an empty value as "".
func (f *RecordField[T]) Format(rec *T) string {
	switch p := f.Ptr(rec).(type) {
	case *string:
		return *p
	case *time.Time:
		return formatTime(*p, f.Type)
	case **time.Time:
		if *p == nil {
			return ""
		}
		return formatTime(**p, f.Type)
	case *Decimal:
		return p.String()
	case *int:
		return strconv.Itoa(*p)
	}
	panic(fmt.Sprintf("postclear: field %s: Ptr gives %T", f.Name, f.Ptr(rec)))
}

func formatTime(t time.Time, typ FieldType) string {
	switch {
	case t.IsZero():
		return ""
	case typ == TypeDate:
		return t.UTC().Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339)
}

// empty reports whether v, as Ptr gives it, holds the empty value of a
// field that can be empty: "", the zero time, no date. Decimals and counts
// are never empty once parsed: 0 is a value.
func empty(v any) bool {
	switch p := v.(type) {
	case *string:
		return *p == ""
	case *time.Time:
		return p.IsZero()
	case **time.Time:
		return *p == nil
	}
	return false
}

// RecordSchema describes a record kind: its fields in the canonical order of
// docs/domain.md and the rules that span fields.
type RecordSchema[T any] struct {
	Kind RecordKind
	// Table is the table records of the kind are stored in.
	Table  string
	Fields []RecordField[T]
	// Check returns the violations of rules that span fields (a decision's
	// risk channel, which depends on the decision), after the fields'
	// own rules passed or not.
	Check func(rec *T, now time.Time) []FieldError

	index map[string]int // field name → index, built by init
}

func (s *RecordSchema[T]) init() *RecordSchema[T] {
	s.index = make(map[string]int, len(s.Fields))
	for i := range s.Fields {
		s.index[s.Fields[i].Name] = i
	}
	return s
}

// Index returns the index of the field named name, -1 if there is none.
func (s *RecordSchema[T]) Index(name string) int {
	if i, ok := s.index[name]; ok {
		return i
	}
	return -1
}

// IndexBytes is Index for a name held as bytes, without converting it.
func (s *RecordSchema[T]) IndexBytes(name []byte) int {
	if i, ok := s.index[string(name)]; ok {
		return i
	}
	return -1
}

// Names returns the field names in canonical order.
func (s *RecordSchema[T]) Names() []string {
	names := make([]string, len(s.Fields))
	for i := range s.Fields {
		names[i] = s.Fields[i].Name
	}
	return names
}

// Validate returns every rule of the record contract that rec breaks, in
// field order, or nil. now is the ingestion time, against which future
// times are judged.
func (s *RecordSchema[T]) Validate(rec *T, now time.Time) []FieldError {
	var errs []FieldError
	for i := range s.Fields {
		f := &s.Fields[i]
		v := f.Ptr(rec)
		if empty(v) {
			if !f.Optional {
				errs = fail(errs, f.Name, "required")
			}
			continue
		}
		if f.Check != nil {
			if msg := f.Check(v, now); msg != "" {
				errs = fail(errs, f.Name, msg)
			}
		}
	}
	if s.Check != nil {
		if more := s.Check(rec, now); len(more) > 0 {
			errs = append(errs, more...)
			slices.SortStableFunc(errs, func(a, b FieldError) int { return s.Index(a.Field) - s.Index(b.Field) })
		}
	}
	return errs
}

// Record is a record kind described by a Schema: the three streams, the
// MoU commitments and agreed actions, and the holiday calendar.
type Record interface {
	Event | Declaration | Decision | Activity | Dispute | Holiday | Action
}

// SchemaOf returns the schema of kind T.
func SchemaOf[T Record]() *RecordSchema[T] {
	var zero T
	var s any
	switch any(zero).(type) {
	case Event:
		s = EventSchema
	case Declaration:
		s = DeclarationSchema
	case Decision:
		s = DecisionSchema
	case Activity:
		s = ActivitySchema
	case Dispute:
		s = DisputeSchema
	case Holiday:
		s = HolidaySchema
	case Action:
		s = ActionSchema
	}
	return s.(*RecordSchema[T])
}

// CamelCase turns a file field name (gross_weight_kg) into the GraphQL
// input field name (grossWeightKg).
func CamelCase(s string) string {
	b := make([]byte, 0, len(s))
	up := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			up = true
		case up && c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
			up = false
		default:
			b = append(b, c)
			up = false
		}
	}
	return string(b)
}

// ParseDate reads a YYYY-MM-DD date as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is not a date in the form YYYY-MM-DD", Quote(s))
	}
	return t, nil
}
