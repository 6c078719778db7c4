package exporter

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ftpdiag/probe"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// countingServer listens on addr ("127.0.0.2:0", say), counts the
// connections it accepts, and never says a word.
func countingServer(t testing.TB, addr string) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), &n
}

// getRaw asks path?rawQuery as written, with no encoding of its own.
func getRaw(t testing.TB, base, rawQuery string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/probe?"+rawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestControlCharactersRefused (issue 30): a target whose path, user or
// host holds CR, LF or another control character is a 400 naming the
// reason, and nothing connects: with the module's stored password, the
// path's CR LF DELE deleted a file on the monitored server.
func TestControlCharactersRefused(t *testing.T) {
	addr, conns := countingServer(t, "127.0.0.1:0")
	_, ts, logs := startExporter(t, Options{})
	enc := url.QueryEscape
	cases := []struct {
		name, query string
	}{
		// The request, with the host a loopback port that counts.
		{"CR LF DELE in the path, default module", "target=" + enc("ftp://"+addr+"/a%0d%0aDELE%20victim.txt")},
		{"CR LF DELE in the path, module with a password", "module=john&target=" + enc("ftp://"+addr+"/a%0d%0aDELE%20victim.txt")},
		{"the issue's encoding", "module=john&target=ftp%3A%2F%2F" + enc(addr) + "%2Fa%250d%250aDELE%2520victim.txt"},
		// Exactly as the issue sends it; module john's allowed_targets would
		// refuse "host" before any lookup if the control checks were gone,
		// but the body must name the control character.
		{"the issue's exact request", "module=john&target=ftp%3A%2F%2Fhost%2Fa%250d%250aDELE%2520victim.txt"},
		{"LF alone in the path", "target=" + enc("ftp://"+addr+"/a%0aRMD%20x")},
		{"NUL in the path", "target=" + enc("ftp://"+addr+"/a%00b")},
		{"CR LF in the user", "target=" + enc("ftp://jo%0d%0aDELE%20x@"+addr+"/")},
		{"C1 control in the path", "target=" + enc("ftp://"+addr+"/a%c2%85b")},
		{"DEL in the path", "target=" + enc("ftp://"+addr+"/a%7fb")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := getRaw(t, ts.URL, tc.query, nil)
			// "control": the probe's own parser may refuse it first, in
			// its words (issue 30's typed error), before checkControl.
			if status != http.StatusBadRequest || !strings.Contains(strings.ToLower(body), "control") {
				t.Errorf("status %d, body %q; want 400 naming the control character", status, body)
			}
			if strings.ContainsAny(body, "\r\x00\x7f") {
				t.Errorf("the body echoes the control characters: %q", body)
			}
		})
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections to the target, want none", n)
	}
	if strings.Contains(logs.String(), "\r") {
		t.Errorf("a CR reached the log")
	}
}

// TestScrapeHeaderCapped (issue 30): X-Prometheus-Scrape-Timeout-Seconds:
// 3600 does not make a probe of a server that never greets last an hour,
// or the 20 s of a reply timeout: the module's probe_timeout bounds it.
func TestScrapeHeaderCapped(t *testing.T) {
	target, _ := silentServer(t)
	cfg, err := ParseConfig([]byte("modules:\n  default:\n    tls: off\n  bounded:\n    tls: off\n    probe_timeout: 2s\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, ts, _ := startExporter(t, Options{Config: cfg})
	cases := []struct {
		module, header string
		limit          time.Duration
	}{
		{"bounded", "3600", 2 * time.Second},
		{"bounded", "1e9", 2 * time.Second},
		{"bounded", "1", time.Second}, // a shorter scrape still wins
	}
	for _, tc := range cases {
		t.Run(tc.module+" "+tc.header, func(t *testing.T) {
			start := time.Now()
			status, got := scrape(t, ts.URL, target, tc.module, tc.header)
			took := time.Since(start)
			if status != http.StatusOK || got["ftpdiag_probe_success"] != 0 {
				t.Errorf("status %d, success %v; want 200 and 0", status, got["ftpdiag_probe_success"])
			}
			if took > tc.limit+scrapeMargin/2 {
				t.Errorf("the probe took %s, beyond the bound %s", took, tc.limit)
			}
		})
	}
	budget := func(header string, m *Module) time.Duration {
		r := &http.Request{Header: http.Header{}}
		if header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", header)
		}
		return scrapeBudget(r, m)
	}
	budgets := []struct {
		header string
		m      *Module
		want   time.Duration
	}{
		{"3600", &Module{}, DefaultProbeTimeout},
		{"3600", &Module{ProbeTimeout: 45 * time.Second}, 45 * time.Second},
		{"10", &Module{}, 9500 * time.Millisecond},
		{"", &Module{}, DefaultScrapeTimeout - scrapeMargin},
		{"NaN", &Module{}, DefaultScrapeTimeout - scrapeMargin},
		{"-5", &Module{}, DefaultScrapeTimeout - scrapeMargin},
		{"0.1", &Module{}, minBudget},
	}
	for _, b := range budgets {
		if got := budget(b.header, b.m); got != b.want {
			t.Errorf("header %q, probe_timeout %s: budget %s, want %s", b.header, b.m.ProbeTimeout, got, b.want)
		}
	}
}

// TestSlowTargetDoesNotStarve (issue 30): 16 scrapes of one server that
// never greets, each with a scrape timeout of an hour and its own path (so
// none shares another's probe), hold at most a quarter of the 16 slots;
// scrapes of a healthy server meanwhile get a slot at once and succeed.
func TestSlowTargetDoesNotStarve(t *testing.T) {
	slowAddr, _ := countingServer(t, "127.0.0.1:0")
	healthy := servertest.Start(t, server.Config{})
	e, ts, _ := startExporter(t, Options{MaxConcurrent: DefaultMaxConcurrent})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	for i := range DefaultMaxConcurrent {
		wg.Go(func() {
			u := ts.URL + "/probe?" + url.Values{"target": {fmt.Sprintf("ftp://%s/slow%d", slowAddr, i)}}.Encode()
			req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
			req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "3600")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	// The slow probes take their slots; the rest queue for the host's.
	for deadline := time.Now().Add(5 * time.Second); e.running.Load() < int64(e.perHost) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if n := e.running.Load(); n != int64(e.perHost) {
		t.Fatalf("%d probes of the slow server running, want its share %d", n, e.perHost)
	}
	for i := range 3 {
		start := time.Now()
		status, got := scrape(t, ts.URL, hostPort(healthy), "john", "2")
		if status != http.StatusOK || got["ftpdiag_probe_success"] != 1 {
			t.Errorf("healthy scrape %d beside 16 slow ones: status %d, success %v, in %s; want 200 and 1", i, status, got["ftpdiag_probe_success"], time.Since(start))
		}
	}
}

// TestCredentialsOnlyToAllowedTargets (issue 21): a module with a user
// and password probes only its allowed_targets; any other target is a
// 400 before anything connects, whether it is another address, a name
// (never looked up), or a network's neighbour.
func TestCredentialsOnlyToAllowedTargets(t *testing.T) {
	other, conns := countingServer(t, "127.0.0.2:0")
	_, port, _ := net.SplitHostPort(other)
	_, ts, logs := startExporter(t, Options{}) // john: allowed_targets [127.0.0.1]
	for _, target := range []string{"ftp://" + other + "/", "ftp://localhost:" + port + "/", "ftp://[::1]:" + port + "/", "ftp://john@" + other + "/"} {
		t.Run(target, func(t *testing.T) {
			status, body := getRaw(t, ts.URL, url.Values{"target": {target}, "module": {"john"}}.Encode(), nil)
			if status != http.StatusBadRequest || !strings.Contains(body, "allowed_targets") {
				t.Errorf("status %d, body %q; want 400 naming allowed_targets", status, body)
			}
		})
	}
	// The module without credentials may go anywhere the caller says.
	if status, _ := scrape(t, ts.URL, "ftp://"+other+"/", "default", "1"); status != http.StatusOK {
		t.Errorf("anonymous module: status %d, want 200", status)
	}
	if n := conns.Load(); n == 0 || n > 4 {
		t.Errorf("%d connections: want those of the anonymous probe only", n)
	}
	if strings.Contains(logs.String(), servertest.Password) {
		t.Errorf("the password reached the log")
	}
	rules, err := parseRules("127.0.0.0/8", "ftp.example.com", "2001:db8::/32", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{"127.1.2.3": true, "FTP.Example.com.": true, "ftp.example.com": true, "2001:db8::5": true,
		"192.0.2.7": true, "192.0.2.8": false, "::ffff:127.0.0.1": true, "example.com": false, "10.0.0.1": false, "localhost": false} {
		if got := rules.allows(host); got != want {
			t.Errorf("allows(%q) = %v, want %v", host, got, want)
		}
	}
}

func parseRules(entries ...string) (targetRules, error) {
	var out targetRules
	for _, s := range entries {
		r, err := parseTargetRule(s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// TestNoPasswordInClearText (issue 21): a module with a password and no
// tls setting probes a real server that refuses AUTH TLS (the reference
// server without a certificate) and never sends the password: the probe
// stops at the refusal. Only tls: off sends it in clear.
func TestNoPasswordInClearText(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	dir := t.TempDir()
	if err := writeFile(dir+"/pw", servertest.Password+"\n"); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(fmt.Sprintf("modules:\n  login:\n    user: %[1]s\n    password_file: pw\n    allowed_targets: [127.0.0.1]\n"+
		"  plain:\n    user: %[1]s\n    password_file: pw\n    allowed_targets: [127.0.0.1]\n    tls: off\n", servertest.User)), dir)
	if err != nil {
		t.Fatal(err)
	}
	e, ts, _ := startExporter(t, Options{Config: cfg})
	cases := []struct {
		module    string
		wantPass  bool
		wantAuth  bool
		wantCodes []string
	}{
		{"login", false, true, []string{"tls.unsupported"}},
		{"plain", true, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.module, func(t *testing.T) {
			status, got := scrape(t, ts.URL, hostPort(s), tc.module, "5")
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			res := e.recent.list()[0].res
			var pass, auth bool
			for _, en := range res.Transcript {
				if en.Kind == result.Command {
					pass = pass || strings.HasPrefix(en.Text, "PASS")
					auth = auth || strings.HasPrefix(en.Text, "AUTH TLS")
				}
			}
			if pass != tc.wantPass || auth != tc.wantAuth {
				t.Errorf("PASS sent %v, AUTH TLS sent %v; want %v, %v", pass, auth, tc.wantPass, tc.wantAuth)
			}
			for _, code := range tc.wantCodes {
				if !hasSample(got, `ftpdiag_finding{code="`+code+`"`) {
					t.Errorf("no finding %s in %v", code, got)
				}
			}
		})
	}
}

func hasSample(got map[string]float64, prefix string) bool {
	for k := range got {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// TestSlotKey: one server is one share of the slots however its address
// is spelt, so respelling it does not buy a second share.
func TestSlotKey(t *testing.T) {
	cases := []struct {
		target, want string
	}{
		{"ftp://127.0.0.1:21/", "127.0.0.1:21"},
		{"ftp://[::ffff:127.0.0.1]:21/", "127.0.0.1:21"},
		{"ftp://FTP.Example.COM./", "ftp.example.com:21"},
		{"ftp://[2001:DB8::1]:2121/", "[2001:db8::1]:2121"},
		{"ftps://127.0.0.1/", "127.0.0.1:990"},
	}
	for _, tc := range cases {
		tg, err := probe.ParseTarget(tc.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := slotKey(tg); got != tc.want {
			t.Errorf("slotKey(%s) = %s, want %s", tc.target, got, tc.want)
		}
	}
}
