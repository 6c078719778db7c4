package render

import (
	"strings"
	"unicode/utf8"
)

// wrapWords fills prose into lines of at most width columns: the first line
// starts with first, the others with rest. A word longer than a line is cut
// (a long URL or path would otherwise break the width promise).
func wrapWords(text string, width int, first, rest string) []string {
	var out []string
	var line strings.Builder
	line.WriteString(first)
	cols, empty := runeCols(first), true // cols: of line, kept as it grows
	newLine := func() {
		out = append(out, line.String())
		line.Reset()
		line.WriteString(rest)
		cols, empty = runeCols(rest), true
	}
	for _, word := range strings.Fields(text) {
		wc := runeCols(word)
		if !empty && cols+1+wc > width {
			newLine()
		}
		if !empty {
			line.WriteByte(' ')
			cols++
		}
		for cols+wc > width && cols < width {
			head, tail := splitAtCol(word, width-cols)
			line.WriteString(head)
			newLine()
			word, wc = tail, wc-runeCols(head)
		}
		line.WriteString(word)
		cols += wc
		empty = false
	}
	return append(out, line.String())
}

// foldLine cuts a line that must keep its spacing (a transcript line, a rule to
// paste) into pieces of at most width columns; the pieces after the first
// stand indented by indent. It breaks after a space where it can.
func foldLine(line string, width int, indent string) []string {
	var out []string
	prefix := ""
	for runeCols(prefix)+runeCols(line) > width {
		room := width - runeCols(prefix)
		head, tail := splitAtCol(line, room)
		if sp := strings.LastIndexByte(head, ' '); sp > len(head)/2 && !strings.HasPrefix(tail, " ") {
			head, tail = line[:sp+1], line[sp+1:]
		}
		tail = strings.TrimLeft(tail, " ")
		out = append(out, strings.TrimRight(prefix+head, " "))
		prefix, line = indent, tail
	}
	return append(out, prefix+line)
}

// runeCols counts columns as runes: transcripts are ASCII in practice, and a
// rune is the honest unit for the rest.
func runeCols(s string) int { return utf8.RuneCountInString(s) }

// splitAtCol splits s after n runes.
func splitAtCol(s string, n int) (string, string) {
	if n <= 0 {
		n = 1
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k], s[k:]
		}
		i++
	}
	return s, ""
}
