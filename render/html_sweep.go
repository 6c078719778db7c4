package render

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"ftpdiag/result"
)

// A sweep (SITE SWEEP, or any session with more data connections than
// sweepThreshold) is drawn as one bar for its time and, under it, a band
// along the port range: a thousand bars would be a grey smear, while the
// band shows at a glance which ranges are blocked and how.

type svgSweep struct {
	Bar      svgBar
	CaptionY float64
	Caption  string
	BandY    float64
	Segs     []svgBar
	Labels   []svgBar
	LoX      float64
	HiX      float64
	EdgeY    float64
	Lo, Hi   string
	Bottom   float64
}

const sweepBandH = 14

// portRun is a run of consecutive ports with one outcome.
type portRun struct {
	lo, hi  int
	outcome outcomeClass
	entry   int // the first attempt's transcript index
	start   time.Duration
	end     time.Duration
}

func (r portRun) String() string {
	if r.lo == r.hi {
		return strconv.Itoa(r.lo)
	}
	return fmt.Sprintf("%d-%d", r.lo, r.hi)
}

// portRuns sorts attempts by port and joins neighbours with the same outcome;
// a port not tried (busy on the server) ends a run.
func portRuns(as []dataAttempt) []portRun {
	sorted := slices.Clone(as)
	slices.SortStableFunc(sorted, func(a, b dataAttempt) int { return a.port - b.port })
	var runs []portRun
	for _, a := range sorted {
		if n := len(runs); n > 0 && runs[n-1].outcome == a.outcome && runs[n-1].hi+1 >= a.port {
			r := &runs[n-1]
			r.hi = a.port
			r.start, r.end = min(r.start, a.start), max(r.end, a.end)
			continue
		}
		runs = append(runs, portRun{lo: a.port, hi: a.port, outcome: a.outcome, entry: a.entry, start: a.start, end: a.end})
	}
	return runs
}

// layoutSweep draws the sweep's time bar, and the band of its ports with
// each run that did not connect labelled.
func layoutSweep(entries []result.Entry, as []dataAttempt, sc timeScale, top float64) *svgSweep {
	runs := portRuns(as)
	start, end := as[0].start, as[0].end
	if t, ok := sweepStart(entries, as[0]); ok {
		start = t
	}
	for _, a := range as {
		start, end = min(start, a.start), max(end, a.end)
	}
	lo, hi := runs[0].lo, runs[len(runs)-1].hi
	sw := &svgSweep{Lo: "port " + strconv.Itoa(lo), Hi: strconv.Itoa(hi)}
	sw.Bar = svgBar{Class: "sweep", X: sc.x(start), Y: top, Entry: as[0].entry}
	sw.Bar.W = max(sc.x(end)-sw.Bar.X, 3)
	sw.Bar.Label = "sweep of " + strconv.Itoa(len(as)) + " ports: " + sweepCounts(as)
	sw.Bar.LabelY = top + barH - 1
	placeLabel(&sw.Bar)
	sw.Bar.Title = fmt.Sprintf("%d data connections from %s for %s", len(as), humanDur(start), humanDur(end-start))
	sw.CaptionY = top + barRowH + 10
	sw.Caption = fmt.Sprintf("the same %d connections by port, %d to %d (this band runs along the ports, not time):", len(as), lo, hi)
	sw.BandY = sw.CaptionY + 5
	px := func(p int) float64 { return svgPad + float64(p-lo)/float64(hi-lo+1)*(svgWidth-2*svgPad) }
	var labelEnd float64
	for _, r := range runs {
		seg := svgBar{Class: "o-" + r.outcome.Key, X: px(r.lo), Y: sw.BandY, Entry: r.entry}
		seg.W = max(px(r.hi+1)-seg.X, 2)
		seg.Title = fmt.Sprintf("ports %s: %s", r, r.outcome.Word)
		sw.Segs = append(sw.Segs, seg)
		if r.outcome == outcomeOK {
			continue
		}
		text := r.String() + " " + r.outcome.Word
		if seg.X < labelEnd || seg.X+float64(len(text))*labelCharW > svgWidth-svgPad/2 {
			continue // the table below the timeline lists every run
		}
		sw.Labels = append(sw.Labels, svgBar{Label: text, LabelX: seg.X, LabelY: sw.BandY + sweepBandH + 12})
		labelEnd = seg.X + float64(len(text))*labelCharW + labelGap*2
	}
	sw.LoX, sw.HiX, sw.EdgeY = svgPad, svgWidth-svgPad, sw.BandY+sweepBandH+26
	sw.Bottom = sw.EdgeY + 4
	return sw
}

// sweepStart is when the sweep's dials left: the server's reply that opened
// the range, since the probe records the attempts only once all have ended.
func sweepStart(entries []result.Entry, first dataAttempt) (time.Duration, bool) {
	for j := first.entry - 1; j >= 0; j-- {
		e := entries[j]
		if e.Session != first.session {
			continue
		}
		if e.Kind == result.Reply {
			return e.T, true
		}
		if e.Kind == result.Event && e.Event != nil && e.Event.Op != result.OpDataConnect {
			break
		}
	}
	return 0, false
}

// sweepCounts sums a sweep up: "800 connected, 200 no answer".
func sweepCounts(as []dataAttempt) string {
	n := map[outcomeClass]int{}
	for _, a := range as {
		n[a.outcome]++
	}
	var parts []string
	for _, oc := range outcomeClasses {
		if n[oc] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[oc], oc.Word))
		}
	}
	return strings.Join(parts, ", ")
}
