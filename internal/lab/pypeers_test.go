//go:build linux

package lab

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// pyPeer is an FTP server of Debian's Python packages, started in the
// server's namespace: pyftpdlib (python3-pyftpdlib) and Twisted's FTP server
// (python3-twisted). Both connect back before they answer PORT, and Twisted
// answers a PASV whose data connection never came with a late 550; the
// probe must keep replies in step with the commands they answer.
type pyPeer struct {
	name string
	// ports is the passive range in nft syntax: inetutils ftpd has no
	// setting for one and hands out ephemeral ports.
	ports string
	start func(t *testing.T, n *Net, pasvAddr string) *Proc
}

// pythonStart bounds a Python server's start: its imports take seconds
// on a loaded machine.
const pythonStart = time.Minute

// debianPython is Debian's interpreter, which has the packages; a python3
// earlier on PATH (pyenv) may not.
const debianPython = "/usr/bin/python3"

// peerRoot is a directory with TestFile, readable by every server.
func peerRoot(t *testing.T) string {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, TestFile), testContent(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func needPython(t *testing.T, module string) {
	t.Helper()
	if err := exec.Command(debianPython, "-c", "import "+module).Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import %s (test.sh installs it): %v", debianPython, module, err)
		}
		t.Skipf("%s cannot import %s: %v", debianPython, module, err)
	}
}

var pyPeers = []pyPeer{
	{"pyftpdlib", PasvRange, func(t *testing.T, n *Net, pasvAddr string) *Proc {
		needPython(t, "pyftpdlib")
		args := []string{"-m", "pyftpdlib", "-i", n.ServerAddr(), "-p", "21", "-u", User, "-P", Password,
			"-d", peerRoot(t), "-r", PasvRange}
		if pasvAddr != "" {
			args = append(args, "-n", pasvAddr)
		}
		p := n.Start(t, n.Server, debianPython, args...)
		n.waitListenWithin(t, p, n.Server, FTPPort, pythonStart)
		return p
	}},
	{"Twisted", PasvRange, func(t *testing.T, n *Net, pasvAddr string) *Proc {
		needPython(t, "twisted.protocols.ftp")
		if pasvAddr != "" {
			t.Fatal("Twisted's FTP server advertises the control connection's address only")
		}
		root := peerRoot(t)
		script, err := filepath.Abs(filepath.Join("..", "..", "testdata", "peers", "twisted-ftpd.py"))
		if err != nil {
			t.Fatal(err)
		}
		p := n.Start(t, n.Server, debianPython, script, "--listen", n.ServerAddr(), "--root", root,
			"--user", User, "--password", Password, "--pasv", PasvRange)
		n.waitListenWithin(t, p, n.Server, FTPPort, pythonStart)
		return p
	}},
	{"inetutils ftpd", "1024-65535", startInetutils},
}

// startInetutils runs GNU inetutils' ftpd (Debian's inetutils-ftpd)
// standalone in the server's namespace. It logs system users in, so the
// namespace gets its own passwd, shadow and group with User (ip netns exec
// bind-mounts the files of /etc/netns/NS over /etc), and a hosts file and
// a resolver that answer at once: the server looks the client's name up
// before it greets.
func startInetutils(t *testing.T, n *Net, pasvAddr string) *Proc {
	const bin = "/usr/sbin/ftpd"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (test.sh installs inetutils-ftpd)", bin)
		}
		t.Skipf("%s is missing", bin)
	}
	if pasvAddr != "" {
		t.Fatal("inetutils ftpd advertises the control connection's address only")
	}
	hash, err := exec.Command("openssl", "passwd", "-6", "-salt", "ftpdiaglab", Password).Output()
	if err != nil {
		t.Fatalf("openssl passwd: %v", err)
	}
	home := peerRoot(t)
	dir := filepath.Join("/etc/netns", n.Server)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	files := map[string]string{
		"passwd":      "root:x:0:0:root:/root:/bin/sh\n" + User + ":x:1000:1000::" + home + ":/bin/sh\n",
		"shadow":      "root:*:19000:0:99999:7:::\n" + User + ":" + strings.TrimSpace(string(hash)) + ":19000:0:99999:7:::\n",
		"group":       "root:x:0:\n" + User + ":x:1000:\n",
		"hosts":       "127.0.0.1 localhost\n" + n.ClientSeenAddr() + " client\n",
		"resolv.conf": "nameserver 127.0.0.1\n", // nothing listens: every look-up fails at once
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	p := n.Start(t, n.Server, bin, "-D", "-4")
	n.WaitListen(t, p, n.Server, FTPPort)
	return p
}

// pyScenario is one network with what the probe must say of each server
// (nil: the scenario does not apply to that server).
type pyScenario struct {
	name     string
	topo     Topology
	pasvAddr string
	// pasv, where set, is a router rule for the peer's passive range.
	pasv func(ports string) string
	want map[string]*expect
}

var pyScenarios = []pyScenario{
	{name: "healthy",
		// Twisted has no EPSV (502): clients fall back to PASV.
		want: map[string]*expect{"pyftpdlib": want(result.VerdictOK), "Twisted": want(result.VerdictOK, "epsv.unsupported"),
			"inetutils ftpd": want(result.VerdictOK)}},
	{name: "passive range dropped",
		pasv: func(ports string) string { return fromClient + "ct state new tcp dport " + ports + " drop" },
		want: map[string]*expect{"pyftpdlib": want(result.VerdictCritical, "data.passive.timeout"),
			"Twisted":        want(result.VerdictCritical, "data.passive.timeout", "epsv.unsupported"),
			"inetutils ftpd": want(result.VerdictCritical, "data.passive.timeout")}},
	{name: "passive range rejected",
		pasv: func(ports string) string {
			return fromClient + "ct state new tcp dport " + ports + " reject with tcp reset"
		},
		want: map[string]*expect{"pyftpdlib": want(result.VerdictCritical, "data.passive.refused"),
			"Twisted":        want(result.VerdictCritical, "data.passive.refused", "epsv.unsupported"),
			"inetutils ftpd": want(result.VerdictCritical, "data.passive.refused")}},
	{name: "server advertises a wrong address", pasvAddr: "198.18.1.99",
		want: map[string]*expect{"pyftpdlib": want(result.VerdictWarning, "pasv.foreign-address")}},
	{name: "client firewall blocks active mode",
		topo: Topology{ClientRules: []string{`iifname != "lo" ct state new drop`}},
		want: map[string]*expect{"pyftpdlib": want(result.VerdictWarning, "active.no-callback"),
			"Twisted":        want(result.VerdictWarning, "active.no-callback", "epsv.unsupported"),
			"inetutils ftpd": want(result.VerdictWarning, "active.no-callback")}},
	{name: "client behind NAT, no FTP helper",
		topo: Topology{ClientNAT: true},
		want: map[string]*expect{"pyftpdlib": want(result.VerdictWarning, "active.client-nat", "active.port-refused"),
			"Twisted":        want(result.VerdictWarning, "active.client-nat", "active.no-callback", "epsv.unsupported"),
			"inetutils ftpd": want(result.VerdictWarning, "active.client-nat", "active.port-refused")}},
}

// TestPythonServers runs the probe against pyftpdlib and Twisted's FTP
// server in the lab's networks and checks its exact codes and verdict.
func TestPythonServers(t *testing.T) {
	Require(t)
	bin := ftpdiagBinary(t)
	for _, sc := range pyScenarios {
		for _, peer := range pyPeers {
			w := sc.want[peer.name]
			if w == nil {
				continue
			}
			t.Run(slug(sc.name)+"/"+peer.name, func(t *testing.T) {
				t.Parallel()
				topo := sc.topo
				if sc.pasv != nil {
					topo.RouterRules = append(slices.Clone(topo.RouterRules), sc.pasv(peer.ports))
				}
				n := New(t, topo)
				srv := peer.start(t, n, sc.pasvAddr)
				run, err := n.Probe(bin)
				if err != nil {
					t.Fatalf("probe: %v\nserver: %s", err, srv.Output())
				}
				if err := diagnose.Backed(&run.Result); err != nil {
					t.Errorf("the result claims what its transcript does not show: %v", err)
				}
				got := codes(run.Result.Findings)
				verdict := run.Result.Verdict
				// pyftpdlib stalls a transfer now and then while the probe's
				// other sessions run (issue 31: 2 of 10 healthy runs); the
				// probe then runs its main session again alone and says so.
				if peer.name == "pyftpdlib" && slices.Contains(got, "transfer.stalled-parallel") {
					t.Logf("pyftpdlib stalled beside other sessions, and completed alone")
					got = slices.DeleteFunc(got, func(c string) bool { return c == "transfer.stalled-parallel" })
					if verdict == result.VerdictWarning && w.verdict == result.VerdictOK && len(got) == 0 {
						verdict = result.VerdictOK
					}
				}
				wantCodes := slices.Sorted(slices.Values(w.codes))
				if !slices.Equal(got, wantCodes) || verdict != w.verdict {
					t.Errorf("got %s %q, want %s %q (%v)\n%s", run.Result.Verdict, got, w.verdict, wantCodes, run.Elapsed, details(run.Result))
				}
			})
		}
	}
}

// details is each finding's title and detail, for a failure message.
func details(res result.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		b.WriteString("  " + f.Code + " (" + string(f.Severity) + "): " + f.Detail + "\n")
	}
	for _, c := range res.Checks {
		b.WriteString("  check " + c.Name + ": " + string(c.Status) + " " + c.Detail + "\n")
	}
	return b.String()
}
