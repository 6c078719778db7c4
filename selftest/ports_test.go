//go:build unix

package selftest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestCheckBindNamesHolder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := ln.Addr().(*net.TCPAddr).Port

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freePort := free.Addr().(*net.TCPAddr).Port
	free.Close()

	got := CheckBind([]int{held, freePort}, func(int) string { return "passive" })
	if got[0].Status != BindInUse {
		t.Fatalf("held port: status %q, want %q", got[0].Status, BindInUse)
	}
	wantHolder := "(pid " + strconv.Itoa(os.Getpid()) + ")"
	if !strings.HasSuffix(got[0].Holder, wantHolder) {
		t.Errorf("holder %q, want it to end in %q", got[0].Holder, wantHolder)
	}
	if got[1].Status != BindOK {
		t.Errorf("free port: status %q (%v)", got[1].Status, got[1].Err)
	}
}

// TestCheckBindDenied runs the check as the unprivileged user nobody, in a
// child process, since root may bind any port.
func TestCheckBindDenied(t *testing.T) {
	if os.Getenv("FTPDIAG_BIND_CHILD") == "1" {
		got := CheckBind([]int{21}, func(int) string { return "control" })
		fmt.Print(got[0].Status)
		os.Exit(0)
	}
	bin := os.Args[0]
	if os.Geteuid() == 0 {
		bin = copyForNobody(t, bin)
	}
	cmd := exec.Command(bin, "-test.run=^TestCheckBindDenied$")
	cmd.Env = append(os.Environ(), "FTPDIAG_BIND_CHILD=1")
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	if got := string(out); got != string(BindDenied) {
		t.Errorf("binding port 21 as an unprivileged user: %q, want %q", got, BindDenied)
	}
}

// copyForNobody copies the test binary where the user nobody can run it (the
// go tool builds it in a directory only root may enter).
func copyForNobody(t *testing.T, bin string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ftpdiag-bind")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	dst := dir + "/selftest.test"
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}
