package server_test

import (
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestFEATAnnouncesPassiveRange: a configured range is in FEAT, so a
// probe's hint can name the whole range from one PASV (issue 20); "any free
// port" (-1) has none to announce.
func TestFEATAnnouncesPassiveRange(t *testing.T) {
	s := servertest.Start(t, server.Config{PasvMin: 30800, PasvMax: 30809})
	if got := dialCtl(t, s).login().do(211, "FEAT"); !strings.Contains(got, " FTPDIAG-PASV-RANGE 30800-30809") {
		t.Errorf("FEAT without the range:\n%s", got)
	}
	any := servertest.Start(t, server.Config{})
	if got := dialCtl(t, any).login().do(211, "FEAT"); strings.Contains(got, "FTPDIAG-PASV-RANGE") {
		t.Errorf("FEAT of a server on any free port names a range:\n%s", got)
	}
}
