package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/browsertest"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// The HTML goldens, loaded in a real browser: Debian's chromium, headless,
// driven by tools/browser/check.mjs (playwright-core). The script only
// measures; this test decides. It runs wherever chromium, node and the
// npm packages are, and in CI (CI set) it fails rather than skip without
// them: test.sh installs all three.

// browserTimeout bounds the whole browser run: six pages at two widths,
// laid out and printed to PDF on two paper sizes, take about a minute on
// two busy cores.
const browserTimeout = 5 * time.Minute

// browserWidths are the viewports each page is checked at: a desktop
// window and a phone.
var browserWidths = []int{1280, 390}

// browserPage is what check.mjs reports for one page.
type browserPage struct {
	File     string   `json:"file"`
	Requests []string `json:"requests"`
	CSP      []string `json:"csp"` // what the page's policy blocked, as chromium logged it
	Widths   map[string]struct {
		Width       int `json:"width"`
		ScrollWidth int `json:"scrollWidth"`
		Outside     []struct {
			Text string `json:"text"`
		} `json:"outside"`
	} `json:"widths"`
	DOM struct {
		Title          string   `json:"title"`
		Lang           string   `json:"lang"`
		Findings       []string `json:"findings"`
		Lanes          []int    `json:"lanes"`
		Bars           int      `json:"bars"`
		SweepBands     int      `json:"sweepBands"`
		Markers        []int    `json:"markers"`
		ConnectionRows int      `json:"connectionRows"`
		Sessions       int      `json:"sessions"`
		BrokenLinks    []string `json:"brokenLinks"`
		Scripts        int      `json:"scripts"`
		CSP            []string `json:"csp"`
		Sections       []string `json:"sections"`
	} `json:"dom"`
	Print map[string]struct {
		Width         int  `json:"width"`
		ScrollWidth   int  `json:"scrollWidth"`
		TimelineShown bool `json:"timelineShown"`
		PDFPages      int  `json:"pdfPages"`
		Outside       []struct {
			Text string `json:"text"`
		} `json:"outside"`
	} `json:"print"`
	Axe []struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	} `json:"axe"`
}

// runBrowser loads files and returns what the browser saw, screenshots
// (full page, at the first width) going to shots where given.
func runBrowser(t *testing.T, files, shots []string) []browserPage {
	t.Helper()
	chromium, tools := browsertest.Need(t)
	type page struct {
		File       string `json:"file"`
		Screenshot string `json:"screenshot"`
	}
	job := struct {
		Chromium string `json:"chromium"`
		Widths   []int  `json:"widths"`
		Pages    []page `json:"pages"`
	}{Chromium: chromium, Widths: browserWidths}
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		job.Pages = append(job.Pages, page{File: abs, Screenshot: shots[i]})
	}
	jobFile := filepath.Join(t.TempDir(), "job.json")
	b, _ := json.Marshal(job)
	if err := os.WriteFile(jobFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(tools, "check.mjs"), jobFile)
	cmd.Dir = tools
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check.mjs: %v\n%s", err, stderr.String())
	}
	var pages []browserPage
	if err := json.Unmarshal(out, &pages); err != nil {
		t.Fatalf("check.mjs printed no result: %v\n%s", err, out)
	}
	if len(pages) != len(files) {
		t.Fatalf("check.mjs checked %d pages, want %d", len(pages), len(files))
	}
	return pages
}

// TestHTMLInBrowser loads every HTML golden in chromium and checks what
// the browser built from it against the result it was rendered from.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	all := htmlScenarios(t)
	dir := t.TempDir()
	var files, shots []string
	for _, name := range htmlScenarioNames {
		files = append(files, filepath.Join("testdata", "html", name+".html"))
		shots = append(shots, filepath.Join(dir, name+".png"))
	}
	// The hostile page is no golden: the browser shows that its markup
	// stays text and its 100 KB line stays within the window.
	names := append(slices.Clone(htmlScenarioNames), "hostile")
	all["hostile"] = hostileScenario()
	hostile := filepath.Join(dir, "hostile.html")
	if err := os.WriteFile(hostile, render(t, all["hostile"], "html", RenderOptions{}), 0o644); err != nil {
		t.Fatal(err)
	}
	files, shots = append(files, hostile), append(shots, filepath.Join(dir, "hostile.png"))
	pages := runBrowser(t, files, shots)
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			checkBrowserPage(t, pages[i], Redacted(all[name]))
			checkScreenshot(t, shots[i])
		})
	}
}

func checkBrowserPage(t *testing.T, p browserPage, res *result.Result) {
	t.Helper()
	if len(p.Requests) > 0 {
		t.Errorf("the page asked for %q; it must load nothing", p.Requests)
	}
	for w, m := range p.Widths {
		if m.ScrollWidth > m.Width || len(m.Outside) > 0 {
			t.Errorf("at %s px: scroll width %d, text outside the viewport: %+v", w, m.ScrollWidth, m.Outside)
		}
	}
	for _, paper := range []string{"A4", "Letter"} {
		m, ok := p.Print[paper]
		if !ok || m.ScrollWidth > m.Width || len(m.Outside) > 0 || !m.TimelineShown || m.PDFPages < 1 {
			t.Errorf("printed on %s: %+v", paper, m)
		}
	}
	d := p.DOM
	if len(d.Sections) < 1 || d.Sections[0] != "findings" || (len(res.Transcript) > 0 && d.Sections[1] != "timeline") {
		t.Errorf("sections in order %q, want the findings first, then the timeline", d.Sections)
	}
	if len(d.CSP) != 1 || !strings.Contains(d.CSP[0], "default-src 'none'") || strings.Contains(d.CSP[0], "script-src") {
		t.Errorf("Content-Security-Policy %q, want one that allows no script and loads nothing", d.CSP)
	}
	if len(p.CSP) > 0 {
		t.Errorf("the page's own Content-Security-Policy blocked %q", p.CSP)
	}
	if d.Lang != "en" || d.Title == "" || d.Scripts != 0 || len(d.BrokenLinks) > 0 {
		t.Errorf("lang %q, title %q, %d scripts, links to nowhere %q", d.Lang, d.Title, d.Scripts, d.BrokenLinks)
	}
	var wantFindings []string
	for k := range res.Findings {
		wantFindings = append(wantFindings, fmt.Sprintf("f-%d", k+1))
	}
	if !slices.Equal(d.Findings, wantFindings) {
		t.Errorf("findings on the page %q, want %q", d.Findings, wantFindings)
	}
	for k, f := range res.Findings {
		if len(f.Lines) > 0 && !slices.Contains(d.Markers, k+1) {
			t.Errorf("finding %d is not marked on the timeline", k+1)
		}
	}
	sessions := transcript.SessionOrder(res.Transcript)
	if !slices.Equal(d.Lanes, sessions) || d.Sessions != len(sessions) {
		t.Errorf("lanes %v and %d transcript sections, want one per session %v", d.Lanes, d.Sessions, sessions)
	}
	bars, bands, rows := expectedConnections(res)
	if d.Bars != bars || d.SweepBands != bands || d.ConnectionRows != rows {
		t.Errorf("%d bars, %d sweep bands, %d table rows; want %d, %d, %d", d.Bars, d.SweepBands, d.ConnectionRows, bars, bands, rows)
	}
	for _, v := range p.Axe {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe-core: %s (%s): %s at %q", v.ID, v.Impact, v.Help, v.Nodes)
		} else {
			t.Logf("axe-core, %s: %s (%s) at %q", v.Impact, v.ID, v.Help, v.Nodes)
		}
	}
}

// expectedConnections counts from the transcript's events alone: a bar per
// data connection attempt, but a band for a session with more than
// sweepThreshold of them, and a table row per attempt or per run of ports.
func expectedConnections(res *result.Result) (bars, bands, rows int) {
	per := map[int][]int{}
	for i, e := range res.Transcript {
		if e.Event != nil && (e.Event.Op == result.OpDataConnect || e.Event.Op == result.OpDataAccept) {
			per[e.Session] = append(per[e.Session], i)
		}
	}
	for _, idx := range per {
		if len(idx) <= sweepThreshold {
			bars += len(idx)
			rows += len(idx)
			continue
		}
		bands++
		rows += len(portRuns(attemptsOf(dataAttempts(res.Transcript), res.Transcript[idx[0]].Session)))
	}
	return bars, bands, rows
}

// checkScreenshot: a PNG was written and it is not a blank page.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 20<<10 {
		t.Errorf("screenshot %s is %d bytes, not a PNG of a page", path, len(b))
	}
}
