package exporter

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestSystemdUnit (issue 21): dist/ftpdiag-exporter.service passes
// systemd-analyze verify without a single warning (verify exits 0 on an
// unknown key or a bad value, so any output fails the test), runs the
// exporter as a dynamic user with the hardening settings, and reloads with
// SIGHUP.
func TestSystemdUnit(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatalf("systemd-analyze is not installed (test.sh installs Debian's systemd): %v", err)
	}
	unit, err := os.ReadFile(filepath.Join("..", "dist", "ftpdiag-exporter.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ExecStart=/usr/local/bin/ftpdiag exporter ", "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes",
		"NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "CapabilityBoundingSet=\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	// verify checks that ExecStart's program is executable: point it at
	// this test's own binary.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ftpdiag-exporter.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/ftpdiag", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("systemd-analyze", "verify", "--man=no", path)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// dashboard is the part of Grafana's dashboard schema (schemaVersion 39)
// that the file uses; unknown fields are refused, so a misspelt key fails.
type dashboard struct {
	Inputs        []map[string]any `json:"__inputs"`
	Requires      []map[string]any `json:"__requires"`
	UID           string           `json:"uid"`
	Title         string           `json:"title"`
	Description   string           `json:"description"`
	Tags          []string         `json:"tags"`
	Timezone      string           `json:"timezone"`
	Editable      bool             `json:"editable"`
	GraphTooltip  int              `json:"graphTooltip"`
	SchemaVersion int              `json:"schemaVersion"`
	Version       int              `json:"version"`
	Refresh       string           `json:"refresh"`
	Time          struct{ From, To string }
	Annotations   struct{ List []any }
	Links         []any `json:"links"`
	Templating    struct {
		List []struct {
			Name       string `json:"name"`
			Label      string `json:"label"`
			Type       string `json:"type"`
			Query      any    `json:"query"`
			Datasource any    `json:"datasource"`
			Definition string `json:"definition"`
			IncludeAll bool   `json:"includeAll"`
			Multi      bool   `json:"multi"`
			Current    any    `json:"current"`
			Refresh    int    `json:"refresh"`
			Hide       int    `json:"hide"`
			Options    []any  `json:"options"`
			Sort       int    `json:"sort"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

type panel struct {
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Collapsed   bool   `json:"collapsed"`
	Panels      []any  `json:"panels"`
	Datasource  struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	GridPos struct{ H, W, X, Y int } `json:"gridPos"`
	Targets []struct {
		RefID        string `json:"refId"`
		Datasource   any    `json:"datasource"`
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
		Format       string `json:"format"`
		Instant      bool   `json:"instant"`
	} `json:"targets"`
	FieldConfig map[string]any `json:"fieldConfig"`
	Options     map[string]any `json:"options"`
}

// TestGrafanaDashboard (issue 21): docs/prometheus/grafana-dashboard.json
// is a dashboard by Grafana's schema (no Grafana in Debian to load it
// into): known keys only, unique panel ids and query refIds, panels within
// the 24-column grid, every query on the dashboard's data source variable;
// every metric a query names is one this exporter exports; and every query
// is valid PromQL to promtool.
func TestGrafanaDashboard(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "prometheus", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var d dashboard
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("the dashboard does not decode by the schema: %v", err)
	}
	if d.UID == "" || d.Title == "" || d.SchemaVersion < 36 || len(d.Panels) == 0 {
		t.Errorf("uid %q, title %q, schemaVersion %d, %d panels", d.UID, d.Title, d.SchemaVersion, len(d.Panels))
	}
	vars := map[string]bool{}
	for _, v := range d.Templating.List {
		vars[v.Name] = true
	}
	if !vars["datasource"] {
		t.Errorf("no datasource variable: the dashboard would not import onto another Grafana's data source")
	}
	exported := exportedMetrics(t)
	var exprs []string
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] || p.Title == "" || p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %d %q: duplicate id, no title, or outside the grid (%+v)", p.ID, p.Title, p.GridPos)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if !slices.Contains([]string{"stat", "table", "timeseries"}, p.Type) || p.Datasource.UID != "${datasource}" || len(p.Targets) == 0 {
			t.Errorf("panel %q: type %q, data source %q, %d queries", p.Title, p.Type, p.Datasource.UID, len(p.Targets))
		}
		refs := map[string]bool{}
		for _, q := range p.Targets {
			if q.RefID == "" || refs[q.RefID] || q.Expr == "" {
				t.Errorf("panel %q: query %q with refId %q", p.Title, q.Expr, q.RefID)
			}
			refs[q.RefID] = true
			exprs = append(exprs, q.Expr)
			for _, name := range metricNames.FindAllString(q.Expr, -1) {
				if !exported[name] {
					t.Errorf("panel %q asks for %s, which the exporter does not export", p.Title, name)
				}
			}
			for _, v := range templateVar.FindAllStringSubmatch(q.Expr, -1) {
				if !vars[v[1]] && !strings.HasPrefix(v[1], "__") {
					t.Errorf("panel %q uses $%s, which the dashboard does not define", p.Title, v[1])
				}
			}
		}
	}
	checkPromQL(t, exprs)
}

var (
	metricNames = regexp.MustCompile(`\b(?:ftpdiag|go|process)_[a-z0-9_]+\b|\bup\b`)
	templateVar = regexp.MustCompile(`\$\{?(\w+)`)
)

// exportedMetrics names every series the exporter can export: its own
// registry after a probe, a refusal, a back-off and a reload, and a probe
// registry whose result has every metric (a certificate, a data
// connection, a back-off); histograms with their three series; and up,
// which Prometheus adds to every scrape.
func exportedMetrics(t *testing.T) map[string]bool {
	e := New(Options{Tool: testTool(), Config: testConfig(t)})
	h := e.Handler()
	healthy := servertest.Start(t, server.Config{})
	for _, q := range []string{"module=john&target=" + hostPort(healthy), "target="} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/probe?"+q, nil))
	}
	live := probeRegistry(e.recent.list()[0].res)
	e.self.backedOff.Inc()
	e.self.shared.Inc()
	e.self.reloads.WithLabelValues("success").Inc()
	res := &result.Result{Verdict: result.VerdictOK, Transcript: []result.Entry{
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Outcome: result.Connected}},
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpTLS, Outcome: result.Connected,
			TLS: &result.TLSInfo{Conn: result.TLSControl, Cert: &result.CertInfo{NotAfter: time.Now()}}}},
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpDataConnect, Outcome: result.Connected}},
	}, Findings: []result.Finding{{Code: "x", Severity: result.Warning}}}
	probeReg := probeRegistry(res)
	backoffGauge(probeReg, time.Minute)
	names := map[string]bool{"up": true}
	for _, g := range []prometheus.Gatherer{e.reg, probeReg, live} {
		mfs, err := g.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			names[mf.GetName()] = true
			if mf.GetType() == dto.MetricType_HISTOGRAM {
				for _, s := range []string{"_bucket", "_sum", "_count"} {
					names[mf.GetName()+s] = true
				}
			}
		}
	}
	for _, want := range []string{"ftpdiag_probe_success", "ftpdiag_tls_cert_expiry_timestamp_seconds", "ftpdiag_passive_ports_blocked",
		"ftpdiag_login_backoff_seconds", "ftpdiag_phase_duration_seconds", "ftpdiag_exporter_probes_total", "ftpdiag_exporter_config_last_reload_successful"} {
		if !names[want] {
			t.Fatalf("the exporter's metrics lack %s: %v", want, names)
		}
	}
	return names
}

// checkPromQL has promtool parse each query, as a recording rule, with
// Grafana's variables replaced as Grafana would.
func checkPromQL(t *testing.T, exprs []string) {
	if _, err := exec.LookPath(promtool); err != nil {
		t.Fatalf("promtool is not installed (test.sh installs Debian's prometheus): %v", err)
	}
	vars := strings.NewReplacer("$__rate_interval", "5m", "$job", ".*", "$instance", ".*")
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	for i, e := range exprs {
		fmt.Fprintf(&b, "      - record: dashboard:query%d\n        expr: %q\n", i, vars.Replace(e))
	}
	path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules on the dashboard's queries: %v\n%s", err, out)
	}
}
