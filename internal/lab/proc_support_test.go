//go:build linux

package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// toolTimeout bounds every ip, nft, sysctl and ss invocation: each
	// takes milliseconds, so a minute means the kernel or the tool is stuck.
	toolTimeout = time.Minute
	// listenWait bounds waiting for a server to listen: ftpdiag serve and
	// pure-ftpd bind within milliseconds; ten seconds covers a machine whose
	// two cores are shared with several builds.
	listenWait = 10 * time.Second
	// listenPoll is how often the listening sockets are looked at.
	listenPoll = 25 * time.Millisecond
	// stopWait bounds waiting for a killed process to be reaped.
	stopWait = 5 * time.Second
)

// command is exec.Command for the lab's short-lived tools, bounded by
// toolTimeout.
func command(name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	cmd := exec.CommandContext(ctx, name, args...)
	// The context lives as long as the command may; exec releases it with
	// the process, and the timer frees it at the latest.
	time.AfterFunc(toolTimeout, cancel)
	return cmd
}

// Command runs name inside namespace ns.
func (n *Net) Command(ns, name string, args ...string) *exec.Cmd {
	return command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
}

// Proc is a long-running process inside a namespace (a server).
type Proc struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
}

// Start runs name inside ns until t ends; its process group is killed in
// t.Cleanup. Its combined output is kept for failure messages.
func (n *Net) Start(t testing.TB, ns, name string, args ...string) *Proc {
	t.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
	p := &Proc{cmd: cmd, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	// Its own process group, so that servers that fork per connection
	// (pure-ftpd) are stopped with all their children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("lab: start %s in %s: %v", name, ns, err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	return p
}

// Output is what the process wrote so far.
func (p *Proc) Output() string { return p.out.String() }

func (p *Proc) stop() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(stopWait):
	}
}

// exited tells whether the process has ended, and how.
func (p *Proc) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// WaitListen waits until a TCP socket listens on port inside p's namespace,
// failing t when p exits first or listenWait passes.
func (n *Net) WaitListen(t testing.TB, p *Proc, ns string, port int) {
	t.Helper()
	n.waitListenWithin(t, p, ns, port, listenWait)
}

// waitListenWithin is WaitListen with its own limit, for servers that take
// long to start on a loaded machine (Python's Twisted imports for seconds).
func (n *Net) waitListenWithin(t testing.TB, p *Proc, ns string, port int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if done, err := p.exited(); done {
			t.Fatalf("lab: server in %s exited before listening on %d: %v\n%s", ns, port, err, p.Output())
		}
		out, err := n.Command(ns, "ss", "-Hltn", "sport = :"+strconv.Itoa(port)).Output()
		if err != nil {
			t.Fatalf("lab: ss in %s: %v", ns, err)
		}
		if strings.TrimSpace(string(out)) != "" {
			return
		}
		time.Sleep(listenPoll)
	}
	t.Fatalf("lab: nothing listens on port %d in %s after %v\n%s", port, ns, limit, p.Output())
}

// deleteNamespace kills what still runs in ns (servers the lab started and
// their children) and deletes it.
func deleteNamespace(t testing.TB, ns string) {
	if out, err := command("ip", "netns", "pids", ns).Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if out, err := command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
		t.Errorf("lab: ip netns del %s: %v: %s", ns, err, out)
	}
	os.RemoveAll(filepath.Join("/etc/netns", ns)) // a hosts file of the namespace's own
}

// RemoveLeftovers deletes the namespaces of earlier lab runs whose process
// is gone (a crashed or killed go test), leaving those of runs going on now.
func RemoveLeftovers(t testing.TB) {
	out, err := command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		pid, ok := ownerPid(name)
		if !ok || pid == os.Getpid() || alive(pid) {
			continue
		}
		deleteNamespace(t, name)
	}
}

// ownerPid reads the process id from a lab namespace's name.
func ownerPid(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, NamePrefix)
	if !ok {
		return 0, false
	}
	field, _, _ := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(field)
	return pid, err == nil && pid > 0
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// lockedBuffer collects a process's output while tests read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Require skips t when the lab cannot run here (not root, no ip or nft,
// namespaces refused), with the reason, except when the environment
// variable CI is set: there a lab that cannot run fails the build.
func Require(t testing.TB) {
	t.Helper()
	requireOnce.Do(func() { requireErr = probeLab() })
	if requireErr == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("lab: cannot run, and CI is set: %v", requireErr)
	}
	t.Skipf("lab: cannot run here: %v", requireErr)
}

var (
	requireOnce sync.Once
	requireErr  error
)

// probeLab finds out whether this machine can build lab networks, and
// clears leftovers of crashed runs on the way.
func probeLab() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (network namespaces and nftables), running as uid %d", os.Geteuid())
	}
	for _, tool := range []string{"ip", "nft", "ss"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (apt-get install iproute2 nftables): %w", tool, err)
		}
	}
	RemoveLeftovers(nopTB{})
	name := fmt.Sprintf("%s%d-probe", NamePrefix, os.Getpid())
	if out, err := command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		return fmt.Errorf("ip netns add: %w: %s", err, bytes.TrimSpace(out))
	}
	defer command("ip", "netns", "del", name).Run()
	cmd := command("ip", "netns", "exec", name, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(ClientRuleset([]string{"ct state new tcp dport 1 drop"}))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft in a namespace: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// nopTB swallows the errors of leftover removal during probeLab, which runs
// outside any one test; a leftover that cannot be removed is harmless, since
// names never repeat.
type nopTB struct{ testing.TB }

func (nopTB) Errorf(string, ...any) {}
