package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReportHTML: --format html -o writes the page; --html writes it beside
// another format, and the e-mail then says to attach it (only then).
func TestReportHTML(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "r.html")
	cases := []struct {
		name     string
		args     []string
		stdout   string // held by standard output, "" for none
		noStdout string // not held by it
	}{
		{"html to a file", []string{"report", "--format", "html", "-o", page, criticalResult}, "", ""},
		{"html to stdout", []string{"report", "-f", "html", criticalResult}, `<html lang="en">`, ""},
		{"email with the page", []string{"report", "-f", "email", "--html", page, criticalResult}, "r.html: attach it to this message", ""},
		{"email alone", []string{"report", "-f", "email", criticalResult}, "", "attach it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(page)
			status, out, errOut := runCLI(t, tc.args...)
			if status != exitCritical || errOut != "" {
				t.Fatalf("exit status %d, stderr %q", status, errOut)
			}
			if tc.stdout != "" && !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%.400s", tc.stdout, out)
			}
			if tc.noStdout != "" && strings.Contains(out, tc.noStdout) {
				t.Errorf("stdout holds %q", tc.noStdout)
			}
			b, err := os.ReadFile(page)
			wantFile := slices.Contains(tc.args, page)
			if wantFile && (err != nil || !strings.HasPrefix(string(b), "<!DOCTYPE html>")) {
				t.Errorf("no HTML page in %s: %v %.80q", page, err, b)
			}
			if !wantFile && err == nil {
				t.Errorf("%s written, though not asked for", page)
			}
		})
	}
}
