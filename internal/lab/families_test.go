//go:build linux

package lab

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdiag/result"
)

var familyTableFile = flag.String("table.families", "", "write the address families' side-by-side table (markdown) to `FILE`")

// famScenario is a server whose name has two address families (or one),
// with one family broken.
type famScenario struct {
	name   string
	topo   Topology
	server string // "ftpdiag serve", "pure-ftpd", "vsftpd"
	listen string // ServerOptions.Listen: "any" is both families
	want   expect
	family map[string]string // code -> the family its finding must name
	fams   []string          // network.families
}

var both = []string{"ipv6", "ipv4"}

var famScenarios = []famScenario{
	{name: "both families work", server: "ftpdiag serve", listen: "any",
		topo: Topology{IPv6: true, Names: both}, want: *want(result.VerdictOK), fams: both},
	{name: "IPv6 passive range dropped, IPv4 works", server: "ftpdiag serve", listen: "any",
		topo: Topology{IPv6: true, Names: both, RouterRules6: []string{fromClient + "tcp dport " + PasvRange + " drop"}},
		want: *want(result.VerdictCritical, "data.passive.timeout"), family: map[string]string{"data.passive.timeout": "ipv6"}, fams: both},
	{name: "IPv6 control port dropped, IPv4 works", server: "ftpdiag serve", listen: "any",
		topo: Topology{IPv6: true, Names: both, RouterRules6: []string{fromClient + "tcp dport 21 drop"}},
		want: *want(result.VerdictCritical, "control.timeout"), family: map[string]string{"control.timeout": "ipv6"}, fams: both},
	{name: "IPv6-only server (AAAA record only)", server: "ftpdiag serve", listen: fmt.Sprintf("[%s]:%d", Server6, FTPPort),
		topo: Topology{IPv6: true, Names: []string{"ipv6"}}, want: *want(result.VerdictOK), fams: []string{"ipv6"}},
	{name: "server not listening on IPv6, name with an AAAA record", server: "ftpdiag serve", listen: fmt.Sprintf("%s:%d", ServerPublic, FTPPort),
		topo: Topology{IPv6: true, Names: both},
		want: *want(result.VerdictWarning, "control.refused"), family: map[string]string{"control.refused": "ipv6"}, fams: both},
	{name: "both families work", server: "pure-ftpd", listen: "any",
		topo: Topology{IPv6: true, Names: both}, want: *want(result.VerdictOK), fams: both},
	{name: "IPv6 passive range dropped, IPv4 works", server: "pure-ftpd", listen: "any",
		topo: Topology{IPv6: true, Names: both, RouterRules6: []string{fromClient + "tcp dport " + PasvRange + " drop"}},
		want: *want(result.VerdictCritical, "data.passive.timeout"), family: map[string]string{"data.passive.timeout": "ipv6"}, fams: both},
	{name: "both families work", server: "vsftpd", listen: "any",
		topo: Topology{IPv6: true, Names: both}, want: *want(result.VerdictOK), fams: both},
}

// famRow is one line of the families' table.
type famRow struct {
	order      int
	sc         famScenario
	curl, lftp clientRun
	probe      ProbeRun
	probeErr   error
}

// TestFamiliesSideBySide runs each scenario with the probe, curl and lftp
// against a name with both an A and an AAAA record, from the client
// namespace's own hosts file.
func TestFamiliesSideBySide(t *testing.T) {
	Require(t)
	rowsCh := make(chan famRow, len(famScenarios))
	t.Run("scenarios", func(t *testing.T) {
		for i, sc := range famScenarios {
			t.Run(slug(sc.name)+"/"+slug(sc.server), func(t *testing.T) {
				t.Parallel()
				rowsCh <- runFamScenario(t, i, sc)
			})
		}
	})
	close(rowsCh)
	var rs []famRow
	for r := range rowsCh {
		rs = append(rs, r)
	}
	table := familiesTable(rs)
	if testing.Verbose() {
		fmt.Print("\n" + table)
	}
	if *familyTableFile != "" {
		if err := os.WriteFile(*familyTableFile, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runFamScenario(t *testing.T, order int, sc famScenario) famRow {
	n := New(t, sc.topo)
	opt := ServerOptions{Listen: sc.listen}
	url := NameURL()
	switch sc.server {
	case "pure-ftpd":
		n.StartPureFTPd(t, pureFTPdBinary(t), opt)
	case "vsftpd":
		n.StartVsftpd(t, peerBinary(t, "vsftpd"))
		url = fmt.Sprintf("ftp://%s:%d/", ServerName, FTPPort) // anonymous
	default:
		n.StartReference(t, ftpdiagBinary(t), opt)
	}
	r := famRow{order: order, sc: sc}
	r.probe, r.probeErr = n.ProbeURL(ftpdiagBinary(t), url)
	r.curl = n.curlName(url)
	r.lftp = n.lftp(url)
	if r.probeErr != nil {
		t.Fatalf("probe: %v", r.probeErr)
	}
	checkProbe(t, scenario{name: sc.name}, sc.want, r.probe)
	res := r.probe.Result
	if res.Network == nil || !slices.Equal(res.Network.Families, sc.fams) {
		t.Errorf("network.families = %+v, want %v", res.Network, sc.fams)
	}
	for _, f := range res.Findings {
		if want := sc.family[f.Code]; f.Family != want {
			t.Errorf("%s: family %q, want %q (title %q)", f.Code, f.Family, want, f.Title)
		}
	}
	return r
}

// ProbeURL runs the probe against url from the client namespace.
func (n *Net) ProbeURL(bin, url string) (ProbeRun, error) {
	args := []string{"probe", "--format", "json", "--timeout", ProbeTimeout.String(), "--tls", "off", "--trace", "off", url} // plain servers: TLS is not what these rows are about
	out, err := n.runBounded(probeWait, bin, args...)
	run := ProbeRun{Exit: out.exit, Elapsed: out.elapsed, Stdout: out.stdout, Stderr: out.stderr}
	if err != nil {
		return run, err
	}
	return run, decodeProbe(&run)
}

// clientRun is what curl or lftp did: its exit status, its last error,
// the address it ended up connected to, and how long it took.
type clientRun struct {
	exit    int // -1: still running when the lab gave up on it
	err     string
	via     string
	elapsed time.Duration
}

// lftpWait is how long lftp may try: it retries for minutes on its own,
// where a user has long given up.
const lftpWait = 30 * time.Second

var (
	curlVia = regexp.MustCompile(`Connected to \S+ \(([0-9a-f.:]+)\) port`)
	lftpVia = regexp.MustCompile(`Connecting to \S+ \(([0-9a-f.:]+)\) port`)
)

// curlName lists the directory with curl's defaults (EPSV first, happy
// eyeballs between the families).
func (n *Net) curlName(url string) clientRun {
	out, err := n.runBounded(curlWait, "curl", "-v", "-sS", "--max-time", fmt.Sprint(int(CurlMaxTime.Seconds())), "-o", "/dev/null", url)
	r := clientRun{exit: out.exit, err: CurlError(out.stderr), elapsed: out.elapsed, via: lastMatch(curlVia, out.stderr)}
	if err != nil {
		r.err = err.Error()
	}
	return r
}

// lftp lists the directory with lftp's defaults, its debug output saying
// which address it connected to.
func (n *Net) lftp(url string) clientRun {
	out, _ := n.runBounded(lftpWait, "lftp", "-d", "-c", "open "+url+"; cls -1")
	r := clientRun{exit: out.exit, elapsed: out.elapsed, via: lastMatch(lftpVia, out.stderr)}
	for _, l := range strings.Split(out.stderr, "\n") {
		if strings.HasPrefix(l, "cls: ") || strings.HasPrefix(l, "lftp: ") {
			r.err = strings.TrimSpace(l)
		}
	}
	return r
}

func lastMatch(re *regexp.Regexp, s string) string {
	ms := re.FindAllStringSubmatch(s, -1)
	if len(ms) == 0 {
		return ""
	}
	return ms[len(ms)-1][1]
}

// familiesTable renders the rows in scenario order.
func familiesTable(rs []famRow) string {
	slices.SortFunc(rs, func(a, b famRow) int { return a.order - b.order })
	var b strings.Builder
	b.WriteString("| scenario | server | what curl tells the user | after | what lftp does | after | what ftpdiag tells | after |\n")
	b.WriteString("|---|---|---|---:|---|---:|---|---:|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.sc.name, r.sc.server,
			clientSays(r.curl, "listed"), seconds(r.curl.elapsed), clientSays(r.lftp, "listed"), seconds(r.lftp.elapsed),
			famProbeSays(r), seconds(r.probe.Elapsed))
	}
	return b.String()
}

func clientSays(c clientRun, ok string) string {
	via := ""
	if c.via != "" {
		via = " over " + c.via
	}
	switch {
	case c.exit == 0:
		return fmt.Sprintf("%s%s (exit 0)", ok, via)
	case c.exit == -1:
		return fmt.Sprintf("still trying%s when stopped", via)
	}
	msg := c.err
	if msg == "" {
		msg = "no error line"
	}
	return fmt.Sprintf("`%s`%s (exit %d)", cell(msg), via, c.exit)
}

func famProbeSays(r famRow) string {
	if r.probeErr != nil {
		return "did not run: " + cell(r.probeErr.Error())
	}
	res := r.probe.Result
	var parts []string
	for _, f := range res.Findings {
		parts = append(parts, fmt.Sprintf("`%s` %s", f.Code, f.Severity))
		if f.Family != "" {
			parts[len(parts)-1] += " (" + f.Family + ")"
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%s (exit %d)", res.Verdict, r.probe.Exit)
	}
	return fmt.Sprintf("%s: %s (exit %d)", res.Verdict, strings.Join(parts, ", "), r.probe.Exit)
}

// peerBinary is a Debian server unpacked by testdata/peers/fetch.sh.
func peerBinary(t testing.TB, name string) string {
	t.Helper()
	pure := pureFTPdBinary(t) // fetches the peers when they are missing
	bin := filepath.Join(filepath.Dir(pure), name)
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing after fetch.sh: %v", name, err)
		}
		t.Skipf("%s missing: %v", name, err)
	}
	return bin
}

// StartVsftpd runs Debian's vsftpd with listen_ipv6=YES (one socket for
// both families) and anonymous access to a directory holding TestFile, as
// LAB-NOTES says it runs in a container.
func (n *Net) StartVsftpd(t testing.TB, bin string) *Proc {
	t.Helper()
	dir, err := os.MkdirTemp("", "ftpdlab-vsftpd-")
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	root, empty := filepath.Join(dir, "root"), filepath.Join(dir, "empty")
	for _, d := range []string{root, empty} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatalf("lab: %v", err)
		}
	}
	os.Chmod(dir, 0o755)
	if err := os.WriteFile(filepath.Join(root, TestFile), testContent(), 0o644); err != nil {
		t.Fatalf("lab: %v", err)
	}
	conf := []string{
		"listen=NO", "listen_ipv6=YES", fmt.Sprintf("listen_port=%d", FTPPort),
		"background=NO", "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
		"anon_root=" + root, "ftp_username=nobody", "no_anon_password=YES", "run_as_launching_user=YES",
		"seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", "secure_chroot_dir=" + empty,
		"pasv_enable=YES", fmt.Sprintf("pasv_min_port=%d", PasvMin), fmt.Sprintf("pasv_max_port=%d", PasvMax),
		"connect_from_port_20=NO", "xferlog_enable=NO", "tcp_wrappers=NO",
	}
	path := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		t.Fatalf("lab: %v", err)
	}
	p := n.Start(t, n.Server, bin, path)
	n.WaitListen(t, p, n.Server, FTPPort)
	return p
}
