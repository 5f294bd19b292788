package ingest

import (
	"github.com/postclear/postclear/internal/postclear"
)

// ParseFields builds and validates one record of kind T from its fields as
// text, keyed by file field name (item_id, event_time, …), exactly as a
// file row is parsed: the GraphQL mutations use it so that a record sent
// over the API is judged by the same code, with the same messages and the
// same size limit (o.MaxRecordBytes, counting the values' bytes), as the
// same record in a file. Absent keys are empty. Errors carry Index and the
// file field name; the caller may rename fields for its audience.
func ParseFields[T Record](values map[string]string, index int, o Options) (T, []postclear.FieldError) {
	o = o.withDefaults()
	r := &Reader[T]{now: o.Now, limit: o.MaxRecordBytes, s: postclear.SchemaOf[T]()}
	var zero T
	size, longest := 0, -1
	for f := range r.s.Fields {
		n := len(values[r.s.Fields[f].Name])
		size += n
		if longest < 0 || n > len(values[r.s.Fields[longest].Name]) {
			longest = f
		}
	}
	if size > r.limit {
		// Judged as a file row is, and not parsed further.
		return zero, []postclear.FieldError{{Index: index, Field: r.s.Fields[longest].Name,
			Message: r.tooLong(values[r.s.Fields[longest].Name])}}
	}
	var conv []fieldMsg
	for f := range r.s.Fields {
		if msg := r.s.Fields[f].Parse(&r.rec, values[r.s.Fields[f].Name]); msg != "" {
			conv = append(conv, fieldMsg{field: f, msg: msg})
		}
	}
	rec, _, errs, _ := r.finish(&r.rec, 0, conv)
	for i := range errs {
		errs[i].Index = index
	}
	return rec, errs
}
