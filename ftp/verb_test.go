package ftp

import "testing"

func TestTransferVerbs(t *testing.T) {
	cases := []struct {
		verb                                string
		transfer, listing, download, upload bool
	}{
		{"LIST", true, true, false, false},
		{"nlst", true, true, false, false},
		{"Mlsd", true, true, false, false},
		{"RETR", true, false, true, false},
		{"RETR file.txt", true, false, true, false},
		{"STOR", true, false, false, true},
		{"STOU", true, false, false, true},
		{"appe x", true, false, false, true},
		{"MLST", false, false, false, false},
		{"SIZE", false, false, false, false},
		{"PASV", false, false, false, false},
		{"SITE RETR", false, false, false, false},
		{"RETRX", false, false, false, false},
		{"", false, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.verb, func(t *testing.T) {
			got := [4]bool{IsTransfer(tc.verb), IsListing(tc.verb), IsDownload(tc.verb), IsUpload(tc.verb)}
			want := [4]bool{tc.transfer, tc.listing, tc.download, tc.upload}
			if got != want {
				t.Errorf("%q: transfer, listing, download, upload = %v, want %v", tc.verb, got, want)
			}
		})
	}
}

func TestVerb(t *testing.T) {
	cases := []struct{ name, line, verb, arg string }{
		{"usual", "RETR file.txt", "RETR", "file.txt"},
		{"lower case", "retr file.txt", "RETR", "file.txt"},
		{"spaces in the name kept", "STOR a b.txt ", "STOR", "a b.txt "},
		{"CRLF dropped", "LIST\r\n", "LIST", ""},
		{"no argument", "PASV", "PASV", ""},
		{"SITE keeps its subcommand as argument", "SITE WHOAMI", "SITE", "WHOAMI"},
		{"SITE with two words", "site portcheck bc,a,a,c", "SITE", "portcheck bc,a,a,c"},
		{"leading spaces", "  USER anonymous", "USER", "anonymous"},
		{"empty", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			verb, arg := Verb(tc.line)
			if verb != tc.verb || arg != tc.arg {
				t.Errorf("Verb(%q) = %q, %q; want %q, %q", tc.line, verb, arg, tc.verb, tc.arg)
			}
		})
	}
}

func TestFirstLine(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"one line", "226 Transfer complete", "226 Transfer complete"},
		{"multi-line", "211-Features:\n MDTM\n211 End", "211-Features:"},
		{"CRLF", "220 ready\r\n", "220 ready"},
		{"empty", "", ""},
		{"first line empty", "\n220 ready", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FirstLine(tc.text); got != tc.want {
				t.Errorf("FirstLine(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}
