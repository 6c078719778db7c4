// Package daylog writes big client logs for explain's benchmarks out of
// the real recordings under testdata/logs: a day of FileZilla's log file,
// its sessions one after another on a few engines, two at a time
// interleaved, as FileZilla writes them when a transfer runs beside the
// browsing connection. The logs are made on the fly and never committed.
package daylog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// fzLine is a line of FileZilla's log file: its time, the engine's number
// and what follows.
var fzLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \d+ \d+ (.*)$`)

// step is one line of a recording: seconds after the recording's first
// line, and the label and text.
type step struct {
	at   time.Duration
	rest string
}

// langCoded names a recording made in a language of FileZilla's
// (filezilla-de-ok.log); the others are English.
var langCoded = regexp.MustCompile(`^filezilla-([a-z]{2})-`)

// Recordings reads the FileZilla recordings in the log file's layout under
// dir (testdata/logs) in one language, each a session, line by line: a
// day's log comes from one FileZilla, which writes in one language. lang
// "" or "en" is English (the recordings without a language in their name,
// and filezilla-en-*), "de" the filezilla-de-* ones.
func Recordings(dir, lang string) ([][]step, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "filezilla-*.log"))
	if err != nil {
		return nil, err
	}
	if lang == "" {
		lang = "en"
	}
	var out [][]step
	for _, p := range paths {
		code := "en"
		if m := langCoded.FindStringSubmatch(filepath.Base(p)); m != nil {
			code = m[1]
		}
		if code != lang {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if s := steps(string(data)); s != nil {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no FileZilla recording in the log file's layout under %s", dir)
	}
	return out, nil
}

// steps reads a recording, nil unless every line is in the file's layout.
func steps(data string) []step {
	var out []step
	var first time.Time
	for _, l := range strings.Split(strings.TrimRight(data, "\n"), "\n") {
		m := fzLine.FindStringSubmatch(l)
		if m == nil {
			return nil
		}
		t, err := time.Parse("2006-01-02 15:04:05", m[1])
		if err != nil {
			return nil
		}
		if first.IsZero() {
			first = t
		}
		out = append(out, step{at: t.Sub(first), rest: m[2]})
	}
	return out
}

// FileZilla writes about size bytes (never more) of FileZilla's log file:
// the recordings in turn, each copy on the next of eight engines and a
// minute after the last, two copies at a time interleaved line by line.
// It returns how many sessions it wrote.
func FileZilla(w io.Writer, recs [][]step, size int64) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var written int64
	n := 0
	for {
		pair := [2][]string{render(recs[n%len(recs)], start, 1+n%8), render(recs[(n+1)%len(recs)], start, 1+(n+1)%8)}
		var block strings.Builder
		for k := 0; k < len(pair[0]) || k < len(pair[1]); k++ {
			for _, s := range pair {
				if k < len(s) {
					block.WriteString(s[k])
				}
			}
		}
		if written+int64(block.Len()) > size {
			break
		}
		bw.WriteString(block.String())
		written += int64(block.Len())
		n += 2
		start = start.Add(time.Minute)
	}
	return n, bw.Flush()
}

func render(rec []step, start time.Time, engine int) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = fmt.Sprintf("%s 4312 %d %s\n", start.Add(s.at).Format("2006-01-02 15:04:05"), engine, s.rest)
	}
	return out
}
