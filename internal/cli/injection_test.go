package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestProbeRefusesControlCharacters: a control character in any part of the
// target, in FTPDIAG_PASSWORD or on --password-stdin is a usage error (exit
// 3, an error line and a hint) before anything is sent, and a writable
// server's victim.txt survives (issue 30: today's probe deletes it).
func TestProbeRefusesControlCharacters(t *testing.T) {
	cases := []struct {
		name, url, env, stdin, file string
		want                        string
	}{
		{name: "path", url: "ftp://john@ADDR/a%0d%0aDELE%20victim.txt", want: "the path holds a control character CR"},
		{name: "user", url: "ftp://john%0d%0aPASS%20secret%0d%0aDELE%20victim.txt@ADDR/", want: "the user holds a control character CR"},
		{name: "password", url: "ftp://john:secret%0d%0aDELE%20victim.txt@ADDR/", want: "the password holds a control character CR"},
		{name: "FTPDIAG_PASSWORD", url: "ftp://john@ADDR/", env: "secret\r\nDELE victim.txt", want: "the password holds a control character CR"},
		{name: "FTPDIAG_PASSWORD LF", url: "ftp://john@ADDR/", env: "secret\nDELE victim.txt", want: "the password holds a control character LF"},
		{name: "--file", url: "ftp://john:secret@ADDR/", file: "a\r\nDELE victim.txt", want: "--file: the file name holds a control character CR"},
		{name: "password-stdin", url: "ftp://john@ADDR/", stdin: "secret\rDELE victim.txt\n", want: "the password holds a control character CR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			victim := filepath.Join(root, "victim.txt")
			if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := servertest.Start(t, server.Config{Root: root, Writable: true})
			args := []string{"probe", "--tls", "off", "--timeout", "2s", "--reply-timeout", "2s"}
			if tc.env != "" {
				t.Setenv("FTPDIAG_PASSWORD", tc.env)
			}
			if tc.file != "" {
				args = append(args, "--file", tc.file)
			}
			if tc.stdin != "" {
				args = append(args, "--password-stdin")
			}
			args = append(args, strings.Replace(tc.url, "ADDR", s.Addr().String(), 1))
			status, out, errOut := runCLIStdin(t, tc.stdin, args...)
			wantUsageError(t, status, errOut, tc.want)
			if out != "" || strings.Contains(errOut, "DELE") || strings.Contains(errOut, "secret") {
				t.Errorf("stdout %q, stderr %q: want nothing on stdout, and neither the password nor the URL quoted", out, errOut)
			}
			if _, err := os.Stat(victim); err != nil {
				t.Errorf("victim.txt: %v; want it kept", err)
			}
		})
	}
}
