// Command serverlog writes a large vsftpd.log for explain's benchmark
// (bench/serverlog.sh): the real sessions of testdata/serverlogs/vsftpd-*.log
// repeated, each copy with its own process ids, its own second, and a
// client address from a pool, several sessions interleaved as a busy
// server writes them.
//
//	go run ./bench/serverlog -sessions 100000 -clients 5000 > big.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

var (
	sessions = flag.Int("sessions", 100_000, "how many sessions to write")
	clients  = flag.Int("clients", 5_000, "how many client addresses they come from")
	overlap  = flag.Int("overlap", 4, "how many sessions run at once (their lines interleave)")
	corpus   = flag.String("corpus", "testdata/serverlogs", "where the recorded vsftpd logs are")
)

// line is one line of a recorded session, split where a copy changes it.
type line struct {
	pid    int    // which of the session's processes (0, 1, 2 ...)
	tag    string // "[user] " or ""
	client bool   // the line names the client's address (all do)
	rest   string // after `Client "ADDR"`
}

var vsLine = regexp.MustCompile(`^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \[pid (\d+)\] (\[[^\]]*\] )?(.*?)Client "[^"]*"(.*)$`)

func main() {
	flag.Parse()
	templates, err := load(*corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serverlog:", err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for base := 0; base < *sessions; base += *overlap {
		var group [][]string
		for i := base; i < min(base+*overlap, *sessions); i++ {
			group = append(group, render(templates[i%len(templates)], i, start.Add(time.Duration(base)*time.Second)))
		}
		for k := 0; ; k++ { // one line of each running session in turn
			wrote := false
			for _, g := range group {
				if k < len(g) {
					w.WriteString(g[k])
					wrote = true
				}
			}
			if !wrote {
				break
			}
		}
	}
}

// load splits every recorded vsftpd log into its sessions (a CONNECT line
// starts one; a process id seen before belongs to the session that had it,
// or to the last one started).
func load(dir string) ([][]line, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "vsftpd-*.log"))
	var out [][]line
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var cur []line
		pids := map[string]int{}
		for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
			m := vsLine.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			if strings.HasPrefix(m[3], "CONNECT") && len(cur) > 0 {
				out, cur, pids = append(out, cur), nil, map[string]int{}
			}
			if _, ok := pids[m[1]]; !ok {
				pids[m[1]] = len(pids)
			}
			cur = append(cur, line{pid: pids[m[1]], tag: m[2], rest: m[3] + "Client \"%s\"" + m[4]})
		}
		if len(cur) > 0 {
			out = append(out, cur)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no vsftpd session under %s", dir)
	}
	return out, nil
}

// render is copy i of a session: its pids, its address, its time.
func render(s []line, i int, at time.Time) []string {
	n := i%*clients + 1
	addr := fmt.Sprintf("198.%d.%d.%d", 18+n>>16, n>>8&255, n&255)
	stamp := at.Format("Mon Jan _2 15:04:05 2006")
	out := make([]string, 0, len(s))
	for _, l := range s {
		pid := 100_000 + i*4 + l.pid
		out = append(out, fmt.Sprintf("%s [pid %d] %s%s\n", stamp, pid, l.tag, strings.Replace(l.rest, "%s", addr, 1)))
	}
	return out
}
