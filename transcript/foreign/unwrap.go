package foreign

import (
	"bytes"
	"html"
	"regexp"
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
func unwrap(data []byte) []byte {
	data = fromUTF16(data)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := string(data)
	if strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines := strings.Split(text, "\n")
	for range 8 { // nested quoting, one level at a time
		if !quoted(lines) {
			break
		}
		for i, l := range lines {
			if strings.HasPrefix(l, ">") {
				lines[i] = strings.TrimPrefix(l[1:], " ")
			}
		}
	}
	lines = unfence(lines)
	lines = unitalic(lines)
	if entities.MatchString(text) {
		for i, l := range lines {
			lines[i] = html.UnescapeString(l)
		}
	}
	lines = dedent(lines)
	lines = unnumber(lines)
	lines = unsession(lines)
	return []byte(strings.Join(lines, "\n"))
}

var entities = regexp.MustCompile(`&(?:gt|lt|amp|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);`)

// fromUTF16 decodes UTF-16 text (with a BOM, or without one where every
// other byte of the start is NUL) into UTF-8; other data is returned as is.
func fromUTF16(data []byte) []byte {
	orig := data
	var big bool
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		data = data[2:]
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		data, big = data[2:], true
	default:
		n := min(len(data), 256) &^ 1
		if n < 8 {
			return data
		}
		even, odd := 0, 0
		for i := 0; i < n; i += 2 {
			if data[i] == 0 {
				even++
			}
			if data[i+1] == 0 {
				odd++
			}
		}
		switch {
		case odd*10 >= n/2*9 && even == 0:
		case even*10 >= n/2*9 && odd == 0:
			big = true
		default:
			return data
		}
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		if big {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	runes := utf16.Decode(units)
	ascii := 0
	for _, r := range runes[:min(len(runes), 256)] {
		if r < 0x80 {
			ascii++
		}
	}
	if ascii*2 < min(len(runes), 256) {
		return orig // not a text of the Latin script a log is mostly in
	}
	return []byte(string(runes))
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
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			continue
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
		out = append(out, l)
	}
	return out
}

var lineNumber = regexp.MustCompile(`^\s*(\d{1,6})(?:\s*[|:.]\s?|\s+|\t)`)

// unnumber strips line numbers (a paste site's, an editor's) where most
// lines carry one and they count up by one: FTP replies also start with
// digits, but never in that order.
func unnumber(lines []string) []string {
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
	if n < 3 || seq*5 < n*4 {
		return lines
	}
	for i, l := range lines {
		if loc := lineNumber.FindStringIndex(l); loc != nil {
			lines[i] = l[loc[1]:]
		}
	}
	return lines
}

var sessionPrefix = regexp.MustCompile(`^\d{1,3}: `)
var transmitCmd = regexp.MustCompile(`^\d{1,3}: (?:Cmd: |\d{3}: )`)

// unsession strips Transmit's connection number ("1: Cmd: PASV") where
// most lines carry one and some of them are commands or replies.
func unsession(lines []string) []string {
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
	if ftp == 0 || p*3 < n*2 {
		return lines
	}
	for i, l := range lines {
		if loc := sessionPrefix.FindStringIndex(l); loc != nil {
			lines[i] = l[loc[1]:]
		}
	}
	return lines
}

// dedent strips the indentation every line shares (a log pasted as an
// indented block, in Markdown or a forum's editor).
func dedent(lines []string) []string {
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
			return lines
		}
	}
	if prefix == "" {
		return lines
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, prefix)
	}
	return lines
}

// unitalic takes off the underscores that put a whole paste in italics:
// one before the first line, one after the last.
func unitalic(lines []string) []string {
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
		return lines
	}
	a, b := lines[first], strings.TrimRight(lines[last], " ")
	if len(a) > 1 && a[0] == '_' && unicode.IsLetter(rune(a[1])) && strings.HasSuffix(b, "_") && !strings.HasSuffix(b, "__") {
		lines[first], lines[last] = a[1:], b[:len(b)-1]
	}
	return lines
}
