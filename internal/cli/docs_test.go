package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// The documents' examples are run: every "$ ftpdiag ..." line in README.md
// and docs/*.md, in a code block, is run against a test server and must
// print what the lines under it show, so the documents cannot drift from
// the program. The conventions, for writers:
//
//   - "127.0.0.1:2121" in a command is the test server (the reference
//     server with the demo tree, anonymous logins allowed); its real port
//     is written back as 2121 in the output.
//   - Times and dates may differ ("0.009s", "21ms", "2026-11-23 21:54:30");
//     so may other ports of 127.0.0.1.
//   - A line "..." (indented or not) stands for any number of lines, none
//     included.
//   - "$ echo $?" shows the exit status of the command before it.
//   - Commands run in a directory where testdata/ is the repository's, and
//     files they write stay there.
//   - A "$ " line in a code block that is neither of these is an error:
//     examples in that form are only those this test runs.

// docExample is one command of a document and what it shows.
type docExample struct {
	where  string   // file:line
	args   []string // after "ftpdiag"
	want   []string // the lines shown under it
	status *int     // from "$ echo $?", when shown
}

var (
	promptRE = regexp.MustCompile(`^(\s*)\$ (.*)$`)
	fenceRE  = regexp.MustCompile("^\\s*```")
)

// readExamples finds the examples of one document. A code block is a
// fenced one or an indented one (four spaces).
func readExamples(t *testing.T, path, name string) []docExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docExample
	var cur *docExample
	inFence := false
	indent := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if fenceRE.MatchString(line) {
			inFence, cur = !inFence, nil
			continue
		}
		// An indented block goes on over blank lines.
		inBlock := inFence || strings.HasPrefix(line, "    ") || cur != nil && strings.TrimSpace(line) == ""
		if !inBlock {
			cur = nil
			continue
		}
		if m := promptRE.FindStringSubmatch(line); m != nil {
			cmd := strings.TrimSpace(m[2])
			switch {
			case cmd == "echo $?":
				if cur == nil {
					t.Errorf("%s:%d: echo $? after no ftpdiag command", name, n)
					continue
				}
				if !sc.Scan() {
					t.Errorf("%s:%d: echo $? without the status under it", name, n)
					break
				}
				n++
				s, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
				if err != nil {
					t.Errorf("%s:%d: %q is no exit status", name, n, sc.Text())
				}
				cur.status = &s
			case strings.HasPrefix(cmd, "ftpdiag "):
				out = append(out, docExample{where: fmt.Sprintf("%s:%d", name, n), args: strings.Fields(cmd)[1:]})
				cur, indent = &out[len(out)-1], m[1]
			default:
				t.Errorf("%s:%d: %q is written as a command the doc test runs, and it runs only ftpdiag: drop the \"$ \"", name, n, cmd)
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.want = append(cur.want, strings.TrimRight(strings.TrimPrefix(line, indent), " "))
		}
	}
	for i := range out { // a fenced block's blank last lines are layout
		for len(out[i].want) > 0 && out[i].want[len(out[i].want)-1] == "" {
			out[i].want = out[i].want[:len(out[i].want)-1]
		}
	}
	return out
}

// docNormal makes what may differ between runs equal: times, dates, and
// ports of 127.0.0.1.
var docNormal = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?( UTC)?`), "DATE"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms|s|m)\b`), "TIME"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`127\.0\.0\.1 port \d+`), "127.0.0.1 port PORT"},
	// A probe refused at once took no time worth printing.
	{regexp.MustCompile(`^(Checked: DATE), took TIME$`), "$1"},
}

func normalDoc(line string) string {
	for _, n := range docNormal {
		line = n.re.ReplaceAllString(line, n.with)
	}
	return line
}

// matchLines says whether got matches want, where a "..." line of want
// stands for any number of lines.
func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for k := 0; k <= len(got); k++ {
			if matchLines(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && normalDoc(want[0]) == normalDoc(got[0]) && matchLines(want[1:], got[1:])
}

// docFiles are the documents whose examples run.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, files...)
}

// TestDocExamples runs every "$ ftpdiag" example of README.md and docs/.
func TestDocExamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var all []docExample
	for _, path := range docFiles(t, root) {
		rel, _ := filepath.Rel(root, path)
		all = append(all, readExamples(t, path, rel)...)
	}
	if len(all) < 5 {
		t.Fatalf("found only %d examples: is the README's form still \"$ ftpdiag ...\"?", len(all))
	}
	s := servertest.Start(t, server.Config{Anonymous: true})
	addr := s.Addr().String()
	_, port, _ := strings.Cut(addr, ":")
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, env := range []string{"FTPDIAG_FORMAT", "FTPDIAG_TIMEOUT", "FTPDIAG_PASSWORD", "COLUMNS", "NO_COLOR"} {
		t.Setenv(env, "") // restored after the test
		os.Unsetenv(env)
	}
	for _, ex := range all {
		t.Run(ex.where, func(t *testing.T) {
			args := make([]string, len(ex.args))
			for i, a := range ex.args {
				args[i] = strings.ReplaceAll(a, "127.0.0.1:2121", addr)
			}
			status, out, errOut := runCLI(t, args...)
			text := strings.ReplaceAll(out+errOut, addr, "127.0.0.1:2121")
			text = strings.ReplaceAll(text, "port "+port, "port 2121")
			got := strings.Split(strings.TrimRight(text, "\n"), "\n")
			for i := range got {
				got[i] = strings.TrimRight(got[i], " ")
			}
			if text == "" {
				got = nil
			}
			if !matchLines(ex.want, got) {
				t.Errorf("%s: ftpdiag %s prints\n%s\nwhere the document shows\n%s",
					ex.where, strings.Join(ex.args, " "), strings.Join(got, "\n"), strings.Join(ex.want, "\n"))
			}
			if ex.status != nil && status != *ex.status {
				t.Errorf("%s: exit status %d, the document shows %d", ex.where, status, *ex.status)
			}
		})
	}
}

// TestDocMatching: the comparison lets times, dates and ports differ and
// "..." stand for lines, and nothing else.
func TestDocMatching(t *testing.T) {
	cases := []struct {
		name      string
		want, got []string
		match     bool
	}{
		{"same", []string{"a", "b"}, []string{"a", "b"}, true},
		{"a word differs", []string{"FTPDIAG OK - x"}, []string{"FTPDIAG WARNING - x"}, false},
		{"times", []string{"| time=0.009s control=0.000522s"}, []string{"| time=0.011s control=0.0006s"}, true},
		{"dates", []string{"Checked: 2026-11-23 21:54:30 UTC, took 14ms"}, []string{"Checked: 2026-12-06 05:00:01 UTC, took 9ms"}, true},
		{"no time taken", []string{"Checked: 2026-11-23 21:54:30 UTC"}, []string{"Checked: 2026-12-06 05:00:01 UTC, took 9ms"}, true},
		{"ports", []string{"127.0.0.1:3003"}, []string{"127.0.0.1:41234"}, true},
		{"other hosts' ports", []string{"192.0.2.1:3003"}, []string{"192.0.2.1:3004"}, false},
		{"a line missing", []string{"a", "b"}, []string{"a"}, false},
		{"a line more", []string{"a"}, []string{"a", "b"}, false},
		{"dots for lines", []string{"a", "...", "d"}, []string{"a", "b", "c", "d"}, true},
		{"dots for none", []string{"a", "...", "b"}, []string{"a", "b"}, true},
		{"dots, end differs", []string{"a", "...", "d"}, []string{"a", "b", "c"}, false},
		{"indented dots", []string{"a", "   ...", "d"}, []string{"a", "b", "d"}, true},
	}
	for _, tc := range cases {
		if got := matchLines(tc.want, tc.got); got != tc.match {
			t.Errorf("%s: match %v, want %v", tc.name, got, tc.match)
		}
	}
}
