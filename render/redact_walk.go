package render

import (
	"reflect"

	"ftpdiag/transcript"
)

// redactWalk returns a deep copy of v with every string in it, at any
// depth, passed through red. It works on the shape of the value, not on a
// list of fields, so a field added to the result later is masked too
// (issue 16: check details were not, because nobody listed them).
func redactWalk[T any](v T, red *transcript.Redactor) T {
	out := reflect.New(reflect.TypeOf(v)).Elem()
	walkCopy(out, reflect.ValueOf(v), red)
	return out.Interface().(T)
}

// walkCopy sets dst, a settable value, to a redacted copy of src.
func walkCopy(dst, src reflect.Value, red *transcript.Redactor) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(red.Redact(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		walkCopy(p.Elem(), src.Elem(), red)
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			walkCopy(s.Index(i), src.Index(i), red)
		}
		dst.Set(s)
	case reflect.Struct:
		dst.Set(src) // fields the walk cannot set (unexported, time.Time's) stay as they are
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				walkCopy(dst.Field(i), src.Field(i), red)
			}
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			k, e := reflect.New(src.Type().Key()).Elem(), reflect.New(src.Type().Elem()).Elem()
			walkCopy(k, it.Key(), red)
			walkCopy(e, it.Value(), red)
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		walkCopy(e, src.Elem(), red)
		dst.Set(e)
	default:
		dst.Set(src)
	}
}

// walkStrings calls fn with every string in v, at any depth, in the same
// shape-driven way as redactWalk: to learn the secrets a result holds.
func walkStrings(v reflect.Value, fn func(string)) {
	switch v.Kind() {
	case reflect.String:
		fn(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walkStrings(it.Key(), fn)
			walkStrings(it.Value(), fn)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkStrings(v.Index(i), fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), fn)
			}
		}
	}
}
