package server_test

import (
	"net/netip"
	"strings"
	"testing"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestSweepTrustedMonitor (issue 20): a monitoring address the server
// trusts may sweep on every scrape, without the one-per-minute limit;
// other addresses keep it, and one sweep still runs at a time.
func TestSweepTrustedMonitor(t *testing.T) {
	lo, hi := freeRange(t, 5)
	s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: hi,
		SweepTrusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	dialCtl(t, s).login().do(200, "SITE SWEEP 1")
	waitSweep(t, dialCtl(t, s).login()) // again, as soon as the first has ended
	waitSweep(t, dialCtlFrom(t, s, localAddr("127.0.0.2")).login())
	again := dialCtlFrom(t, s, localAddr("127.0.0.2")).login()
	if msg := again.do(450, "SITE SWEEP 1"); !strings.Contains(msg, "one per address every minute") {
		t.Errorf("an untrusted address's second sweep: %q, want the per-address limit", msg)
	}
}
