package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The server's user, and how long it may take to start and to stop.
const (
	user, pass   = "john", "S3cr3tPW"
	startTimeout = 10 * time.Second
	stopTimeout  = 5 * time.Second
	pasvPorts    = 25 // as the default range of 24 connections
)

// server is one `ftpdiag serve` on 127.0.0.1, with a transcript directory.
type server struct {
	cmd  *exec.Cmd
	addr string
	dir  string
}

// startServer runs bin serve with the flags every version of ftpdiag knows,
// so a build of main before the fixes can be measured the same way.
func startServer(bin string) (*server, error) {
	ctl, err := freePort()
	if err != nil {
		return nil, err
	}
	lo, err := freeRange(pasvPorts)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "attackload-")
	if err != nil {
		return nil, err
	}
	s := &server{addr: "127.0.0.1:" + strconv.Itoa(ctl), dir: dir}
	s.cmd = exec.Command(bin, "serve", "--listen", s.addr, "--user", user+":"+pass, "--anonymous",
		"--pasv-ports", fmt.Sprintf("%d-%d", lo, lo+pasvPorts-1), "--transcript-dir", dir)
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	if err := waitSummary(out); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitSummary reads the start-up summary up to its last line.
func waitSummary(out interface{ Read([]byte) (int, error) }) error {
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		seen := false
		for sc.Scan() {
			if !seen && strings.HasPrefix(sc.Text(), "Check it from outside") {
				seen = true
				found <- true
			}
		}
		if !seen {
			found <- false
		}
	}()
	select {
	case ok := <-found:
		if !ok {
			return errors.New("serve ended before its summary")
		}
		return nil
	case <-time.After(startTimeout):
		return errors.New("serve printed no summary")
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(stopTimeout):
		s.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(s.dir)
}

// peakRSS is the server's peak resident memory (VmHWM), in bytes.
func (s *server) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return -1
}

// transcripts counts the transcript files, the size of the largest and
// of them all.
func (s *server) transcripts() (int, int64, int64) {
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.txt"))
	var largest, all int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			largest = max(largest, fi.Size())
			all += fi.Size()
		}
	}
	return len(files), largest, all
}

// transcriptText is every transcript file's bytes, for the control-byte check.
func (s *server) transcriptText() []byte {
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.txt"))
	var all []byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		all = append(all, b...)
	}
	return all
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// freeRange finds n consecutive free ports on 127.0.0.1 (bounded tries).
func freeRange(n int) (int, error) {
	for try := 0; try < 50; try++ {
		lo := 20000 + (os.Getpid()*7+try*97)%30000
		if rangeFree(lo, n) {
			return lo, nil
		}
	}
	return 0, errors.New("no free passive range")
}

func rangeFree(lo, n int) bool {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for p := lo; p < lo+n; p++ {
		var lc net.ListenConfig
		l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			return false
		}
		lns = append(lns, l)
	}
	return true
}
