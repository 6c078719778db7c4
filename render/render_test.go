package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"ftpdiag/diagnose"
	"ftpdiag/internal/golden"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// renderGolden compares got with testdata/render/name; -update rewrites it.
func renderGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "render", name), got, *update)
}

func render(t *testing.T, res *result.Result, format string, opt RenderOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, res, format, opt); err != nil {
		t.Fatalf("Render %s: %v", format, err)
	}
	return b.Bytes()
}

var extOf = map[string]string{"text": "txt", "markdown": "md", "json": "json", "email": "eml", "html": "html", "nagios": "nagios.txt"}

func TestRenderGoldenScenarios(t *testing.T) {
	scenarios := []struct {
		name string
		res  *result.Result
	}{
		{"seed", seedScenario()},
		{"ok", okScenario()},
		{"unknown", unknownScenario()},
	}
	for _, sc := range scenarios {
		for _, format := range Formats {
			t.Run(sc.name+"/"+format, func(t *testing.T) {
				renderGolden(t, sc.name+"."+extOf[format], render(t, sc.res, format, RenderOptions{}))
			})
		}
	}
	t.Run("seed/text-colour", func(t *testing.T) {
		renderGolden(t, "seed.color.txt", render(t, seedScenario(), "text", RenderOptions{Color: true}))
	})
}

// TestRenderGoldenPerCode renders one result per code of the contract, so
// every finding's text, hints and annotated lines are seen by a reviewer.
func TestRenderGoldenPerCode(t *testing.T) {
	for _, code := range scenarioCodes() {
		t.Run(code, func(t *testing.T) {
			res := codeResult(t, code)
			renderGolden(t, filepath.Join("codes", code+".txt"), render(t, res, "text", RenderOptions{}))
			renderGolden(t, filepath.Join("codes", code+".md"), render(t, res, "markdown", RenderOptions{}))
		})
	}
}

func TestColourOnlyDecorates(t *testing.T) {
	plain := render(t, seedScenario(), "text", RenderOptions{})
	coloured := render(t, seedScenario(), "text", RenderOptions{Color: true})
	if bytes.Equal(plain, coloured) {
		t.Fatal("Color: true wrote no colour")
	}
	if got := stripANSI(string(coloured)); got != string(plain) {
		t.Errorf("colour changed the text:\ngot:\n%s\nwant:\n%s", got, plain)
	}
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("Color: false wrote an escape sequence")
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < '@' || s[j] > '~') {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestEmailLineWidth(t *testing.T) {
	results := map[string]*result.Result{"seed": seedScenario(), "ok": okScenario()}
	for _, code := range scenarioCodes() {
		results[code] = codeResult(t, code)
	}
	long := seedScenario()
	long.Transcript = append(long.Transcript, result.Entry{Session: 1, Kind: result.Reply, Code: 550,
		Text: "550 " + strings.Repeat("averyveryverylongfilenamewithoutanyspaces", 4) + " and then some words after it"})
	results["long lines"] = long
	for name, res := range results {
		t.Run(name, func(t *testing.T) {
			out := string(render(t, res, "email", RenderOptions{}))
			head, body, ok := strings.Cut(out, "\n\n")
			if !ok || !strings.HasPrefix(head, "Subject: ") {
				t.Fatalf("no Subject header and blank line:\n%s", out)
			}
			for i, l := range strings.Split(head, "\n") {
				if runeCols(l) > 78 {
					t.Errorf("header line %d has %d columns: %q", i+1, runeCols(l), l)
				}
			}
			for i, l := range strings.Split(body, "\n") {
				if runeCols(l) > EmailWidth {
					t.Errorf("body line %d has %d columns (max %d): %q", i+1, runeCols(l), EmailWidth, l)
				}
			}
		})
	}
}

// TestEmailKeepsTheWholeTranscript checks that folding loses nothing: the
// folded pieces put back together give every transcript line.
func TestEmailKeepsTheWholeTranscript(t *testing.T) {
	res := seedScenario()
	out := string(render(t, res, "email", RenderOptions{}))
	_, tr, ok := strings.Cut(out, "Transcript (passwords removed)\n\n")
	if !ok {
		t.Fatalf("no transcript section:\n%s", out)
	}
	joined := strings.ReplaceAll(tr, "\n"+emailFoldIndent, " ")
	for _, e := range Redacted(res).Transcript {
		for _, l := range transcript.RenderEntry(e) {
			if !strings.Contains(joined, strings.Join(strings.Fields(l), " ")) && !strings.Contains(joined, l) {
				t.Errorf("transcript line missing from the e-mail: %q", l)
			}
		}
	}
}

func TestNoRenderingShowsThePassword(t *testing.T) {
	results := map[string]*result.Result{"seed": seedScenario()}
	for _, code := range scenarioCodes() {
		results[code] = codeResult(t, code)
	}
	for name, res := range results {
		for _, format := range Formats {
			for _, colour := range []bool{false, true} {
				out := render(t, res, format, RenderOptions{Color: colour})
				if bytes.Contains(out, []byte(testPassword)) {
					t.Errorf("%s as %s (colour %v) shows the password", name, format, colour)
				}
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Render(&bytes.Buffer{}, okScenario(), "pdf", RenderOptions{})
	if !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("got %v, want ErrUnknownFormat", err)
	}
}

// TestJSONIsTheContract checks that the json format is the Result itself:
// it decodes back to the same document.
func TestJSONIsTheContract(t *testing.T) {
	res := Redacted(seedScenario())
	out := render(t, res, "json", RenderOptions{})
	want, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want)+"\n" {
		t.Errorf("json format differs from json.MarshalIndent(res):\ngot:\n%s\nwant:\n%s", out, want)
	}
}

// TestHostileServerTextIsShownNotObeyed feeds replies carrying terminal
// escape sequences and a bidirectional override through every format.
func TestHostileServerTextIsShownNotObeyed(t *testing.T) {
	f := newFx()
	s := f.connect("control connection")
	s.Reply(220, "220-\x1b]0;pwned\x07Welcome\n220 \x1b[2Jready \u202eexe.txt")
	s.Reply(0, "\x1b[31mSSH-2.0\xff")
	f.find(diagnose.CodeControlNotFTP, "The server said \x1b[2J.", []string{"Look at \x1b]8;;http://evil\x07 this"}, nil, nil, f.last())
	res := f.result()
	for _, format := range []string{"text", "markdown", "email"} {
		t.Run(format, func(t *testing.T) {
			out := render(t, res, format, RenderOptions{})
			for _, bad := range []string{"\x1b", "\x07", "\u202e", "\xff"} {
				if bytes.Contains(out, []byte(bad)) {
					t.Errorf("output holds %q:\n%s", bad, out)
				}
			}
			for _, shown := range []string{`\x1b]0;pwned\x07Welcome`, `\x1b[2Jready \u202eexe.txt`, `\xff`} {
				if !bytes.Contains(out, []byte(shown)) {
					t.Errorf("output does not show %q:\n%s", shown, out)
				}
			}
		})
	}
}

func TestVisible(t *testing.T) {
	cases := []struct {
		name, in, want string
		keep           bool
	}{
		{"plain", "227 Entering Passive Mode", "227 Entering Passive Mode", false},
		{"tab kept", "a\tb", "a\tb", false},
		{"newline kept", "a\nb", "a\nb", true},
		{"newline spelled", "a\nb", `a\x0ab`, false},
		{"escape", "\x1b[2J", `\x1b[2J`, false},
		{"C1 control", "a\u009bb", `a\x9bb`, false},
		{"bidi override", "\u202etxt", `\u202etxt`, false},
		{"not UTF-8", "caf\xe9", `caf\xe9`, false},
		{"UTF-8 kept", "café ✓", "café ✓", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := visible(tc.in, tc.keep); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
