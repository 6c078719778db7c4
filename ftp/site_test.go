package ftp

import "testing"

func TestSpell(t *testing.T) {
	cases := []struct{ plain, spelled string }{
		{"198,18,1,2,11,187", "bji,bi,b,c,bb,bih"},
		{"|1|10.0.0.2|2000|", "|b|ba.a.a.c|caaa|"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := Spell(tc.plain); got != tc.spelled {
			t.Errorf("Spell(%q) = %q, want %q", tc.plain, got, tc.spelled)
		}
		if got := Unspell(tc.spelled); got != tc.plain {
			t.Errorf("Unspell(%q) = %q, want %q", tc.spelled, got, tc.plain)
		}
	}
}
