package render

import (
	"strings"
	"testing"
)

// TestJoinPortsInRuns (issue 20): a finding's ports are shown as runs in
// the text, markdown, e-mail and HTML formats, not 90 numbers on a line.
func TestJoinPortsInRuns(t *testing.T) {
	cases := []struct {
		name  string
		ports []int
		want  string
	}{
		{"one", []int{3020}, "3020"},
		{"a run", []int{3013, 3014, 3015, 3016, 3017, 3018, 3019, 3020, 3021, 3022, 3023, 3024}, "3013-3024"},
		{"runs and a single port, unsorted", []int{3030, 3003, 3014, 3013}, "3003, 3013-3014, 3030"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := joinPorts(tc.ports); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPortListsFitTheWidth (issue 20): a finding's ports, however
// scattered, never make a line wider than the text or e-mail format's.
func TestPortListsFitTheWidth(t *testing.T) {
	res := seedScenario()
	var ports []int
	for p := 3000; p < 3200; p += 2 {
		ports = append(ports, p)
	}
	res.Findings[1].Ports = ports
	for _, tc := range []struct {
		format string
		width  int
	}{{"text", textWidth}, {"email", EmailWidth}} {
		out := string(render(t, res, tc.format, RenderOptions{}))
		head, _, _ := strings.Cut(out, "Transcript")
		for _, l := range strings.Split(head, "\n") {
			if len(l) > tc.width && strings.Contains(l, "30") {
				t.Errorf("%s: a line of %d characters, more than %d: %q", tc.format, len(l), tc.width, l)
			}
		}
	}
}
