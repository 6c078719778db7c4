package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serverLogs holds the corpus of real servers' logs (internal/lab records it).
var serverLogs = filepath.Join("..", "..", "testdata", "serverlogs")

// TestExplainServerLog: explain detects a server log, leads with the
// summary across sessions, then the worst sessions; its exit status is the
// worst verdict; --client narrows it to one client; --from forces the
// format; -, a directory and JSON work too.
func TestExplainServerLog(t *testing.T) {
	vsftpd := filepath.Join(serverLogs, "vsftpd-pasv-refused.log")
	data, err := os.ReadFile(vsftpd)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	serveLog, _ := os.ReadFile(filepath.Join(serverLogs, "serve-pasv-dropped.log"))
	for i, part := range strings.SplitAfter(string(serveLog), "=== session") {
		if i > 0 {
			part = "=== session" + part
		}
		if strings.TrimSpace(strings.TrimSuffix(part, "=== session")) != "" {
			os.WriteFile(filepath.Join(dir, strings.Repeat("a", i+1)+".txt"), []byte(strings.TrimSuffix(part, "=== session")), 0o600)
		}
	}
	for _, c := range []struct {
		name   string
		stdin  string
		args   []string
		status int
		want   []string
		not    []string
	}{
		{name: "vsftpd, detected", args: []string{"explain", vsftpd}, status: exitCritical,
			want: []string{"ftpdiag explain: vsftpd log, 5 sessions from 1 client address",
				"data.passive.never-arrived: Passive data connections never arrive (seen from the server)",
				"4 sessions from 1 of 1 client addresses: 198.18.0.2 (4)", "data.passive.fallback-active", "For the administrator:", "=== session 1 (198.18.0.2"}},
		{name: "standard input", stdin: string(data), args: []string{"explain", "-"}, status: exitCritical,
			want: []string{"ftpdiag explain: vsftpd log, 5 sessions"}},
		{name: "--from forces the format", args: []string{"explain", "--from", "vsftpd", vsftpd}, status: exitCritical,
			want: []string{"vsftpd log"}},
		{name: "--client of another address", args: []string{"explain", "--client", "198.18.0.9", vsftpd}, status: exitUnknown,
			not: []string{"vsftpd log"}},
		{name: "--client narrows", args: []string{"explain", "--client", "198.18.1.1", filepath.Join(serverLogs, "vsftpd-client-nat.log")},
			status: exitWarning, want: []string{"3 sessions from 1 client address", "active.port-private"}},
		{name: "a transcript directory", args: []string{"explain", dir}, status: exitCritical,
			want: []string{"serve log", "data.passive.never-arrived"}},
		{name: "a client log still reads as one", args: []string{"explain", filepath.Join("..", "..", "testdata", "logs", "curl-pasv-refused.log")},
			status: exitCritical, not: []string{"sessions from"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var status int
			var out, errOut string
			if c.stdin != "" {
				status, out, errOut = runCLIStdin(t, c.stdin, c.args...)
			} else {
				status, out, errOut = runCLI(t, c.args...)
			}
			if status != c.status {
				t.Errorf("exit %d, want %d\n%s%s", status, c.status, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, n := range c.not {
				if strings.Contains(out, n) {
					t.Errorf("output has %q:\n%s", n, out)
				}
			}
		})
	}
}

// TestExplainServerLogJSON: the JSON document of a server log.
func TestExplainServerLogJSON(t *testing.T) {
	status, out, errOut := runCLI(t, "explain", "--format", "json", filepath.Join(serverLogs, "pure-ftpd-tls-alg-blind.log"))
	if status != exitCritical {
		t.Fatalf("exit %d: %s", status, errOut)
	}
	var doc struct {
		Schema   string `json:"schema"`
		Sessions int    `json:"sessions"`
		Verdict  string `json:"verdict"`
		Findings []struct {
			Code  string `json:"code"`
			Title string `json:"title"`
		} `json:"findings"`
		Worst []struct {
			Client string `json:"client"`
		} `json:"worst_sessions"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Schema != "ftpdiag/serverlog/v1" || doc.Sessions != 4 || doc.Verdict != "critical" || len(doc.Worst) != 3 {
		t.Errorf("schema %q, %d sessions, verdict %s, %d worst sessions", doc.Schema, doc.Sessions, doc.Verdict, len(doc.Worst))
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Code != "tls.alg-blind" || !strings.HasSuffix(doc.Findings[0].Title, "(seen from the server)") {
		t.Errorf("findings across sessions: %+v", doc.Findings)
	}
	if strings.Contains(out, "PASS secret") || strings.Contains(out, ":secret@") {
		t.Error("a password in the output")
	}
}
