package probe

import "testing"

func TestParseTLSMode(t *testing.T) {
	cases := []struct {
		in      string
		want    TLSMode
		wantErr string
	}{
		{"auto", TLSAuto, ""}, {"require", TLSRequire, ""}, {"off", TLSOff, ""},
		{"", "", `"" is not a TLS mode: want auto, require or off`},
		{"Auto", "", `"Auto" is not a TLS mode: want auto, require or off`},
	}
	for _, tc := range cases {
		got, err := ParseTLSMode(tc.in)
		if got != tc.want || errString(err) != tc.wantErr {
			t.Errorf("ParseTLSMode(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseModes(t *testing.T) {
	cases := []struct {
		name            string
		in              []string
		passive, active bool
		wantErr         string
	}{
		{"none: both", nil, false, false, ""},
		{"both", []string{"passive", "active"}, false, false, ""},
		{"passive", []string{"passive"}, true, false, ""},
		{"active", []string{"active"}, false, true, ""},
		{"unknown", []string{"pasive"}, false, false, `"pasive" is not a mode: want passive or active`},
		{"twice", []string{"active", "active"}, false, false, `mode "active" is given twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, a, err := ParseModes(tc.in)
			if p != tc.passive || a != tc.active || errString(err) != tc.wantErr {
				t.Errorf("ParseModes(%q) = %v, %v, %v; want %v, %v, %q", tc.in, p, a, err, tc.passive, tc.active, tc.wantErr)
			}
		})
	}
}

func TestParseFamilies(t *testing.T) {
	cases := []struct {
		name    string
		in      []string
		want    string
		wantErr string
	}{
		{"none: both", nil, "", ""},
		{"both", []string{"ipv6", "ipv4"}, "", ""},
		{"ipv4", []string{"ipv4"}, "ipv4", ""},
		{"ipv6", []string{"ipv6"}, "ipv6", ""},
		{"unknown", []string{"IPv4"}, "", `"IPv4" is not an address family: want ipv4 or ipv6`},
		{"twice", []string{"ipv6", "ipv6"}, "", `address family "ipv6" is given twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseFamilies(tc.in)
			if got != tc.want || errString(err) != tc.wantErr {
				t.Errorf("ParseFamilies(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
