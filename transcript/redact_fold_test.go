package transcript

import "testing"

// TestRedactAnyCase: a secret is masked in any case of its ASCII letters,
// since renderers print some text in capitals (FuzzRenderRedacts found
// "00000000a" shown as "00000000A" with the secret "0000000A").
func TestRedactAnyCase(t *testing.T) {
	r := NewRedactor("0000000A", "Pässwort1")
	for _, tc := range []struct{ in, want string }{
		{"x 0000000A y", "x " + Mask + " y"},
		{"00000000a", "0" + Mask},
		{"PASS 0000000a and 0000000A", "PASS " + Mask + " and " + Mask},
		{"Pässwort1 pÄsswort1", Mask + " pÄsswort1"}, // non-ASCII secrets: as they are
	} {
		if got := r.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
