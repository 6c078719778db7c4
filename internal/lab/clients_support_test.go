//go:build linux

package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"ftpdiag/result"
	"os/exec"
	"strings"
	"time"
)

const (
	// ProbeTimeout is the probe's --timeout in the lab: short, to keep the
	// suite short, and still far above the lab's sub-millisecond round trips.
	ProbeTimeout = 2 * time.Second
	// probeWait bounds a whole probe run: the contract's worst case is three
	// timeouts plus the server's replies (pure-ftpd: up to ~10 s per login),
	// so a minute means the probe hangs.
	probeWait = time.Minute
	// CurlMaxTime is curl's --max-time: what a patient user would wait.
	CurlMaxTime = 30 * time.Second
	// curlWait bounds a curl run a little above its own --max-time.
	curlWait = CurlMaxTime + 10*time.Second
)

// ProbeRun is one run of `ftpdiag probe --format json` in the client
// namespace.
type ProbeRun struct {
	Result  result.Result
	Exit    int
	Elapsed time.Duration // wall time from start to exit
	Stdout  string
	Stderr  string
}

// Probe runs the probe (the binary at bin) against URL from the client
// namespace and decodes its JSON result.
func (n *Net) Probe(bin string, extra ...string) (ProbeRun, error) {
	// Plain FTP unless the scenario asks for TLS (a later --tls wins): the
	// servers of the plain scenarios have none, and tls.unsupported is not
	// what they are about.
	args := append([]string{"probe", "--format", "json", "--timeout", ProbeTimeout.String(), "--tls", "off", "--trace", "off"}, extra...) // the hop trace has its own lab test (hops_test.go)
	args = append(args, URL())
	out, err := n.runBounded(probeWait, bin, args...)
	run := ProbeRun{Exit: out.exit, Elapsed: out.elapsed, Stdout: out.stdout, Stderr: out.stderr}
	if err != nil {
		return run, err
	}
	return run, decodeProbe(&run)
}

// decodeProbe reads the probe's JSON result from its output.
func decodeProbe(run *ProbeRun) error {
	if err := json.Unmarshal([]byte(run.Stdout), &run.Result); err != nil {
		return fmt.Errorf("probe output (exit %d) is not a JSON result: %w\nstdout: %s\nstderr: %s", run.Exit, err, run.Stdout, run.Stderr)
	}
	return nil
}

// CurlRun is what curl told about one scenario.
type CurlRun struct {
	Active  bool
	Got     string // what was asked for: "listing" or "file NAME"
	Exit    int
	Error   string // curl's "curl: (N) ..." line; "" when it succeeded
	Elapsed time.Duration
	Verbose string // everything curl -v wrote on stderr
}

// Curl lists the server's root directory as a user would, or downloads
// file when it is not "", in passive mode (EPSV off, so the server's PASV
// reply is used) or active mode (-P -).
func (n *Net) Curl(active bool, file string) (CurlRun, error) {
	args := []string{"-v", "-sS", "--max-time", fmt.Sprint(int(CurlMaxTime.Seconds())), "--disable-epsv", "-o", "/dev/null"}
	if active {
		args = append(args, "-P", "-")
	}
	args = append(args, URL()+file)
	out, err := n.runBounded(curlWait, "curl", args...)
	got := "listing"
	if file != "" {
		got = "file " + file
	}
	return CurlRun{Active: active, Got: got, Exit: out.exit, Error: CurlError(out.stderr), Elapsed: out.elapsed, Verbose: out.stderr}, err
}

// CurlError is the error line curl printed last, or "" when there is none.
func CurlError(stderr string) string {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "curl: (") {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

// output is what a bounded run left behind; exit is -1 when the program
// did not end by itself.
type output struct {
	exit           int
	stdout, stderr string
	elapsed        time.Duration
}

// runBounded runs name in the client namespace, no longer than limit; err
// is set only when it could not run or ran past limit.
func (n *Net) runBounded(limit time.Duration, name string, args ...string) (output, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Client, name}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	out := output{exit: -1, stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s still running after %v: %w", name, limit, ctx.Err())
	case errors.As(err, &exitErr):
		out.exit = exitErr.ExitCode()
	case err != nil:
		return out, fmt.Errorf("run %s: %w", name, err)
	default:
		out.exit = 0
	}
	return out, nil
}
