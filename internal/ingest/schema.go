package ingest

import "github.com/postclear/postclear/internal/postclear"

// Record is a record kind the readers and writers handle: every kind that
// has a postclear.Schema, which drives them field by field.
type Record = postclear.Record

// Fields returns the file field names of T in canonical order.
func Fields[T Record]() []string { return postclear.SchemaOf[T]().Names() }

// Kind returns the record kind of T.
func Kind[T Record]() postclear.RecordKind { return postclear.SchemaOf[T]().Kind }
