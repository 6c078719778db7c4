package diagnose

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/internal/labcheck"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// logs holds the corpus of real client logs (testdata/logs/lab.sh made the
// curl and lftp ones) and its MANIFEST.
var logs = filepath.Join("..", "testdata", "logs")

// corpusEntry is one line of testdata/logs/MANIFEST.
type corpusEntry struct {
	file    string
	verdict result.Verdict
	codes   []string // exactly these, whole
	forbid  []string // never, whole or cut
	source  string
	// fallback: the whole log shows a control connection failing in one
	// address family and the client falling back to the other.
	fallback bool
}

func readManifest(t *testing.T) []corpusEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(logs, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, source, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			t.Fatalf("MANIFEST:%d: %d columns, want file, verdict, codes, forbidden codes", n, len(fields))
		}
		out = append(out, corpusEntry{file: fields[0], verdict: result.Verdict(fields[1]),
			codes: codeList(fields[2]), forbid: codeList(fields[3]), source: strings.TrimSpace(source)})
	}
	if len(out) < 40 {
		t.Fatalf("MANIFEST lists %d logs: is it cut short?", len(out))
	}
	return out
}

func codeList(s string) []string {
	if s == "-" {
		return nil
	}
	return strings.Split(s, ",")
}

// explainBytes is the result ftpdiag explain makes of a log held in
// memory; nil when the text holds no FTP session at all (a cut may leave
// none).
func explainBytes(t *testing.T, data []byte) *result.Result {
	t.Helper()
	log, err := foreign.Parse(data, "")
	if err != nil {
		return nil
	}
	entries := transcript.FromEntries(log.Entries, transcript.WithSecrets(log.Secrets...)).Entries()
	target := result.Target{Host: log.Target.Host, Port: log.Target.Port, User: log.Target.User}
	return NewResult(Input{Record: result.Record{Target: target, Started: log.Started, Entries: entries}, FromLog: true})
}

// codes lists the findings' codes, space-separated.
func codes(fs []result.Finding) string { return strings.Join(codesOf(fs), " ") }

// TestCorpus: every log under testdata/logs is in the manifest, and explain
// finds in each exactly what the manifest says, with every finding backed
// by the lines it cites.
func TestCorpus(t *testing.T) {
	entries := readManifest(t)
	listed := map[string]bool{}
	for _, c := range entries {
		listed[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(logs, c.file))
			if err != nil {
				t.Fatal(err)
			}
			res := explainBytes(t, data)
			if res == nil {
				t.Fatalf("explain refuses %s", c.file)
			}
			got := strings.Fields(codes(res.Findings))
			if !slices.Equal(got, c.codes) || res.Verdict != c.verdict {
				t.Errorf("%s: %s %q, want %s %q (%s)", c.file, res.Verdict, got, c.verdict, c.codes, c.source)
			}
			if err := Backed(res); err != nil {
				t.Errorf("%s: %v", c.file, err)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(logs, "*"))
	for _, f := range files {
		name := filepath.Base(f)
		if ext := filepath.Ext(name); (ext == ".log" || ext == ".json") && !listed[name] {
			t.Errorf("%s is not in testdata/logs/MANIFEST", name)
		}
	}
}

// rank orders verdicts by what they claim is wrong: unknown claims nothing.
func rank(v result.Verdict) int {
	switch v {
	case result.VerdictWarning:
		return 1
	case result.VerdictCritical:
		return 2
	}
	return 0
}

// TestCorpusCuts is the property of issue 14 over the corpus: a log cut at
// any line, keeping its head (a log that ends early) or its tail (a
// fragment pasted from the middle of a session), never turns a failure
// into ok, never gives a code the whole log does not (nor a forbidden one),
// never claims worse than the whole log, and stays backed by its lines.
func TestCorpusCuts(t *testing.T) {
	for _, c := range readManifest(t) {
		if filepath.Ext(c.file) == ".json" {
			continue // a cut JSON document is no document
		}
		data, err := os.ReadFile(filepath.Join(logs, c.file))
		if err != nil {
			t.Fatal(err)
		}
		if whole := explainBytes(t, data); whole != nil {
			for _, f := range whole.Findings {
				c.fallback = c.fallback || f.Family != "" && strings.HasPrefix(f.Code, "control.")
			}
		}
		lines := strings.SplitAfter(string(data), "\n")
		for k := 1; k < len(lines); k++ {
			for _, cut := range []struct{ kind, text string }{
				{"head", strings.Join(lines[:k], "")},
				{"tail", strings.Join(lines[k:], "")},
			} {
				checkCut(t, c, cut.kind, k, cut.text)
			}
		}
	}
}

// A log whose client fell back to the other address family is milder
// whole than cut before the fallback: the cut shows the failed family
// alone, with nothing to fall back to, which is as bad as the lines say.

// fragmentOf names, for a code a cut may give, the code the whole log gives
// for the same lines: vsftpd's "500 OOPS" as the first reply is
// control.greeting-error with the connection in the log, and server.failed
// in a fragment that starts after it, where no greeting can be told.
var fragmentOf = map[string]string{CodeServerFailed: CodeControlGreetingError}

func checkCut(t *testing.T, c corpusEntry, kind string, k int, text string) {
	t.Helper()
	res := explainBytes(t, []byte(text))
	if res == nil {
		return
	}
	where := fmt.Sprintf("%s, %s cut at line %d", c.file, kind, k+1)
	if res.Verdict == result.VerdictOK && c.verdict != result.VerdictOK {
		t.Errorf("%s: ok, while the whole log is %s", where, c.verdict)
	}
	if rank(res.Verdict) > rank(c.verdict) && !(kind == "head" && c.fallback) {
		t.Errorf("%s: %s, worse than the whole log's %s (%s)", where, res.Verdict, c.verdict, codes(res.Findings))
	}
	for _, f := range res.Findings {
		if slices.Contains(c.codes, fragmentOf[f.Code]) {
			continue
		}
		if !slices.Contains(c.codes, f.Code) || slices.Contains(c.forbid, f.Code) {
			t.Errorf("%s: %s, which the whole log (%q) does not show", where, f.Code, c.codes)
		}
	}
	if err := Backed(res); err != nil {
		t.Errorf("%s: %v", where, err)
	}
}

// labTimeout bounds the whole lab run: each client call in lab.sh has its
// own limit (curl 30 s, lftp 25 s), so a run takes about a minute and
// never more than the sum of those limits.
const labTimeout = 8 * time.Minute

// TestCorpusLiveLab makes the curl and lftp samples afresh, with the real
// clients against vsftpd and pure-ftpd in a network namespace of its own
// (testdata/logs/lab.sh), and checks that explain finds in the fresh logs
// what testdata/logs/MANIFEST says it finds in the committed ones.
func TestCorpusLiveLab(t *testing.T) {
	if testing.Short() {
		t.Skip("the lab takes about a minute; skipped with -short")
	}
	labcheck.Require(t)
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), labTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(logs, "lab.sh"), out)
	cmd.WaitDelay = 10 * time.Second
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lab.sh: %v\n%s", err, b)
	}
	made := 0
	for _, c := range readManifest(t) {
		path := filepath.Join(out, c.file)
		if _, err := os.Stat(path); err != nil {
			continue // written by hand or by filezilla-lab.sh, not by this lab
		}
		made++
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := explainBytes(t, data)
			if res == nil {
				t.Fatalf("explain refuses %s", c.file)
			}
			if got, want := codes(res.Findings), strings.Join(c.codes, " "); got != want || res.Verdict != c.verdict {
				t.Errorf("findings %q, verdict %s; want %q, %s; the log:\n%s", got, res.Verdict, want, c.verdict, data)
			}
		})
	}
	if made < 10 {
		t.Errorf("the lab made %d of the sample logs, want at least 10", made)
	}
}

// TestShortLogs: logs as users paste them, often only the lines
// around the failure, each with the finding it must give.
func TestShortLogs(t *testing.T) {
	cases := []struct {
		name  string
		log   string
		codes string
	}{
		{"filezilla control refused", "Status:\tConnecting to 192.0.2.1:21...\n" +
			"Error:\tConnection attempt failed with \"ECONNREFUSED - Connection refused by server\".\n" +
			"Error:\tCould not connect to server\n", "control.refused"},
		{"filezilla control timeout", "Status:\tConnecting to 192.0.2.1:21...\n" +
			"Error:\tConnection timed out after 20 seconds of inactivity\nError:\tCould not connect to server\n", "control.timeout"},
		{"filezilla closed before the greeting", "Status:\tConnecting to 192.0.2.1:21...\n" +
			"Status:\tConnection established, waiting for welcome message...\nError:\tConnection closed by server\n", "control.no-greeting"},
		{"curl control refused", "*   Trying 192.0.2.1:21...\n* connect to 192.0.2.1 port 21 failed: Connection refused\n" +
			"* Failed to connect to 192.0.2.1 port 21 after 0 ms: Couldn't connect to server\n", "control.refused"},
		{"lftp server closed mid-session", "---- Connecting to h (192.0.2.5) port 21\n<--- 220 Hi\n---> USER a\n" +
			"<--- 331 Password\n---> PASS b\n<--- 230 In\n---> PASV\n**** Peer closed connection\n", "control.closed"},
		{"winscp data refused", ". 2026-11-23 10:00:00.000 Connecting to 198.51.100.4 ...\n" +
			"< 2026-11-23 10:00:00.200 220 Hi\n> 2026-11-23 10:00:00.300 USER a\n< 2026-11-23 10:00:00.350 230 In\n" +
			"> 2026-11-23 10:00:00.400 PASV\n< 2026-11-23 10:00:00.450 227 Entering Passive Mode (198,51,100,4,11,185).\n" +
			"> 2026-11-23 10:00:00.500 LIST -a\n* 2026-11-23 10:00:00.510 Connection refused\n", "data.passive.refused"},
		{"seed control refused", "--> control connection to 192.0.2.7:21: refused (connection reset)\n", "control.refused"},
		{"filezilla listing denied", "Status:\tConnecting to 192.0.2.1:21...\nResponse:\t220 Hi\nCommand:\tUSER a\n" +
			"Response:\t331 Password\nCommand:\tPASS b\nResponse:\t230 In\nCommand:\tPASV\n" +
			"Response:\t227 Entering Passive Mode (192,0,2,1,11,185)\nCommand:\tMLSD /incoming\n" +
			"Response:\t550 Permission denied.\nError:\tFailed to retrieve directory listing\n", "transfer.denied"},
		{"a 425 in a fragment that starts after the mode", "---> LIST\n425 Failed to establish connection.\n---> QUIT\n221 Goodbye.\n", ""},
		{"vsftpd hangs up on the plain-text login it refused", "Connected to 192.0.2.1.\n220 (vsFTPd 3.0.3)\n" +
			"530 Non-anonymous sessions must use encryption.\nLogin failed.\n421 Service not available, remote server has closed connection\n",
			"login.tls-required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := explainBytes(t, []byte(tc.log))
			if res == nil {
				t.Fatal("explain refuses the log")
			}
			if got := codes(res.Findings); got != tc.codes {
				t.Errorf("findings %q, want %q", got, tc.codes)
			}
		})
	}
}
