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
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && runeCols(line)+1+runeCols(word) > width {
			out = append(out, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		for runeCols(line)+runeCols(word) > width && runeCols(line) < width {
			cut := width - runeCols(line)
			head, tail := splitAtCol(word, cut)
			out = append(out, line+head)
			line, word = rest, tail
		}
		line += word
		empty = false
	}
	return append(out, line)
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
