package render

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"strconv"
)

// htmlCSP is the page's Content-Security-Policy, in a meta element since a
// file has no headers: it runs no script and loads nothing, and its one
// style sheet is allowed by its hash, so markup a hostile server smuggled
// past escaping could still neither run nor fetch anything.
var htmlCSP = "default-src 'none'; style-src '" + styleHash(htmlCSS) + "'; base-uri 'none'; form-action 'none'"

func styleHash(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlTemplate is the page. Its CSS is inline and it loads nothing: the file
// has to work as an e-mail attachment, offline. Colours pass WCAG AA
// contrast for text; every coloured bar also carries a pattern and a word.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"n":   func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"add": func(a, b float64) float64 { return a + b },
	"anchor": func(end bool) string {
		if end {
			return "end"
		}
		return "start"
	},
	"tickAnchor": func(i, n int) string {
		switch i {
		case 0:
			return "start"
		case n - 1:
			return "end"
		}
		return "middle"
	},
}).Parse(htmlPageTemplate))

var htmlPageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="` + htmlCSP + `">
<title>{{.Title}} · ftpdiag</title>
<style>` + htmlCSS + `</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="verdict v-{{.VerdictKey}}"><strong>Verdict: {{.Verdict}}</strong>: {{.Meaning}}</p>
<dl class="facts">
<dt>Target</dt><dd>{{.Target}}</dd>
{{- if .Client}}<dt>Client</dt><dd>{{.Client}}</dd>{{end}}
<dt>Checked</dt><dd>{{.Checked}}</dd>
</dl>
<nav aria-label="Contents"><ul><li><a href="#findings">Findings</a></li>{{if .Timeline}}<li><a href="#timeline">Timeline</a></li>{{end}}{{if .Connections}}<li><a href="#connections">Connections</a></li>{{end}}<li><a href="#checks">Checks</a></li>{{if .Sessions}}<li><a href="#transcript">Transcript</a></li>{{end}}</ul></nav>
</header>
<main>
<section id="findings" aria-labelledby="h-findings">
<h2 id="h-findings">Findings</h2>
{{- if not .Findings}}
<p class="none">{{.NoFindings}}.</p>
{{- end}}
{{- range .Findings}}
<article class="finding sev-{{.Severity}}" id="f-{{.N}}" aria-labelledby="f-{{.N}}-h">
<h3 id="f-{{.N}}-h"><span class="num">{{.N}}.</span> {{.Title}} <span class="sev">{{.Severity}}</span> <code class="code">{{.Code}}</code></h3>
<p>{{.Detail}}</p>
{{- if .Ports}}
<p>Ports: {{.Ports}}</p>
{{- end}}
{{- range .Audiences}}
<h4>{{.Who}}</h4>
<ul class="hints">
{{- range .Hints}}<li>{{range .}}{{if .Verbatim}}<pre><code>{{.Text}}</code></pre>{{else}}<p>{{.Text}}</p>{{end}}{{end}}</li>{{end}}
</ul>
{{- end}}
{{- if .Lines}}
<p class="lines">Shown by: {{range $i, $l := .Lines}}{{if $i}}, {{end}}<a href="#l-{{$l.Entry}}">line {{$l.Entry}}</a> <q>{{$l.Label}}</q>{{end}}</p>
{{- end}}
</article>
{{- end}}
</section>
{{- with .Timeline}}
<section id="timeline" aria-labelledby="h-timeline">
<h2 id="h-timeline">Timeline</h2>
<figure>
<svg class="timeline" viewBox="0 0 ` + "960" + ` {{n .Height}}" role="img" aria-labelledby="tl-title tl-desc" xmlns="http://www.w3.org/2000/svg">
<title id="tl-title">Timeline of the connections, one lane per control connection</title>
<desc id="tl-desc">{{.Desc}}</desc>
` + htmlSVGDefs + `
<g class="grid">{{range .Ticks}}<line x1="{{n .X}}" x2="{{n .X}}" y1="0" y2="{{n $.Timeline.AxisY}}"/>{{end}}</g>
{{- range .Lanes}}
<g class="lane" data-session="{{.Session}}">
<text class="lane-title" x="12" y="{{n .LabelY}}">{{.Label}}</text>
<rect class="{{.Ctrl.Class}} ctrl-bar" x="{{n .Ctrl.X}}" y="{{n .Ctrl.Y}}" width="{{n .Ctrl.W}}" height="4"><title>{{.Ctrl.Title}}</title></rect>
{{- range .Cmds}}<rect class="cmd" x="{{n .X}}" y="{{n .Y}}" width="1.5" height="10"><title>{{.Label}}</title></rect>{{end}}
{{- range .Bars}}
<g class="bar" data-entry="{{.Entry}}"><rect class="{{.Class}}" x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="11"><title>{{.Title}}</title></rect><text{{if .Halo}} class="halo"{{end}} x="{{n .LabelX}}" y="{{n .LabelY}}" text-anchor="{{anchor .AnchorEnd}}">{{.Label}}</text></g>
{{- end}}
{{- with .Sweep}}
<g class="sweep-band">
<g class="bar-sweep"><rect class="{{.Bar.Class}}" x="{{n .Bar.X}}" y="{{n .Bar.Y}}" width="{{n .Bar.W}}" height="11"><title>{{.Bar.Title}}</title></rect><text{{if .Bar.Halo}} class="halo"{{end}} x="{{n .Bar.LabelX}}" y="{{n .Bar.LabelY}}" text-anchor="{{anchor .Bar.AnchorEnd}}">{{.Bar.Label}}</text></g>
<text class="caption" x="12" y="{{n .CaptionY}}">{{.Caption}}</text>
{{- range .Segs}}<rect class="{{.Class}}" x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="14"><title>{{.Title}}</title></rect>{{end}}
{{- range .Labels}}<text x="{{n .LabelX}}" y="{{n .LabelY}}">{{.Label}}</text>{{end}}
<text class="edge" x="{{n .LoX}}" y="{{n .EdgeY}}">{{.Lo}}</text><text class="edge" x="{{n .HiX}}" y="{{n .EdgeY}}" text-anchor="end">{{.Hi}}</text>
</g>
{{- end}}
</g>
{{- end}}
<g class="axis"><line x1="12" x2="948" y1="{{n .AxisY}}" y2="{{n .AxisY}}"/>
{{- $nt := len .Ticks}}{{range $i, $t := .Ticks}}<line x1="{{n $t.X}}" x2="{{n $t.X}}" y1="{{n $.Timeline.AxisY}}" y2="{{n (add $.Timeline.AxisY 5)}}"/><text x="{{n $t.X}}" y="{{n (add $.Timeline.AxisY 18)}}" text-anchor="{{tickAnchor $i $nt}}">{{$t.Label}}</text>{{end}}</g>
{{- range .Markers}}
<g class="marker" data-finding="{{.Finding}}"><circle cx="{{n .X}}" cy="{{n .Y}}" r="7"/><text x="{{n .X}}" y="{{n .Y}}" dy="4" text-anchor="middle">{{.Finding}}</text><title>{{.Title}}</title></g>
{{- end}}
</svg>
<figcaption>Time runs left to right ({{.AxisCaption}}). Each lane is one control connection, its commands are the ticks on its grey line, and each bar below it is a data connection attempt from the moment it left to its outcome. Numbered circles mark the lines a finding rests on.</figcaption>
</figure>
<ul class="legend" aria-label="What the bars mean">
{{- range $.Legend}}<li><svg width="28" height="12" aria-hidden="true"><rect class="o-{{.Key}}" width="28" height="12"/></svg> {{.Word}}</li>{{end}}
</ul>
</section>
{{- end}}
{{- if .Connections}}
<section id="connections" aria-labelledby="h-connections">
<h2 id="h-connections">Data connections</h2>
<table>
<caption>Every data connection attempt, as the timeline draws it</caption>
<thead><tr><th scope="col">Session</th><th scope="col">Start</th><th scope="col">Duration</th><th scope="col">Address</th><th scope="col">Mode</th><th scope="col">Outcome</th></tr></thead>
<tbody>
{{- range .Connections}}
<tr class="c-{{.Key}}"><td>{{.Session}}</td><td>{{.Start}}</td><td>{{.Dur}}</td><td><a href="#l-{{.Entry}}">{{.Addr}}</a></td><td>{{.Mode}}</td><td>{{.Outcome}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
<section id="checks" aria-labelledby="h-checks">
<h2 id="h-checks">Checks</h2>
{{- if .Works}}
<p><strong>What works:</strong> {{.Works}}</p>
{{- end}}
{{- if .Fails}}
<h3>What does not work</h3>
<ul>{{range .Fails}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
{{- if .Skipped}}
<h3>Not checked</h3>
<ul>{{range .Skipped}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
</section>
{{- if .Sessions}}
<section id="transcript" aria-labelledby="h-transcript">
<h2 id="h-transcript">Transcript</h2>
<p>Passwords are masked. Notes (<code>^</code>) explain the line above them.</p>
{{- range .Sessions}}
<section class="session" aria-labelledby="s-{{.ID}}">
<h3 id="s-{{.ID}}">{{.Heading}}</h3>
<pre class="tr">
{{- range .Lines}}
<span{{if .ID}} id="{{.ID}}"{{end}}{{if .Class}} class="{{.Class}}"{{end}}>{{if .Finding}}{{.Lead}}<a href="#f-{{.Finding}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</span>
{{- end}}
</pre>
</section>
{{- end}}
</section>
{{- end}}
</main>
<footer><p>Made by {{.Tool}}. Passwords are never shown in this report.</p></footer>
</body>
</html>
`
