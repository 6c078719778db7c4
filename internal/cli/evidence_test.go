package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/render"
	"ftpdiag/result"
)

// evidenceCases are issue 14's logs: each says something its lines do not
// show, or misses what they do. want are the codes the log must give,
// forbid those it must not; status is the exit status.
var evidenceCases = []struct {
	name   string
	log    string // the log itself, or @FILE under testdata/logs
	status int
	want   []string
	forbid []string
	says   string // the report's text must say this (the evidence line)
}{
	{name: "curl: an SSH banner", log: "@curl-ssh-banner.log", status: exitCritical,
		want: []string{"control.not-ftp"}},
	{name: "lftp: an SSH banner", log: "@lftp-ssh-banner.log", status: exitCritical,
		want: []string{"control.not-ftp"}, forbid: []string{"control.closed"}},
	{name: "filezilla: an SSH banner", status: exitCritical, log: "Status:\tConnecting to 192.0.2.1:21...\n" +
		"Status:\tConnection established, waiting for welcome message...\nResponse:\tSSH-2.0-OpenSSH_9.2p1\n" +
		"Error:\tConnection closed by server\nError:\tCould not connect to server\n",
		want: []string{"control.not-ftp"}},
	{name: "filezilla fragment from PASV on", status: exitCritical, log: "Command:\tPASV\n" +
		"Response:\t227 Entering Passive Mode (192,168,1,20,195,80)\n" +
		"Status:\tServer sent passive reply with unroutable address. Using server address instead.\n" +
		"Command:\tMLSD\nError:\tConnection timed out after 20 seconds of inactivity\nError:\tFailed to retrieve directory listing\n",
		want: []string{"pasv.private-address", "data.passive.timeout"}, forbid: []string{"control.busy", "control.closed"}},
	{name: "lftp debug after the greeting", status: exitCritical, log: "---> USER anonymous\n" +
		"<--- 331 Please specify the password.\n---> PASS guest\n<--- 230 Login successful.\n---> PWD\n" +
		"<--- 257 \"/\" is the current directory\n---> PASV\n<--- 227 Entering Passive Mode (10,0,0,5,11,184).\n" +
		"---- Address returned by PASV seemed to be incorrect and has been fixed\n" +
		"---- Connecting data socket to (198.51.100.7) port 3000\n**** Timeout - reconnecting\n---- Closing data socket\n",
		want: []string{"data.passive.timeout"}, forbid: []string{"control.busy", "login.rejected", "control.closed"}},
	{name: "filezilla refused then its inactivity timeout", status: exitCritical, log: "Status:\tConnecting to 198.51.100.7:21...\n" +
		"Status:\tConnection established, waiting for welcome message...\nResponse:\t220 Welcome\nCommand:\tUSER maria\n" +
		"Response:\t331 Password required\nCommand:\tPASS secret99\nResponse:\t230 OK\nCommand:\tPASV\n" +
		"Response:\t227 Entering Passive Mode (198,51,100,7,117,51)\nCommand:\tMLSD\n" +
		"Error:\tThe data connection could not be established: ECONNREFUSED - Connection refused by server\n" +
		"Error:\tConnection timed out after 20 seconds of inactivity\nError:\tFailed to retrieve directory listing\n",
		want: []string{"data.passive.refused"}, forbid: []string{"data.passive.timeout", "control.closed"}},
	{name: "curl: AUTH SSL refused, AUTH TLS accepted", status: exitOK, log: "*   Trying 198.51.100.7:21...\n" +
		"* Connected to files.example.org (198.51.100.7) port 21 (#0)\n< 220 Welcome\n> AUTH SSL\n" +
		"< 500 AUTH SSL not understood\n> AUTH TLS\n< 234 Proceed with negotiation.\n" +
		"* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n> USER maria\n< 331 Password required\n> PASS secret99\n" +
		"< 230 Login successful.\n> PBSZ 0\n< 200 PBSZ=0\n> PROT P\n< 200 PROT now Private.\n> PWD\n< 257 \"/\"\n" +
		"> EPSV\n* Connect data stream passively\n< 229 Entering Extended Passive Mode (|||3001|)\n" +
		"*   Trying 198.51.100.7:3001...\n* Connected 2nd connection to 198.51.100.7 port 3001\n> TYPE A\n" +
		"< 200 Switching to ASCII mode.\n> LIST\n< 150 Here comes the directory listing.\n< 226 Directory send OK.\n",
		forbid: []string{"tls.unsupported"}},
	{name: "curl: vsftpd cannot bind port 20 (OOPS)", log: "@curl-active-oops.log", status: exitWarning,
		want: []string{"active.server-failed"}, forbid: []string{"control.closed", "active.no-callback"}},
	{name: "lftp: vsftpd cannot bind port 20 (OOPS)", log: "@lftp-active-oops.log", status: exitWarning,
		want: []string{"active.server-failed"}, forbid: []string{"control.closed", "active.no-callback"}},
	{name: "a log that ends after the greeting", status: exitUnknown, log: "*   Trying 198.51.100.7:21...\n" +
		"* Connected to files.example.org (198.51.100.7) port 21 (#0)\n< 220 Welcome\n",
		says: "the log ends after the greeting: nothing about login or data connections"},
	{name: "a log that ends after the login", status: exitUnknown, log: "Status:\tConnecting to 198.51.100.7:21...\n" +
		"Response:\t220 Welcome\nCommand:\tUSER maria\nResponse:\t331 Password required\nCommand:\tPASS secret99\n" +
		"Response:\t230 OK\n",
		says: "the log ends after the login: no listing or download is seen"},
}

// TestEvidence runs issue 14's cases through explain: codes wanted and
// forbidden, the exit status, and what the report says about the end of
// the log.
func TestEvidence(t *testing.T) {
	for _, tc := range evidenceCases {
		t.Run(tc.name, func(t *testing.T) {
			log := tc.log
			if name, ok := strings.CutPrefix(log, "@"); ok {
				b, err := os.ReadFile(filepath.Join(logs, name))
				if err != nil {
					t.Fatal(err)
				}
				log = string(b)
			}
			status, out, errOut := runCLIStdin(t, log, "explain", "-f", "json", "-")
			var res result.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("no result (%v); stderr %q", err, errOut)
			}
			got := strings.Fields(codes(res.Findings))
			for _, c := range tc.want {
				if !slices.Contains(got, c) {
					t.Errorf("findings %q lack %s", got, c)
				}
			}
			for _, c := range tc.forbid {
				if slices.Contains(got, c) {
					t.Errorf("findings %q hold %s, which the lines do not show", got, c)
				}
			}
			if status != tc.status {
				t.Errorf("exit status %d (verdict %s), want %d", status, res.Verdict, tc.status)
			}
			if tc.says == "" {
				return
			}
			if !strings.Contains(res.Evidence, tc.says) {
				t.Errorf("the JSON document's evidence %q does not say %q", res.Evidence, tc.says)
			}
			for _, format := range render.Formats {
				_, text, _ := runCLIStdin(t, log, "explain", "--no-color", "-f", format, "-")
				if !strings.Contains(strings.Join(strings.Fields(text), " "), tc.says) {
					t.Errorf("the %s report does not say %q:\n%s", format, tc.says, text)
				}
			}
		})
	}
}
