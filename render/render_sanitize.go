package render

import (
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// printable returns a copy of res fit for a terminal, a wiki or a mail: a
// server controls its reply texts, and a hostile one could otherwise send
// escape sequences that retitle, clear or rewrite the reader's terminal, or
// bidirectional overrides that make a line read differently from what it
// says. Such characters are shown as \x1b or \u202e instead. The JSON format
// needs none of this: encoding/json escapes them itself.
func printable(res *result.Result) *result.Result {
	out := *res
	out.Target.URL = visible(res.Target.URL, false)
	out.Target.Host = visible(res.Target.Host, false)
	out.Target.User = visible(res.Target.User, false)
	out.Findings = make([]result.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.Title, f.Detail = visible(f.Title, false), visible(f.Detail, false)
		f.Hints, f.ClientHints = visibleAll(f.Hints), visibleAll(f.ClientHints)
		out.Findings[i] = f
	}
	out.Checks = make([]result.Check, len(res.Checks))
	for i, c := range res.Checks {
		c.Name, c.Detail = visible(c.Name, false), visible(c.Detail, false)
		out.Checks[i] = c
	}
	if res.Network != nil {
		n := *res.Network
		n.LocalAddr, n.SeenAddr = visible(n.LocalAddr, false), visible(n.SeenAddr, false)
		n.Modes = visibleAll(n.Modes)
		out.Network = &n
	}
	out.Transcript = append(out.Transcript[:0:0], res.Transcript...)
	for i, e := range out.Transcript {
		e.Text = visible(e.Text, true)
		if e.Event != nil {
			ev := *e.Event
			ev.Addr, ev.Local, ev.Err = visible(ev.Addr, false), visible(ev.Local, false), visible(ev.Err, false)
			e.Event = &ev
		}
		out.Transcript[i] = e
	}
	return &out
}

// visibleAll keeps line breaks: hints use them to set commands apart.
func visibleAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = visible(s, true)
	}
	return out
}

// visible is transcript.Visible: one function makes network text safe for
// every output, the server's transcript files included.
func visible(s string, keepNewlines bool) string { return transcript.Visible(s, keepNewlines) }
