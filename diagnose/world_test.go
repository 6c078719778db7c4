package diagnose

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ftpdiag/result"
)

// The real-world corpus (issue 27): logs that people posted publicly when
// they asked for help, kept as posted, each with the cause its thread
// established. testdata/world/MANIFEST says, for each, the verdict, the
// codes that name the thread's cause (any one of them), and the codes that
// would name a wrong one; its "measured:" line holds the figures this code
// reaches, which the test keeps from falling.

var world = filepath.Join("..", "testdata", "world")

type worldEntry struct {
	file    string
	verdict result.Verdict
	cause   []string // any one of these names the thread's cause; nil: no code does
	forbid  []string
	source  string
}

var measuredLine = regexp.MustCompile(`^# measured: read (\d+)/(\d+), cause (\d+)/(\d+), wrong 0$`)

func readWorld(t *testing.T) (entries []worldEntry, read, right int) {
	t.Helper()
	f, err := os.Open(filepath.Join(world, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	read, right = -1, -1
	for n := 1; sc.Scan(); n++ {
		if m := measuredLine.FindStringSubmatch(sc.Text()); m != nil {
			read, _ = strconv.Atoi(m[1])
			right, _ = strconv.Atoi(m[3])
			continue
		}
		line, source, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			t.Fatalf("MANIFEST:%d: %d columns, want file, verdict, cause codes, forbidden codes", n, len(fields))
		}
		entries = append(entries, worldEntry{file: fields[0], verdict: result.Verdict(fields[1]),
			cause: codeList(fields[2]), forbid: codeList(fields[3]), source: strings.TrimSpace(source)})
	}
	if read < 0 {
		t.Fatal("MANIFEST has no \"# measured: read N/M, cause N/M, wrong 0\" line")
	}
	return entries, read, right
}

// worldOutcome is what explain makes of one real-world log.
type worldOutcome struct {
	read, right bool
	wrong       []string
	got         string
}

func judgeWorld(t *testing.T, c worldEntry) worldOutcome {
	data, err := os.ReadFile(filepath.Join(world, c.file))
	if err != nil {
		t.Fatal(err)
	}
	res := explainBytes(t, data)
	if res == nil {
		return worldOutcome{got: "not read"}
	}
	var o worldOutcome
	o.read = true
	codes := strings.Fields(codes(res.Findings))
	o.got = fmt.Sprintf("%s %s", res.Verdict, strings.Join(codes, ","))
	hit := c.cause == nil
	for _, code := range codes {
		if slices.Contains(c.cause, code) {
			hit = true
		}
		if slices.Contains(c.forbid, code) {
			o.wrong = append(o.wrong, code)
		}
	}
	o.right = hit && res.Verdict == c.verdict && len(o.wrong) == 0
	if err := Backed(res); err != nil {
		t.Errorf("%s: %v", c.file, err)
	}
	return o
}

// TestWorld measures explain on the real-world corpus: every log is read,
// none gets a cause that is wrong, and the logs whose cause is found do not
// fall below the manifest's figures. Run with -v for the misses.
func TestWorld(t *testing.T) {
	entries, wantRead, wantRight := readWorld(t)
	listed := map[string]bool{}
	read, right := 0, 0
	var missed []string
	for _, c := range entries {
		listed[c.file] = true
		o := judgeWorld(t, c)
		if o.read {
			read++
		}
		if o.right {
			right++
		} else {
			missed = append(missed, fmt.Sprintf("%s: got %s, want %s %s (%s)", c.file, o.got, c.verdict, strings.Join(c.cause, "|"), c.source))
		}
		if len(o.wrong) > 0 {
			t.Errorf("%s: names %v, which is not the cause (%s)", c.file, o.wrong, c.source)
		}
	}
	t.Logf("measured: read %d/%d, cause %d/%d", read, len(entries), right, len(entries))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	if read < wantRead || right < wantRight {
		t.Errorf("read %d, cause %d: below the manifest's %d and %d", read, right, wantRead, wantRight)
	}
	if read > wantRead || right > wantRight {
		t.Logf("better than the manifest's figures: raise its measured line to read %d/%d, cause %d/%d", read, len(entries), right, len(entries))
	}
	files, _ := filepath.Glob(filepath.Join(world, "*.log"))
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not in testdata/world/MANIFEST", filepath.Base(f))
		}
	}
}

// coarser names, for a code that rests on a line a cut may leave out, the
// code the rest of the log still shows: PASV refused, without the greeting
// that showed the connection was IPv6.
// A 227 naming 0.0.0.0 explains the failed dial to it; a cut that leaves
// out the 227 shows the failed dial alone.
var coarser = map[string][]string{
	"pasv.ipv6-refused": {"pasv.unsupported"},
	"pasv.bad-reply":    {"data.passive.refused", "data.passive.timeout"},
	// the AUTH TLS that the extra 220 answered, cut: the handshake's failure
	// is all that is left.
	"control.out-of-step": {"tls.handshake-failed"},
}

// TestWorldCuts is the cut property over the real-world logs whose cause is
// found: cut at any line, head or tail, a log never gets a code the whole
// log does not, nor a forbidden one, nor a worse verdict, nor ok.
func TestWorldCuts(t *testing.T) {
	entries, _, _ := readWorld(t)
	for _, c := range entries {
		data, err := os.ReadFile(filepath.Join(world, c.file))
		if err != nil {
			t.Fatal(err)
		}
		whole := explainBytes(t, data)
		if whole == nil || !judgeWorld(t, c).right {
			continue
		}
		ce := corpusEntry{file: c.file, verdict: whole.Verdict, codes: strings.Fields(codes(whole.Findings)), forbid: c.forbid}
		for _, code := range ce.codes {
			ce.codes = append(ce.codes, coarser[code]...)
		}
		ce.forbid = slices.DeleteFunc(slices.Clone(ce.forbid), func(f string) bool { return slices.Contains(ce.codes, f) })
		for _, f := range whole.Findings {
			ce.fallback = ce.fallback || f.Family != "" && strings.HasPrefix(f.Code, "control.")
		}
		lines := strings.SplitAfter(string(data), "\n")
		for k := 1; k < len(lines); k++ {
			checkCut(t, ce, "head", k, strings.Join(lines[:k], ""))
			checkCut(t, ce, "tail", k, strings.Join(lines[k:], ""))
		}
	}
}
