package exporter

import (
	"ftpdiag/result"
	"html/template"
	"net/http"
	"sync"
	"time"
)

// recentLen is how many probes the status page lists.
const recentLen = 20

// recentProbe is one line of the status page. Target is the URL without
// a password (Result.Target.URL never holds one).
type recentProbe struct {
	When     time.Time
	Module   string
	Target   string
	Verdict  result.Verdict
	Duration time.Duration
	Findings []string
}

// recentProbes keeps the last recentLen probes, newest first.
type recentProbes struct {
	mu    sync.Mutex
	items []recentProbe
}

func newRecent() *recentProbes { return &recentProbes{} }

func (r *recentProbes) add(module string, res *result.Result) {
	p := recentProbe{When: res.Started, Module: module, Target: res.Target.URL, Verdict: res.Verdict,
		Duration: time.Duration(res.DurationMs) * time.Millisecond}
	for _, f := range res.Findings {
		p.Findings = append(p.Findings, f.Code)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items = append([]recentProbe{p}, r.items...)
	if len(r.items) > recentLen {
		r.items = r.items[:recentLen]
	}
}

func (r *recentProbes) list() []recentProbe {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recentProbe(nil), r.items...)
}

// statusPage is escaped by html/template: a target or finding text comes
// from whoever sent the request or runs the server.
var statusPage = template.Must(template.New("status").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ftpdiag exporter</title></head>
<body>
<h1>ftpdiag exporter</h1>
<p>{{.Tool.Name}} {{.Tool.Version}}. <a href="/metrics">Metrics</a>.
Probe with <code>/probe?target=ftp://host/&amp;module=NAME</code>.</p>
<h2>Modules</h2>
<table><tr><th>module</th><th>settings</th></tr>
{{range .Modules}}<tr><td>{{.Name}}</td><td>{{.}}</td></tr>
{{end}}</table>
<h2>Last probes</h2>
{{if .Recent}}<table><tr><th>when (UTC)</th><th>module</th><th>target</th><th>verdict</th><th>took</th><th>findings</th></tr>
{{range .Recent}}<tr><td>{{.When.UTC.Format "2006-01-02 15:04:05"}}</td><td>{{.Module}}</td><td><a href="/probe?module={{.Module}}&amp;target={{.Target}}">{{.Target}}</a></td><td>{{.Verdict}}</td><td>{{.Duration}}</td><td>{{range .Findings}}{{.}} {{end}}</td></tr>
{{end}}</table>{{else}}<p>None yet.</p>{{end}}
</body></html>
`))

func (e *Exporter) serveStatus(w http.ResponseWriter, r *http.Request) {
	var mods []*Module
	for _, n := range e.cfg.Names() {
		mods = append(mods, e.cfg.Modules[n])
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err := statusPage.Execute(w, struct {
		Tool    result.Tool
		Modules []*Module
		Recent  []recentProbe
	}{e.tool, mods, e.recent.list()})
	if err != nil {
		e.log.Warn("status page", "error", err)
	}
}
