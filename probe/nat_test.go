package probe

import (
	"bufio"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// natProxy stands for a NAT router with an FTP ALG between the probe and a
// server: it connects on from another loopback address (127.0.0.2, the
// "public" address the server sees) and, when alg is set, rewrites the
// address in PORT commands as a router's FTP helper would.
func natProxy(t *testing.T, server string, alg bool) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				relay(c, server, alg)
			}()
		}
	}()
	return ln.Addr().String()
}

func relay(c net.Conn, server string, alg bool) {
	defer c.Close()
	d := net.Dialer{Timeout: time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	s, err := d.Dial("tcp", server)
	if err != nil {
		return
	}
	defer s.Close()
	deadline := time.Now().Add(serverDeadline)
	c.SetDeadline(deadline)
	s.SetDeadline(deadline)
	go func() { io.Copy(c, s); c.Close() }()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if alg && strings.HasPrefix(line, "PORT 127,0,0,1,") {
			line = "PORT 127,0,0,2," + strings.TrimPrefix(line, "PORT 127,0,0,1,")
		}
		if _, werr := s.Write([]byte(line)); werr != nil || err != nil {
			return
		}
	}
}

// TestNATAndALG sees the client's NAT through SITE WHOAMI and the rewritten
// PORT through SITE PORTCHECK.
func TestNATAndALG(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	addr := natProxy(t, s.Addr().String(), true)
	res := diagnosed(probeAddr(t, "ftp://"+servertest.User+":"+servertest.Password+"@"+addr+"/", quick()), result.Tool{})
	got := codes(res.Findings)
	for _, want := range []string{diagnose.CodeClientNAT, diagnose.CodeALGRewrite} {
		if !slices.Contains(got, want) {
			t.Errorf("codes = %v, want %s among them\n%s", got, want, render(res.Transcript))
		}
	}
	if res.Network == nil || !strings.HasPrefix(res.Network.SeenAddr, "127.0.0.2:") {
		t.Errorf("network = %+v, want the seen address 127.0.0.2", res.Network)
	}
}
