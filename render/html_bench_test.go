package render

import (
	"fmt"
	"io"
	"testing"
	"time"

	"ftpdiag/result"
)

// bigTranscriptEntries is the size for a long transcript.
const bigTranscriptEntries = 10000

// bigScenario is a result of bigTranscriptEntries entries: a session of
// a thousand listings, a 1000-port sweep with a blocked range, one with 30
// data connections drawn as bars, and a session that idles with NOOPs.
func bigScenario() *result.Result {
	f := newFx()
	s := f.login("passive mode: a thousand listings")
	for k := range 1000 {
		f.pasv(s, fmt.Sprintf("198.18.1.2:%d", 3000+k%25), result.Connected, time.Millisecond)
		s.Command("LIST")
		s.Reply(150, "150 Here comes the directory listing")
		s.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, By: "server", Bytes: 312, Dur: time.Millisecond}, "")
		s.Reply(226, "226 Directory send OK")
	}
	w := f.login("passive range: SITE SWEEP")
	w.Command("SITE SWEEP 6")
	w.Reply(200, "200-SWEEP 4000-4999 open for 6s token 12377a5a\n200 SWEEP ready")
	for p := 4000; p < 5000; p++ {
		out := result.Connected
		if p >= 4400 && p < 4600 {
			out = result.Timeout
		}
		w.Event(ev(result.OpDataConnect, fmt.Sprintf("198.18.1.2:%d", p), out, 5*time.Second), "")
	}
	b := f.login("passive range sample")
	for k := range 30 {
		f.pasv(b, fmt.Sprintf("198.18.1.2:%d", 3000+k), result.Refused, time.Millisecond)
	}
	n := f.login("idle")
	for len(f.log.Entries()) < bigTranscriptEntries {
		n.Command("NOOP")
		n.Reply(200, "200 NOOP ok")
	}
	return f.diagnosed()
}

// BenchmarkRender10000 renders the big transcript as HTML and, side by side
// for a ratio, as text.
func BenchmarkRender10000(b *testing.B) {
	res := bigScenario()
	if len(res.Transcript) < bigTranscriptEntries {
		b.Fatalf("%d entries, want %d", len(res.Transcript), bigTranscriptEntries)
	}
	for _, format := range []string{"html", "text"} {
		b.Run(format, func(b *testing.B) {
			var size int
			for b.Loop() {
				cw := &countWriter{}
				if err := Render(cw, res, format, RenderOptions{}); err != nil {
					b.Fatal(err)
				}
				size = cw.n
			}
			b.ReportMetric(float64(size), "bytes/op-output")
		})
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// TestHTMLBigTranscript: the big transcript renders with its sweep as a
// band and its long session as a band too (over sweepThreshold), within
// a bound far above the benchmark's figure, so that only a blow-up fails.
func TestHTMLBigTranscript(t *testing.T) {
	res := bigScenario()
	start := time.Now()
	page := string(render(t, res, "html", RenderOptions{}))
	took := time.Since(start)
	t.Logf("%d entries: %d bytes of HTML in %v", len(res.Transcript), len(page), took)
	if took > 10*time.Second {
		t.Errorf("rendering took %v", took)
	}
	bars, bands, _ := expectedConnections(Redacted(res))
	if bars != 30 || bands != 2 {
		t.Errorf("%d bars and %d bands expected; the scenario changed", bars, bands)
	}
}
