package cli

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs ftpdiag with args and returns its exit status and outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIStdin(t, "", args...)
}

// runCLIStdin is runCLI with stdin, for "-" and --password-stdin.
func runCLIStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status := run(append([]string{"ftpdiag"}, args...), strings.NewReader(stdin), &out, &errOut)
	return status, out.String(), errOut.String()
}

// wantUsageError checks what every refusal of bad usage or bad input does:
// exit status exitUnknown, and on stderr one error line saying wantErr,
// then one hint line.
func wantUsageError(t *testing.T, status int, errOut, wantErr string) {
	t.Helper()
	if status != exitUnknown {
		t.Errorf("exit status %d, want %d", status, exitUnknown)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "ftpdiag: error: ") || !strings.HasPrefix(lines[1], "ftpdiag: hint: ") {
		t.Errorf("stderr is not one error line and one hint line:\n%s", errOut)
	}
	if !strings.Contains(lines[0], wantErr) {
		t.Errorf("error line %q does not say %q", lines[0], wantErr)
	}
}

func TestBadUsage(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown global flag", []string{"--bogus"}, "unknown flag --bogus"},
		{"unknown command flag", []string{"probe", "--bogus", "ftp://127.0.0.1/"}, "unknown flag --bogus"},
		{"unknown flag after the URL", []string{"probe", "ftp://127.0.0.1/", "--bogus=1"}, "unknown flag --bogus"},
		{"a bad duration", []string{"probe", "--timeout", "soon", "ftp://127.0.0.1/"}, `"soon" is neither seconds`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errOut := runCLI(t, tc.args...)
			wantUsageError(t, status, errOut, tc.wantErr)
			if strings.Contains(out, "USAGE:") || strings.Contains(errOut, "USAGE:") {
				t.Errorf("printed a stack of help on bad usage")
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	status, out, _ := runCLI(t, "--version")
	if status != 0 || strings.TrimSpace(out) != "ftpdiag version "+version {
		t.Errorf("--version: status %d, output %q", status, out)
	}
	status, out, _ = runCLI(t, "--help")
	for _, cmd := range []string{"serve", "probe", "selftest", "report", "explain"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("--help does not list %s", cmd)
		}
	}
	if status != 0 {
		t.Errorf("--help exit status %d", status)
	}
}
