//go:build linux

package lab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
	"ftpdiag/transcript/foreign"
)

// captureDir is where the captures explain's tests read live; a run with
// FTPDIAG_LAB_CAPTURES=1 records them afresh into it.
const captureDir = "../../transcript/foreign/testdata/pcap"

// captureScenario is one network a real client (curl) crosses while
// tcpdump records on the client's and the server's interface.
type captureScenario struct {
	name string
	topo Topology
	file string // what curl downloads; "" lists the root
	tls  bool   // the server offers AUTH TLS and curl requires it
	any  bool   // tcpdump -i any: Linux cooked headers (SLL2) instead of Ethernet
	// want: the codes the explanation of each side's capture must hold.
	client, server []string
}

// fragTopo is a path with a link of MTU 576 towards the client, through
// which the server sends TCP segments without DF.
var fragTopo = Topology{ClientLinkMTU: 576, ClientRoute: []string{"mtu", "576", "advmss", "1460"},
	ServerSysctls: []string{"net.ipv4.ip_no_pmtu_disc=1"}}

var captureScenarios = []captureScenario{
	{name: "healthy", file: TestFile, client: []string{}, server: []string{}},
	{name: "healthy-any", file: TestFile, any: true, client: []string{}, server: []string{}},
	{name: "drop", topo: Topology{RouterRules: []string{"tcp dport " + PasvRange + " drop"}},
		client: []string{diagnose.CodePassiveTimeout, diagnose.CodeSeenInCapture}, server: []string{diagnose.CodePassiveTimeout, diagnose.CodeSeenInCapture}},
	{name: "reject", topo: Topology{RouterRules: []string{"tcp dport " + PasvRange + " reject with icmp type admin-prohibited"}},
		client: []string{diagnose.CodePassiveTimeout, diagnose.CodeSeenInCapture}, server: []string{diagnose.CodePassiveTimeout, diagnose.CodeSeenInCapture}},
	{name: "nat", topo: Topology{ServerNAT: true, Forward: []string{"21", PasvRange}}, file: TestFile,
		// Behind NAT, the server sees its own private address as the
		// control connection's: the problem shows on the client's side only.
		client: []string{diagnose.CodePasvPrivate}, server: []string{}},
	{name: "mtu", topo: Topology{RouterRules: []string{"meta length > 1200 drop"}}, file: TestFile,
		client: []string{diagnose.CodeTransferStalled}, server: []string{diagnose.CodeTransferStalled, diagnose.CodeSeenInCapture}},
	// A link of MTU 576 between the router and the client, and a server
	// whose TCP segments carry no DF bit: the router fragments every full
	// segment of the transfer, and the client's side sees the fragments.
	// Reassembled, the session is healthy; the server's side sees none.
	// The client knows the path's MTU (its own segments fit the link) and
	// announces the MSS of its 1500-byte link, as a client behind such a
	// link does once it learned the path MTU.
	{name: "frag", topo: fragTopo, file: TestFile, client: []string{}, server: []string{}},
	// The same path, and a file name so long that the server's 550 reply
	// (which repeats it) is fragmented too: a control reply in fragments.
	{name: "frag-reply", topo: fragTopo, file: strings.Repeat("x", 700),
		client: []string{}, server: []string{}},
	// FTPS: the control connection is encrypted after AUTH TLS, so only
	// connection outcomes remain. On the client's side they still show the
	// data connection dropped; on the server's side nothing does (the port
	// it announced is encrypted, and no SYN arrives).
	{name: "ftps-drop", topo: Topology{RouterRules: []string{"tcp dport " + PasvRange + " drop"}}, tls: true,
		client: []string{diagnose.CodePassiveTimeout, diagnose.CodeSeenInCapture}, server: []string{}},
}

// TestCaptures records each scenario with tcpdump on both sides, explains
// both captures and checks the findings. The captures kept in testdata are
// explained by transcript/foreign's tests; FTPDIAG_LAB_CAPTURES=1 replaces
// them with this run's.
func TestCaptures(t *testing.T) {
	Require(t)
	if _, err := exec.LookPath("tcpdump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tcpdump missing (apt-get install tcpdump)")
		}
		t.Skip("tcpdump missing")
	}
	bin := ftpdiagBinary(t)
	for _, sc := range captureScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			n := New(t, sc.topo)
			if sc.tls {
				p := n.Start(t, n.Server, bin, "serve", "--listen", fmt.Sprintf("%s:%d", n.ServerAddr(), FTPPort),
					"--pasv-ports", PasvRange, "--user", User+":"+Password, "--tls-self-signed")
				n.WaitListen(t, p, n.Server, FTPPort)
			} else {
				n.StartReference(t, bin, ServerOptions{})
			}
			iface := hostIf
			if sc.any {
				iface = "any"
			}
			cli := n.startTcpdump(t, n.Client, iface, filepath.Join(dir, "client.pcap"))
			srv := n.startTcpdump(t, n.Server, iface, filepath.Join(dir, "server.pcap"))
			out, err := n.curlCapture(sc.file, sc.tls)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // the last FIN and ACK
			cli.stop(t)
			srv.stop(t)
			for _, side := range []struct {
				name string
				want []string
			}{{"client", sc.client}, {"server", sc.server}} {
				path := filepath.Join(dir, side.name+".pcap")
				if os.Getenv("FTPDIAG_LAB_CAPTURES") != "" {
					keepCapture(t, path, fmt.Sprintf("%s-%s.pcap", sc.name, side.name))
				}
				checkCapture(t, path, side.want, out)
			}
		})
	}
}

// checkCapture explains a capture and compares its codes.
func checkCapture(t *testing.T, path string, want []string, curl output) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, err := foreign.Read(f, "")
	if err != nil {
		t.Fatalf("%s: %v (curl: exit %d, %s)", filepath.Base(path), err, curl.exit, CurlError(curl.stderr))
	}
	entries := transcript.FromEntries(log.Entries, transcript.WithSecrets(log.Secrets...)).Entries()
	got := []string{}
	for _, f := range diagnose.Diagnose(entries) {
		if f.Severity != result.Info || slices.Contains(want, f.Code) {
			got = append(got, f.Code)
		}
	}
	if !slices.Equal(got, want) {
		var b strings.Builder
		for _, e := range entries {
			fmt.Fprintf(&b, "    %s\n", e.Text)
		}
		t.Errorf("%s: codes %v, want %v (curl: exit %d, %s)\n%s", filepath.Base(path), got, want, curl.exit, CurlError(curl.stderr), b.String())
	}
	for _, e := range entries {
		if strings.Contains(e.Text, Password) {
			t.Errorf("%s: the password shows in %q", filepath.Base(path), e.Text)
		}
	}
}

func keepCapture(t *testing.T, from, name string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(captureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(captureDir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tcpdumpProc is tcpdump writing a capture inside a namespace.
type tcpdumpProc struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error
}

// startTcpdump records iface in ns into path, and waits until it listens.
func (n *Net) startTcpdump(t *testing.T, ns, iface, path string) *tcpdumpProc {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, "tcpdump", "-n", "-U", "--immediate-mode", "-B", "16384", "-i", iface, "-w", path, "tcp or icmp")
	p := &tcpdumpProc{cmd: cmd, out: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("tcpdump: %v", err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.Now().Add(listenWait)
	for !strings.Contains(p.out.String(), "listening on") {
		if time.Now().After(deadline) {
			t.Fatalf("tcpdump did not start: %s", p.out.String())
		}
		time.Sleep(listenPoll)
	}
	return p
}

// stop ends tcpdump with SIGINT, so it writes out what it holds.
func (p *tcpdumpProc) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
		t.Logf("tcpdump: %s", p.out.String())
	case <-time.After(stopWait):
		t.Fatalf("tcpdump did not stop: %s", p.out.String())
	}
}

// curlCapture runs curl once, as a user would, in passive mode (PASV),
// giving up on a data connection after 3 s and on a stalled transfer after
// 3 s below 1 byte a second.
func (n *Net) curlCapture(file string, tls bool) (output, error) {
	url := fmt.Sprintf("ftp://%s:%s@%s:%d/%s", User, Password, ServerPublic, FTPPort, file)
	args := []string{"-v", "-sS", "--disable-epsv", "--connect-timeout", "3", "-Y", "1", "-y", "3", "--max-time", "12", "-o", "/dev/null"}
	if tls {
		args = append(args, "--ssl-reqd", "-k")
	}
	out, err := n.runBounded(curlWait, "curl", append(args, url)...)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		err = nil
	}
	return out, err
}
