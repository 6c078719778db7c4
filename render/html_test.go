package render

import (
	"bytes"
	"fmt"
	"html"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/internal/golden"
	"ftpdiag/result"
)

// TestHTMLGolden renders each HTML scenario; -update rewrites
// testdata/html/NAME.html, the files the browser test loads.
func TestHTMLGolden(t *testing.T) {
	all := htmlScenarios(t)
	for _, name := range htmlScenarioNames {
		t.Run(name, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata", "html", name+".html"), render(t, all[name], "html", RenderOptions{}), *update)
		})
	}
}

// TestHTMLShowsWhatTheTextShows checks that every line of the text
// format's annotated transcript is on the page (escaped), and that every
// finding links to its lines and every pointer note back to its finding.
func TestHTMLShowsWhatTheTextShows(t *testing.T) {
	all := htmlScenarios(t)
	all["seed"] = seedScenario()
	for name, res := range all {
		t.Run(name, func(t *testing.T) {
			page := string(render(t, res, "html", RenderOptions{}))
			text := html.UnescapeString(anyTag.ReplaceAllString(page, ""))
			for _, l := range annotatedTranscript(printable(Redacted(res))) {
				if l.entry != nil && !strings.Contains(text, strings.TrimPrefix(l.text, "=== ")) {
					t.Errorf("the page lacks the transcript line %q", l.text)
				}
			}
			for k, f := range res.Findings {
				if !strings.Contains(page, fmt.Sprintf(`id="f-%d"`, k+1)) {
					t.Errorf("finding %d has no anchor", k+1)
				}
				for _, i := range f.Lines {
					if !strings.Contains(page, fmt.Sprintf(`<a href="#l-%d">`, i)) || !strings.Contains(page, fmt.Sprintf(`id="l-%d"`, i)) {
						t.Errorf("finding %d does not link to line %d", k+1, i)
					}
				}
				if len(f.Lines) > 0 && !strings.Contains(page, fmt.Sprintf(`<a href="#f-%d">`, k+1)) {
					t.Errorf("no transcript line links back to finding %d", k+1)
				}
			}
		})
	}
}

// hostileScenario holds what a hostile server or a doctored log could send.
func hostileScenario() *result.Result {
	long := "550 " + strings.Repeat("A", 100<<10)
	f := newFx()
	s := f.connect(`</svg><script>alert(1)</script> "quoted" & <b>`)
	s.Reply(220, "220-<script>alert(document.cookie)</script>\n220 </svg></pre><img src=x onerror=alert(1)> \x1b[2J\x00\x07 ready")
	s.Command("USER <iframe src=//evil>")
	s.Reply(550, long)
	s.Event(ev(result.OpDataConnect, "198.18.1.2:3003\"><script>", result.Timeout, time.Second), "")
	f.find(diagnose.CodeControlNotFTP, `The server said </svg><script>x</script>.`, []string{"    <script>alert(2)</script>", `Look at <a href="javascript:alert(3)">this</a>`}, nil, nil, f.last())
	return f.result()
}

// TestHTMLHostileTextIsInert sends what a hostile server or a doctored
// log could: markup that would close the SVG or open a script, control
// bytes, and a 100 KB line. The page must hold it as text: no element the
// renderer did not write, no raw control byte, and the long line whole.
func TestHTMLHostileTextIsInert(t *testing.T) {
	res := hostileScenario()
	page := string(render(t, res, "html", RenderOptions{}))
	for _, bad := range []string{"<script", "<img", "<iframe", "<b>", `href="javascript`, "\x1b", "\x00", "\x07"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	if n := strings.Count(page, "</svg>"); n != 1+len(outcomeClasses) {
		t.Errorf("the page closes %d SVGs, want %d (the timeline and the legend's swatches)", n, 1+len(outcomeClasses))
	}
	for _, shown := range []string{"&lt;script&gt;alert(document.cookie)&lt;/script&gt;", `\x1b[2J\x00\x07`, strings.Repeat("A", 100<<10)} {
		if !strings.Contains(page, shown) {
			t.Errorf("the page does not show %.60q", shown)
		}
	}
	checkElements(t, "hostile", page)
}

var anyTag = regexp.MustCompile(`<[^>]*>`)

var tagName = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)`)

// elementsOf lists the kinds of element a page opens, for a failure message.
func elementsOf(page string) string {
	seen := map[string]bool{}
	var out []string
	for _, m := range tagName.FindAllStringSubmatch(page, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return strings.Join(out, " ")
}

// TestHTMLAllowedElements: whatever the scenario, the page opens only the
// elements the template writes, so no text can smuggle one in.
func TestHTMLAllowedElements(t *testing.T) {
	all := htmlScenarios(t)
	all["seed"], all["unknown"] = seedScenario(), unknownScenario()
	for name, res := range all {
		checkElements(t, name, string(render(t, res, "html", RenderOptions{})))
	}
}

// htmlElements are the elements the template writes.
var htmlElements = strings.Fields("html head meta title style body header h1 p strong dl dt dd nav ul li a main section " +
	"h2 article h3 span code pre h4 q figure svg desc defs pattern rect path circle g line text figcaption table caption thead tr th tbody td footer")

func checkElements(t *testing.T, name, page string) {
	t.Helper()
	for _, e := range strings.Fields(elementsOf(page)) {
		if !slices.Contains(htmlElements, e) {
			t.Errorf("%s: the page opens a <%s>", name, e)
		}
	}
}

// maxHealthyHTML is the bound on a healthy probe's report.
const maxHealthyHTML = 100 << 10

func TestHTMLHealthyProbeIsSmall(t *testing.T) {
	page := render(t, htmlScenarios(t)["healthy"], "html", RenderOptions{})
	t.Logf("healthy probe's report: %d bytes", len(page))
	if len(page) >= maxHealthyHTML {
		t.Errorf("the healthy probe's report is %d bytes, want under %d", len(page), maxHealthyHTML)
	}
}

func TestHTMLNoPassword(t *testing.T) {
	for name, res := range htmlScenarios(t) {
		if page := render(t, res, "html", RenderOptions{}); bytes.Contains(page, []byte(testPassword)) {
			t.Errorf("%s shows the password", name)
		}
	}
}

// TestEmailNamesTheHTMLAttachment: with HTMLFile set the e-mail says to
// attach the page, by its base name, within the e-mail's width; without
// it, it says nothing of a page.
func TestEmailNamesTheHTMLAttachment(t *testing.T) {
	cases := []struct {
		name, file, want string
	}{
		{"written", "/home/ann/reports/ftp-check.html", "ftp-check.html: attach it to this message"},
		{"not written", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := string(render(t, seedScenario(), "email", RenderOptions{HTMLFile: tc.file}))
			joined := strings.Join(strings.Fields(out), " ")
			if tc.want == "" && strings.Contains(joined, "attach it") {
				t.Errorf("the e-mail mentions an attachment:\n%s", out)
			}
			if tc.want != "" && (!strings.Contains(joined, tc.want) || strings.Contains(out, "/home/ann")) {
				t.Errorf("the e-mail does not say %q (by base name):\n%s", tc.want, out)
			}
			for _, l := range strings.Split(out, "\n")[1:] {
				if runeCols(l) > EmailWidth {
					t.Errorf("line of %d columns: %q", runeCols(l), l)
				}
			}
		})
	}
}

var (
	hrefTarget = regexp.MustCompile(`href="#([^"]+)"`)
	idAttr     = regexp.MustCompile(`id="([^"]+)"`)
)

// TestHTMLLinksResolve: every link within the page has its target, over
// every diagnosis golden, every code's scenario and the HTML scenarios (a
// page with a timeline but no data connection once linked to a table it
// did not have).
func TestHTMLLinksResolve(t *testing.T) {
	all := diagnosedResults(t)
	for name, res := range htmlScenarios(t) {
		all["html/"+name] = res
	}
	for _, code := range scenarioCodes() {
		all["code/"+code] = codeResult(t, code)
	}
	all["seed"], all["unknown"], all["ok"] = seedScenario(), unknownScenario(), okScenario()
	for name, res := range all {
		page := string(render(t, res, "html", RenderOptions{}))
		ids := map[string]bool{}
		for _, m := range idAttr.FindAllStringSubmatch(page, -1) {
			if ids[m[1]] {
				t.Errorf("%s: id %q twice", name, m[1])
			}
			ids[m[1]] = true
		}
		for _, m := range hrefTarget.FindAllStringSubmatch(page, -1) {
			if !ids[m[1]] {
				t.Errorf("%s: a link to #%s, which the page lacks", name, m[1])
			}
		}
	}
}
