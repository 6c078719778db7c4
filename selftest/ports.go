// Package selftest holds what `ftpdiag selftest` checks about this machine
// before it starts the reference server and probes it: whether the FTP ports
// can be bound here (and who holds them if not), and whether the local
// firewall would drop or reject them.
package selftest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// BindStatus is whether a port can be bound here.
type BindStatus string

const (
	BindOK     BindStatus = "ok"
	BindDenied BindStatus = "denied" // a port below 1024 without privilege
	BindInUse  BindStatus = "in use"
	BindFailed BindStatus = "failed"
)

// PortCheck is the bind test of one port.
type PortCheck struct {
	Port    int
	Status  BindStatus
	Holder  string // the process holding it, where /proc says ("vsftpd (pid 812)")
	Err     error
	Purpose string // "control", "active data source", "passive"
}

// CheckBind tries to listen on each port on every address, then closes it at
// once. Port 20 is bound the way active mode uses it: as the source port of
// outgoing connections, so with SO_REUSEADDR.
func CheckBind(ports []int, purpose func(int) string) []PortCheck {
	out := make([]PortCheck, 0, len(ports))
	for _, p := range ports {
		pc := PortCheck{Port: p, Purpose: purpose(p), Status: BindOK}
		var err error
		if pc.Purpose == "active data source" {
			err = bindSource(p)
			// Sockets of earlier active connections from this port linger
			// in TIME_WAIT and make a wildcard bind fail even with
			// SO_REUSEADDR; each real dial binds one address and succeeds.
			// What matters is that the privilege check passed.
			if errors.Is(err, syscall.EADDRINUSE) {
				err = nil
			}
		} else {
			var ln net.Listener
			if ln, err = net.Listen("tcp", ":"+strconv.Itoa(p)); err == nil {
				ln.Close()
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
			pc.Status, pc.Err = BindDenied, err
		case errors.Is(err, syscall.EADDRINUSE):
			pc.Status, pc.Err = BindInUse, err
			pc.Holder = Holder(p)
		default:
			pc.Status, pc.Err = BindFailed, err
		}
		out = append(out, pc)
	}
	return out
}

// Holder names the process listening on TCP port, from /proc/net/tcp{,6} and
// the processes' open sockets; "" when /proc does not say (another user's
// process without root, or a container boundary).
func Holder(port int) string {
	inodes := listeningInodes(port)
	if len(inodes) == 0 {
		return ""
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		link, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			pid := strings.Split(fd, "/")[2]
			comm, _ := os.ReadFile("/proc/" + pid + "/comm")
			return fmt.Sprintf("%s (pid %s)", strings.TrimSpace(string(comm)), pid)
		}
	}
	return ""
}

// listeningInodes reads the socket inodes in state LISTEN (0A) on port.
func listeningInodes(port int) map[string]bool {
	inodes := map[string]bool{}
	hexPort := fmt.Sprintf(":%04X", port)
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(data), "\n")[1:] {
			fs := strings.Fields(l)
			if len(fs) > 9 && strings.HasSuffix(fs[1], hexPort) && fs[3] == "0A" {
				inodes[fs[9]] = true
			}
		}
	}
	return inodes
}

// PortRanges writes ports as ranges: "21, 3000-3012, 3020".
func PortRanges(ports []int) string {
	ps := append([]int(nil), ports...)
	sort.Ints(ps)
	var parts []string
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] <= ps[j]+1 {
			j++
		}
		if ps[i] == ps[j] {
			parts = append(parts, strconv.Itoa(ps[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", ps[i], ps[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// mergeBlockers joins the per-port blockers of one rule into one.
func mergeBlockers(bs []Blocker) []Blocker {
	var out []Blocker
	index := map[string]int{}
	for _, b := range bs {
		k := fmt.Sprint(b.Where, b.Rule, b.Verdict, b.Conditional)
		if i, ok := index[k]; ok {
			out[i].Ports = append(out[i].Ports, b.Ports...)
			continue
		}
		index[k] = len(out)
		out = append(out, b)
	}
	return out
}
