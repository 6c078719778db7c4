package web

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/browsertest"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// browserTimeout bounds the browser run: two visits, each a probe of a few
// seconds, with axe-core on two pages each.
const browserTimeout = 4 * time.Minute

// visit is what tools/browser/web.mjs saw at one width.
type visit struct {
	Width     int      `json:"width"`
	Foreign   []string `json:"foreign"`
	Console   []string `json:"console"`
	ReportURL string   `json:"reportURL"`
	Verdict   string   `json:"verdict"`
	Progress  []struct {
		Now    string `json:"now"`
		Events int    `json:"events"`
	} `json:"progress"`
	Form struct {
		Layout layout      `json:"layout"`
		Axe    []violation `json:"axe"`
	} `json:"form"`
	Done struct {
		Layout      layout      `json:"layout"`
		Axe         []violation `json:"axe"`
		Links       []string    `json:"links"`
		Frame       string      `json:"frame"`
		ReportTitle string      `json:"reportTitle"`
	} `json:"done"`
}

type layout struct{ Width, ScrollWidth int }

type violation struct {
	ID, Impact, Help string
	Nodes            []string
}

// TestBrowser: a visitor in a real browser (Debian's chromium, headless)
// submits the form, watches the progress, and reads the verdict and the
// report, at a phone's width and a desktop's; axe-core finds no violation,
// nothing is wider than the screen, the CSP refuses nothing the pages need,
// and the pages fetch nothing from elsewhere. The server stalls every
// download after 1000 bytes, so the probe takes seconds and the progress
// shows. In CI a missing browser fails the test; elsewhere it skips.
func TestBrowser(t *testing.T) {
	chromium, tools := browsertest.Need(t)
	ftpd := servertest.Start(t, server.Config{Anonymous: true, Faults: server.Faults{StallAfter: 1000}})
	o := Options{AllowPrivate: true, Probe: quick}
	o.Probe.StallTimeout = 2 * time.Second
	o.Probe.PassiveOnly = false
	_, hs, _ := startWeb(t, o, false)

	shot := filepath.Join(t.TempDir(), "web.png")
	if s := os.Getenv("FTPDIAG_WEB_SCREENSHOT"); s != "" {
		shot = s // to look at the page: FTPDIAG_WEB_SCREENSHOT=/tmp/web.png
	}
	job, _ := json.Marshal(map[string]any{"chromium": chromium, "base": hs.URL,
		"target": "ftp://" + ftpd.Addr().String() + "/", "widths": []int{390, 1280},
		"screenshot": shot})
	jobFile := filepath.Join(t.TempDir(), "job.json")
	if err := os.WriteFile(jobFile, job, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(tools, "web.mjs"), jobFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("web.mjs: %v\n%s", err, stderr.String())
	}
	var got struct{ Runs []visit }
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("web.mjs printed no JSON: %v\n%s", err, b)
	}
	if len(got.Runs) != 2 {
		t.Fatalf("%d visits, want 2", len(got.Runs))
	}
	for _, v := range got.Runs {
		if v.Verdict != "critical" {
			t.Errorf("%d px: verdict %q, want critical (the download stalls)", v.Width, v.Verdict)
		}
		if len(v.Progress) == 0 || v.Progress[len(v.Progress)-1].Events == 0 {
			t.Errorf("%d px: no progress shown while the probe ran: %+v", v.Width, v.Progress)
		}
		for name, a := range map[string][]violation{"form": v.Form.Axe, "report page": v.Done.Axe} {
			for _, x := range a {
				t.Errorf("%d px, %s: axe %s (%s): %s at %v", v.Width, name, x.ID, x.Impact, x.Help, x.Nodes)
			}
		}
		for name, l := range map[string]layout{"form": v.Form.Layout, "report page": v.Done.Layout} {
			if l.ScrollWidth > l.Width {
				t.Errorf("%d px, %s: %d px wide, wider than the screen", v.Width, name, l.ScrollWidth)
			}
		}
		if len(v.Foreign) > 0 || len(v.Console) > 0 {
			t.Errorf("%d px: foreign requests %v, console errors %v", v.Width, v.Foreign, v.Console)
		}
		if len(v.Done.Links) != 3 || !strings.HasSuffix(v.Done.Frame, "/report.html") || !strings.Contains(v.Done.ReportTitle, "critical") {
			t.Errorf("%d px: links %v, frame %q titled %q", v.Width, v.Done.Links, v.Done.Frame, v.Done.ReportTitle)
		}
	}
}
