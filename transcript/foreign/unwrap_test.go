package foreign

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"ftpdiag/result"
)

// shape is what a reading keeps of a log: every command, reply and event,
// without notes (a wrapper may add or drop prose) and without times.
func shape(t *testing.T, data []byte) []string {
	t.Helper()
	l, err := Parse(data, "")
	if err != nil {
		t.Fatalf("not read: %v", err)
	}
	var out []string
	for _, e := range l.Entries {
		if e.Kind == result.Note {
			continue
		}
		out = append(out, fmt.Sprintf("%d %s %d %s", e.Session, e.Kind, e.Code, e.Text))
	}
	return out
}

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xff, 0xfe}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// TestWrappersDoNotChangeTheReading: a log quoted ("> ", nested), fenced,
// indented, numbered, HTML-escaped, with CRLF, a BOM or in UTF-16 reads
// exactly as the log itself, for every format the wrappers meet.
func TestWrappersDoNotChangeTheReading(t *testing.T) {
	logs := []string{
		"../../testdata/logs/filezilla-serve-pasv-refused.log",
		"../../testdata/logs/curl-pasv-refused.log",
		"../../testdata/logs/lftp-pasv-timeout.log",
		"../../testdata/logs/winscp-port-refused.log",
		"../../testdata/world/bitnami-vms-230.log",
		"../../testdata/world/nppftp-165.log",
		"../../testdata/world/fubar-ftpserver-49.de.log",
	}
	prefix := func(p string) func(string) string {
		return func(s string) string {
			lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
			for i, l := range lines {
				lines[i] = p + l
			}
			return strings.Join(lines, "\n") + "\n"
		}
	}
	wrappers := []struct {
		name string
		wrap func(string) []byte
	}{
		{"quoted", func(s string) []byte { return []byte(prefix("> ")(s)) }},
		{"quoted twice", func(s string) []byte { return []byte(prefix("> ")(prefix("> ")(s))) }},
		{"fenced", func(s string) []byte { return []byte("```text\n" + s + "```\n") }},
		{"indented", func(s string) []byte { return []byte(prefix("    ")(s)) }},
		{"CRLF and BOM", func(s string) []byte { return []byte("\xef\xbb\xbf" + strings.ReplaceAll(s, "\n", "\r\n")) }},
		{"UTF-16 with BOM", func(s string) []byte { return utf16LE(s, true) }},
		{"UTF-16 without BOM", func(s string) []byte { return utf16LE(s, false) }},
		{"HTML entities", func(s string) []byte { return []byte(html.EscapeString(s)) }},
		{"line numbers", func(s string) []byte {
			lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
			for i, l := range lines {
				lines[i] = fmt.Sprintf("%4d | %s", i+1, l)
			}
			return []byte(strings.Join(lines, "\n") + "\n")
		}},
	}
	for _, path := range logs {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The reference is the log with its own wrappers taken off once:
		// a world log may come fenced already.
		plain := strings.TrimRight(string(unwrap(raw)), "\n") + "\n"
		want := shape(t, []byte(plain))
		if len(want) == 0 {
			t.Fatalf("%s: no command, reply or event read", path)
		}
		for _, w := range wrappers {
			t.Run(filepath.Base(path)+"/"+w.name, func(t *testing.T) {
				if got := shape(t, w.wrap(plain)); !slices.Equal(got, want) {
					t.Errorf("%d entries, want %d; first difference:\n%s", len(got), len(want), firstDiff(got, want))
				}
			})
		}
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("got  %q\nwant %q", got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(got), len(want))
}

// TestFileZillaInEveryLanguage: the English lab log with its labels and
// key sentences put into each language FileZilla ships, from its own
// translations, reads exactly as the English one.
func TestFileZillaInEveryLanguage(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/logs/filezilla-serve-pasv-refused.log")
	if err != nil {
		t.Fatal(err)
	}
	want := shape(t, raw)
	byLang := map[string]map[string]string{}
	for _, row := range fileZillaI18n {
		if byLang[row[0]] == nil {
			byLang[row[0]] = map[string]string{}
		}
		if _, ok := byLang[row[0]][row[1]]; !ok {
			byLang[row[0]][row[1]] = row[2]
		}
	}
	label := regexp.MustCompile(`(?m)^(\S+ \S+ \d+ \d+ )(Status|Command|Response|Error|Trace|Listing):`)
	refused := regexp.MustCompile(`The data connection could not be established: (.*)`)
	langs := 0
	for lang, tr := range byLang {
		if tr["Command:"] == "" || tr["Response:"] == "" {
			continue // a translation without the labels: nothing to test
		}
		langs++
		text := label.ReplaceAllStringFunc(string(raw), func(m string) string {
			p := label.FindStringSubmatch(m)
			l := p[2] + ":"
			if x, ok := tr[l]; ok {
				l = x
			}
			return p[1] + l
		})
		if x, ok := tr["The data connection could not be established: %s"]; ok && strings.Count(x, "%s") == 1 {
			text = refused.ReplaceAllStringFunc(text, func(m string) string {
				return strings.Replace(x, "%s", refused.FindStringSubmatch(m)[1], 1)
			})
		}
		t.Run(lang, func(t *testing.T) {
			if got := shape(t, []byte(text)); !slices.Equal(got, want) {
				t.Errorf("%d entries, want %d; first difference:\n%s", len(got), len(want), firstDiff(got, want))
			}
		})
	}
	if langs < 40 {
		t.Errorf("only %d languages with labels in the table: was it generated from FileZilla's translations?", langs)
	}
}

// TestNoWrapInLogsAsWritten: no log of the corpus, as its client wrote
// it, is taken for one wrapped at a width (its lines would be joined).
func TestNoWrapInLogsAsWritten(t *testing.T) {
	var paths []string
	for _, dir := range []string{"../../testdata/logs", "../../testdata/world"} {
		p, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		paths = append(paths, p...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if w := planUnwrap(splitLines(string(data)), true).wrap; w != 0 {
			t.Errorf("%s: read as wrapped at %d columns", p, w)
		}
	}
}

// TestWrapJoinsOnlyCutLines: in a log wrapped at 72 columns, a cut line
// is joined to its tail; short lines followed by lines that start with
// no label (a bare client's prose) are not, wrapped or not.
func TestWrapJoinsOnlyCutLines(t *testing.T) {
	cases := []struct {
		name string
		log  string
		want []string
	}{
		{"a cut reply joined, short lines kept",
			"2026-11-23 21:54:31 4312 1 Command: PASV\n" +
				"2026-11-23 21:54:31 4312 1 Response: 227 Entering Passive Mode \n" +
				"(192,168,1,175,11,187).\n" +
				"2026-11-23 21:54:31 4312 1 Status: Server sent passive reply with \n" +
				"unroutable address. Using server address instead.\n" +
				"2026-11-23 21:54:51 4312 1 Error: Connection timed out after 20 \n" +
				"seconds of inactivity\n",
			[]string{"2026-11-23 21:54:31 4312 1 Command: PASV",
				"2026-11-23 21:54:31 4312 1 Response: 227 Entering Passive Mode (192,168,1,175,11,187).",
				"2026-11-23 21:54:31 4312 1 Status: Server sent passive reply with unroutable address. Using server address instead.",
				"2026-11-23 21:54:51 4312 1 Error: Connection timed out after 20 seconds of inactivity"}},
		{"short lines of a bare client never joined",
			"Connected to 192.0.2.7.\n220 (vsFTPd 3.0.3)\nName (192.0.2.7:bob): bob\n331 Please specify the password.\n" +
				"Password:\n230 Login successful.\nRemote system type is UNIX.\nUsing binary mode to transfer files.\n" +
				"ftp> ls\n227 Entering Passive Mode (192,0,2,7,39,16).\nftp: connect: Connection refused\n",
			[]string{"Connected to 192.0.2.7.", "220 (vsFTPd 3.0.3)", "Name (192.0.2.7:bob): bob", "331 Please specify the password.",
				"Password:", "230 Login successful.", "Remote system type is UNIX.", "Using binary mode to transfer files.",
				"ftp> ls", "227 Entering Passive Mode (192,0,2,7,39,16).", "ftp: connect: Connection refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Split(strings.TrimRight(string(unwrap([]byte(tc.log))), "\n"), "\n")
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
