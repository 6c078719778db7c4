package exporter

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"time"

	"ftpdiag/render"
	"ftpdiag/result"
)

// recentLen is how many probes the status page lists, each with its
// report: a bounded memory of a few results.
const recentLen = 20

// recentProbe is one line of the status page. Target is the URL without
// a password (Result.Target.URL never holds one).
type recentProbe struct {
	ID       uint64
	When     time.Time
	Module   string
	Target   string
	Verdict  result.Verdict
	Duration time.Duration
	Findings []string
	res      *result.Result
	secret   string // the module's password, masked again in the report
}

// recentProbes keeps the last recentLen probes, newest first.
type recentProbes struct {
	mu    sync.Mutex
	next  uint64
	items []recentProbe
}

func newRecent() *recentProbes { return &recentProbes{} }

func (r *recentProbes) add(m *Module, res *result.Result) {
	p := recentProbe{When: res.Started, Module: m.Name, Target: res.Target.URL, Verdict: res.Verdict,
		Duration: time.Duration(res.DurationMs) * time.Millisecond, res: res, secret: m.password}
	for _, f := range res.Findings {
		p.Findings = append(p.Findings, f.Code)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	p.ID = r.next
	r.items = append([]recentProbe{p}, r.items...)
	if len(r.items) > recentLen {
		clear(r.items[recentLen:]) // let the results go
		r.items = r.items[:recentLen]
	}
}

func (r *recentProbes) list() []recentProbe {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recentProbe(nil), r.items...)
}

func (r *recentProbes) find(id uint64) (recentProbe, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.items {
		if p.ID == id {
			return p, true
		}
	}
	return recentProbe{}, false
}

// pageCSP lets the pages and reports style themselves and nothing else:
// no script at all, so text a server sent can never run in the browser.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// statusPage is escaped by html/template: a target or finding text comes
// from whoever sent the request or runs the server.
var statusPage = template.Must(template.New("status").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ftpdiag exporter</title></head>
<body>
<h1>ftpdiag exporter</h1>
<p>{{.Tool.Name}} {{.Tool.Version}}. <a href="/metrics">Metrics</a>. <a href="/config">Configuration</a>.
Probe with <code>/probe?target=ftp://host/&amp;module=NAME</code>; add <code>&amp;debug=true</code> for the transcript.</p>
<h2>Modules</h2>
<table><tr><th>module</th><th>settings</th></tr>
{{range .Modules}}<tr><td>{{.Name}}</td><td>{{.}}</td></tr>
{{end}}</table>
<h2>Last probes</h2>
{{if .Recent}}<table><tr><th>when (UTC)</th><th>module</th><th>target</th><th>verdict</th><th>took</th><th>findings</th><th>report</th></tr>
{{range .Recent}}<tr><td>{{.When.UTC.Format "2006-01-02 15:04:05"}}</td><td>{{.Module}}</td><td>{{.Target}}</td><td>{{.Verdict}}</td><td>{{.Duration}}</td><td>{{range .Findings}}{{.}} {{end}}</td><td><a href="/report/{{.ID}}">report</a></td></tr>
{{end}}</table>{{else}}<p>None yet.</p>{{end}}
</body></html>
`))

func (e *Exporter) serveStatus(w http.ResponseWriter, r *http.Request) {
	cfg := e.cfg.Load()
	var mods []*Module
	for _, n := range cfg.Names() {
		mods = append(mods, cfg.Modules[n])
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	err := statusPage.Execute(w, struct {
		Tool    result.Tool
		Modules []*Module
		Recent  []recentProbe
	}{e.tool, mods, e.recent.list()})
	if err != nil {
		e.log.Warn("status page", "error", err)
	}
}

// serveReport renders one of the recent probes as ftpdiag's HTML report.
func (e *Exporter) serveReport(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	p, ok := e.recent.find(id)
	if err != nil || !ok {
		http.Error(w, fmt.Sprintf("no recent probe %q: the status page lists the last %d", r.PathValue("id"), recentLen), http.StatusNotFound)
		return
	}
	var b bytes.Buffer
	if err := render.Render(&b, render.Redacted(p.res, p.secret), "html", render.RenderOptions{}); err != nil {
		http.Error(w, "rendering the report: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Write(b.Bytes())
}

// writeDebug answers /probe?debug=true with the probe's report as text:
// the annotated transcript and the findings with their hints, where the
// metrics alone say only that something failed.
func (e *Exporter) writeDebug(w http.ResponseWriter, res *result.Result, m *Module) {
	var b bytes.Buffer
	if err := render.Render(&b, render.Redacted(res, m.password), "text", render.RenderOptions{}); err != nil {
		http.Error(w, "rendering the transcript: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "Module %s: %s\n\n", m.Name, m)
	w.Write(b.Bytes())
}

// serveConfig shows the configuration in force, defaults filled in.
func (e *Exporter) serveConfig(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(e.cfg.Load().YAML())
}
