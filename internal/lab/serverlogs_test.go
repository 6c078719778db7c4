//go:build linux

package lab

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/internal/serverlog"
	"ftpdiag/result"
	"ftpdiag/transcript/foreign"
)

// The server-log corpus (testdata/serverlogs): the real vsftpd, ProFTPD and
// pure-ftpd, each writing its own log, with real curl and lftp in the
// lab's broken networks. TestServerLogs records each log afresh and checks
// that explain finds in it what testdata/serverlogs/MANIFEST says; with
// -record-serverlogs it also writes the logs there.
var recordServerLogs = flag.Bool("record-serverlogs", false, "write the recorded server logs to testdata/serverlogs")

// slCase is one network and what the clients do in it.
type slCase struct {
	name    string
	topo    Topology
	tls     bool     // the server offers TLS; "tls" clients use it
	clients []string // curl-list, curl-get, curl-active, curl-tls, lftp, lftp-active
}

var slCases = []slCase{
	{name: "ok", clients: []string{"curl-list", "curl-get", "lftp"}},
	{name: "pasv-dropped", topo: Topology{RouterRules: []string{fromClient + "tcp dport " + PasvRange + " drop"}},
		clients: []string{"curl-list", "lftp"}},
	// tnftp falls back to active mode when passive fails (LAB-NOTES).
	{name: "pasv-refused", topo: Topology{RouterRules: []string{fromClient + "tcp dport " + PasvRange + " reject with tcp reset"}},
		clients: []string{"curl-list", "lftp", "tnftp"}},
	// Each client runs twice where its failure leaves no line behind: the
	// next session shows the server that the first one is over.
	{name: "pasv-private", topo: Topology{ServerNAT: true, Forward: []string{"21"}}, clients: []string{"curl-list", "curl-list"}},
	{name: "client-nat", topo: Topology{ClientNAT: true}, clients: []string{"curl-active", "lftp-active"}},
	{name: "tls-alg-blind", topo: Topology{ServerNAT: true, ALG: true, Forward: []string{"21"}}, tls: true,
		clients: []string{"curl-tls", "curl-list", "curl-tls", "curl-list"}},
}

// slServers are the servers that write logs explain reads.
var slServers = []string{"vsftpd", "proftpd", "pure-ftpd", "serve"}

// slUser is the account of the server's URL: pure-ftpd has no anonymous
// login in the lab, the others serve anonymous users.
func slURL(server string) string {
	if server == "pure-ftpd" || server == "serve" {
		return URL()
	}
	return fmt.Sprintf("ftp://%s:%d/", ServerPublic, FTPPort)
}

func TestServerLogs(t *testing.T) {
	Require(t)
	want := readServerManifest(t)
	for _, server := range slServers {
		for _, c := range slCases {
			name := server + "-" + c.name
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				logs := recordServerLog(t, server, c)
				for file, data := range logs {
					checkServerLog(t, file, data, want[file])
					if *recordServerLogs {
						path := filepath.Join("..", "..", "testdata", "serverlogs", file)
						if err := os.WriteFile(path, data, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
			})
		}
	}
}

// slWant is one MANIFEST line: the verdict and the codes of the whole log.
type slWant struct {
	verdict result.Verdict
	codes   []string
}

func readServerManifest(t *testing.T) map[string]slWant {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "serverlogs", "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]slWant{}
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		w := slWant{verdict: result.Verdict(f[1])}
		if f[2] != "-" {
			w.codes = strings.Split(f[2], ",")
		}
		out[f[0]] = w
	}
	return out
}

// checkServerLog explains a fresh log and compares it with the manifest.
func checkServerLog(t *testing.T, file string, data []byte, want slWant) {
	t.Helper()
	from, ok := foreign.DetectServer(data)
	if !ok {
		t.Fatalf("%s: not detected as a server log:\n%s", file, data)
	}
	rep, err := serverlog.Scan(strings.NewReader(string(data)), from, serverlog.Options{})
	if err != nil {
		t.Fatalf("%s: %v\n%s", file, err, data)
	}
	got := serverlog.Codes(rep)
	if rep.Verdict() != want.verdict || !slices.Equal(got, want.codes) {
		t.Errorf("%s: %s %q, MANIFEST says %s %q\n%s", file, rep.Verdict(), got, want.verdict, want.codes, data)
	}
}

// recordServerLog runs the server in the case's network, the clients
// against it, and returns the logs it wrote, by corpus file name.
func recordServerLog(t *testing.T, server string, c slCase) map[string][]byte {
	n := New(t, c.topo)
	dir, err := os.MkdirTemp("", "ftpdlab-slog-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	var cert string
	if c.tls {
		cert = slCert(t, dir)
	}
	var collect func() map[string][]byte
	switch server {
	case "vsftpd":
		collect = n.startVsftpdLogging(t, dir, cert)
	case "proftpd":
		collect = n.startProFTPDLogging(t, dir, cert)
	case "pure-ftpd":
		collect = n.startPureLogging(t, dir, cert)
	case "serve":
		collect = n.startServeLogging(t, dir, cert)
	}
	for _, cl := range c.clients {
		n.runClient(cl, slURL(server))
	}
	time.Sleep(300 * time.Millisecond) // the servers' last lines
	logs := map[string][]byte{}
	for suffix, data := range collect() {
		logs[server+suffix+"-"+c.name+".log"] = data
	}
	return logs
}

// runClient runs one client, bounded; what it says does not matter here,
// only what the server logs of it.
func (n *Net) runClient(kind, url string) {
	curl := []string{"-sS", "--connect-timeout", "4", "--max-time", "20", "-o", "/dev/null", "--disable-epsv"}
	lftp := "set net:timeout 4; set net:max-retries 2; set net:reconnect-interval-base 1; set net:reconnect-interval-max 1; set ftp:prefer-epsv no; "
	switch kind {
	case "curl-list":
		n.runBounded(curlWait, "curl", append(curl, url)...)
	case "curl-get":
		n.runBounded(curlWait, "curl", append(curl, url+TestFile)...)
	case "curl-active":
		n.runBounded(curlWait, "curl", append(curl, "-P", "-", url)...)
	case "curl-tls":
		n.runBounded(curlWait, "curl", append(curl, "--ssl-reqd", "-k", url)...)
	case "lftp":
		n.runBounded(curlWait, "lftp", "-c", lftp+"open "+url+"; ls")
	case "tnftp":
		user, pass := "anonymous", "guest"
		if strings.Contains(url, "@") {
			user, pass = User, Password
		}
		cmd := n.Command(n.Client, "timeout", "20", "tnftp", "-n", ServerPublic)
		cmd.Stdin = strings.NewReader("user " + user + " " + pass + "\nls\nbye\n")
		cmd.Run()
	case "lftp-active":
		n.runBounded(curlWait, "lftp", "-c", lftp+"set ftp:passive-mode off; open "+url+"; ls")
	}
}

// slCert writes a self-signed certificate and key into one PEM file (as
// pure-ftpd wants it) and returns its path.
func slCert(t *testing.T, dir string) string {
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
		"-subj", "/CN="+ServerPublic, "-keyout", key, "-out", cert).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v: %s", err, out)
	}
	c, _ := os.ReadFile(cert)
	k, _ := os.ReadFile(key)
	both := filepath.Join(dir, "both.pem")
	if err := os.WriteFile(both, append(k, c...), 0o600); err != nil {
		t.Fatal(err)
	}
	return both
}

// slRoot makes the served directory with TestFile in it.
func slRoot(t *testing.T, dir string) string {
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, TestFile), testContent(), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// startVsftpdLogging runs vsftpd with its protocol log (LAB-NOTES).
func (n *Net) startVsftpdLogging(t *testing.T, dir, cert string) func() map[string][]byte {
	root, empty := slRoot(t, dir), filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	logPath := filepath.Join(dir, "vsftpd.log")
	conf := []string{
		"listen=YES", "listen_address=" + n.ServerAddr(), fmt.Sprintf("listen_port=%d", FTPPort),
		"background=NO", "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
		"anon_root=" + root, "ftp_username=nobody", "no_anon_password=YES", "run_as_launching_user=YES",
		"seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", "secure_chroot_dir=" + empty,
		"pasv_enable=YES", fmt.Sprintf("pasv_min_port=%d", PasvMin), fmt.Sprintf("pasv_max_port=%d", PasvMax),
		"tcp_wrappers=NO", "xferlog_enable=YES", "xferlog_std_format=NO", "log_ftp_protocol=YES", "vsftpd_log_file=" + logPath,
	}
	if cert != "" {
		conf = append(conf, "ssl_enable=YES", "allow_anon_ssl=YES", "rsa_cert_file="+cert, "rsa_private_key_file="+cert)
	}
	path := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := n.Start(t, n.Server, peerBinary(t, "vsftpd"), path)
	n.WaitListen(t, p, n.Server, FTPPort)
	return func() map[string][]byte {
		b, _ := os.ReadFile(logPath)
		return map[string][]byte{"": b}
	}
}

// startProFTPDLogging runs ProFTPD with two ExtendedLogs of every command:
// the default format, and "%m %r %s".
func (n *Net) startProFTPDLogging(t *testing.T, dir, cert string) func() map[string][]byte {
	bin := peerBinary(t, "proftpd")
	root := slRoot(t, dir)
	full, short := filepath.Join(dir, "extended.log"), filepath.Join(dir, "short.log")
	conf := []string{
		"ServerType standalone", "DefaultServer on", fmt.Sprintf("Port %d", FTPPort), "DefaultAddress " + n.ServerAddr(),
		"SocketBindTight on", "UseIPv6 off", "UseReverseDNS off", "User nobody", "Group nogroup",
		"PidFile " + dir + "/proftpd.pid", "ScoreboardFile " + dir + "/scoreboard", "DelayTable none", "WtmpLog off",
		fmt.Sprintf("PassivePorts %d %d", PasvMin, PasvMax),
		`LogFormat short "%m %r %s"`, "ExtendedLog " + full + " ALL", "ExtendedLog " + short + " ALL short",
	}
	if cert != "" {
		mods := filepath.Join(filepath.Dir(bin), "..", "lib", "proftpd")
		conf = append(conf, "ModulePath "+mods, "LoadModule mod_tls.c", "TLSEngine on", "TLSRSACertificateFile "+cert,
			"TLSRSACertificateKeyFile "+cert, "TLSProtocol TLSv1.2 TLSv1.3", "TLSRenegotiate none", "TLSOptions NoSessionReuseRequired")
	}
	conf = append(conf, "<Anonymous "+root+">", "User nobody", "Group nogroup", "UserAlias anonymous nobody",
		"RequireValidShell off", "</Anonymous>")
	path := filepath.Join(dir, "proftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(conf, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := n.Start(t, n.Server, bin, "-n", "-q", "-c", path)
	n.WaitListen(t, p, n.Server, FTPPort)
	return func() map[string][]byte {
		a, _ := os.ReadFile(full)
		b, _ := os.ReadFile(short)
		return map[string][]byte{"": a, "-short": b}
	}
}

// startPureLogging runs pure-ftpd -d -d with its own /dev (a private mount
// namespace) whose log socket the test reads: the machine's /dev/log is
// left alone.
func (n *Net) startPureLogging(t *testing.T, dir, cert string) func() map[string][]byte {
	bin := pureFTPdBinary(t)
	dev := filepath.Join(dir, "dev")
	os.Mkdir(dev, 0o755)
	for name, minor := range map[string]int{"null": 3, "zero": 5, "random": 8, "urandom": 9} {
		if out, err := exec.Command("mknod", "-m", "666", filepath.Join(dev, name), "c", "1", fmt.Sprint(minor)).CombinedOutput(); err != nil {
			t.Fatalf("mknod: %v: %s", err, out)
		}
	}
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dev, "log"), Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dev, "log"), 0o666)
	var mu sync.Mutex
	var lines []byte
	go func() {
		buf := make([]byte, 64<<10)
		for {
			k, err := sock.Read(buf)
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(append(lines, strings.TrimRight(string(buf[:k]), "\n")...), '\n')
			mu.Unlock()
		}
	}()
	t.Cleanup(func() { sock.Close() })
	home := filepath.Join(dir, "pure")
	db, err := pureUsers(bin, home)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-l", "puredb:" + db, "-E", "-H", "-d", "-d", "-S", fmt.Sprintf("%s,%d", n.ServerAddr(), FTPPort),
		"-p", fmt.Sprintf("%d:%d", PasvMin, PasvMax)}
	if cert != "" {
		args = append(args, "-Y", "1", "-2", cert)
	}
	script := "mount --make-rprivate / && mount --bind " + dev + " /dev && exec " + bin + " " + strings.Join(args, " ")
	p := n.Start(t, n.Server, "unshare", "-m", "sh", "-c", script)
	n.WaitListen(t, p, n.Server, FTPPort)
	return func() map[string][]byte {
		mu.Lock()
		defer mu.Unlock()
		return map[string][]byte{"": slices.Clone(lines)}
	}
}

// startServeLogging runs ftpdiag serve with --transcript-dir; its log is
// the directory's files one after another, as explain reads a directory.
func (n *Net) startServeLogging(t *testing.T, dir, cert string) func() map[string][]byte {
	td := filepath.Join(dir, "transcripts")
	os.Mkdir(td, 0o755)
	args := []string{"serve", "--listen", fmt.Sprintf("%s:%d", n.ServerAddr(), FTPPort), "--pasv-ports", PasvRange,
		"--user", User + ":" + Password, "--transcript-dir", td}
	if cert != "" {
		args = append(args, "--tls-cert", cert, "--tls-key", cert)
	}
	p := n.Start(t, n.Server, ftpdiagBinary(t), args...)
	n.WaitListen(t, p, n.Server, FTPPort)
	return func() map[string][]byte {
		b, err := foreign.ReadServeDir(td)
		if err != nil {
			t.Fatal(err)
		}
		return map[string][]byte{"": b}
	}
}
