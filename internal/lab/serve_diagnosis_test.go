//go:build linux

package lab

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDiagnosesItsClients: ftpdiag serve behind a router that drops
// its passive range, with real curl and lftp as clients. Each session's
// end is diagnosed from the server's side: the JSON session log on
// standard error names the failure, the transcript file ends with it, and
// SITE STATS (asked on the server's own host) sums it up.
func TestServeDiagnosesItsClients(t *testing.T) {
	Require(t)
	t.Parallel()
	n := New(t, Topology{RouterRules: []string{fromClient + "tcp dport " + PasvRange + " drop"}})
	td := t.TempDir()
	p := n.Start(t, n.Server, ftpdiagBinary(t), "serve", "--listen", fmt.Sprintf(":%d", FTPPort), "--pasv-ports", PasvRange,
		"--user", User+":"+Password, "--transcript-dir", td, "--log-format", "json", "--data-timeout", "5s")
	n.WaitListen(t, p, n.Server, FTPPort)
	n.runClient("curl-list", URL())
	n.runClient("lftp", URL())
	time.Sleep(500 * time.Millisecond)

	lines := sessionLines(t, p.Output())
	bad := 0
	for _, l := range lines {
		if l["client"] == ClientPublic && l["verdict"] == "critical" && strings.Contains(fmt.Sprint(l["codes"]), "data.passive.never-arrived") {
			bad++
			if !strings.HasPrefix(fmt.Sprint(l["diagnosis"]), "Seen from the server:") {
				t.Errorf("the diagnosis does not say where it was seen: %v", l["diagnosis"])
			}
		}
	}
	if bad < 2 {
		t.Errorf("%d session lines name the passive connection that never arrived, want one for curl and one or more for lftp:\n%s", bad, p.Output())
	}

	files, _ := filepath.Glob(filepath.Join(td, "*.txt"))
	withDiagnosis := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "^ diagnosis (seen from the server): critical") &&
			strings.Contains(string(b), "^ data.passive.never-arrived: ") {
			withDiagnosis++
		}
	}
	if withDiagnosis < 2 {
		t.Errorf("%d of %d transcript files end with the diagnosis", withDiagnosis, len(files))
	}

	out, err := n.Command(n.Server, "curl", "-sS", "-v", "--max-time", "10", "-o", "/dev/null",
		"-Q", "SITE STATS", fmt.Sprintf("ftp://%s:%s@127.0.0.1/", User, Password)).CombinedOutput()
	if err != nil {
		t.Fatalf("curl SITE STATS: %v\n%s", err, out)
	}
	stats := string(out)
	t.Logf("serve's standard error:\n%s\ncurl -Q 'SITE STATS':\n%s", p.Output(), stats)
	for _, want := range []string{"data.passive.never-arrived", "1 of 1 client addresses never opened their passive data connection (" + ClientPublic + ")"} {
		if !strings.Contains(stats, want) {
			t.Errorf("SITE STATS does not say %q:\n%s", want, stats)
		}
	}
}

// sessionLines are the JSON session lines of serve's standard error.
func sessionLines(t *testing.T, out string) []map[string]any {
	var lines []map[string]any
	for _, l := range strings.Split(out, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["session"] != nil {
			lines = append(lines, m)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("no session line in serve's output:\n%s", out)
	}
	return lines
}
