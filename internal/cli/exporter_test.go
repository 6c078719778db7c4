package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExporterConfigCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("pw", "secret\n")
	good := write("good.yml", "modules:\n  default:\n  john:\n    user: john\n    password_file: pw\n    allowed_targets: [127.0.0.1]\n")
	bad := write("bad.yml", "modules:\n  default:\n    timout: 5s\n")
	cases := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    string
		wantErr    string
	}{
		{"valid", []string{"--config", good, "--config.check"}, exitOK, "2 module(s): [default john]", ""},
		{"unknown key names its line", []string{"--config", bad, "--config.check"}, exitUnknown, "", `line 3: unknown key "timout"`},
		{"missing file", []string{"--config", filepath.Join(dir, "nosuch.yml"), "--config.check"}, exitUnknown, "", "no such file"},
		{"check without a file", []string{"--config.check"}, exitUnknown, "", "--config.check needs --config"},
		{"bad start-up config", []string{"--config", bad, "--listen", "127.0.0.1:0"}, exitUnknown, "", "line 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errOut := runCLI(t, append([]string{"exporter"}, tc.args...)...)
			if status != tc.wantStatus || !strings.Contains(out, tc.wantOut) || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("status %d, stdout %q, stderr %q; want %d, %q, %q", status, out, errOut, tc.wantStatus, tc.wantOut, tc.wantErr)
			}
			if strings.Contains(out+errOut, "secret") {
				t.Errorf("the password shows")
			}
		})
	}
}
