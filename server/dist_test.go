package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The files in dist/ run `ftpdiag serve` on a host (systemd) or in a
// container (Docker). Neither systemd nor a docker engine runs these tests,
// so the unit is checked with systemd-analyze and the Dockerfile by reading
// it, and both against the flags serve really has (issue 21).

const distDir = "../dist"

// buildFtpdiag builds the command into a temporary directory.
func buildFtpdiag(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ftpdiag")
	out, err := exec.Command("go", "build", "-o", bin, "ftpdiag").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveHelp is `ftpdiag serve --help`: the flags and their environment
// variables that exist.
func serveHelp(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "serve", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("serve --help: %v\n%s", err, out)
	}
	return string(out)
}

var flagName = regexp.MustCompile(`^--([a-z0-9-]+)`)

// unknownFlags lists the --flags of args that serve --help does not know.
func unknownFlags(help string, args []string) []string {
	var bad []string
	for _, a := range args {
		if m := flagName.FindStringSubmatch(a); m != nil && !strings.Contains(help, "--"+m[1]+" ") && !strings.Contains(help, "--"+m[1]+"\t") {
			bad = append(bad, a)
		}
	}
	return bad
}

// unitSettings reads a unit file's Key=Value lines (later ones append).
func unitSettings(t *testing.T, text string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "[") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("unit line without '=': %q", l)
		}
		out[k] = append(out[k], v)
	}
	return out
}

// TestDist checks dist/'s files against one build of ftpdiag.
func TestDist(t *testing.T) {
	bin := buildFtpdiag(t)
	t.Run("systemd unit", func(t *testing.T) { testSystemdUnit(t, bin) })
	t.Run("Dockerfile", func(t *testing.T) { testDockerfile(t, bin) })
}

// testSystemdUnit: dist/ftpdiag-serve.service passes systemd-analyze verify
// without a warning, scores OK (2.0 or less) in its offline security review,
// runs serve as an unprivileged user with only CAP_NET_BIND_SERVICE, and
// gives serve flags it has; reload sends SIGHUP and the stop timeout
// outlasts --shutdown-grace.
func testSystemdUnit(t *testing.T, bin string) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze is missing: apt-get install systemd (test.sh installs it)")
	}
	text, err := os.ReadFile(filepath.Join(distDir, "ftpdiag-serve.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "ftpdiag-serve.service")
	os.WriteFile(unit, bytes.ReplaceAll(text, []byte("/usr/local/bin/ftpdiag"), []byte(bin)), 0o644)

	var stderr bytes.Buffer
	cmd := exec.Command(analyze, "verify", unit)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, stderr.String())
	}
	sec, err := exec.Command(analyze, "security", "--offline=yes", "--threshold=20", unit).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: exposure over 2.0 (%v)\n%s", err, lastLines(string(sec), 3))
	}

	set := unitSettings(t, string(text))
	want := map[string]string{
		"User":                    "ftpdiag",
		"AmbientCapabilities":     "CAP_NET_BIND_SERVICE",
		"CapabilityBoundingSet":   "CAP_NET_BIND_SERVICE",
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectControlGroups":    "yes",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_NETLINK",
	}
	for k, v := range want {
		if got := set[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s=%v, want %s", k, got, v)
		}
	}
	args := strings.Fields(set["ExecStart"][0])
	if args[0] != "/usr/local/bin/ftpdiag" || args[1] != "serve" {
		t.Errorf("ExecStart %v does not run ftpdiag serve", args)
	}
	if bad := unknownFlags(serveHelp(t, bin), args[2:]); len(bad) > 0 {
		t.Errorf("ExecStart gives serve flags it does not have: %v", bad)
	}
	grace := flagValue(args, "--shutdown-grace")
	g, err1 := time.ParseDuration(grace)
	stop, err2 := time.ParseDuration(set["TimeoutStopSec"][0])
	if err1 != nil || err2 != nil || stop <= g {
		t.Errorf("TimeoutStopSec=%s must outlast --shutdown-grace %s", set["TimeoutStopSec"][0], grace)
	}
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// dockerInstruction is one instruction of a Dockerfile, continuation lines
// joined.
type dockerInstruction struct{ op, args string }

func readDockerfile(t *testing.T, path string) ([]dockerInstruction, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []dockerInstruction
	var comments, cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") {
			comments.WriteString(l + "\n")
			continue
		}
		if l == "" && cur.Len() == 0 {
			continue
		}
		if rest, ok := strings.CutSuffix(l, "\\"); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(l)
		op, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, dockerInstruction{strings.ToUpper(op), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out, comments.String()
}

// testDockerfile: dist/Dockerfile builds a static binary (CGO off) with the
// Go of go.mod, runs it as a non-root user in an image without a shell,
// exposes the control port and exactly the passive range serve is given,
// documents --pasv-address, and gives serve flags and variables it has; and
// serve started with the image's environment and command (on a free port
// here) comes up with that passive range.
func testDockerfile(t *testing.T, bin string) {
	ins, comments := readDockerfile(t, filepath.Join(distDir, "Dockerfile"))
	final := 0
	for i, in := range ins {
		if in.op == "FROM" {
			final = i
		}
	}
	var env []string
	var expose []string
	var user, entry, cmd string
	static := false
	for i, in := range ins {
		switch {
		case in.op == "RUN" && strings.Contains(in.args, "CGO_ENABLED=0 go build"):
			static = true
		case i < final:
		case in.op == "USER":
			user = in.args
		case in.op == "ENV":
			env = append(env, strings.Fields(in.args)...)
		case in.op == "EXPOSE":
			expose = append(expose, strings.Fields(in.args)...)
		case in.op == "ENTRYPOINT":
			entry = in.args
		case in.op == "CMD":
			cmd = in.args
		}
	}
	if !static {
		t.Errorf("no CGO_ENABLED=0 go build: the binary would not be static")
	}
	gomod, _ := os.ReadFile("../go.mod")
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil || !strings.Contains(ins[0].args, "golang:"+string(goVersion[1])) {
		t.Errorf("the build stage %q does not use the Go of go.mod (%s)", ins[0].args, goVersion)
	}
	if img := ins[final].args; !strings.Contains(img, "distroless/static") && img != "scratch" {
		t.Errorf("final image %q: want distroless/static or scratch (no shell)", img)
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "0" || name == "root" {
		t.Errorf("USER %q: want a non-root user", user)
	}
	vars := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		vars[k] = v
	}
	pasv := vars["FTPDIAG_PASV_PORTS"]
	_, ctlPort, _ := strings.Cut(vars["FTPDIAG_LISTEN"], ":")
	if strings.Join(expose, " ") != ctlPort+" "+pasv || ctlPort != "21" {
		t.Errorf("EXPOSE %v, want the control port 21 and the passive range %s", expose, pasv)
	}
	lo, hi, _ := strings.Cut(pasv, "-")
	a, _ := strconv.Atoi(lo)
	b, _ := strconv.Atoi(hi)
	if conns, _ := strconv.Atoi(vars["FTPDIAG_MAX_CONNECTIONS"]); conns < 1 || b-a+1 < conns {
		t.Errorf("passive range %s is smaller than FTPDIAG_MAX_CONNECTIONS %d", pasv, conns)
	}
	if !strings.Contains(comments, "FTPDIAG_PASV_ADDRESS=") || !strings.Contains(comments, "-p "+pasv+":"+pasv) {
		t.Errorf("the Dockerfile does not document --pasv-address and publishing the passive range %s", pasv)
	}
	var entryArgs, cmdArgs []string
	if err := json.Unmarshal([]byte(entry), &entryArgs); err != nil || len(entryArgs) != 2 || entryArgs[1] != "serve" {
		t.Fatalf("ENTRYPOINT %s: want the exec form running ftpdiag serve", entry)
	}
	if err := json.Unmarshal([]byte(cmd), &cmdArgs); err != nil {
		t.Fatalf("CMD %s: want the exec form", cmd)
	}

	help := serveHelp(t, bin)
	if bad := unknownFlags(help, cmdArgs); len(bad) > 0 {
		t.Errorf("CMD gives serve flags it does not have: %v", bad)
	}
	for k := range vars {
		if !strings.Contains(help, "$"+k+"]") {
			t.Errorf("ENV %s is not a variable serve reads", k)
		}
	}
	runImageCommand(t, bin, vars, cmdArgs, pasv)
}

// runImageCommand starts serve with the image's environment and command,
// on a free loopback port instead of 21, and checks its summary.
func runImageCommand(t *testing.T, bin string, vars map[string]string, args []string, pasv string) {
	t.Helper()
	c := exec.Command(bin, append([]string{"serve"}, args...)...)
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir()}
	for k, v := range vars {
		c.Env = append(c.Env, k+"="+v)
	}
	c.Env = append(c.Env, "FTPDIAG_LISTEN=127.0.0.1:0")
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		c.Process.Signal(syscall.SIGTERM)
		c.Wait()
	}()
	summary := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "Check it from outside") {
				break
			}
		}
		summary <- b.String()
		for sc.Scan() {
		}
	}()
	select {
	case s := <-summary:
		if !strings.Contains(s, "passive ports  "+pasv) || !strings.Contains(s, "anonymous (read-only)") {
			t.Errorf("serve with the image's settings:\n%s\nwant passive ports %s and anonymous users", s, pasv)
		}
	case <-time.After(testTimeout):
		t.Fatal("serve with the image's settings printed no summary")
	}
}
