package render

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// The timeline's geometry, in the SVG's own units: the page scales the
// drawing to its width, so these are proportions, with text sizes chosen
// to stay legible at the width of an A4 page.
const (
	svgWidth    = 960
	svgPad      = 12 // left and right of the plot, so edge labels are not clipped
	laneTitleH  = 18
	ctrlRowH    = 16
	barRowH     = 18
	barH        = 11
	laneGap     = 10
	axisH       = 30
	labelCharW  = 6.7 // a character of the 11px monospace labels
	labelGap    = 4
	markerGap   = 12 // room after a bar's end for a finding's marker
	maxTitleLen = 160
)

// sweepThreshold is how many data connections one session may open before
// the timeline draws them as a band along the port range instead of as bars:
// the probe's sampling opens about ten, SITE SWEEP a whole range.
const sweepThreshold = 40

type svgTimeline struct {
	Height      float64
	Lanes       []svgLane
	Ticks       []svgTick
	AxisY       float64
	Markers     []svgMarker
	Desc        string
	AxisCaption string
}

type svgLane struct {
	Session int
	Label   string
	Y       float64 // top of the lane
	LabelY  float64
	CtrlY   float64
	Ctrl    svgBar
	Cmds    []svgTick
	Bars    []svgBar
	Sweep   *svgSweep
}

type svgTick struct {
	X, Y  float64
	Label string
}

type svgBar struct {
	X, Y, W   float64
	Class     string
	Label     string
	LabelX    float64
	LabelY    float64
	AnchorEnd bool // the label stands left of the bar, ending at LabelX
	Halo      bool // the label fits on neither side and is drawn over the bar, outlined
	Title     string
	Entry     int
}

type svgMarker struct {
	X, Y    float64
	Finding int
	Title   string
}

// timeScale maps times onto the plot's width.
type timeScale struct{ end time.Duration }

func (s timeScale) x(t time.Duration) float64 {
	return svgPad + float64(t)/float64(s.end)*(svgWidth-2*svgPad)
}

// buildTimeline lays out one lane per session, the data connections as
// bars (or a sweep's band), the commands as ticks and the findings as
// numbered markers at the lines that prove them.
func buildTimeline(res *result.Result, attempts []dataAttempt) *svgTimeline {
	entries := res.Transcript
	if len(entries) == 0 {
		return nil
	}
	var last time.Duration
	for _, e := range entries {
		last = max(last, e.T)
	}
	for _, a := range attempts {
		last = max(last, a.end)
	}
	ticks, end := timeAxis(last)
	sc := timeScale{end}
	tl := &svgTimeline{}
	y := 4.0
	for _, id := range transcript.SessionOrder(entries) {
		lane := layoutLane(entries, id, attemptsOf(attempts, id), sc, y)
		y += laneHeight(lane) + laneGap
		tl.Lanes = append(tl.Lanes, lane)
	}
	tl.AxisY = y
	tl.Height = y + axisH
	for _, t := range ticks {
		tl.Ticks = append(tl.Ticks, svgTick{X: sc.x(t.at), Label: t.label})
	}
	tl.Markers = findingMarkers(res, tl.Lanes, sc, attempts)
	tl.Desc = timelineDesc(tl.Lanes, attempts, last)
	tl.AxisCaption = "time since the first line of the transcript"
	return tl
}

func attemptsOf(all []dataAttempt, session int) []dataAttempt {
	var out []dataAttempt
	for _, a := range all {
		if a.session == session {
			out = append(out, a)
		}
	}
	return out
}

func laneHeight(l svgLane) float64 {
	bottom := l.CtrlY + ctrlRowH/2
	for _, b := range l.Bars {
		bottom = max(bottom, b.Y+barH+2)
	}
	if l.Sweep != nil {
		bottom = max(bottom, l.Sweep.Bottom)
	}
	return bottom - l.Y
}

// layoutLane draws one session: its title, its control connection from
// connect to last line, its commands, and its data connections.
func layoutLane(entries []result.Entry, id int, as []dataAttempt, sc timeScale, y float64) svgLane {
	l := svgLane{Session: id, Y: y, LabelY: y + 13, CtrlY: y + laneTitleH + ctrlRowH/2}
	l.Label = shorten(laneLabel(entries, id), maxTitleLen)
	l.Ctrl = controlSpan(entries, id, sc, l.CtrlY)
	for _, e := range entries {
		if e.Session == id && e.Kind == result.Command {
			l.Cmds = append(l.Cmds, svgTick{X: sc.x(e.T) - 0.75, Y: l.CtrlY - 5, Label: shorten("Cmd: "+e.Text, maxTitleLen)})
		}
	}
	rowsTop := l.CtrlY + ctrlRowH/2 + 2
	if len(as) > sweepThreshold {
		l.Sweep = layoutSweep(entries, as, sc, rowsTop)
		return l
	}
	l.Bars = stackBars(as, sc, rowsTop)
	return l
}

// laneLabel is the session's heading as the transcript writes it, with the
// address family and TLS where its events show them.
func laneLabel(entries []result.Entry, id int) string {
	label := fmt.Sprintf("session %d", id)
	var extra []string
	for _, e := range entries {
		if e.Session != id || e.Kind != result.Event || e.Event == nil {
			continue
		}
		switch e.Event.Op {
		case result.OpSession:
			label = strings.TrimPrefix(transcript.RenderEntry(e)[0], "=== ")
		case result.OpConnect:
			if ap, err := netip.ParseAddrPort(e.Event.Addr); err == nil {
				extra = append(extra, map[bool]string{true: "IPv4", false: "IPv6"}[ap.Addr().Unmap().Is4()]+" "+e.Event.Addr)
			}
		case result.OpTLS:
			if e.Event.Outcome == result.Connected {
				extra = append(extra, "TLS")
			}
		}
	}
	if len(extra) > 0 {
		label += " · " + strings.Join(dedupe(extra), " · ")
	}
	return label
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// controlSpan is the control connection, from its connect attempt to the
// session's last line; a connect that failed is drawn with its outcome.
func controlSpan(entries []result.Entry, id int, sc timeScale, y float64) svgBar {
	first, last := time.Duration(-1), time.Duration(0)
	b := svgBar{Class: "ctrl", Title: "control connection", Y: y - 2, Entry: -1}
	for i, e := range entries {
		if e.Session != id {
			continue
		}
		if first < 0 {
			first = e.T
		}
		last = max(last, e.T)
		if e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpConnect {
			first = min(first, max(e.T-e.Event.Dur, 0))
			b.Entry = i
			if oc := connectOutcome(e.Event.Outcome); oc != outcomeOK {
				b.Class, b.Title = "o-"+oc.Key, "control connection: "+oc.Word
			}
		}
	}
	b.X = sc.x(first)
	b.W = max(sc.x(last)-b.X, 2)
	return b
}

// stackBars places each data connection as a bar with its label (port and
// outcome) to its right, or to its left where the plot ends; bars whose
// bar or label would overlap go on rows below.
func stackBars(as []dataAttempt, sc timeScale, top float64) []svgBar {
	var rows []float64 // the right edge of what each row holds so far
	var out []svgBar
	for _, a := range as {
		b := svgBar{Class: "o-" + a.outcome.Key, Entry: a.entry, Title: attemptTitle(a)}
		b.X = sc.x(a.start)
		b.W = max(sc.x(a.end)-b.X, 3)
		b.Label = attemptLabel(a)
		left, right := placeLabel(&b)
		row := pickRow(rows, left)
		if row == len(rows) {
			rows = append(rows, 0)
		}
		rows[row] = right + labelGap
		b.Y = top + float64(row)*barRowH
		b.LabelY = b.Y + barH - 1
		out = append(out, b)
	}
	return out
}

// placeLabel puts a bar's label right of the bar, else left of it, else
// inside a sweep's light bar, else over the bar against its end (outlined
// in white to stay legible), and returns the span bar and label take.
func placeLabel(b *svgBar) (left, right float64) {
	w := float64(len(b.Label)) * labelCharW
	end := b.X + b.W
	switch {
	case end+markerGap+w <= svgWidth-svgPad/2:
		b.LabelX = end + markerGap
		return b.X, end + markerGap + w
	case b.X-labelGap-w >= svgPad/2:
		b.AnchorEnd, b.LabelX = true, b.X-labelGap
		return b.X - labelGap - w, end
	}
	if b.Class == "sweep" && w+2*labelGap <= b.W {
		// A sweep's bar is light: its label reads inside it.
		b.LabelX = b.X + labelGap
		return b.X, end
	}
	b.AnchorEnd, b.Halo = true, true
	b.LabelX = min(end-markerGap, svgWidth-svgPad/2)
	if b.LabelX-w < svgPad/2 {
		b.AnchorEnd, b.LabelX = false, svgPad/2
	}
	return min(b.X, b.LabelX-w), end
}

// pickRow is the first row free at x, a new row while there may be more,
// or else the row that frees up first.
func pickRow(rows []float64, x float64) int {
	best := 0
	for i, r := range rows {
		if r <= x {
			return i
		}
		if r < rows[best] {
			best = i
		}
	}
	if len(rows) < sweepThreshold {
		return len(rows)
	}
	return best // unreachable while a lane holds at most sweepThreshold bars
}

// attemptLabel is what a bar says: the server's port and the outcome.
func attemptLabel(a dataAttempt) string {
	port := ""
	if a.port != 0 {
		port = ":" + strconv.Itoa(a.port) + " "
	}
	if a.active {
		port = "active " + port
	}
	return port + a.word
}

func attemptTitle(a dataAttempt) string {
	mode := "passive data connection to " + orDash(a.addr)
	if a.active {
		mode = "active data connection from " + orDash(a.addr)
		if a.port != 0 {
			mode += " to port " + strconv.Itoa(a.port)
		}
	}
	return fmt.Sprintf("%s: %s, from %s for %s", mode, a.word, humanDur(a.start), humanDur(a.end-a.start))
}

func orDash(s string) string {
	if s == "" {
		return "(not known)"
	}
	return s
}

func humanDur(d time.Duration) string {
	if d == 0 {
		return "0ms"
	}
	return transcript.Human(d)
}

// shorten cuts s to n runes, for tooltips and labels: the transcript below
// shows everything whole.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// findingMarkers puts each finding's number at the lines that prove it: at
// the end of a data connection's bar, or on its session's control line.
// A finding that points at many lines close together gets one marker there.
func findingMarkers(res *result.Result, lanes []svgLane, sc timeScale, attempts []dataAttempt) []svgMarker {
	type point struct{ x, y float64 }
	pos := map[int]point{}
	laneOf := map[int]*svgLane{}
	for i := range lanes {
		l := &lanes[i]
		laneOf[l.Session] = l
		for _, b := range l.Bars {
			pos[b.Entry] = point{b.X + b.W, b.Y + barH/2}
		}
	}
	for _, a := range attempts {
		if l := laneOf[a.session]; l != nil && l.Sweep != nil {
			pos[a.entry] = point{l.Sweep.Bar.X + l.Sweep.Bar.W, l.Sweep.Bar.Y + barH/2}
		}
	}
	var out []svgMarker
	for k, f := range res.Findings {
		seen := map[[2]int]bool{}
		for _, i := range f.Lines {
			if i < 0 || i >= len(res.Transcript) || laneOf[res.Transcript[i].Session] == nil {
				continue
			}
			p, ok := pos[i]
			if !ok {
				p = point{sc.x(res.Transcript[i].T), laneOf[res.Transcript[i].Session].CtrlY}
			}
			key := [2]int{int(p.x / 8), int(p.y)}
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, svgMarker{X: p.x, Y: p.y, Finding: k + 1,
				Title: fmt.Sprintf("finding %d (%s): %s", k+1, f.Severity, f.Title)})
		}
	}
	return out
}

// timelineDesc says in a sentence what the drawing shows, for a reader who
// cannot see it; the table after it has every connection.
func timelineDesc(lanes []svgLane, as []dataAttempt, last time.Duration) string {
	s := fmt.Sprintf("%d control connection%s and %d data connection attempt%s over %s",
		len(lanes), plural(len(lanes)), len(as), plural(len(as)), humanDur(last))
	if len(as) > 0 {
		s += ": " + sweepCounts(as)
	}
	return s + ". The table after the timeline lists every data connection."
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
