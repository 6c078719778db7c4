//go:build linux

package probe

import (
	"bufio"
	"context"
	"fmt"
	"ftpdiag/diagnose"
	"ftpdiag/result"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// peerStart bounds how long a real server may take to start listening.
const peerStart = 5 * time.Second

// peer returns the path of a Debian FTP server unpacked under
// testdata/peers, fetching it first if needed. Without it the test is
// skipped, except under CI, where a missing peer is a failure.
func peer(t *testing.T, name string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("real FTP servers need root here (privilege separation, port 20)")
	}
	path, _ := filepath.Abs(filepath.Join("..", "testdata", "peers", "root", "usr", "sbin", name))
	if _, err := os.Stat(path); err != nil {
		exec.Command("bash", filepath.Join("..", "testdata", "peers", "fetch.sh")).Run()
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing under testdata/peers: %v", name, err)
		}
		t.Skipf("%s is missing under testdata/peers (run testdata/peers/fetch.sh)", name)
	}
	return path
}

// runPeer starts a server process and waits until addr accepts connections.
func runPeer(t *testing.T, addr string, bin string, args ...string) {
	t.Helper()
	runPeerReady(t, addr, greets, bin, args...)
}

// runPeerReady is runPeer with its own test of readiness (implicit TLS
// greets only after a handshake).
func runPeerReady(t *testing.T, addr string, ready func(string) bool, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	// The servers fork a process per session: they share a process group
	// with the server, so that the cleanup ends them all, and WaitDelay
	// stops waiting for output a stray child still holds open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	deadline := time.Now().Add(peerStart)
	for time.Now().Before(deadline) {
		if ready(addr) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not listen on %s in %s: %s", filepath.Base(bin), addr, peerStart, out)
}

// greets tells whether a server at addr is up far enough to send its 220.
func greets(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(peerStart))
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Write([]byte("QUIT\r\n"))
	return err == nil && strings.HasPrefix(line, "220")
}

// servedDir is a world-readable directory with one file, since the
// servers read it as an unprivileged user.
func servedDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "ftpdiag-peer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello, world\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// vsftpd starts Debian's vsftpd on 127.0.0.1 with a config of its own, as
// LAB-NOTES says it runs in a container, plus extra lines. Active
// connections come from an ephemeral port: port 20 is one per host, and
// the tests of this suite share it ("500 OOPS: vsf_sysutil_bind").
func vsftpd(t *testing.T, extra ...string) string {
	ready := greets
	if slices.Contains(extra, "implicit_ssl=YES") {
		ready = greetsTLS
	}
	return vsftpdReady(t, ready, extra...)
}

// vsftpdReady is vsftpd with its own test of readiness.
func vsftpdReady(t *testing.T, ready func(string) bool, extra ...string) string {
	bin := peer(t, "vsftpd")
	dir := servedDir(t)
	empty := filepath.Join(dir, ".empty")
	os.Mkdir(empty, 0o755)
	port := closedPort(t)
	conf := []string{
		"listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", fmt.Sprintf("listen_port=%d", port),
		"background=NO", "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
		"anon_root=" + dir, "ftp_username=nobody", "no_anon_password=YES", "run_as_launching_user=YES",
		"seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", "secure_chroot_dir=" + empty,
		"pasv_enable=YES", "connect_from_port_20=NO", "xferlog_enable=NO", "tcp_wrappers=NO",
	}
	path := filepath.Join(t.TempDir(), "vsftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(append(conf, extra...), "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	runPeerReady(t, addr, ready, bin, path)
	return addr
}

func TestVsftpd(t *testing.T) {
	cases := []struct {
		name  string
		extra []string
		user  string
		want  []string
	}{
		{"default passive and active", nil, "", []string{}},
		{"behind NAT without pasv_address", []string{"pasv_address=10.0.0.5"}, "", []string{diagnose.CodePasvPrivate}},
		{"anonymous only", nil, "john:secret@", []string{diagnose.CodeLoginRejected}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := vsftpd(t, tc.extra...)
			wantPeerCodes(t, "ftp://"+tc.user+addr+"/", tc.want, "not 20")
		})
	}
}

// wantPeerCodes probes the real server at url and checks the codes found.
// Where none is expected every check must pass as well, the active ones
// with activePort in their detail: where that server connects from.
// A code in want that starts with "?" may be found or not: a server's
// known intermittent fault (pyftpdlib's stall beside other sessions).
func wantPeerCodes(t *testing.T, url string, want []string, activePort string) {
	t.Helper()
	out := probeAddr(t, url, peerOptions())
	res := diagnosed(out, result.Tool{})
	var maybe []string
	want = slices.DeleteFunc(slices.Clone(want), func(w string) bool {
		if strings.HasPrefix(w, "?") {
			maybe = append(maybe, w[1:])
			return true
		}
		return false
	})
	all := codes(res.Findings)
	got := slices.DeleteFunc(slices.Clone(all), func(c string) bool { return slices.Contains(maybe, c) })
	if !slices.Equal(got, want) {
		t.Errorf("codes = %v, want %v\n%s", all, want, render(res.Transcript))
	}
	if len(want) == 0 && len(maybe) == 0 { // a flaky server's checks vary
		wantChecks(t, out.Checks, map[string]string{
			"PASV+LIST": "", "EPSV+LIST": "", "PASV+RETR": "hello.txt: 13 bytes",
			"PORT+LIST": activePort, "EPRT+LIST": activePort, "typical client: RETR": "13 bytes",
		})
	}
}

// wantChecks asserts that the named checks passed, with details that
// contain the given text.
func wantChecks(t *testing.T, checks []result.Check, want map[string]string) {
	t.Helper()
	for name, detail := range want {
		i := slices.IndexFunc(checks, func(c result.Check) bool { return c.Name == name })
		if i < 0 || checks[i].Status != result.Pass || !strings.Contains(checks[i].Detail, detail) {
			t.Errorf("check %s: %+v, want pass with %q", name, checks[min(max(i, 0), len(checks)-1)], detail)
		}
	}
}

// pureftpd starts Debian's pure-ftpd on 127.0.0.1 with one virtual user,
// john/secret, hashed with SHA-512 crypt (cheap, unlike pure-pw's default
// argon2id, which costs seconds of CPU per login), plus extra flags.
func pureftpd(t *testing.T, extra ...string) string {
	bin := peer(t, "pure-ftpd")
	pw := filepath.Join(filepath.Dir(bin), "..", "bin", "pure-pw")
	dir := servedDir(t)
	hash, err := exec.Command("openssl", "passwd", "-6", "-salt", "ftpdiagt", servertestPassword).Output()
	if err != nil {
		t.Skipf("openssl passwd: %v", err)
	}
	tmp := t.TempDir()
	passwd, pdb := filepath.Join(tmp, "passwd"), filepath.Join(tmp, "pdb")
	line := fmt.Sprintf("john:%s:65534:65534::%s/./::::::::::::\n", strings.TrimSpace(string(hash)), dir)
	if err := os.WriteFile(passwd, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pw, "mkdb", pdb, "-f", passwd).CombinedOutput(); err != nil {
		t.Fatalf("pure-pw mkdb: %v: %s", err, out)
	}
	port, lo := closedPort(t), closedPort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := append([]string{"-S", "127.0.0.1," + itoa(port), "-H", "-E", "-A", "-l", "puredb:" + pdb,
		"-p", fmt.Sprintf("%d:%d", lo, lo+20)}, extra...)
	runPeer(t, addr, bin, args...)
	return addr
}

// peerOptions give real servers, which fork a process per session, room
// on a busy machine; a healthy peer still answers in milliseconds.
func peerOptions() Options {
	return Options{Timeout: 3 * time.Second, ReplyTimeout: 5 * time.Second, StallTimeout: 3 * time.Second}
}

// servertestPassword is the password of the peers' test user.
const servertestPassword = "secret"

func TestPureFTPd(t *testing.T) {
	cases := []struct {
		name  string
		extra []string
		nat   bool
		want  []string
	}{
		{"default passive and active", nil, false, []string{}},
		{"forced private passive address", []string{"-P", "10.0.0.5"}, false, []string{diagnose.CodePasvPrivate}},
		{"client behind NAT", nil, true, []string{diagnose.CodeDataRejected, diagnose.CodePortRefused}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := pureftpd(t, tc.extra...)
			if tc.nat {
				addr = natProxy(t, addr, false)
			}
			wantPeerCodes(t, "ftp://john:"+servertestPassword+"@"+addr+"/", tc.want, "from port 20")
		})
	}
}
