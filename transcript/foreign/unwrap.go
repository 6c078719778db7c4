package foreign

import (
	"bytes"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// unwrap undoes what a log goes through on its way from a client to a
// support desk: Windows Notepad's UTF-16, a BOM, CRLF line ends, Markdown
// and e-mail quoting ("> ", nested), code fences, HTML entities from a web
// page, line numbers from a paste site, and the session number Transmit
// puts before every line. What is left is the log as the client wrote it.
// The streaming reader (stream.go) does the same a line at a time, with
// the decisions taken on the log's head (see planUnwrap).
func unwrap(data []byte) []byte {
	data = fromUTF16(data)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := splitLines(string(data))
	p := planUnwrap(lines, true)
	out := lines[:0]
	j := rejoin{width: p.wrap, starts: &p.starts}
	for _, l := range lines {
		if l, ok := p.line(l); ok {
			if l, _, ok := j.push(l, 0); ok {
				out = append(out, l)
			}
		}
	}
	if l, _, ok := j.flush(); ok {
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n"))
}

// splitLines cuts text at its line ends: LF, CRLF or a lone CR.
func splitLines(text string) []string {
	if strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return strings.Split(text, "\n")
}

// unwrapPlan is what unwrapping decides from a whole log (or, streaming,
// from its head), to be applied to each line on its own.
type unwrapPlan struct {
	quotes   int  // levels of "> " quoting
	entities bool // HTML entities to decode
	// italic: the indices, among the lines that are no fence, of the first
	// and last non-blank lines of a paste set in italics; -1 for none.
	italicFirst, italicLast int
	indent                  string // the indentation every line shares
	numbered                bool   // a paste site's line numbers
	sessioned               bool   // Transmit's connection numbers
	// wrap is the column a mail client or a forum wrapped long lines at
	// (0: none): a line that reaches near it and is followed by one that
	// starts as no log line does is one line cut in two (see rejoin).
	wrap   int
	starts lineStarts // how the log's lines start, to tell a continuation
	n      int        // lines that are no fence, so far
}

// planUnwrap takes unwrap's decisions from lines (a copy is changed, not
// lines). complete says the lines are the whole log: only then is the last
// line known, which a paste in italics needs.
func planUnwrap(lines []string, complete bool) *unwrapPlan {
	p := &unwrapPlan{italicFirst: -1, italicLast: -1}
	work := slices.Clone(lines)
	for _, l := range work {
		if strings.IndexByte(l, '&') >= 0 && entities.MatchString(l) {
			p.entities = true
			break
		}
	}
	for range 8 { // nested quoting, one level at a time
		if !quoted(work) {
			break
		}
		p.quotes++
		for i, l := range work {
			if strings.HasPrefix(l, ">") {
				work[i] = strings.TrimPrefix(l[1:], " ")
			}
		}
	}
	work = unfence(work)
	if complete {
		p.italicFirst, p.italicLast = italicSpan(work)
	}
	for i, l := range work {
		p.n = i
		work[i] = p.italic(l)
		if p.entities {
			work[i] = html.UnescapeString(work[i])
		}
	}
	p.n = 0
	p.indent = dedentPrefix(work)
	for i, l := range work {
		work[i] = strings.TrimPrefix(l, p.indent)
	}
	if p.numbered = numbered(work); p.numbered {
		for i, l := range work {
			work[i] = unnumber1(l)
		}
	}
	p.sessioned = sessioned(work)
	if p.sessioned {
		for i, l := range work {
			if loc := sessionPrefix.FindStringIndex(l); loc != nil {
				work[i] = l[loc[1]:]
			}
		}
	}
	p.starts = learnStarts(work)
	p.wrap = wrapWidth(work, &p.starts)
	return p
}

// line unwraps one line; false drops it (a code fence).
func (p *unwrapPlan) line(l string) (string, bool) {
	for range p.quotes {
		if strings.HasPrefix(l, ">") {
			l = strings.TrimPrefix(l[1:], " ")
		}
	}
	l, ok := unfence1(l)
	if !ok {
		return "", false
	}
	l = p.italic(l)
	p.n++
	if p.entities && strings.IndexByte(l, '&') >= 0 {
		l = html.UnescapeString(l)
	}
	l = strings.TrimPrefix(l, p.indent)
	if p.numbered {
		l = unnumber1(l)
	}
	if p.sessioned {
		if loc := sessionPrefix.FindStringIndex(l); loc != nil {
			l = l[loc[1]:]
		}
	}
	return l, true
}

// italic takes the underscores off the first and last lines of a paste
// set in italics.
func (p *unwrapPlan) italic(l string) string {
	if p.italicFirst < 0 {
		return l
	}
	if p.n == p.italicFirst {
		l = l[1:]
	}
	if p.n == p.italicLast {
		l = strings.TrimRight(l, " ")
		l = l[:len(l)-1]
	}
	return l
}

var entities = regexp.MustCompile(`&(?:gt|lt|amp|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);`)

// fromUTF16 decodes UTF-16 text (with a BOM, or without one where every
// other byte of the start is NUL) into UTF-8; other data is returned as is.
func fromUTF16(data []byte) []byte {
	big, skip, ok := utf16Kind(data)
	if !ok {
		return data
	}
	data = data[skip:]
	return []byte(string(utf16.Decode(units(data[:len(data)&^1], big))))
}

// quoted tells a log quoted as a whole ("> " before most lines) from a
// curl log, whose "> " lines are commands among "* " and "< " lines.
func quoted(lines []string) bool {
	n, q := 0, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		switch {
		case strings.HasPrefix(l, ">"):
			q++
		case strings.HasPrefix(l, "* "), strings.HasPrefix(l, "< "):
			return false // curl's own markers, unquoted
		}
	}
	return n > 0 && q*3 >= n*2
}

// unfence drops Markdown code fence lines and the single backticks that
// open and close an inline-code paste.
func unfence(lines []string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l, ok := unfence1(l); ok {
			out = append(out, l)
		}
	}
	return out
}

// unfence1 is unfence for one line; false for a fence.
func unfence1(l string) (string, bool) {
	t := strings.TrimSpace(l)
	if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
		return "", false
	}
	// Markdown emphasis around lines of a log (**Error: ...**).
	// Only around words: lftp's "**** " marker stays.
	for _, mark := range []string{"**", "__"} {
		if strings.HasPrefix(l, mark) && len(l) > 2 && unicode.IsLetter(rune(l[2])) {
			l = l[len(mark):]
		}
		if n := len(l); strings.HasSuffix(l, mark) && n > 2 && l[n-3] != mark[0] {
			l = l[:n-len(mark)]
		}
	}
	if strings.HasPrefix(l, "`") && !strings.HasPrefix(l, "``") {
		l = l[1:]
	}
	if strings.HasSuffix(l, "`") && !strings.HasSuffix(l, "``") {
		l = l[:len(l)-1]
	}
	return l, true
}

var lineNumber = regexp.MustCompile(`^\s*(\d{1,6})(?:\s*[|:.]\s?|\s+|\t)`)

// numbered tells lines with line numbers (a paste site's, an editor's):
// most lines carry one and they count up by one. FTP replies also start
// with digits, but never in that order.
func numbered(lines []string) bool {
	n, seq, last := 0, 0, -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		m := lineNumber.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		k, _ := strconv.Atoi(m[1])
		if k == last+1 {
			seq++
		}
		last = k
	}
	return n >= 3 && seq*5 >= n*4
}

func unnumber1(l string) string {
	if loc := lineNumber.FindStringIndex(l); loc != nil {
		return l[loc[1]:]
	}
	return l
}

var sessionPrefix = regexp.MustCompile(`^\d{1,3}: `)
var transmitCmd = regexp.MustCompile(`^\d{1,3}: (?:Cmd: |\d{3}: )`)

// sessioned tells lines that carry Transmit's connection number ("1: Cmd:
// PASV"): most lines have one and some of them are commands or replies.
func sessioned(lines []string) bool {
	n, p, ftp := 0, 0, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		if sessionPrefix.MatchString(l) {
			p++
			if transmitCmd.MatchString(l) {
				ftp++
			}
		}
	}
	return ftp > 0 && p*3 >= n*2
}

// dedentPrefix is the indentation every line shares (a log pasted as an
// indented block, in Markdown or a forum's editor).
func dedentPrefix(lines []string) string {
	prefix, first := "", true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ws := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = ws, false
			continue
		}
		for !strings.HasPrefix(ws, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
		if prefix == "" {
			return ""
		}
	}
	return prefix
}

// italicSpan finds the underscores that put a whole paste in italics: one
// before the first line, one after the last. It gives the two lines'
// indices, or -1, -1.
func italicSpan(lines []string) (int, int) {
	first, last := -1, -1
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || first == last {
		return -1, -1
	}
	a, b := lines[first], strings.TrimRight(lines[last], " ")
	if len(a) > 1 && a[0] == '_' && unicode.IsLetter(rune(a[1])) && strings.HasSuffix(b, "_") && !strings.HasSuffix(b, "__") {
		return first, last
	}
	return -1, -1
}

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
	for i := 0; i+1 < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" || !ls.continuation(lines[i+1]) || indented(lines[i]) && indented(lines[i+1]) {
			// Indented after indented tells nothing: a table (curl's
			// progress meter) or fmt's wrap of an indented line alike.
			continue
		}
		cut, next = append(cut, columns(lines[i])), append(next, firstWord(lines[i+1]))
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
		if cutAt(c, next[i], width) {
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
	if j.has && j.width > 0 && j.last <= j.width && j.starts.continuation(line) && cutAt(j.last, firstWord(line), j.width) {
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
