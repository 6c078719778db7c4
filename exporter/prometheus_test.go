package exporter

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

const (
	// prometheusBin is Debian's Prometheus server (package prometheus).
	prometheusBin = "prometheus"
	// prometheusWait bounds the whole wait for Prometheus to start, scrape
	// both targets and answer: it scrapes every second, and starts in one
	// or two on an idle machine.
	prometheusWait = 60 * time.Second
	// queryEvery is how often the test asks Prometheus's API.
	queryEvery = 250 * time.Millisecond
)

// TestRealPrometheus runs Debian's Prometheus against the exporter, which
// probes two reference servers on loopback: a healthy one and one whose
// passive port is refused. Prometheus's own API must then show success 1
// for the first, and 0 with the finding's code for the second.
func TestRealPrometheus(t *testing.T) {
	if _, err := exec.LookPath(prometheusBin); err != nil {
		t.Fatalf("prometheus is not installed (test.sh installs Debian's prometheus): %v", err)
	}
	healthy := hostPort(servertest.Start(t, server.Config{}))
	refused := hostPort(servertest.Start(t, server.Config{Faults: server.Faults{AdvertisePortOffset: -2000}}))
	_, ts, _ := startExporter(t, Options{})
	api := startPrometheus(t, strings.TrimPrefix(ts.URL, "http://"), healthy, refused)

	want := []struct{ query, instance, value string }{
		{"ftpdiag_probe_success", healthy, "1"},
		{"ftpdiag_probe_success", refused, "0"},
		{`ftpdiag_finding{code="data.passive.refused",severity="critical"}`, refused, "1"},
	}
	deadline := time.Now().Add(prometheusWait)
	for _, w := range want {
		for {
			got, err := queryInstance(api, w.query, w.instance)
			if err == nil && got == w.value {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s for %s: got %q (%v), want %s after %s", w.query, w.instance, got, err, w.value, prometheusWait)
			}
			time.Sleep(queryEvery)
		}
	}
	if got, _ := queryInstance(api, `ftpdiag_finding`, healthy); got != "" {
		t.Errorf("the healthy target has a finding: %s", got)
	}
}

// startPrometheus writes a scrape config in the multi-target relabel style
// of docs/prometheus, starts Prometheus on a free loopback port with its
// data in a temporary directory, and returns its API's base URL.
func startPrometheus(t *testing.T, exporterAddr string, targets ...string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ftp
    metrics_path: /probe
    params:
      module: [john]
    static_configs:
      - targets: ['%s']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: '%s'
`, strings.Join(targets, "', '"), exporterAddr)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, prometheusBin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--log.level=warn")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus output:\n%s", out.String())
		}
	})
	return "http://" + addr
}

// freeAddr is a loopback address with a port free a moment ago: Prometheus
// takes its listen address as a flag and cannot be handed a listener.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// queryInstance asks Prometheus's instant query API for query and returns
// the value of the series whose instance is instance ("" if none).
func queryInstance(api, query, instance string) (string, error) {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(api + "/api/v1/query?" + url.Values{"query": {query}}.Encode())
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var doc struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return "", fmt.Errorf("decoding the answer: %w", err)
	}
	for _, r := range doc.Data.Result {
		if r.Metric["instance"] == instance {
			v, _ := r.Value[1].(string)
			return v, nil
		}
	}
	return "", nil
}
