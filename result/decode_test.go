package result

import (
	"bytes"
	"errors"
	"testing"
)

// TestDecode: the one decoder of the contract's document, for report and
// explain alike (issue 28): one size cap, the schema checked, the rest
// decoded by type.
func TestDecode(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"over the cap", bytes.Repeat([]byte(" "), MaxSize+1), ErrTooLarge},
		{"not JSON", []byte("220 hi"), ErrNotJSON},
		{"another schema", []byte(`{"schema": "ftpdiag/probe/v2"}`), ErrNotResult},
		{"a field of the wrong type", []byte(`{"schema": "ftpdiag/probe/v1", "findings": 3}`), ErrNotResult},
		{"a result", []byte(`{"schema": "ftpdiag/probe/v1", "verdict": "ok", "transcript": []}`), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.in)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestDecodeKnownKinds: a saved result whose transcript holds an event
// entry without its event object, or an entry of a kind nobody writes, is
// read with that entry as a note of its text, for report and explain
// alike. CI's fuzzing found the first: 'report' panicked on it in the
// nagios phases (transcript.Phases read e.Event.Op).
func TestDecodeKnownKinds(t *testing.T) {
	cases := []struct {
		name  string
		entry string
		want  Kind
	}{
		{"an event without its event", `{"session": 1, "kind": "event", "text": "connect"}`, Note},
		{"a kind nobody writes", `{"session": 1, "kind": "banner", "text": "220"}`, Note},
		{"an event", `{"session": 1, "kind": "event", "text": "connect", "event": {"op": "connect", "outcome": "connected"}}`, Event},
		{"a reply", `{"session": 1, "kind": "reply", "text": "220 hi", "code": 220}`, Reply},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Decode([]byte(`{"schema": "ftpdiag/probe/v1", "verdict": "ok", "transcript": [` + tc.entry + `]}`))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			e := res.Transcript[0]
			if e.Kind != tc.want || (e.Kind == Event) != (e.Event != nil) || e.Session != 1 || e.Text == "" {
				t.Errorf("read back as %+v, want kind %s with its text", e, tc.want)
			}
		})
	}
}
