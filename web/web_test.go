package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/probe"
	"ftpdiag/render"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// quick are probe timeouts for tests: loopback answers in microseconds.
var quick = probe.Options{Timeout: 2 * time.Second, ReplyTimeout: 2 * time.Second, StallTimeout: 2 * time.Second,
	TransferTime: 5 * time.Second, Resolver: noLookups{}}

// noLookups fails any test that makes the service look a name up.
type noLookups struct{}

func (noLookups) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	panic("the web service looked a name up in a test")
}

// fakeNames answers look-ups from a table, never from the network.
type fakeNames map[string][]netip.Addr

func (f fakeNames) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := f[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startWeb(t testing.TB, o Options, tls bool) (*Server, *httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if o.Probe.Timeout == 0 {
		o.Probe = quick
	}
	s := New(o)
	t.Cleanup(s.Close)
	var hs *httptest.Server
	if tls {
		hs = httptest.NewTLSServer(s.Handler())
	} else {
		hs = httptest.NewServer(s.Handler())
	}
	t.Cleanup(hs.Close)
	return s, hs, logs
}

func postJSON(t testing.TB, c *http.Client, u string, body any) (*http.Response, []byte) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := c.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

// TestRefusesPrivateTargets: a page on the internet is never made to reach
// its own network. Every non-public range, by address or by a name that
// resolves to one, is refused with 400 before anything is dialled.
func TestRefusesPrivateTargets(t *testing.T) {
	names := fakeNames{
		"inside.example":  {netip.MustParseAddr("10.1.2.3")},
		"mixed.example":   {netip.MustParseAddr("198.18.0.9"), netip.MustParseAddr("fd00::5")},
		"loopish.example": {netip.MustParseAddr("::ffff:127.0.0.1")},
	}
	o := Options{Probe: quick}
	o.Probe.Resolver = names
	_, hs, _ := startWeb(t, o, false)
	for _, target := range []string{
		"ftp://10.0.0.1/", "ftp://172.16.5.4/", "ftp://192.168.1.1/", "ftp://127.0.0.1/", "ftp://[::1]/",
		"ftp://169.254.169.254/", "ftp://100.64.0.1/", "ftp://[fd12::1]/", "ftp://[fe80::1]/", "ftp://0.0.0.0/",
		"ftp://inside.example/", "ftp://mixed.example/", "ftp://loopish.example/",
	} {
		t.Run(target, func(t *testing.T) {
			resp, body := postJSON(t, hs.Client(), hs.URL+"/api/v1/probe", request{URL: target})
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, body)
			}
			if !strings.Contains(string(body), "does not probe") {
				t.Errorf("the refusal does not say why: %s", body)
			}
		})
	}
}

// TestPasswordPolicy: a password travels only in a body over TLS, is
// never logged, and is gone from everything kept once the probe ends.
func TestPasswordPolicy(t *testing.T) {
	const secret = "s3cret-Web-pw"
	ftpd := servertest.Start(t, server.Config{Users: map[string]string{"john": secret}})
	target := "ftp://" + ftpd.Addr().String() + "/"

	_, plain, _ := startWeb(t, Options{AllowPrivate: true}, false)
	resp, body := postJSON(t, plain.Client(), plain.URL+"/api/v1/probe", request{URL: target, User: "john", Password: secret})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "only over HTTPS") {
		t.Errorf("plain HTTP with a password: %d %s, want 400 naming HTTPS", resp.StatusCode, body)
	}
	resp, body = postJSON(t, plain.Client(), plain.URL+"/api/v1/probe?password=x", request{URL: target})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a password in the query: %d %s, want 400", resp.StatusCode, body)
	}
	resp, body = postJSON(t, plain.Client(), plain.URL+"/api/v1/probe", request{URL: "ftp://john:" + secret + "@" + ftpd.Addr().String() + "/"})
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(string(body), secret) {
		t.Errorf("a password in the URL: %d %s, want 400 without it", resp.StatusCode, body)
	}

	s, tls, logs := startWeb(t, Options{AllowPrivate: true}, true)
	resp, body = postJSON(t, tls.Client(), tls.URL+"/api/v1/probe", request{URL: target, User: "john", Password: secret, TLS: "off"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("over TLS: %d %s", resp.StatusCode, body)
	}
	res, err := render.Load(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the answer is not a result: %v", err)
	}
	if !hasCheck(res, result.Pass) {
		t.Errorf("no check passed with the right password: %+v", res.Checks)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/r/")
	kept := string(body)
	for _, p := range []string{"/report.html", "/result.json", "/email.txt", "/status", ""} {
		_, b := get(t, tls.Client(), tls.URL+"/r/"+id+p)
		kept += string(b)
	}
	if strings.Contains(kept, secret) || strings.Contains(logs.String(), secret) {
		t.Errorf("the password was kept or logged")
	}
	if s.store.len() != 1 {
		t.Errorf("%d checks kept, want 1", s.store.len())
	}
}

func hasCheck(res *result.Result, st result.Status) bool {
	for _, c := range res.Checks {
		if c.Status == st {
			return true
		}
	}
	return false
}

func get(t testing.TB, c *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestFormFlow: the form starts a probe and sends the visitor to an
// unguessable address that shows progress, then the verdict, the report
// and its downloads.
func TestFormFlow(t *testing.T) {
	ftpd := servertest.Start(t, server.Config{Anonymous: true})
	_, hs, _ := startWeb(t, Options{AllowPrivate: true}, false)
	c := hs.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(hs.URL+"/check", url.Values{"url": {"ftp://" + ftpd.Addr().String() + "/"}, "tls": {"off"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/r/[A-Za-z0-9_-]{22}$`).MatchString(loc) {
		t.Fatalf("POST /check: %d to %q, want 303 to /r/ and 128 random bits", resp.StatusCode, loc)
	}
	var snap snapshot
	deadline := time.Now().Add(30 * time.Second)
	for snap.State != "done" {
		if time.Now().After(deadline) {
			t.Fatalf("the probe did not end: %+v", snap)
		}
		_, b := get(t, c, hs.URL+loc+"/status")
		if err := json.Unmarshal(b, &snap); err != nil {
			t.Fatalf("status: %v: %s", err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(snap.Events) == 0 || snap.Verdict == "" {
		t.Errorf("no progress or no verdict: %+v", snap)
	}
	_, page := get(t, c, hs.URL+loc)
	for _, want := range []string{"Verdict:", "report.html?download", "result.json?download", "email.txt", "<iframe"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the finished page lacks %q", want)
		}
	}
	resp, _ = get(t, c, hs.URL+"/r/AAAAAAAAAAAAAAAAAAAAAA")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown report: %d, want 404", resp.StatusCode)
	}
}

// TestSecurityHeaders: every response carries them; no page allows inline
// script; the report's inline style is allowed by its own hash only.
func TestSecurityHeaders(t *testing.T) {
	ftpd := servertest.Start(t, server.Config{Anonymous: true})
	_, hs, _ := startWeb(t, Options{AllowPrivate: true}, false)
	resp, body := postJSON(t, hs.Client(), hs.URL+"/api/v1/probe", request{URL: "ftp://" + ftpd.Addr().String() + "/", TLS: "off", Mode: "passive"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("probe: %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get("Location")
	for _, p := range []string{"/", id, id + "/report.html", id + "/result.json", id + "/status", "/static/app.js", "/nothing", "/api/v1/probe"} {
		resp, b := get(t, hs.Client(), hs.URL+p)
		csp := resp.Header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: no %s", p, h)
			}
		}
		if bytes.Contains(b, []byte("<script>")) {
			t.Errorf("%s: an inline script", p)
		}
		if p == id+"/report.html" && !strings.Contains(csp, styleHashes(b)) {
			t.Errorf("the report's CSP %q does not name its style's hash", csp)
		}
	}
}

// TestProbeMeBack probes the caller's own address, whatever it names, and
// believes X-Forwarded-For only from a trusted proxy.
func TestProbeMeBack(t *testing.T) {
	ftpd := servertest.Start(t, server.Config{Anonymous: true})
	port := ftpd.Addr().(*net.TCPAddr).Port
	_, hs, _ := startWeb(t, Options{AllowPrivate: true}, false)
	resp, body := postJSON(t, hs.Client(), hs.URL+"/api/v1/probe-me-back", request{URL: "ftp://198.18.0.1/", Port: port})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("probe-me-back with a URL: %d, want 400", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", hs.URL+"/api/v1/probe-me-back", strings.NewReader(`{"port":`+strconv.Itoa(port)+`,"tls":"off","mode":"passive"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "198.18.0.77") // not from a trusted proxy: ignored
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Ftpdiag-Seen-As") != "127.0.0.1" {
		t.Fatalf("probe-me-back: %d seen as %q: %s", resp.StatusCode, resp.Header.Get("Ftpdiag-Seen-As"), body)
	}
	res, err := render.Load(bytes.NewReader(body))
	if err != nil || res.Target.Host != "127.0.0.1" || res.Target.Port != port {
		t.Fatalf("probed %+v (%v), want 127.0.0.1:%d", res.Target, err, port)
	}
	if res.Verdict != result.VerdictOK {
		t.Errorf("verdict %s, want ok", res.Verdict)
	}

	_, priv, _ := startWeb(t, Options{}, false)
	resp, body = postJSON(t, priv.Client(), priv.URL+"/api/v1/probe-me-back", request{Port: port})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a loopback caller without --allow-private: %d %s, want 400", resp.StatusCode, body)
	}
}

// TestClientAddr: X-Forwarded-For counts only from trusted proxies, and
// then its last hop that is not one.
func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("198.18.9.0/24")}
	cases := []struct {
		name, remote, xff, want string
	}{
		{"direct", "203.0.113.5:4000", "", "203.0.113.5"},
		{"spoofed from outside", "203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
		{"through the proxy", "198.18.9.1:4000", "198.51.100.1", "198.51.100.1"},
		{"a forged first hop", "198.18.9.1:4000", "10.0.0.1, 198.51.100.1", "198.51.100.1"},
		{"two trusted proxies", "198.18.9.1:4000", "198.51.100.1, 198.18.9.2", "198.51.100.1"},
		{"garbage", "198.18.9.1:4000", "nonsense", "198.18.9.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := clientAddr(r, proxies); got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestLimits: per client at once, per client per hour, and over all.
func TestLimits(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, b := netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("198.51.100.2")

	l := newLimiter(3, 2, 3, clock)
	r1, err1 := l.acquire(a)
	_, err2 := l.acquire(a)
	_, err3 := l.acquire(a)
	if err1 != nil || err2 != nil || err3 != errClientBusy {
		t.Fatalf("per client at once: %v %v %v", err1, err2, err3)
	}
	_, errB := l.acquire(b)
	_, errB2 := l.acquire(b)
	if errB != nil || errB2 != errServerBusy {
		t.Fatalf("over all: %v %v", errB, errB2)
	}
	r1()
	r1() // twice is once
	if _, err := l.acquire(a); err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := l.acquire(a); err != errClientBusy {
		t.Fatalf("still two running: %v", err)
	}
	l = newLimiter(10, 10, 3, clock)
	for range 3 {
		rel, err := l.acquire(a)
		if err != nil {
			t.Fatal(err)
		}
		rel()
	}
	if _, err := l.acquire(a); err != errClientQuota {
		t.Fatalf("a fourth start in the hour: %v", err)
	}
	now = now.Add(time.Hour + time.Second)
	if _, err := l.acquire(a); err != nil {
		t.Fatalf("an hour later: %v", err)
	}
}

// TestHostileRequests: bodies too big, unknown fields, control characters.
func TestHostileRequests(t *testing.T) {
	_, hs, _ := startWeb(t, Options{AllowPrivate: true}, true)
	cases := []struct {
		name, body string
	}{
		{"too big", `{"url":"` + strings.Repeat("a", maxBody) + `"}`},
		{"unknown field", `{"url":"ftp://198.18.0.1/","sweep":true}`},
		{"two values", `{"url":"ftp://198.18.0.1/"}{}`},
		{"CR LF in the user", `{"url":"ftp://198.18.0.1/","user":"a\r\nDELE x"}`},
		{"CR LF in the password", `{"url":"ftp://198.18.0.1/","user":"a","password":"p\r\nDELE x"}`},
		{"bad mode", `{"url":"ftp://198.18.0.1/","mode":"both;rm"}`},
		{"bad scheme", `{"url":"http://198.18.0.1/"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := hs.Client().Post(hs.URL+"/api/v1/probe", "application/json", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	}
}
