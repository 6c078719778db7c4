//go:build unix

package cli

import (
	"strings"
	"testing"
)

// TestServeDiskLimitFlags: the limits on what serve writes to disk (issue
// 30) refuse values they cannot read, as usage errors with a hint.
func TestServeDiskLimitFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"transcript keep not a rule", []string{"--transcript-keep", "forever"}, "--transcript-keep"},
		{"transcript keep two ages", []string{"--transcript-keep", "7d,3d"}, "--transcript-keep"},
		{"upload file limit zero", []string{"--upload-max-file", "0"}, "--upload-max-file"},
		{"upload session limit not a size", []string{"--upload-max-session", "lots"}, "--upload-max-session"},
		{"free-space floor in percent", []string{"--upload-min-free", "5%"}, "--upload-min-free"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--user", "a:b", "--listen", "127.0.0.1:0"}, tc.args...)
			status, _, errOut := runCLI(t, args...)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if status != exitUnknown || len(lines) != 2 || !strings.Contains(lines[0], tc.wantErr) || !strings.HasPrefix(lines[1], "ftpdiag: hint: ") {
				t.Errorf("got status %d and\n%s\nwant %d, an error naming %q and a hint", status, errOut, exitUnknown, tc.wantErr)
			}
		})
	}
}
