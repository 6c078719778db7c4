//go:build linux

package lab

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"ftpdiag/result"
)

var tlsTableFile = flag.String("tls-table", "", "write the FTPS side-by-side table (markdown) to `FILE`")

// ImplicitPort is where the lab's server listens for implicit FTPS.
const ImplicitPort = 990

// tlsScenario is one network with a server speaking TLS.
type tlsScenario struct {
	name     string
	topo     Topology
	serve    []string // extra flags of ftpdiag serve
	implicit bool     // probe and clients use ftps:// on ImplicitPort
	trusted  bool     // the server has a certificate the clients are given
	probe    []string // extra probe flags
	want     *expect
	// checks must pass: the transfer is still checked where the
	// certificate is not trusted.
	checks []string
}

var tlsScenarios = []tlsScenario{
	{name: "FTPS, healthy", trusted: true,
		want: want(result.VerdictOK, "tls.reuse-enforced"), checks: []string{"PASV+LIST", "PASV+RETR"}},
	// Telling the ALG from the rest takes a session without TLS, which
	// sends the password in clear text: only with --compare-plain (issue 30).
	{name: "FTPS behind NAT, router's FTP helper rewrites PASV in plain text only", trusted: true,
		topo:  Topology{ServerNAT: true, ALG: true, Forward: []string{"21"}},
		probe: []string{"--compare-plain"},
		want:  want(result.VerdictCritical, "tls.alg-blind")},
	{name: "FTPS, passive range dropped", trusted: true,
		topo: Topology{RouterRules: []string{fromClient + "tcp dport " + PasvRange + " drop"}},
		want: want(result.VerdictCritical, "data.passive.timeout")},
	{name: "implicit FTPS (port 990)", trusted: true, implicit: true,
		serve: []string{"--implicit-tls", fmt.Sprintf(":%d", ImplicitPort)},
		want:  want(result.VerdictOK, "tls.reuse-enforced"), checks: []string{"TLS", "PASV+LIST", "PASV+RETR"}},
	{name: "FTPS, self-signed certificate", serve: []string{"--tls-self-signed"},
		want: want(result.VerdictWarning, "tls.cert-untrusted", "tls.reuse-enforced"), checks: []string{"PASV+LIST", "PASV+RETR"}},
	// Where TLS works, the probe sends no password in clear text to find
	// out whether plain text would be refused (issue 30): nothing to say.
	{name: "FTPS, plain text refused (--require-tls)", trusted: true, serve: []string{"--require-tls"},
		want: want(result.VerdictOK, "tls.reuse-enforced"), checks: []string{"PASV+LIST", "PASV+RETR"}},
}

// labCert makes a certificate for the server's public and private
// addresses, as an administrator would with openssl.
func labCert(t *testing.T) (cert, key string) {
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
		"-subj", "/CN="+ServerPublic, "-addext", "subjectAltName=IP:"+ServerPublic+",IP:"+ServerPrivate,
		"-keyout", key, "-out", cert).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v: %s", err, out)
	}
	return cert, key
}

// tlsURL is the scenario's target: ftp:// for explicit TLS, ftps:// on the
// implicit port.
func (sc tlsScenario) url() string {
	if sc.implicit {
		return fmt.Sprintf("ftps://%s:%s@%s:%d/", User, Password, ServerPublic, ImplicitPort)
	}
	return URL()
}

// tlsRow is one line of the FTPS table.
type tlsRow struct {
	order      int
	scenario   string
	curl, lftp string
	probe      ProbeRun
}

// TestTLSSideBySide runs every FTPS scenario with the reference server,
// asserts the probe's codes, verdict and time to verdict, and records
// what curl (--ssl-reqd -k) and lftp (ftp:ssl-force) tell a user there.
func TestTLSSideBySide(t *testing.T) {
	Require(t)
	var (
		mu   sync.Mutex
		rows []tlsRow
	)
	t.Run("scenarios", func(t *testing.T) {
		for i, sc := range tlsScenarios {
			t.Run(slug(sc.name), func(t *testing.T) {
				t.Parallel()
				r := runTLSScenario(t, i, sc)
				mu.Lock()
				defer mu.Unlock()
				rows = append(rows, r)
			})
		}
	})
	table := tlsTable(rows)
	if testing.Verbose() {
		fmt.Print("\n" + table)
	}
	if *tlsTableFile != "" {
		if err := os.WriteFile(*tlsTableFile, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runTLSScenario(t *testing.T, order int, sc tlsScenario) tlsRow {
	n := New(t, sc.topo)
	cert, key := labCert(t)
	args := []string{"serve", "--listen", fmt.Sprintf("%s:%d", n.ServerAddr(), FTPPort), "--pasv-ports", PasvRange,
		"--user", User + ":" + Password}
	if !slices.Contains(sc.serve, "--tls-self-signed") {
		args = append(args, "--tls-cert", cert, "--tls-key", key)
	}
	for i, a := range sc.serve {
		if a == "--implicit-tls" { // on the server's own address
			sc.serve[i+1] = n.ServerAddr() + sc.serve[i+1]
		}
	}
	p := n.Start(t, n.Server, ftpdiagBinary(t), append(args, sc.serve...)...)
	n.WaitListen(t, p, n.Server, FTPPort)
	if sc.implicit {
		n.WaitListen(t, p, n.Server, ImplicitPort)
	}
	probeArgs := []string{"probe", "--format", "json", "--timeout", ProbeTimeout.String(), "--tls", "auto", "--trace", "off"}
	if sc.trusted {
		probeArgs = append(probeArgs, "--ca-file", cert)
	}
	probeArgs = append(probeArgs, sc.probe...)
	run, err := n.runProbe(ftpdiagBinary(t), append(probeArgs, sc.url())...)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	checkProbe(t, scenario{name: sc.name, topo: sc.topo}, *sc.want, run)
	for _, name := range sc.checks {
		i := slices.IndexFunc(run.Result.Checks, func(c result.Check) bool { return c.Name == name })
		if i < 0 || run.Result.Checks[i].Status != result.Pass {
			t.Errorf("check %s did not pass: %+v", name, run.Result.Checks)
		}
	}
	return tlsRow{order: order, scenario: sc.name, probe: run, curl: n.curlTLS(sc), lftp: n.lftpTLS(sc)}
}

// runProbe runs the probe with args in the client namespace and decodes
// its JSON result.
func (n *Net) runProbe(bin string, args ...string) (ProbeRun, error) {
	out, err := n.runBounded(probeWait, bin, args...)
	run := ProbeRun{Exit: out.exit, Elapsed: out.elapsed, Stdout: out.stdout, Stderr: out.stderr}
	if err != nil {
		return run, err
	}
	if err := json.Unmarshal([]byte(out.stdout), &run.Result); err != nil {
		return run, fmt.Errorf("probe output (exit %d) is not a JSON result: %w\nstderr: %s", out.exit, err, out.stderr)
	}
	return run, nil
}

// curlTLS is what curl --ssl-reqd -k says there (EPSV off, as the plain
// table does, so that the PASV reply is used).
func (n *Net) curlTLS(sc tlsScenario) string {
	args := []string{"-v", "-sS", "--max-time", fmt.Sprint(int(CurlMaxTime.Seconds())), "--disable-epsv", "--ssl-reqd", "-k", "-o", "/dev/null", sc.url()}
	out, err := n.runBounded(curlWait, "curl", args...)
	switch {
	case err != nil:
		return "did not end: " + cell(err.Error())
	case out.exit == 0:
		return fmt.Sprintf("listing received (exit 0, %s)", seconds(out.elapsed))
	}
	return fmt.Sprintf("`%s` (exit %d, %s)", cell(CurlError(out.stderr)), out.exit, seconds(out.elapsed))
}

// lftpTLS is what lftp says with TLS forced and its retries cut short
// (it retries a refused connection for minutes by default).
func (n *Net) lftpTLS(sc tlsScenario) string {
	script := "set ssl:verify-certificate no; set ftp:ssl-force true; set ftp:ssl-protect-data true; " +
		"set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1; set ftp:prefer-epsv false; " +
		"open " + sc.url() + "; ls"
	out, err := n.runBounded(curlWait, "lftp", "-c", script)
	switch {
	case err != nil:
		return "did not end in " + seconds(curlWait)
	case out.exit == 0:
		return fmt.Sprintf("listing received (exit 0, %s)", seconds(out.elapsed))
	}
	msg := strings.TrimSpace(out.stderr)
	if i := strings.LastIndex(msg, "\n"); i >= 0 {
		msg = msg[i+1:]
	}
	return fmt.Sprintf("`%s` (exit %d, %s)", cell(msg), out.exit, seconds(out.elapsed))
}

func tlsTable(rs []tlsRow) string {
	slices.SortFunc(rs, func(a, b tlsRow) int { return a.order - b.order })
	var b strings.Builder
	b.WriteString("| scenario | curl --ssl-reqd -k | lftp (ftp:ssl-force) | what ftpdiag tells | after |\n")
	b.WriteString("|---|---|---|---|---:|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.scenario, r.curl, r.lftp,
			probeSays(row{probe: r.probe}), seconds(r.probe.Elapsed))
	}
	return b.String()
}
