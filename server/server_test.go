package server_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

func TestMinimalSession(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s).login()
	if got := c.do(215, "SYST"); got != "UNIX Type: L8" {
		t.Errorf("SYST: got %q, want %q", got, "UNIX Type: L8")
	}
	if got := c.do(257, "PWD"); !strings.HasPrefix(got, `"/"`) {
		t.Errorf("PWD: got %q", got)
	}
	c.do(200, "TYPE I")
	if got := c.do(213, "SIZE test"); got != "43182" {
		t.Errorf("SIZE test: got %q, want 43182", got)
	}
	if got := len(c.retr("test")); got != server.DemoTestSize {
		t.Errorf("RETR test: got %d bytes, want %d", got, server.DemoTestSize)
	}
	dc := c.epsv()
	c.do(150, "LIST")
	list, _ := io.ReadAll(dc)
	c.expect(226)
	for _, want := range []string{"README.txt", "pub", "test"} {
		if !bytes.Contains(list, []byte(want)) {
			t.Errorf("LIST lacks %q:\n%s", want, list)
		}
	}
	c.do(221, "QUIT")
}
