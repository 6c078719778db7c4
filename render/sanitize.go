package render

import (
	"bytes"
	"fmt"
	"reflect"
	"unicode"
	"unicode/utf8"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// printable returns a copy of res fit for a terminal, a wiki, a mail or a
// browser: a server controls its reply texts and a log's author or a
// result file's sender controls every string in it, and a hostile one could
// otherwise send escape sequences that retitle, clear or rewrite the
// reader's terminal (or write its clipboard), or bidirectional overrides
// that make a line read differently from what it says. Such characters are
// shown as \x1b or \u202e instead, in every string of the result, so a
// field added later cannot be forgotten.
func printable(res *result.Result) *result.Result {
	out := visibleCopy(reflect.ValueOf(*res), false)
	r := out.Interface().(result.Result)
	return &r
}

// multiline names the fields whose line breaks mean something: a reply's
// lines, and hints that set commands apart on lines of their own. Every
// other string is one line, so a break in it is spelled out.
var multiline = map[string]bool{"Text": true, "Hints": true, "ClientHints": true}

// visibleCopy copies v deeply with every string passed through visible;
// pointers and slices are new, so res itself is never changed.
func visibleCopy(v reflect.Value, keepNewlines bool) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.String:
		out.SetString(visible(v.String(), keepNewlines))
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(visibleCopy(v.Elem(), keepNewlines))
			out.Set(p)
		}
	case reflect.Slice:
		if !v.IsNil() {
			out.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
			for i := range v.Len() {
				out.Index(i).Set(visibleCopy(v.Index(i), keepNewlines))
			}
		}
	case reflect.Struct:
		out.Set(v) // unexported fields (a time.Time's) as they are
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				out.Field(i).Set(visibleCopy(v.Field(i), multiline[f.Name]))
			}
		}
	default:
		out.Set(v)
	}
	return out
}

// visible is transcript.Visible: one function makes network text safe for
// every output, the server's transcript files included.
func visible(s string, keepNewlines bool) string { return transcript.Visible(s, keepNewlines) }

// jsonVisible spells out, as \u escapes, what encoding/json leaves raw in
// its strings: C1 controls and bidirectional controls (it already escapes
// C0 controls, U+2028 and U+2029). A script that prints a field of the
// document, or a person who opens it, then sees them instead of obeying
// them. The document decodes to the same strings.
func jsonVisible(b []byte) []byte {
	if !bytes.ContainsFunc(b, jsonUnsafe) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if jsonUnsafe(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

func jsonUnsafe(r rune) bool {
	return (r >= 0x80 && unicode.IsControl(r)) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}
