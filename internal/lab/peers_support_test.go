//go:build linux

package lab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The account every lab server has, and its passive port range: ten ports,
// so that a scenario can block part of it.
const (
	User     = "john"
	Password = "secret"
	PasvMin  = 3000
	PasvMax  = 3009
	FTPPort  = 21
)

// PasvRange is the passive range in nft syntax.
var PasvRange = fmt.Sprintf("%d-%d", PasvMin, PasvMax)

// ServerOptions configure a lab FTP server.
type ServerOptions struct {
	// PasvAddress is the address advertised in 227 replies; "" lets the
	// server advertise the address it holds (its private one behind NAT).
	PasvAddress string
	// PasvPorts replaces the passive range ("3000-3999"); reference server only.
	PasvPorts string
	// Listen replaces the control address ("" the server's own address):
	// "any" listens on every address of both families.
	Listen string
}

// URL is the probe's and curl's target: the server's public address.
func URL() string {
	return fmt.Sprintf("ftp://%s:%s@%s:%d/", User, Password, ServerPublic, FTPPort)
}

// StartReference runs `ftpdiag serve` (the binary at bin) in the server
// namespace and waits until it listens.
func (n *Net) StartReference(t testing.TB, bin string, opt ServerOptions) *Proc {
	t.Helper()
	ports := PasvRange
	if opt.PasvPorts != "" {
		ports = opt.PasvPorts
	}
	listen := fmt.Sprintf("%s:%d", n.ServerAddr(), FTPPort)
	switch opt.Listen {
	case "any":
		listen = fmt.Sprintf(":%d", FTPPort)
	case "":
	default:
		listen = opt.Listen
	}
	args := []string{"serve",
		"--listen", listen,
		"--pasv-ports", ports,
		"--user", User + ":" + Password,
	}
	if opt.PasvAddress != "" {
		args = append(args, "--pasv-address", opt.PasvAddress)
	}
	p := n.Start(t, n.Server, bin, args...)
	n.WaitListen(t, p, n.Server, FTPPort)
	return p
}

// StartPureFTPd runs Debian's pure-ftpd (the binary at bin) in the server
// namespace with one virtual user, without reverse DNS (-H), and waits until
// it listens. pure-pw (next to it in usr/bin) writes the user database.
func (n *Net) StartPureFTPd(t testing.TB, bin string, opt ServerOptions) *Proc {
	t.Helper()
	// Not t.TempDir: its parent is private to root, and pure-ftpd drops to
	// the user nobody before it reads the home directory.
	dir, err := os.MkdirTemp("", "ftpdlab-pure-")
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db, err := pureUsers(bin, dir)
	if err != nil {
		t.Fatalf("lab: pure-ftpd users: %v", err)
	}
	bind := fmt.Sprintf("%s,%d", n.ServerAddr(), FTPPort)
	if opt.Listen == "any" {
		bind = fmt.Sprint(FTPPort) // every address of both families
	}
	args := []string{
		"-l", "puredb:" + db,
		"-E", // no anonymous login: it would need a system user ftp
		"-H", // no reverse DNS: the lab has none, and each lookup would stall
		"-S", bind,
		"-p", fmt.Sprintf("%d:%d", PasvMin, PasvMax),
	}

	if opt.PasvAddress != "" {
		args = append(args, "-P", opt.PasvAddress)
	}
	p := n.Start(t, n.Server, bin, args...)
	n.WaitListen(t, p, n.Server, FTPPort)
	return p
}

// passwordHash is Password hashed with SHA-512 crypt (openssl passwd -6
// -salt ftpdlab secret). pure-pw would hash it with argon2id, which costs
// seconds of CPU per login on a shared two-core machine and more when logins
// overlap: the scenarios would then measure the CPU, not the network.
// pure-ftpd accepts any crypt(3) hash in its database.
const passwordHash = "$6$ftpdlab$htLr3ExcQjG8MjgQfCs9GM9UAi8/n1gO0/vjeiu/ed1l6ytOSiiP73HhT83RdoSQAmVAQNSlIbH0o/9QV.KHY1"

// TestFile is the file every lab server has at its root, named and sized as
// the reference server's demo file: big enough (43182 bytes) that a
// firewall can cut a transfer in its middle.
const (
	TestFile     = "test"
	TestFileSize = 43182
)

// testContent is TestFileSize bytes of numbered lines.
func testContent() []byte {
	var b strings.Builder
	for i := 1; b.Len() < TestFileSize; i++ {
		fmt.Fprintf(&b, "line %d of the lab's test file\n", i)
	}
	return []byte(b.String()[:TestFileSize])
}

// pureUsers makes a home directory with TestFile and a puredb database
// holding User, owned by nobody (65534), and returns the database.
// pure-pw (next to pure-ftpd, in usr/bin) compiles the database.
func pureUsers(bin, dir string) (string, error) {
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", err
	}
	file := filepath.Join(home, TestFile)
	if err := os.WriteFile(file, testContent(), 0o644); err != nil {
		return "", err
	}
	for _, p := range []string{dir, home, file} {
		if err := os.Chown(p, 65534, 65534); err != nil {
			return "", err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	// name:hash:uid:gid:gecos:home/./ and twelve limits left empty; "/./"
	// chroots the user to home.
	passwd := filepath.Join(dir, "users.passwd")
	line := fmt.Sprintf("%s:%s:65534:65534::%s/./::::::::::::\n", User, passwordHash, home)
	if err := os.WriteFile(passwd, []byte(line), 0o600); err != nil {
		return "", err
	}
	pw := filepath.Join(filepath.Dir(filepath.Dir(bin)), "bin", "pure-pw")
	db := filepath.Join(dir, "users.pdb")
	if out, err := exec.Command(pw, "mkdb", db, "-f", passwd).CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s mkdb: %w: %s", pw, err, out)
	}
	return db, nil
}
