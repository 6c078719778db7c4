package ftp

import "testing"

func TestCodeClass(t *testing.T) {
	cases := []struct {
		name  string
		code  Code
		class int
		// pre, comp, inter, transient, permanent: the predicates in order
		want [5]bool
	}{
		{"150 preliminary", FileStatusOK, 1, [5]bool{true, false, false, false, false}},
		{"226 completion", ClosingData, 2, [5]bool{false, true, false, false, false}},
		{"331 intermediate", NeedPassword, 3, [5]bool{false, false, true, false, false}},
		{"425 transient", CantOpenData, 4, [5]bool{false, false, false, true, false}},
		{"550 permanent", FileUnavailable, 5, [5]bool{false, false, false, false, true}},
		{"0 no code", 0, 0, [5]bool{}},
		{"631 protected reply", 631, 6, [5]bool{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := [5]bool{Preliminary(tc.code), Completion(tc.code), Intermediate(tc.code),
				TransientNegative(tc.code), PermanentNegative(tc.code)}
			if Class(tc.code) != tc.class || got != tc.want {
				t.Errorf("%d: class %d, predicates %v; want %d, %v", tc.code, Class(tc.code), got, tc.class, tc.want)
			}
			pos := tc.want[0] || tc.want[1] || tc.want[2]
			neg := tc.want[3] || tc.want[4]
			if Positive(tc.code) != pos || Negative(tc.code) != neg {
				t.Errorf("%d: Positive %v Negative %v; want %v %v", tc.code, Positive(tc.code), Negative(tc.code), pos, neg)
			}
		})
	}
}

// TestCodeValues pins the constants the brief of issue 11 names, so a
// renamed or mistyped constant cannot change what goes on the wire.
func TestCodeValues(t *testing.T) {
	cases := []struct {
		name string
		got  Code
		want int
	}{
		{"FileStatusOK", FileStatusOK, 150}, {"ServiceReady", ServiceReady, 220},
		{"ClosingData", ClosingData, 226}, {"EnteringPassive", EnteringPassive, 227},
		{"EnteringExtPassive", EnteringExtPassive, 229}, {"LoggedIn", LoggedIn, 230},
		{"AuthOK", AuthOK, 234}, {"NeedPassword", NeedPassword, 331},
		{"ServiceNotAvailable", ServiceNotAvailable, 421}, {"CantOpenData", CantOpenData, 425},
		{"TransferAborted", TransferAborted, 426}, {"FileBusy", FileBusy, 450},
		{"SyntaxError", SyntaxError, 500}, {"ArgSyntax", ArgSyntax, 501},
		{"NotImplemented", NotImplemented, 502}, {"BadSequence", BadSequence, 503},
		{"ParamNotImplemented", ParamNotImplemented, 504}, {"BadNetProtocol", BadNetProtocol, 522},
		{"NotLoggedIn", NotLoggedIn, 530}, {"PolicyDenied", PolicyDenied, 534},
		{"FileUnavailable", FileUnavailable, 550}, {"StorageExceeded", StorageExceeded, 552},
		{"BadFileName", BadFileName, 553}, {"BadRestart", BadRestart, 554},
	}
	for _, tc := range cases {
		if int(tc.got) != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

// TestMeaning holds the exact texts of the notes under reply lines: they
// are in golden files, so a change here must come with new goldens.
func TestMeaning(t *testing.T) {
	want := map[Code]string{
		421: "421: the server refuses or ends the session (too many users, shutting down, idle too long)",
		425: "425: the server could not open or use the data connection",
		426: "426: the data connection was opened, then closed or aborted before the transfer ended",
		450: "450: the file is busy or unavailable for now; trying again later may work",
		451: "451: the server hit a local error while acting on the command",
		500: "500: the server does not know this command, or will not accept its argument",
		501: "501: the server does not accept the command's argument",
		502: "502: the server knows this command but does not implement it",
		503: "503: commands in the wrong order (for example PASS without USER)",
		504: "504: the server does not support this command with this argument",
		522: "522: the server does not support this network protocol in EPRT/EPSV, or demands TLS session reuse",
		530: "530: not logged in: the user name or password is refused, or login needs TLS first",
		532: "532: the server wants an account (ACCT) for this",
		534: "534: the server refuses this for security policy (often: it requires TLS)",
		550: "550: the file or directory does not exist, or this user may not access it",
		552: "552: the user's storage quota is used up",
		553: "553: the file name is not allowed",
	}
	for c := Code(0); c < 1000; c++ {
		if got := Meaning(c); got != want[c] {
			t.Errorf("Meaning(%d) = %q, want %q", c, got, want[c])
		}
	}
}

func TestParseCodeLine(t *testing.T) {
	cases := []struct {
		name, line string
		code       Code
		sep        byte
		text       string
		ok         bool
	}{
		{"final line", "227 Entering Passive Mode (127,0,0,1,11,187).", 227, ' ', "Entering Passive Mode (127,0,0,1,11,187).", true},
		{"opening line", "211-Features:", 211, '-', "Features:", true},
		{"closing line", "211 End", 211, ' ', "End", true},
		{"bare code", "226", 226, ' ', "", true},
		{"code and space only", "226 ", 226, ' ', "", true},
		{"continuation text", " MDTM", 0, 0, "", false},
		{"text starting with digits", "1234 bytes", 0, 0, "", false},
		{"code below 100", "099 no", 0, 0, "", false},
		{"sign", "+12 no", 0, 0, "", false},
		{"letters", "SSH-2.0-OpenSSH_9.2", 0, 0, "", false},
		{"short", "22", 0, 0, "", false},
		{"empty", "", 0, 0, "", false},
		{"protected reply", "631 base64", 631, ' ', "base64", true},
		{"code 7xx", "700 what", 0, 0, "", false},
		{"code 9xx", "999-what", 0, 0, "", false},
		{"tab separator", "220\tready", 0, 0, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, sep, text, ok := ParseCodeLine(tc.line)
			if code != tc.code || sep != tc.sep || text != tc.text || ok != tc.ok {
				t.Errorf("ParseCodeLine(%q) = %d, %q, %q, %v; want %d, %q, %q, %v",
					tc.line, code, sep, text, ok, tc.code, tc.sep, tc.text, tc.ok)
			}
		})
	}
}

func TestOpensSession(t *testing.T) {
	for _, tc := range []struct {
		code Code
		want bool
	}{{ServiceReady, true}, {ServiceReadySoon, true}, {ServiceNotAvailable, true}, {0, true},
		{EnteringPassive, false}, {LoggedIn, false}, {CantOpenData, false}, {PolicyDenied, false}, {FileStatusOK, false}} {
		if got := OpensSession(tc.code); got != tc.want {
			t.Errorf("OpensSession(%d) = %v, want %v", tc.code, got, tc.want)
		}
	}
}
