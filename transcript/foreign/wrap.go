package foreign

import (
	"regexp"
	"strings"
)

// Lines wrapped at a width: mail clients and forums cut a long line at the
// last space before column 72 or so (fold -s, fmt -s), and what is left
// continues on the next line, without the label or time a log line
// starts with. The width is found from the log: no line passes it, and
// lines that reach near it are followed by such continuations.

// wrapMin and wrapMax bound the widths taken for a wrap.
const (
	wrapMin = 60
	wrapMax = 80
)

// cutAt tells a line of width c cut at width: the next line's first word
// (of width word) did not fit after it, or the line was cut mid-word at
// the width itself. fmt aims at 93% of its width and evens out its lines,
// so a word that fits within 90% of it counts as not fitting.
func cutAt(c, word, width int) bool { return c == width || c+1+word > width*9/10 }

// firstWord is the width of the first word of l.
func firstWord(l string) int {
	t := strings.TrimLeft(l, " \t")
	if i := strings.IndexAny(t, " \t"); i >= 0 {
		t = t[:i]
	}
	return columns(t)
}

// wrapWidth finds the column the lines were wrapped at, 0 for none.
func wrapWidth(lines []string, ls *lineStarts) int {
	var cut, next []int // the widths of lines a continuation follows, and of its first word
	var prog []bool     // the continuation is a program's own message
	for i := 0; i+1 < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" || !ls.continuation(lines[i+1]) || indented(lines[i]) && indented(lines[i+1]) {
			// Indented after indented tells nothing: a table (curl's
			// progress meter) or fmt's wrap of an indented line alike.
			continue
		}
		cut, next = append(cut, columns(lines[i])), append(next, firstWord(lines[i+1]))
		prog = append(prog, programMessage.MatchString(strings.TrimSpace(lines[i+1])))
	}
	if len(cut) == 0 {
		return 0
	}
	// The width is what next to every line keeps within (a word longer
	// than it stays whole on its line).
	width, n, over := 0, 0, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		if c := columns(l); c > wrapMax {
			over++
		} else {
			width = max(width, c)
		}
	}
	if width < wrapMin || over*50 > n {
		return 0
	}
	near := 0
	for i, c := range cut {
		if !prog[i] && cutAt(c, next[i], width) {
			near++
		}
	}
	// Several cut lines, and most lines a continuation follows are cut
	// ones, or a single one and no other (a short log with one long
	// line): in a log as written, lines that start as no log line does
	// (a bare client's prose, FEAT's features) follow lines of any width.
	if !(near >= 2 && near*3 >= len(cut)*2 || near == 1 && len(cut) == 1) {
		return 0
	}
	return width
}

func indented(l string) bool { return l != "" && (l[0] == ' ' || l[0] == '\t') }

// columns is how wide a line shows, tabs to the next multiple of 8.
func columns(s string) int {
	c := 0
	for _, r := range s {
		if r == '\t' {
			c += 8 - c%8
		} else {
			c++
		}
	}
	return c
}

// lineStarts is how the log's own lines start: with a time or a number
// (stamped: most lines do), and the labels that start several of them.
type lineStarts struct {
	stamped bool
	labels  map[string]int
}

// learnStarts learns how a log's lines start, from its head.
func learnStarts(lines []string) lineStarts {
	ls := lineStarts{labels: map[string]int{}}
	n, digit := 0, 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		n++
		if t[0] >= '0' && t[0] <= '9' {
			digit++
		}
		if key, _ := genericSplit(l); key != "" {
			ls.labels[key]++
		}
	}
	// A wrapped log's continuations start with a word: half its lines
	// starting with a time is a log of stamped lines.
	ls.stamped = n > 0 && digit*2 >= n
	return ls
}

// continuation tells a line that starts as no log line does: no time, no
// reply code, no label the log uses or arrow, no command, no marker of
// curl's, lftp's or a debug log's. In a log whose lines start with a
// time, any line that does not.
func (ls *lineStarts) continuation(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" || t[0] == '#' || t[0] >= '0' && t[0] <= '9' && startsLikeALine(t) {
		return false // a time, a reply's code; a heading or a comment
	}
	for _, marker := range []string{"* ", "< ", "> ", "{ [", "} [", "---> ", "<--- ", "---- ", "**** ", "=> ", "<= "} {
		if strings.HasPrefix(t, marker) {
			return false
		}
	}
	if detectWinSCP.MatchString(t) {
		return false
	}
	if ls.stamped {
		return true
	}
	if _, ok := splitFileZilla(l); ok {
		return false
	}
	key, text := genericSplit(l)
	// A label is the log's when it starts several lines: "established:"
	// after a cut is a word of the line before.
	return !(key != "" && (ls.labels[key] >= 3 || len(key) <= 3) || isFTPVerbLine(text) || genericCode.MatchString(text))
}

// programMessage is a command-line program's own line, "name: message",
// where name is an FTP client's or one of lftp's commands
// ("ls: Fatal error: max-retries exceeded", lftp's; "inetutils-ftp: No
// control connection for command"): a line of its own, which the log's
// stamped lines are interleaved with, not the tail of a cut one: it is
// never joined, and never taken as a sign of a wrap.
var programMessage = regexp.MustCompile(`^(?:[a-z-]*ftp[a-z0-9]*|curl|wget|python3?|ls|dir|nlist|cat|get|mget|put|mput|mirror|open|cd|pget|glob|source|quote|site): \S`)

// curlMeterPiece is the start of an update of curl's progress meter, its
// first five columns of numbers.
var curlMeterPiece = regexp.MustCompile(`^\d+\s+[\d.]+[kMGTP]?\s+\d+\s+[\d.]+[kMGTP]?\s+\d+\s`)

// startsLikeALine tells a line that starts with digits as a log's line
// does: a reply's code, a time, a date.
func startsLikeALine(t string) bool {
	if genericCode.MatchString(t) || isStamp(t) || isClock(t) || curlMeterPiece.MatchString(t) {
		return true
	}
	for _, re := range genericPrefixes[:5] { // the times and dates
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

// rejoin puts lines cut at the plan's wrap width back together: it takes
// each line in turn and gives the lines that are complete.
type rejoin struct {
	width  int
	starts *lineStarts
	held   string // the line being put together
	last   int    // the columns of its last piece
	n      int    // the number of its first piece
	has    bool
}

// push takes line number n; it gives the held line when line does not
// continue it.
func (j *rejoin) push(line string, n int) (string, int, bool) {
	if j.has && j.width > 0 && j.last <= j.width && j.starts.continuation(line) && cutAt(j.last, firstWord(line), j.width) &&
		!programMessage.MatchString(strings.TrimSpace(line)) {
		sep := " " // fmt drops the space it cut at
		if strings.HasSuffix(j.held, " ") {
			sep = "" // fold -s keeps it
		}
		j.held += sep + line
		j.last = columns(line)
		return "", 0, false
	}
	out, outN, ok := j.held, j.n, j.has
	j.held, j.n, j.has = line, n, true
	if j.width > 0 {
		j.last = columns(line)
	}
	return out, outN, ok
}

// flush gives the line still held, at the end.
func (j *rejoin) flush() (string, int, bool) {
	out, n, ok := j.held, j.n, j.has
	j.has, j.held = false, ""
	return out, n, ok
}
