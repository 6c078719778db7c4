package foreign

import (
	"strings"
	"time"
	"unicode/utf8"
)

// FileZilla's lines are the most common lines explain reads, and a day's
// log file holds millions: they are cut by hand, not by regular
// expression. fileZillaRe (filezilla.go) and the label pattern of i18n.go
// say what is matched; TestFileZillaSplitMatchesPattern holds the two to
// the same answers.

// fzLine is a line of FileZilla's message log, cut up.
type fzLine struct {
	stamp  string // "2026-11-23 21:54:30" in the log file's layout, else ""
	engine string // the engine's number in the log file's layout, else ""
	label  string // Status, Command, Response, Error, Trace or Listing
	text   string
}

var fzLabels = [...]string{"Status", "Command", "Response", "Error", "Trace", "Listing"}

// splitFileZilla cuts a line as fileZillaRe matches it.
func splitFileZilla(line string) (fzLine, bool) {
	var l fzLine
	p, stampEnd, engine := fzPrefix(line)
	if stampEnd > 0 {
		l.stamp, l.engine = line[:stampEnd], engine
	}
	rest := line[p:]
	for _, label := range fzLabels {
		if len(rest) > len(label) && rest[len(label)] == ':' && rest[:len(label)] == label {
			l.label = label
			rest = rest[len(label)+1:]
			break
		}
	}
	if l.label == "" {
		return l, false
	}
	l.text = rest[fzLabelSep(rest):]
	return l, true
}

// fzLabelSep is how much of s (after a label's colon) is its separator:
// spaces up to a tab, else one space.
func fzLabelSep(s string) int {
	k := 0
	for k < len(s) && s[k] == ' ' {
		k++
	}
	if k < len(s) && s[k] == '\t' {
		return k + 1
	}
	if len(s) > 0 && s[0] == ' ' {
		return 1
	}
	return 0
}

// fzPrefix reads the time (and, in the log file's layout, the process and
// the engine's number) before a label: the length of it, where the
// file's timestamp ends (0 for the pane's "21:54:30 " layout or none), and
// the engine's number.
func fzPrefix(line string) (n, stampEnd int, engine string) {
	if isStamp(line) {
		i := 19
		j := spaces(line, i)
		k := digits(line, j)
		l := spaces(line, k)
		m := digits(line, l)
		o := spaces(line, m)
		if j > i && k > j && l > k && m > l && o > m {
			return o, 19, line[l:m]
		}
	}
	if isClock(line) {
		if j := spaces(line, 8); j > 8 {
			return j, 0, ""
		}
	}
	return 0, 0, ""
}

// isStamp: "2006-01-02 15:04:05" at the start.
func isStamp(s string) bool { return startsLike(s, "dddd-dd-dd dd:dd:dd") }

// isClock: "15:04:05" at the start.
func isClock(s string) bool { return startsLike(s, "dd:dd:dd") }

// startsLike tells whether s starts with pat, where each 'd' of pat
// stands for one ASCII digit and every other byte for itself.
func startsLike(s, pat string) bool {
	if len(s) < len(pat) {
		return false
	}
	for i := 0; i < len(pat); i++ {
		if c := s[i]; pat[i] == 'd' && (c < '0' || c > '9') || pat[i] != 'd' && c != pat[i] {
			return false
		}
	}
	return true
}

// spaces and digits give the end of a run from i (\s, \d as regexp means them).
func spaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	return i
}

func digits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// matchLabel finds a translated label at the start of line, after the
// time (see fzPrefix), as i18nTables.labelRe matches it: the longest
// label followed by its separator. It gives the prefix, the label's
// folded form, the separator and the text after it.
func (t *i18nTables) matchLabel(line string) (prefix, label, sep, rest string, ok bool) {
	p, _, _ := fzPrefix(line)
	s := line[p:]
	end := 0 // no label goes past a byte no label holds (a digit, a colon)
	for end < len(s) && end <= t.maxLabel && t.inLabel[s[end]] {
		end++
	}
	for e := min(len(s)-1, end, t.maxLabel); e > 0; e-- {
		n := labelSepLen(s[e:])
		if n == 0 {
			continue
		}
		key, ok := t.exact[s[:e]]
		if !ok {
			key = strings.ToLower(s[:e])
			if _, ok = t.labels[key]; !ok {
				continue
			}
		}
		return line[:p], key, s[e : e+n], s[e+n:], true
	}
	return "", "", "", "", false
}

// labelSepLen is the length of the separator after a label at the start
// of s, 0 for none: spaces (ordinary or not breaking) then a colon or a
// full stop of any script, then spaces up to a tab or one space; else a
// tab or a space alone.
func labelSepLen(s string) int {
	j := 0
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if r != ' ' && r != '\u00a0' && r != '\u202f' {
			break
		}
		j += n
	}
	if j < len(s) {
		switch r, n := utf8.DecodeRuneInString(s[j:]); r {
		case ':', '：', '.', '։':
			return j + n + fzLabelSep(s[j+n:])
		}
	}
	if s != "" && (s[0] == '\t' || s[0] == ' ') {
		return 1
	}
	return 0
}

// stampCache keeps the last timestamp parsed: a log writes many lines in
// the same second.
type stampCache struct {
	text string
	t    time.Time
	ok   bool
}

// parseStamp reads FileZilla's log file timestamp.
func (b *builder) parseStamp(s string) (time.Time, bool) {
	if c := &b.stamps; c.text != s {
		c.text = s
		c.t, c.ok = stampTime(s)
	}
	return b.stamps.t, b.stamps.ok
}

// stampTime reads "2006-01-02 15:04:05" (isStamp checked its digits) as
// time.Parse does, in UTC, refusing what it refuses (a 13th month, a 31st
// of April, a 60th second).
func stampTime(s string) (time.Time, bool) {
	if !isStamp(s) {
		return time.Time{}, false
	}
	n := func(i, j int) int {
		v := 0
		for _, c := range s[i:j] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, se := n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)
	if mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // past the month's last day
	}
	return t, true
}
