package server_test

import (
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestPasvAddressNotForLoopback: --pasv-address is the public address for
// clients outside the NAT; a client on this machine (selftest's loopback
// probe beside a probe from outside) gets the address it reached us on.
func TestPasvAddressNotForLoopback(t *testing.T) {
	s := servertest.Start(t, server.Config{PasvAddress: "203.0.113.7"})
	c := dialCtl(t, s).login()
	if got := c.do(227, "PASV"); !strings.Contains(got, "(127,0,0,1,") {
		t.Errorf("PASV over loopback with --pasv-address: got %q, want 127,0,0,1", got)
	}
}
