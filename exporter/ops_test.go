package exporter

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

func get(t testing.TB, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestOperationalPages (issue 21): /-/healthy, /-/ready and /config as in
// the blackbox exporter; /probe?debug=true is the annotated transcript and
// the findings as text; the status page links each recent probe to its
// HTML report, served with a script-free Content-Security-Policy. No page
// shows the module's password.
func TestOperationalPages(t *testing.T) {
	healthy := servertest.Start(t, server.Config{})
	_, ts, _ := startExporter(t, Options{})
	for _, path := range []string{"/-/healthy", "/-/ready"} {
		if status, _, _ := get(t, ts.URL+path); status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
		}
	}
	status, _, cfg := get(t, ts.URL+"/config")
	if status != http.StatusOK || !strings.Contains(cfg, "john:") || !strings.Contains(cfg, "allowed_targets: [127.0.0.1]") || !strings.Contains(cfg, "probe_timeout: 30s") {
		t.Errorf("/config: %d\n%s", status, cfg)
	}

	q := url.Values{"target": {hostPort(healthy)}, "module": {"john"}, "debug": {"true"}}.Encode()
	status, h, debug := get(t, ts.URL+"/probe?"+q)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Errorf("debug: %d %s", status, h.Get("Content-Type"))
	}
	for _, want := range []string{"Module john:", "Verdict:", "Transcript", "Cmd: USER " + servertest.User, "Cmd: PASS xxxx", "230"} {
		if !strings.Contains(debug, want) {
			t.Errorf("the debug answer lacks %q:\n%s", want, debug)
		}
	}

	status, h, page := get(t, ts.URL+"/")
	if status != http.StatusOK || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("status page: %d, CSP %q", status, h.Get("Content-Security-Policy"))
	}
	link := regexp.MustCompile(`href="(/report/\d+)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("the status page links no report:\n%s", page)
	}
	status, h, report := get(t, ts.URL+link[1])
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("report: %d %s CSP %q", status, h.Get("Content-Type"), h.Get("Content-Security-Policy"))
	}
	if !strings.Contains(report, healthy.Addr().String()) || strings.Contains(report, "<script") {
		t.Errorf("the report does not show the target, or holds a script")
	}
	for name, body := range map[string]string{"/config": cfg, "debug": debug, "status": page, "report": report} {
		if strings.Contains(body, servertest.Password) {
			t.Errorf("%s shows the password", name)
		}
	}
	if status, _, _ := get(t, ts.URL+"/report/99999"); status != http.StatusNotFound {
		t.Errorf("an unknown report: %d, want 404", status)
	}
}

// TestLoginBackoff (issue 21): a module whose password the server refuses
// is not logged in with at every scrape. Thirty scrapes a minute apart
// (the exporter's clock moved, the server's lockout counting in real
// time) fail at most five logins, under the reference server's lockout
// of 10 failures in 10 minutes, so the right user can still log in from
// the same address afterwards; scrapes in the pause repeat the failing
// result with ftpdiag_login_backoff_seconds.
func TestLoginBackoff(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	dir := t.TempDir()
	for name, pw := range map[string]string{"good": servertest.Password, "stale": "not-the-password"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(pw+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := ParseConfig([]byte(fmt.Sprintf("modules:\n"+
		"  stale:\n    tls: off\n    user: %[1]s\n    password_file: stale\n    allowed_targets: [127.0.0.1]\n"+
		"  good:\n    tls: off\n    user: %[1]s\n    password_file: good\n    allowed_targets: [127.0.0.1]\n", servertest.User)), dir)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	e, ts, _ := startExporter(t, Options{Config: cfg, Now: now})
	const scrapes = 30
	var paused int
	for i := range scrapes {
		status, got := scrape(t, ts.URL, hostPort(s), "stale", "5")
		if status != http.StatusOK || got[`ftpdiag_finding{code="login.rejected",severity="critical"}`] != 1 || got["ftpdiag_probe_success"] != 0 {
			t.Fatalf("scrape %d: status %d, %v; want login.rejected every time", i, status, got)
		}
		if _, ok := got["ftpdiag_login_backoff_seconds"]; ok {
			paused++
		}
		mu.Lock()
		clock = clock.Add(time.Minute)
		mu.Unlock()
	}
	probes := len(e.recent.list())
	t.Logf("%d scrapes a minute apart: %d logins tried, %d answers with the back-off gauge", scrapes, probes, paused)
	if probes > 5 || paused != scrapes {
		t.Errorf("%d logins tried in %d minutes (want at most 5), %d answers with the back-off gauge (want all)", probes, scrapes, paused)
	}
	status, got := scrape(t, ts.URL, hostPort(s), "good", "5")
	if status != http.StatusOK || got["ftpdiag_probe_success"] != 1 {
		t.Errorf("the right password after the stale one's scrapes: status %d, success %v; the address is locked out", status, got["ftpdiag_probe_success"])
	}
}

// TestExampleConfig: the modules file docs/README-exporter.md shows is
// docs/prometheus/ftpdiag.yml, and it loads; its module that logs in is
// limited to its allowed targets and never sends the password in clear.
func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "prometheus", "ftpdiag.yml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "monitor.pass"), []byte("example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(data, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range cfg.Modules {
		if m.User != "" && (len(m.Allowed) == 0 || m.TLS == "auto") {
			t.Errorf("module %s: %s", m.Name, m)
		}
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "README-exporter.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), indent(string(data))) {
		t.Errorf("docs/README-exporter.md does not show docs/prometheus/ftpdiag.yml as it is")
	}
}

// indent is text as a Markdown code block writes it.
func indent(text string) string {
	var b strings.Builder
	for l := range strings.Lines(text) {
		if strings.TrimSpace(l) == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("    " + l)
	}
	return b.String()
}
