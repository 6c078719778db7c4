package diagnose

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wrapped is data as a mail client or a forum wraps it: cmd is fold -s or
// fmt -s at 72 columns.
func wrapped(t *testing.T, data []byte, cmd ...string) []byte {
	t.Helper()
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Stdin = strings.NewReader(string(data))
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(cmd, " "), err)
	}
	return out
}

// wrapMisses are the wrapped logs that do not read as their original,
// and why: what a reader of the wrapped text cannot tell either.
var wrapMisses = map[string]string{
	// fmt -s makes blank lines and indented pieces of curl's progress
	// meter, which curl redraws with carriage returns.
	"curl-active-oops.log fmt":        "fmt mangles curl's progress meter",
	"curl-login-rejected.log fmt":     "fmt mangles curl's progress meter",
	"curl-active-no-callback.log fmt": "fmt mangles curl's progress meter, and the 425 inside one of its lines",
	// FireFTP prints FEAT's features as bare lines: the tail of its cut
	// greeting looks like one more.
	"fireftp-203.log fold": "a cut line among bare feature lines",
	"fireftp-203.log fmt":  "a cut line among bare feature lines",
	// Pasted indented: the cut lines' tails are not, so the indent that
	// every line shared (and WinSCP's marker after it) is lost.
	"proftpd-1495.winscp.log fold": "indented paste whose tails are not indented",
}

// TestWrappedAt72ColumnsReadsTheSame (issue 27, "Wrappers people add"):
// every real log of the corpus with lines past 72 columns, wrapped there
// as mail clients do (fold -s, and fmt -s, which also turns tabs into
// spaces), gives the codes and verdict of the log itself; wrapMisses
// says which do not, and why.
func TestWrappedAt72ColumnsReadsTheSame(t *testing.T) {
	for _, tool := range []string{"fold", "fmt"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (coreutils)", tool)
		}
	}
	var paths []string
	for _, dir := range []string{logs, filepath.Join("..", "testdata", "world")} {
		p, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		paths = append(paths, p...)
	}
	n := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !longerThan(string(data), 72) {
			continue
		}
		whole := explainBytes(t, data)
		if whole == nil {
			continue
		}
		n++
		for _, cmd := range [][]string{{"fold", "-s", "-w", "72"}, {"fmt", "-s", "-w", "72"}} {
			got := explainBytes(t, wrapped(t, data, cmd...))
			if _, miss := wrapMisses[filepath.Base(p)+" "+cmd[0]]; miss {
				continue
			}
			switch {
			case got == nil:
				t.Errorf("%s, %s: not read", filepath.Base(p), cmd[0])
			case codes(got.Findings) != codes(whole.Findings) || got.Verdict != whole.Verdict:
				t.Errorf("%s, %s: %s %q, want %s %q", filepath.Base(p), cmd[0], got.Verdict, codes(got.Findings), whole.Verdict, codes(whole.Findings))
			}
		}
	}
	if n < 40 {
		t.Errorf("%d logs with long lines: the corpus is missing", n)
	}
	t.Logf("%d logs with lines past 72 columns, each through fold and fmt; %d known misses", n, len(wrapMisses))
}

func longerThan(s string, width int) bool {
	for _, l := range strings.Split(s, "\n") {
		if len([]rune(l)) > width {
			return true
		}
	}
	return false
}
