package render

import "testing"

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
