package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ftpdiag/internal/clientlog"
	"ftpdiag/internal/daylog"
)

// threeSessions is a FileZilla log file of three real recordings, each on
// its own engine: healthy, passive timing out, healthy over TLS.
func threeSessions(t *testing.T) string {
	t.Helper()
	engine := regexp.MustCompile(`(?m)^(\S+ \S+ \d+) 1 `)
	var b strings.Builder
	for i, name := range []string{"filezilla-serve-ok.log", "filezilla-serve-pasv-timeout.log", "filezilla-tls-ok.log"} {
		data, err := os.ReadFile(filepath.Join(logs, name))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(engine.ReplaceAllString(string(data), "${1} "+string(rune('1'+i))+" "))
	}
	path := filepath.Join(t.TempDir(), "day.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExplainSeveralSessions: a client log of several sessions gets the
// report across them (text and JSON), the worst session's exit status,
// and in the formats made for one result, the session the report shows
// first, with a word on stderr.
func TestExplainSeveralSessions(t *testing.T) {
	path := threeSessions(t)
	status, out, errOut := runCLI(t, "explain", path)
	if status != exitCritical || errOut != "" {
		t.Errorf("text: exit status %d, stderr %q; want %d and nothing", status, errOut, exitCritical)
	}
	for _, want := range []string{"ftpdiag explain: filezilla log, 3 sessions, 2026-12-01 22:42:53 to ",
		"Sessions: 1 critical, 2 ok", "critical  data.passive.timeout:", "1 session (first in session 2, latest in session 2)",
		"=== session 2 (log line 44, 2026-12-01 22:43:14): critical", "Passive data connections time out"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	status, out, _ = runCLI(t, "explain", "--format", "json", path)
	var doc struct {
		Schema   string `json:"schema"`
		Sessions int    `json:"sessions"`
		Verdict  string `json:"verdict"`
		Shown    []struct {
			ID int `json:"id"`
		} `json:"shown_sessions"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if status != exitCritical || doc.Schema != clientlog.Schema || doc.Sessions != 3 || doc.Verdict != "critical" ||
		len(doc.Shown) == 0 || doc.Shown[0].ID != 2 {
		t.Errorf("json: exit %d, %+v", status, doc)
	}
	status, out, errOut = runCLI(t, "explain", "--format", "markdown", path)
	if status != exitCritical || !strings.Contains(errOut, "holds 3 sessions; --format markdown shows session 2") ||
		!strings.Contains(out, "data.passive.timeout") {
		t.Errorf("markdown: exit %d, stderr %q:\n%s", status, errOut, out)
	}
}

// TestExplainClientLogOver32MiB: a client log bigger than the cap explain
// used to refuse ("the log is too large: more than 32 MiB") is explained,
// streamed.
func TestExplainClientLogOver32MiB(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes and reads 40 MiB")
	}
	recs, err := daylog.Recordings(logs, "en")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "day.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := daylog.FileZilla(f, recs, 40<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	status, out, errOut := runCLI(t, "explain", "--format", "json", path)
	var doc struct {
		Sessions int `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(out), &doc); status != exitCritical || err != nil || doc.Sessions < 10000 {
		t.Errorf("exit status %d (stderr %q), %d sessions, %v", status, errOut, doc.Sessions, err)
	}
}
