package resultcache

import (
	"reflect"
	"time"
)

// entryOverhead is what an entry costs besides its key and value: the LRU
// element, the map slot and the entry itself, rounded up.
const entryOverhead = 256

var timeType = reflect.TypeFor[time.Time]()

// sizeOf estimates the bytes v holds: its own size plus everything it
// points to (slice backing arrays, strings, pointed-to values, map
// contents). It is an estimate for bounding the cache, not an exact
// account: shared pointers are counted at every reference, map buckets
// are approximated, and a time.Time's location is shared and not counted.
func sizeOf(v any) int64 {
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	return int64(rv.Type().Size()) + indirect(rv)
}

// indirect is the bytes v refers to outside its own Type().Size().
func indirect(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + indirect(e)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + indirect(e)
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		for i := range v.Len() {
			n += indirect(v.Index(i))
		}
		return n
	case reflect.Array:
		var n int64
		for i := range v.Len() {
			n += indirect(v.Index(i))
		}
		return n
	case reflect.Struct:
		if v.Type() == timeType {
			return 0
		}
		var n int64
		for i := range v.NumField() {
			n += indirect(v.Field(i))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		// Go's maps hold about twice their entries' size in slots.
		t := v.Type()
		n := 2 * int64(v.Len()) * int64(t.Key().Size()+t.Elem().Size())
		it := v.MapRange()
		for it.Next() {
			n += indirect(it.Key()) + indirect(it.Value())
		}
		return n
	}
	return 0
}
