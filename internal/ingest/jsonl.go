package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/postclear/postclear/internal/postclear"
)

// nextJSONL reads lines until one holds a record or rejected row. Blank
// lines are skipped, as is customary for JSON Lines.
func (r *Reader[T]) nextJSONL() (T, int, []postclear.FieldError, error) {
	for {
		b, tooLong, err := r.readLine()
		if err != nil && err != io.EOF {
			var zero T
			return zero, 0, nil, r.brokenAt(r.line+1, err)
		}
		if err == io.EOF && len(b) == 0 && !tooLong {
			var zero T
			return zero, 0, nil, io.EOF
		}
		r.line++
		if tooLong {
			key, v := jsonFieldAt(r.long)
			return r.rowFieldError(r.line, r.s.Index(key), r.tooLong(v))
		}
		if isBlank(b) {
			continue
		}
		return r.parseObject(b, r.line)
	}
}

// readLine returns the next line without its newline. The slice is valid
// until the next call. A line longer than r.limit is consumed, its first
// r.limit bytes are kept in r.long, and it is reported as tooLong. The last
// line of a file may come with io.EOF.
func (r *Reader[T]) readLine() (line []byte, tooLong bool, err error) {
	b, err := r.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		if line = trimNewline(b); len(line) > r.limit {
			r.long = append(r.long[:0], line[:r.limit]...)
			return nil, true, err
		}
		return line, false, err
	}
	r.long = append(r.long[:0], b...)
	for err == bufio.ErrBufferFull {
		b, err = r.br.ReadSlice('\n')
		if len(r.long) <= r.limit {
			r.long = append(r.long, b...)
		}
	}
	line = trimNewline(r.long)
	if len(line) > r.limit {
		r.long = r.long[:r.limit]
		return nil, true, err
	}
	return line, false, err
}

// jsonFieldAt finds, in the first bytes of a line too long to read whole,
// the field whose value was being read where the bytes end, and the start
// of that value; "" when the line breaks off outside a value.
func jsonFieldAt(prefix []byte) (field, value string) {
	dec := json.NewDecoder(bytes.NewReader(prefix))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", ""
	}
	for {
		t, err := dec.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			return "", ""
		}
		at := dec.InputOffset()
		if _, err := dec.Token(); err != nil {
			v := bytes.TrimLeft(prefix[at:], " \t\r\n:")
			return key, string(bytes.TrimPrefix(v, []byte(`"`)))
		}
		if !dec.More() {
			return "", ""
		}
	}
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseObject decodes one JSON Lines line. The common line, an object of
// known fields, each given once, with string, number or null values, is
// split by scanObject in one pass into its members' raw values, which go
// straight into the record through the schema's fields; anything else (a
// syntax error, an unknown or repeated field, a value of the wrong JSON
// type, an escape in a name) takes decodeTokens, which walks the line with
// encoding/json's streaming decoder to say exactly what is wrong. Both give
// the same record for the same line, so every message comes from one place.
// The line is already bounded by the record size limit.
func (r *Reader[T]) parseObject(line []byte, lineNo int) (T, int, []postclear.FieldError, error) {
	if r.raw == nil {
		r.raw = make([][]byte, len(r.s.Fields))
	}
	r.next = 0
	plain, ok := scanObject(line, r.raw, r.fieldOf)
	if !ok {
		return r.decodeTokens(line, lineNo)
	}
	// The values' text goes into one buffer, made one string: one
	// allocation per line, which the record's strings share.
	buf, ends := r.text[:0], r.ends[:0]
	for f, raw := range r.raw {
		switch {
		case len(raw) == 0 || raw[0] == 'n': // missing or null: empty
		case raw[0] == '"':
			if plain&(1<<f) != 0 || !needsDecoding(raw) {
				buf = append(buf, raw[1:len(raw)-1]...)
				break
			}
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return r.decodeTokens(line, lineNo)
			}
			buf = append(buf, s...)
		case r.s.Fields[f].Numeric():
			buf = append(buf, raw...)
		default: // a number where the field is text: decodeTokens says so
			return r.decodeTokens(line, lineNo)
		}
		ends = append(ends, len(buf))
	}
	r.text, r.ends = buf, ends
	all := string(buf)
	var zero T
	r.rec = zero
	rec := &r.rec
	var conv []fieldMsg
	start := 0
	for f, end := range ends {
		if msg := r.s.Fields[f].Parse(rec, all[start:end]); msg != "" {
			conv = append(conv, fieldMsg{f, msg})
		}
		start = end
	}
	return r.finish(rec, lineNo, conv)
}

// fieldOf returns the field named name, -1 if there is none, trying first
// the field after the previous member's (r.next, 0 at the start of a
// line): files mostly list the fields in the canonical order.
func (r *Reader[T]) fieldOf(name []byte) int {
	if f := r.next; f < len(r.s.Fields) && string(name) == r.s.Fields[f].Name {
		r.next++
		return f
	}
	f := r.s.IndexBytes(name)
	r.next = f + 1
	return f
}

// scanObject splits line, one JSON object, into the raw values of its
// members: vals[f] is the value of field f as written (a string with its
// quotes, a number, null), empty when the line does not give it. index
// maps a member's name to its field. It accepts only what it can decide
// alone and reports false for anything else: a name with an escape, an
// unknown or repeated name, a value that is not a string, number or null,
// and any syntax error. It does not decode strings: bit f of plain is set
// when vals[f] is a string of ASCII characters without escapes, whose text
// is the bytes between its quotes. The scan follows RFC 8259's grammar, so
// a line it accepts is one encoding/json accepts too.
func scanObject(line []byte, vals [][]byte, index func([]byte) int) (plain uint64, ok bool) {
	for f := range vals {
		vals[f] = nil
	}
	i := skipSpace(line, 0)
	if i == len(line) || line[i] != '{' {
		return 0, false
	}
	if i = skipSpace(line, i+1); i < len(line) && line[i] == '}' {
		return 0, skipSpace(line, i+1) == len(line)
	}
	for {
		// A name: plain ASCII without escapes, as every field's name is.
		if i == len(line) || line[i] != '"' {
			return 0, false
		}
		end, ascii := stringEnd(line, i)
		if end < 0 || !ascii {
			return 0, false
		}
		f := index(line[i+1 : end-1])
		if f < 0 || vals[f] != nil {
			return 0, false
		}
		if i = skipSpace(line, end); i == len(line) || line[i] != ':' {
			return 0, false
		}
		if i = skipSpace(line, i+1); i == len(line) {
			return 0, false
		}
		// The value.
		switch c := line[i]; {
		case c == '"':
			end, ascii = stringEnd(line, i)
			if ascii {
				plain |= 1 << f
			}
		case c == 'n':
			end = -1
			if bytes.HasPrefix(line[i:], []byte("null")) {
				end = i + 4
			}
		case c == '-' || c >= '0' && c <= '9':
			end = numberEnd(line, i)
		default: // true, false, an object, an array, a syntax error
			return 0, false
		}
		if end < 0 {
			return 0, false
		}
		vals[f] = line[i:end]
		if i = skipSpace(line, end); i == len(line) {
			return 0, false
		}
		switch line[i] {
		case ',':
			i = skipSpace(line, i+1)
		case '}':
			return plain, skipSpace(line, i+1) == len(line)
		default:
			return 0, false
		}
	}
}

// skipSpace returns the index of the first byte of line at or after i that
// is not JSON white space.
func skipSpace(line []byte, i int) int {
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that starts with the
// quote at line[i], -1 if it does not end on the line or holds a control
// character, which JSON does not allow unescaped; and whether it is plain
// ASCII without escapes. An escape's validity is left to the decoding of
// the string.
func stringEnd(line []byte, i int) (end int, plain bool) {
	plain = true
	for i++; i < len(line); i++ {
		c := line[i]
		if !special[c] {
			continue
		}
		switch {
		case c == '"':
			return i + 1, plain
		case c == '\\':
			plain = false
			i++
		case c < 0x20:
			return -1, false
		default: // beyond ASCII
			plain = false
		}
	}
	return -1, false
}

// special marks the bytes that end a plain run of a JSON string's bytes.
var special = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// numberEnd returns the index just past the JSON number that starts at
// line[i], -1 if the text there is not one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func numberEnd(line []byte, i int) int {
	digits := func(i int) int {
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		return i
	}
	if line[i] == '-' {
		i++
	}
	switch {
	case i == len(line):
		return -1
	case line[i] == '0':
		i++
	case line[i] >= '1' && line[i] <= '9':
		i = digits(i)
	default:
		return -1
	}
	if i < len(line) && line[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(line) && (line[i] == 'e' || line[i] == 'E') {
		i++
		if i < len(line) && (line[i] == '+' || line[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// needsDecoding reports whether the JSON string raw (quotes included) is
// not simply the bytes between its quotes: it holds an escape, or bytes
// that are not valid UTF-8, which encoding/json replaces.
func needsDecoding(raw []byte) bool {
	return bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw)
}

// decodeTokens decodes a line token by token with encoding/json's
// streaming decoder, so that an unknown or repeated field is reported with
// its name, a missing field is told from an empty one, and a number is
// accepted where the field is a decimal or a count.
func (r *Reader[T]) decodeTokens(line []byte, lineNo int) (T, int, []postclear.FieldError, error) {
	var zero T
	r.rec = zero
	rec := &r.rec
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return r.rowError(lineNo, "invalid JSON at column 1: expected a JSON object")
	}
	var conv []fieldMsg
	var seen uint64
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return r.rowError(lineNo, jsonSyntax(dec, err))
		}
		key := t.(string) // the decoder yields only strings as keys
		f := r.s.Index(key)
		switch {
		case f < 0:
			conv = append(conv, fieldMsg{-1, "unknown field " + postclear.Quote(key)})
		case seen&(1<<f) != 0:
			conv = append(conv, fieldMsg{f, "field given twice"})
		}
		if f >= 0 {
			seen |= 1 << f
		}
		t, err = dec.Token()
		if err != nil {
			return r.rowError(lineNo, jsonSyntax(dec, err))
		}
		var msg string
		switch v := t.(type) {
		case json.Delim:
			// An object or array: no field holds one, and reading on
			// would mean parsing what may be deeply nested.
			if f >= 0 {
				conv = append(conv, fieldMsg{f, "must be a JSON string, not an object or array"})
			}
			return r.reject(lineNo, conv)
		case string:
			if f >= 0 {
				msg = r.s.Fields[f].Parse(rec, v)
			}
		case nil:
			if f >= 0 {
				msg = r.s.Fields[f].Parse(rec, "")
			}
		case json.Number:
			switch {
			case f < 0:
			case r.s.Fields[f].Numeric():
				msg = r.s.Fields[f].Parse(rec, v.String())
			default:
				msg = "must be a JSON string, not the number " + shorten(v.String())
			}
		default: // true, false
			if f >= 0 {
				msg = "must be a JSON string"
			}
		}
		if msg != "" {
			conv = append(conv, fieldMsg{f, msg})
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return r.rowError(lineNo, jsonSyntax(dec, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return r.rowError(lineNo, fmt.Sprintf("invalid JSON at column %d: unexpected text after the object", dec.InputOffset()+1))
	}
	// A missing field means the same as an empty one: a default for the
	// optional fields, "required" for the others.
	for f := range r.s.Fields {
		if seen&(1<<f) == 0 {
			if msg := r.s.Fields[f].Parse(rec, ""); msg != "" {
				conv = append(conv, fieldMsg{f, msg})
			}
		}
	}
	return r.finish(rec, lineNo, conv)
}

// jsonSyntax describes a JSON error of a line with the column where the
// decoder stopped.
func jsonSyntax(dec *json.Decoder, err error) string {
	col := dec.InputOffset() + 1
	var se *json.SyntaxError
	if errors.As(err, &se) {
		col = se.Offset + 1 // Offset counts the bytes before the fault
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Sprintf("invalid JSON at column %d: the line ends inside the object", col)
	}
	return fmt.Sprintf("invalid JSON at column %d: %v", col, err)
}

// shorten cuts a number's text for a message, as Quote cuts a string.
func shorten(s string) string {
	if len(s) <= postclear.MaxQuotedBytes {
		return s
	}
	return s[:postclear.MaxQuotedBytes] + "…"
}

// reject returns the messages collected so far as the row's errors, for a
// line that is abandoned before all of it was read.
func (r *Reader[T]) reject(lineNo int, conv []fieldMsg) (T, int, []postclear.FieldError, error) {
	errs := make([]postclear.FieldError, len(conv))
	for i, c := range conv {
		errs[i] = r.fieldError(lineNo, c.field, c.msg)
	}
	var zero T
	return zero, lineNo, errs, nil
}
