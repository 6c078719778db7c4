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
