package exporter

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// testConfig has the default module and one logging in as servertest's user.
func testConfig(t testing.TB) *Config {
	t.Helper()
	dir := t.TempDir()
	// The reference servers here speak plain FTP: their modules say so, as
	// an admin's would (the default, auto, finds tls.unsupported there);
	// ftps has the default TLS policy of a module that logs in (require),
	// for the one with a certificate.
	yml := fmt.Sprintf("modules:\n  default:\n    tls: off\n  john:\n    timeout: 1s\n    tls: off\n    user: %[1]s\n    password_file: pw\n    allowed_targets: [127.0.0.1]\n"+
		"  ftps:\n    timeout: 1s\n    user: %[1]s\n    password_file: pw\n    allowed_targets: [127.0.0.0/8]\n", servertest.User)
	if err := writeFile(dir+"/pw", servertest.Password+"\n"); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(yml), dir)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startExporter serves an exporter on 127.0.0.1:0, its log in logs.
func startExporter(t testing.TB, o Options) (*Exporter, *httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	if o.Config == nil {
		o.Config = testConfig(t)
	}
	o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	o.Tool = result.Tool{Name: "ftpdiag", Version: "test"}
	e := New(o)
	ts := httptest.NewServer(e.Handler())
	t.Cleanup(ts.Close)
	return e, ts, logs
}

// hostPort is a reference server's target without user or password.
func hostPort(s *server.Server) string { return "ftp://" + s.Addr().String() + "/" }

// scrape asks /probe as Prometheus does and parses the exposition text.
func scrape(t testing.TB, base, target, module string, timeout string) (int, map[string]float64) {
	t.Helper()
	u := base + "/probe?" + url.Values{"target": {target}, "module": {module}}.Encode()
	req, _ := http.NewRequest("GET", u, nil)
	if timeout != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", timeout)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, samples(t, body)
}

// samples flattens exposition text into "name{l="v",...}" -> value.
func samples(t testing.TB, body []byte) map[string]float64 {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, body)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := name
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			out[key] = m.GetGauge().GetValue()
		}
	}
	return out
}

func TestProbeMetrics(t *testing.T) {
	healthy := servertest.Start(t, server.Config{})
	refused := servertest.Start(t, server.Config{Faults: server.Faults{AdvertisePortOffset: -2000}})
	_, ts, _ := startExporter(t, Options{})
	cases := []struct {
		name    string
		target  string
		want    map[string]float64
		missing []string
	}{
		{"healthy", hostPort(healthy), map[string]float64{
			"ftpdiag_probe_success": 1, `ftpdiag_probe_verdict{verdict="ok"}`: 1, `ftpdiag_probe_verdict{verdict="critical"}`: 0,
			"ftpdiag_passive_ports_blocked": 0,
		}, []string{"ftpdiag_tls_cert_expiry_timestamp_seconds"}},
		{"passive port refused", hostPort(refused), map[string]float64{
			"ftpdiag_probe_success": 0, `ftpdiag_probe_verdict{verdict="critical"}`: 1,
			`ftpdiag_finding{code="data.passive.refused",severity="critical"}`: 1,
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, got := scrape(t, ts.URL, tc.target, "john", "5")
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
				}
			}
			// Every passive port the sampling saw is refused here.
			if blocked := got["ftpdiag_passive_ports_blocked"]; (tc.name == "healthy") != (blocked == 0) {
				t.Errorf("ftpdiag_passive_ports_blocked = %v", blocked)
			}
			for _, k := range tc.missing {
				if _, ok := got[k]; ok {
					t.Errorf("%s is present, want it absent", k)
				}
			}
			for _, phase := range []string{"connect", "greeting", "login", "data"} {
				if _, ok := got[fmt.Sprintf("ftpdiag_phase_duration_seconds{phase=%q}", phase)]; !ok {
					t.Errorf("no %s phase in %v", phase, got)
				}
			}
		})
	}
}

func TestProbeBadRequests(t *testing.T) {
	_, ts, logs := startExporter(t, Options{})
	cases := []struct {
		name, target, module string
	}{
		{"no target", "", ""},
		{"password in the URL", "ftp://john:hunter2secret@127.0.0.1:1/", ""},
		{"unknown module", "ftp://127.0.0.1:1/", "nosuch"},
		{"not ftp", "http://127.0.0.1:1/", ""},
		{"another user than the module's", "ftp://mallory@127.0.0.1:1/", "john"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if status, _ := scrape(t, ts.URL, tc.target, tc.module, ""); status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", status)
			}
		})
	}
	if strings.Contains(logs.String(), "hunter2secret") {
		t.Errorf("the password reached the log:\n%s", logs)
	}
}

// silentServer accepts control connections and never greets: a probe of it
// waits as long as its reply timeout lets it. It counts the connections.
func silentServer(t testing.TB) (string, *int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			n++
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
	return "ftp://" + ln.Addr().String() + "/", &n
}

// TestScrapeTimeout: a server that never greets holds the probe only as
// long as the scrape allows, less the margin.
func TestScrapeTimeout(t *testing.T) {
	target, _ := silentServer(t)
	_, ts, _ := startExporter(t, Options{})
	cases := []struct {
		header string
		limit  time.Duration
	}{{"1.5", 1500 * time.Millisecond}, {"3", 3 * time.Second}}
	for _, tc := range cases {
		t.Run(tc.header+"s", func(t *testing.T) {
			start := time.Now()
			status, got := scrape(t, ts.URL, target, "", tc.header)
			took := time.Since(start)
			if status != http.StatusOK || got["ftpdiag_probe_success"] != 0 {
				t.Errorf("status %d, success %v; want 200 and 0", status, got["ftpdiag_probe_success"])
			}
			if took > tc.limit-scrapeMargin/2 {
				t.Errorf("the probe took %s, beyond the scrape's %s less the margin", took, tc.limit)
			}
		})
	}
}

// TestSharedProbe: requests for a target already being probed wait for
// that probe; no second control connection is opened.
func TestSharedProbe(t *testing.T) {
	target, conns := silentServer(t)
	e, ts, _ := startExporter(t, Options{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _ := scrape(t, ts.URL, target, "", "2"); status != http.StatusOK {
				t.Errorf("status %d", status)
			}
		}()
		time.Sleep(50 * time.Millisecond) // the first is running when the others come
	}
	wg.Wait()
	if got := len(e.recent.list()); got != 1 {
		t.Errorf("%d probes ran for 3 requests of one target, want 1", got)
	}
	if *conns > 4 {
		t.Errorf("%d control connections, want those of one probe", *conns)
	}
}

// TestMaxConcurrent: with one slot, two targets' probes run one after the
// other, never side by side.
func TestMaxConcurrent(t *testing.T) {
	a, _ := silentServer(t)
	b, _ := silentServer(t)
	e, ts, _ := startExporter(t, Options{MaxConcurrent: 1})
	var wg sync.WaitGroup
	for _, target := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scrape(t, ts.URL, target, "", "2")
		}()
	}
	wg.Wait()
	if p := e.peak.Load(); p != 1 {
		t.Errorf("peak %d probes at once, want 1", p)
	}
}

// TestCertExpiryLive: a module with the default TLS policy probes an FTPS
// server, and the metric shows its certificate's not-after.
func TestCertExpiryLive(t *testing.T) {
	cert, err := server.SelfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := servertest.Start(t, server.Config{TLS: &cert})
	_, ts, _ := startExporter(t, Options{})
	status, got := scrape(t, ts.URL, hostPort(s), "ftps", "5")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if want := float64(cert.Leaf.NotAfter.Unix()); got["ftpdiag_tls_cert_expiry_timestamp_seconds"] != want {
		t.Errorf("expiry = %v, want %v", got["ftpdiag_tls_cert_expiry_timestamp_seconds"], want)
	}
	if got[`ftpdiag_finding{code="tls.cert-untrusted",severity="warning"}`] != 1 || got["ftpdiag_probe_success"] != 1 {
		t.Errorf("a self-signed certificate: want success 1 with tls.cert-untrusted, got %v", got)
	}
}

// TestCertExpiry: where the transcript's control handshake carries a
// certificate, the metric shows its not-after.
func TestCertExpiry(t *testing.T) {
	notAfter := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	res := &result.Result{Verdict: result.VerdictOK, Transcript: []result.Entry{
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Outcome: result.Connected}},
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpTLS, Outcome: result.Connected,
			TLS: &result.TLSInfo{Conn: result.TLSControl, Version: "TLS 1.3", Cert: &result.CertInfo{NotAfter: notAfter}}}},
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpTLS, Outcome: result.Connected,
			TLS: &result.TLSInfo{Conn: result.TLSData, Version: "TLS 1.3", Resumed: true}}},
	}}
	var b bytes.Buffer
	mfs, err := probeRegistry(res).Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		expfmt.MetricFamilyToText(&b, mf)
	}
	if got := samples(t, b.Bytes())["ftpdiag_tls_cert_expiry_timestamp_seconds"]; got != float64(notAfter.Unix()) {
		t.Errorf("expiry = %v, want %d", got, notAfter.Unix())
	}
}

func TestStatusPage(t *testing.T) {
	healthy := servertest.Start(t, server.Config{})
	_, ts, _ := startExporter(t, Options{})
	scrape(t, ts.URL, hostPort(healthy), "john", "5")
	scrape(t, ts.URL, "ftp://127.0.0.1:1/<script>", "", "1")
	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	for _, want := range []string{"john", healthy.Addr().String(), "ok", "control.refused"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	for _, bad := range []string{servertest.Password, "<script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page shows %q:\n%s", bad, page)
		}
	}
}

func TestSelfMetrics(t *testing.T) {
	_, ts, _ := startExporter(t, Options{})
	scrape(t, ts.URL, "ftp://127.0.0.1:1/", "", "1")
	scrape(t, ts.URL, "", "", "")
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`ftpdiag_exporter_probes_total{module="default",verdict="critical"} 1`,
		`ftpdiag_exporter_probe_failures_total{status="400"} 1`, "ftpdiag_exporter_probe_duration_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// syncBuffer is a log destination safe for the handler's goroutines.
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
