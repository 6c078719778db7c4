package server_test

import (
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestSweepAnonymous: anonymous users may not sweep unless the server
// allows it, and the refusal names the switch.
func TestSweepAnonymous(t *testing.T) {
	lo, hi := freeRange(t, 5)
	s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: hi, Anonymous: true})
	c := dialCtl(t, s)
	c.do(331, "USER anonymous")
	c.do(230, "PASS guest@example.com")
	if msg := c.do(550, "SITE SWEEP 1"); !strings.Contains(msg, "--allow-anonymous-sweep") {
		t.Errorf("refusal %q does not name --allow-anonymous-sweep", msg)
	}
	dialCtl(t, s).login().do(200, "SITE SWEEP 1") // a user with a password may

	s = servertest.Start(t, server.Config{PasvMin: lo, PasvMax: hi, Anonymous: true, AllowAnonymousSweep: true})
	c = dialCtl(t, s)
	c.do(331, "USER ftp")
	c.do(230, "PASS guest@example.com")
	c.do(200, "SITE SWEEP 1")
}

// TestSweepOnePerAddress: one sweep per client address per minute, however
// many control connections it opens; another address is not held back.
func TestSweepOnePerAddress(t *testing.T) {
	lo, hi := freeRange(t, 5)
	s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: hi})
	dialCtl(t, s).login().do(200, "SITE SWEEP 1")
	other := dialCtlFrom(t, s, localAddr("127.0.0.2")).login()
	waitSweep(t, other) // the first has ended once the other address's starts
	again := dialCtl(t, s).login()
	if msg := again.do(450, "SITE SWEEP 1"); !strings.Contains(msg, "one per address every minute") {
		t.Errorf("refusal %q does not name the per-address limit", msg)
	}
}

// TestSweepOneAtATime: while a sweep runs, another is refused naming the limit.
func TestSweepOneAtATime(t *testing.T) {
	lo, hi := freeRange(t, 5)
	s := servertest.Start(t, server.Config{PasvMin: lo, PasvMax: hi})
	dialCtl(t, s).login().do(200, "SITE SWEEP 5")
	other := dialCtlFrom(t, s, localAddr("127.0.0.2")).login()
	if msg := other.do(450, "SITE SWEEP 1"); !strings.Contains(msg, "one at a time") {
		t.Errorf("refusal %q does not name the limit", msg)
	}
}

// waitSweep starts a one-second sweep on c, retrying while another runs.
func waitSweep(t *testing.T, c *ctl) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		c.tp.PrintfLine("SITE SWEEP 1")
		code, msg, err := c.tp.ReadResponse(0)
		if code == 200 && err == nil {
			return
		}
		if code != 450 || time.Now().After(deadline) {
			t.Fatalf("SITE SWEEP: %d %q %v", code, msg, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
