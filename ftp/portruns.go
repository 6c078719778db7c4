package ftp

import (
	"slices"
	"strconv"
	"strings"
)

// PortRun is a run of consecutive ports, Lo to Hi inclusive.
type PortRun struct{ Lo, Hi int }

// String writes a run as firewalls and FTP servers write ranges: "3013-3024", or "3020".
func (r PortRun) String() string {
	if r.Lo == r.Hi {
		return strconv.Itoa(r.Lo)
	}
	return strconv.Itoa(r.Lo) + "-" + strconv.Itoa(r.Hi)
}

// Runs compresses ports (in any order, repeats allowed) into runs of
// consecutive ports, ascending.
func Runs(ports []int) []PortRun {
	ps := slices.Clone(ports)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	var out []PortRun
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Hi+1 == p {
			out[n-1].Hi = p
			continue
		}
		out = append(out, PortRun{p, p})
	}
	return out
}

// JoinRuns writes runs as "3003, 3013-3024".
func JoinRuns(runs []PortRun) string {
	s := make([]string, len(runs))
	for i, r := range runs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}
