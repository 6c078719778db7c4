package render

import (
	"reflect"
	"testing"
)

func TestWrapWords(t *testing.T) {
	cases := []struct {
		name        string
		text        string
		width       int
		first, rest string
		want        []string
	}{
		{"fits", "one two", 20, "- ", "  ", []string{"- one two"}},
		{"breaks at words", "one two three four", 10, "- ", "  ", []string{"- one two", "  three", "  four"}},
		{"cuts a long word", "abcdefghijkl", 6, "", "", []string{"abcdef", "ghijkl"}},
		{"empty", "", 10, "> ", "  ", []string{"> "}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := wrapWords(tc.text, tc.width, tc.first, tc.rest); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFoldLine(t *testing.T) {
	cases := []struct {
		name  string
		line  string
		width int
		want  []string
	}{
		{"fits", "Cmd: USER john", 20, []string{"Cmd: USER john"}},
		{"after a space", "550: no such file here at all", 16, []string{"550: no such", "    file here at", "    all"}},
		{"no space", "abcdefghijklmnop", 10, []string{"abcdefghij", "    klmnop"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := foldLine(tc.line, tc.width, "    ")
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			for _, l := range got {
				if runeCols(l) > tc.width {
					t.Errorf("piece %q is wider than %d", l, tc.width)
				}
			}
		})
	}
}
