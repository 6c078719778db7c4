package cli

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdiag/internal/golden"
	"ftpdiag/result"
)

// explainUpdate is the -update flag. It is registered in init, after every
// package-level variable, so that another test file of this package may
// declare its own -update flag and both read the same one.
var explainUpdate func() bool

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
	explainUpdate = func() bool { return flag.Lookup("update").Value.String() == "true" }
}

// logs holds the sample client logs and the explain goldens.
var logs = filepath.Join("..", "..", "testdata", "logs")

// explainCases are the sample logs, one per format and cause, with the
// verdict's exit status and the findings explain must draw from each.
var explainCases = []struct {
	file   string
	status int
	codes  []string
}{
	{"curl-login-rejected.log", exitCritical, []string{"login.rejected"}},
	{"curl-pasv-private-timeout.log", exitCritical, []string{"pasv.private-address", "data.passive.timeout"}},
	{"curl-pasv-refused.log", exitCritical, []string{"data.passive.refused"}},
	{"curl-pasv-timeout.log", exitCritical, []string{"data.passive.timeout"}},
	{"curl-port-illegal.log", exitWarning, []string{"active.port-refused"}},
	{"curl-port-wont-open.log", exitWarning, []string{"active.port-refused"}},
	{"curl-tls-required.log", exitCritical, []string{"login.tls-required"}},
	{"filezilla-bad-ip.log", exitCritical, []string{"data.rejected", "tls.unsupported"}},
	{"filezilla-login-rejected.log", exitCritical, []string{"login.rejected", "tls.unsupported"}},
	// FileZilla 3.63 in the lab: the name's IPv6 control port refused, the
	// IPv4 address tried at once.
	{"filezilla-ipv6-refused.log", exitWarning, []string{"control.refused", "tls.unsupported"}},
	{"filezilla-pasv-private-timeout.log", exitCritical, []string{"pasv.private-address", "data.passive.timeout", "tls.unsupported"}},
	{"filezilla-pasv-refused.log", exitCritical, []string{"data.passive.refused"}},
	{"filezilla-tls-required.log", exitCritical, []string{"login.tls-required"}},
	{"filezilla-tls-reuse.log", exitCritical, []string{"tls.session-reuse-required"}},
	{"json-pasv-private-timeout.json", exitCritical, []string{"pasv.private-address", "data.passive.timeout"}},
	{"lftp-login-rejected.log", exitCritical, []string{"login.rejected", "tls.unsupported", "reply.slow"}},
	{"lftp-pasv-fixed.log", exitWarning, []string{"pasv.private-address"}},
	{"lftp-pasv-refused.log", exitCritical, []string{"data.passive.refused", "tls.unsupported"}},
	{"lftp-pasv-timeout.log", exitCritical, []string{"data.passive.timeout", "tls.unsupported"}},
	{"lftp-tls-ok.log", exitOK, nil},
	{"seed-illegal-port.log", exitWarning, []string{"active.port-refused"}},
	{"seed-rumpus.log", exitOK, nil},
	{"curl-tls-healthy.log", exitWarning, []string{"tls.cert-untrusted"}},
	{"filezilla-tls-healthy.log", exitOK, nil},
	{"curl-tls-untrusted.log", exitWarning, []string{"tls.cert-untrusted"}},
	{"curl-tls-no-session-reuse.log", exitCritical, []string{"tls.session-reuse-required", "tls.cert-untrusted"}},
	{"curl-tls-implicit.log", exitWarning, []string{"tls.cert-untrusted"}},
	{"curl-tls-1.2.log", exitCritical, []string{"tls.session-reuse-required", "tls.cert-untrusted"}},
	{"winscp-pasv-private-timeout.log", exitCritical, []string{"pasv.private-address", "data.passive.timeout"}},
	{"winscp-port-refused.log", exitWarning, []string{"active.port-refused", "reply.slow"}},
}

func explainGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join(logs, name), got, explainUpdate())
}

// TestExplainSamples runs every sample through the whole command, checks
// the findings and the exit status, and compares the text render.
func TestExplainSamples(t *testing.T) {
	for _, tc := range explainCases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(logs, tc.file)
			status, out, errOut := runCLI(t, "explain", "--format", "json", path)
			if status != tc.status || errOut != "" {
				t.Errorf("exit status %d (stderr %q), want %d", status, errOut, tc.status)
			}
			var res result.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("output is not a result: %v\n%s", err, out)
			}
			var codes []string
			for _, f := range res.Findings {
				codes = append(codes, f.Code)
			}
			if strings.Join(codes, " ") != strings.Join(tc.codes, " ") {
				t.Errorf("findings %q, want %q", codes, tc.codes)
			}
			_, text, _ := runCLI(t, "explain", path)
			explainGolden(t, strings.TrimSuffix(tc.file, filepath.Ext(tc.file))+".golden", []byte(text))
		})
	}
}

func TestExplainEveryFormatOneGolden(t *testing.T) {
	for _, format := range []string{"markdown", "email", "json"} {
		t.Run(format, func(t *testing.T) {
			status, out, errOut := runCLI(t, "explain", "-f", format, filepath.Join(logs, "filezilla-pasv-private-timeout.log"))
			if status != exitCritical || errOut != "" {
				t.Errorf("exit status %d, stderr %q", status, errOut)
			}
			explainGolden(t, "filezilla-pasv-private-timeout."+format+".golden", []byte(out))
		})
	}
}

// TestExplainNeverShowsAPassword: the samples hold passwords in clear in
// PASS lines and elsewhere; no format may print them.
func TestExplainNeverShowsAPassword(t *testing.T) {
	secrets := map[string]string{
		"curl-login-rejected.log": "Tr0ub4dor&3",
		"lftp-login-rejected.log": "Tr0ub4dor&3",
		"filezilla-bad-ip.log":    "hunter2hunter2",
		"seed-illegal-port.log":   "correct-horse",
		"stdin-url-password.log":  "pa55word",
	}
	stdinLog := "Status:\tConnecting to 192.0.2.1:21...\nCommand:\tUSER bob\nCommand:\tPASS pa55word\n" +
		"Response:\t530 Login incorrect.\nError:\tCould not log in to ftp://bob:pa55word@192.0.2.1/ (pa55word)\n"
	for file, secret := range secrets {
		for _, format := range []string{"text", "markdown", "email", "json"} {
			t.Run(file+"/"+format, func(t *testing.T) {
				args := []string{"explain", "-f", format, filepath.Join(logs, file)}
				if file == "stdin-url-password.log" {
					args[len(args)-1] = "-"
				}
				_, out, errOut := runCLIStdin(t, stdinLog, args...)
				if out == "" {
					t.Fatalf("no output; stderr %q", errOut)
				}
				if strings.Contains(out+errOut, secret) {
					t.Errorf("the password %q appears in the %s output", secret, format)
				}
			})
		}
	}
}

func TestExplainRejectsWhatIsNotALog(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"binary file", []string{write("a.out", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00")}, "binary"},
		{"empty file", []string{write("empty.log", "")}, "empty"},
		{"html page", []string{write("page.html", "<!DOCTYPE html>\n<html><body><p>Status: Connecting</p></body></html>\n")}, "HTML page"},
		{"missing file", []string{filepath.Join(dir, "nope.log")}, "no such file"},
		{"a directory", []string{dir}, "cannot"},
		{"prose", []string{write("mail.txt", "Hello,\nthe upload fails.\nRegards\n")}, "no FTP client log format recognised"},
		{"unknown --from", []string{"--from", "cuteftp", write("x.log", "Cmd: USER a\n")}, `unknown log format name "cuteftp"`},
		{"no argument", nil, "exactly one log file"},
		{"two arguments", []string{"a.log", "b.log"}, "exactly one log file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errOut := runCLI(t, append([]string{"explain"}, tc.args...)...)
			wantUsageError(t, status, errOut, tc.wantErr)
			if out != "" {
				t.Errorf("printed a result for bad input:\n%s", out)
			}
		})
	}
}

// TestExplainFromOverridesDetection: a seed-style log read as curl has no
// "> " or "< " line, so it holds no command and is refused; read as seed
// it is explained.
func TestExplainFromOverridesDetection(t *testing.T) {
	path := filepath.Join(logs, "seed-illegal-port.log")
	if status, _, _ := runCLI(t, "explain", "--from", "curl", path); status != exitUnknown {
		t.Errorf("--from curl: exit status %d, want %d", status, exitUnknown)
	}
	if status, _, errOut := runCLI(t, "explain", "--from", "seed", path); status != exitWarning {
		t.Errorf("--from seed: exit status %d, want %d (%s)", status, exitWarning, errOut)
	}
}

// TestExplainJSONRoundTrip: explaining ftpdiag's own JSON result gives the
// same findings as the log it was made from.
func TestExplainJSONRoundTrip(t *testing.T) {
	for _, tc := range explainCases {
		if filepath.Ext(tc.file) == ".json" {
			continue
		}
		t.Run(tc.file, func(t *testing.T) {
			_, first, _ := runCLI(t, "explain", "-f", "json", filepath.Join(logs, tc.file))
			status, out, errOut := runCLIStdin(t, first, "explain", "-f", "json", "-")
			if status != tc.status {
				t.Errorf("exit status %d, want %d (%s)", status, tc.status, errOut)
			}
			var a, b result.Result
			if err := json.Unmarshal([]byte(first), &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(out), &b); err != nil {
				t.Fatal(err)
			}
			if codes(a.Findings) != codes(b.Findings) || len(a.Transcript) != len(b.Transcript) {
				t.Errorf("round trip changed the findings %q -> %q or the transcript (%d -> %d entries)",
					codes(a.Findings), codes(b.Findings), len(a.Transcript), len(b.Transcript))
			}
		})
	}
}

func codes(fs []result.Finding) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Code)
	}
	return strings.Join(s, " ")
}
