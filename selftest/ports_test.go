package selftest

import (
	"net"
	"os"
	"strconv"
	"strings"
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

func TestCheckBindDeniedWithoutPrivilege(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may bind low ports; the denied case needs an unprivileged user")
	}
	got := CheckBind([]int{21}, func(int) string { return "control" })
	if got[0].Status != BindDenied && got[0].Status != BindInUse {
		t.Errorf("port 21 as a user: %q", got[0].Status)
	}
}
