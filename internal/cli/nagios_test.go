package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestNagiosEveryCommand: --format nagios works wherever a result is
// rendered, with the exit status each command gives in any format.
func TestNagiosEveryCommand(t *testing.T) {
	healthy := servertest.URL(servertest.Start(t, server.Config{}))
	refused := servertest.URL(servertest.Start(t, server.Config{Faults: server.Faults{AdvertisePortOffset: -2000}}))
	status, doc, _ := runCLI(t, "probe", "--format", "json", "--tls", "off", "--timeout", "1s", refused)
	if status != exitCritical {
		t.Fatalf("probe --format json: status %d", status)
	}
	saved := filepath.Join(t.TempDir(), "result.json")
	if err := os.WriteFile(saved, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		args       []string
		wantStatus int
		wantHead   string
	}{
		{"probe healthy", []string{"probe", "--tls", "off", "--timeout", "1s", healthy}, exitOK, "FTPDIAG OK - "},
		{"probe refused", []string{"probe", "--tls", "off", "--timeout", "1s", refused}, exitCritical, "FTPDIAG CRITICAL - Passive data connections are refused"},
		{"report", []string{"report", saved}, exitCritical, "FTPDIAG CRITICAL - Passive data connections are refused"},
		{"selftest", []string{"selftest", "--timeout", "2s"}, exitOK, "FTPDIAG OK - "},
		{"explain", []string{"explain", filepath.Join("..", "..", "testdata", "logs", "filezilla-pasv-private-timeout.log")}, exitCritical, "FTPDIAG CRITICAL - Passive data connections time out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{tc.args[0], "--format", "nagios"}, tc.args[1:]...)
			status, out, errOut := runCLI(t, args...)
			if status != tc.wantStatus || !strings.HasPrefix(out, tc.wantHead) {
				t.Errorf("status %d, output %q (stderr %q); want %d, %q...", status, out, errOut, tc.wantStatus, tc.wantHead)
			}
			if strings.Contains(out, servertest.Password) {
				t.Errorf("the password shows: %q", out)
			}
		})
	}
}
