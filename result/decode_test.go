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
