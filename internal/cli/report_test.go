package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Saved results from the renderer's goldens: a critical one (the seed's
// story) and an ok one.
var (
	criticalResult = filepath.Join("..", "..", "render", "testdata", "render", "seed.json")
	okResult       = filepath.Join("..", "..", "render", "testdata", "render", "ok.json")
)

// writeTemp writes content to a file in a fresh directory and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReportRendersEveryFormat(t *testing.T) {
	cases := []struct {
		format string
		want   string // a line the rendering must hold
	}{
		{"text", "Verdict: CRITICAL: a client with default settings cannot log in"},
		{"markdown", "**Verdict: critical**"},
		{"json", `"schema": "ftpdiag/probe/v1"`},
		{"email", "Subject: FTP problem with 198.18.1.2:21: Passive data connections time"},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			status, out, errOut := runCLI(t, "report", "--format", tc.format, criticalResult)
			if status != exitCritical {
				t.Errorf("exit status %d, want %d (the saved verdict's); stderr: %s", status, exitCritical, errOut)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			if errOut != "" {
				t.Errorf("stderr not empty: %q", errOut)
			}
		})
	}
}

func TestReportExitStatusIsTheVerdicts(t *testing.T) {
	data, err := os.ReadFile(okResult)
	if err != nil {
		t.Fatal(err)
	}
	warning := strings.Replace(string(data), `"verdict": "ok"`, `"verdict": "warning"`, 1)
	cases := []struct {
		name string
		path string
		want int
	}{
		{"ok", okResult, exitOK},
		{"warning", writeTemp(t, "warning.json", warning), exitWarning},
		{"critical", criticalResult, exitCritical},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if status, _, errOut := runCLI(t, "report", tc.path); status != tc.want {
				t.Errorf("exit status %d, want %d; stderr: %s", status, tc.want, errOut)
			}
		})
	}
}

func TestReportOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.txt")
	status, out, _ := runCLI(t, "report", "-f", "email", "-o", path, criticalResult)
	if status != exitCritical || out != "" {
		t.Errorf("exit status %d, stdout %q; want %d and nothing on stdout", status, out, exitCritical)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("Subject: ")) || bytes.Contains(got, []byte("\x1b[")) {
		t.Errorf("the file is not a plain e-mail:\n%s", got)
	}
}

func TestReportReadsStdin(t *testing.T) {
	data, err := os.ReadFile(okResult)
	if err != nil {
		t.Fatal(err)
	}
	status, out, errOut := runCLIStdin(t, string(data), "report", "-")
	if status != exitOK || !strings.Contains(out, "Verdict: OK") {
		t.Errorf("exit status %d, output:\n%s\nstderr: %s", status, out, errOut)
	}
}

// TestReportRejects checks that every kind of bad input ends in one error
// line, one hint line and exit status 3, and says what is wrong.
func TestReportRejects(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name      string
		args      []string
		wantError string
		wantHint  string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.json")}, "no such file or directory", "ftpdiag probe --format json"},
		{"not JSON", []string{writeTemp(t, "log.txt", "220: Welcome To Rumpus!\nCmd: USER john\n")}, "not JSON", "ftpdiag explain"},
		{"empty", []string{writeTemp(t, "empty.json", "")}, "the file is empty", "ftpdiag explain"},
		{"another schema", []string{writeTemp(t, "pkg.json", `{"schema": "other/v1", "name": "x"}`)}, `not an ftpdiag result: schema "other/v1"`, "ftpdiag/probe/v1"},
		{"no schema", []string{writeTemp(t, "noschema.json", `{"verdict": "ok"}`)}, "no schema field", "ftpdiag/probe/v1"},
		{"newer schema", []string{writeTemp(t, "v2.json", `{"schema": "ftpdiag/probe/v2", "verdict": "ok"}`)}, "written by a newer ftpdiag", "newer one"},
		{"bad verdict", []string{writeTemp(t, "verdict.json", `{"schema": "ftpdiag/probe/v1", "verdict": "fine"}`)}, `verdict "fine"`, "ftpdiag/probe/v1"},
		{"no file", nil, "report takes one FILE, got 0", "ftpdiag report result.json"},
		{"two files", []string{okResult, okResult}, "report takes one FILE, got 2", "ftpdiag report result.json"},
		{"unknown format", []string{"--format", "pdf", okResult}, `unknown format "pdf"`, "text, markdown, json, email"},
		{"unwritable output", []string{"-o", filepath.Join(dir, "no", "such", "dir", "r.txt"), okResult}, "cannot write the result", "is writable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errOut := runCLI(t, append([]string{"report"}, tc.args...)...)
			if status != exitUnknown {
				t.Errorf("exit status %d, want %d", status, exitUnknown)
			}
			if out != "" {
				t.Errorf("wrote to stdout on bad input: %q", out)
			}
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "ftpdiag: error: ") || !strings.HasPrefix(lines[1], "ftpdiag: hint: ") {
				t.Fatalf("stderr is not one error line and one hint line:\n%s", errOut)
			}
			if !strings.Contains(lines[0], tc.wantError) {
				t.Errorf("error line %q does not say %q", lines[0], tc.wantError)
			}
			if !strings.Contains(lines[1], tc.wantHint) {
				t.Errorf("hint line %q does not say %q", lines[1], tc.wantHint)
			}
		})
	}
}

// TestReportNeverShowsAPassword feeds a hand-made result that holds the
// password in clear (URL, PASS line, error messages) through every format.
func TestReportNeverShowsAPassword(t *testing.T) {
	const pw = "Tr0ub4dor-3"
	doc := `{"schema": "ftpdiag/probe/v1", "tool": {"name": "ftpdiag", "version": "0.1.0"},
 "target": {"url": "ftp://john:` + pw + `@198.18.1.2/", "host": "198.18.1.2", "port": 21, "user": "john"},
 "started": "2026-11-23T21:54:30Z", "verdict": "critical",
 "findings": [{"code": "login.rejected", "severity": "critical", "title": "The login is refused",
   "detail": "530 after PASS ` + pw + `", "hints": ["check ` + pw + `"], "lines": [2]}],
 "checks": [{"name": "login", "status": "fail", "duration_ms": 3, "detail": "refused: ` + pw + `"}],
 "transcript": [
  {"t_ms": 1, "session": 1, "kind": "command", "text": "USER john"},
  {"t_ms": 2, "session": 1, "kind": "command", "text": "PASS ` + pw + `"},
  {"t_ms": 3, "session": 1, "kind": "reply", "code": 530, "text": "530 Login incorrect"},
  {"t_ms": 4, "session": 1, "kind": "event", "text": "closed (login failed for ftp://john:` + pw + `@198.18.1.2/)",
   "event": {"op": "close", "by": "server", "error": "login failed with ` + pw + `"}}]}`
	path := writeTemp(t, "clear.json", doc)
	for _, format := range []string{"text", "markdown", "json", "email"} {
		status, out, errOut := runCLI(t, "report", "--format", format, path)
		if status != exitCritical {
			t.Errorf("%s: exit status %d; stderr: %s", format, status, errOut)
		}
		if strings.Contains(out+errOut, pw) {
			t.Errorf("%s rendering shows the password:\n%s", format, out)
		}
		if !strings.Contains(out, "xxxxxxxx") {
			t.Errorf("%s rendering does not show the masked PASS line:\n%s", format, out)
		}
	}
}
