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

func TestPasvRangeFeat(t *testing.T) {
	line := FormatPasvRangeFeat(3000, 3024)
	r, ok := ParsePasvRangeFeat("211-Extensions supported:\n EPSV\n" + line + "\n211 End")
	if !ok || r != (PortRun{Lo: 3000, Hi: 3024}) {
		t.Errorf("round trip of %q: %v %v", line, r, ok)
	}
	for _, bad := range []string{"211 End", " FTPDIAG-PASV-RANGE 3024-3000", " FTPDIAG-PASV-RANGE 0-10", " FTPDIAG-PASV-RANGE x"} {
		if _, ok := ParsePasvRangeFeat(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
