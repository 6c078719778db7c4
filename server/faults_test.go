package server_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestFaults: each injected fault does what its doc comment says.
func TestFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults server.Faults
		check  func(t *testing.T, c *ctl)
	}{
		{"AdvertiseAddress", server.Faults{AdvertiseAddress: "10.0.0.5"}, func(t *testing.T, c *ctl) {
			if got := c.do(227, "PASV"); !strings.Contains(got, "(10,0,0,5,") {
				t.Errorf("PASV: got %q, want the address 10,0,0,5", got)
			}
		}},
		{"AdvertisePortOffset", server.Faults{AdvertisePortOffset: 1}, func(t *testing.T, c *ctl) {
			port := c.epsvPort()
			_, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), testTimeout)
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("dialling the advertised port: %v, want connection refused", err)
			}
			c.dialData(port-1, nil) // the real listener, one below
			c.do(150, "RETR test")
		}},
		{"Reply425", server.Faults{Reply425: true}, func(t *testing.T, c *ctl) {
			c.epsv()
			c.do(425, "RETR test")
		}},
		{"StallAfter", server.Faults{StallAfter: 1000}, func(t *testing.T, c *ctl) {
			dc := c.epsv()
			c.do(150, "RETR test")
			dc.SetReadDeadline(time.Now().Add(100 * time.Millisecond)) // well inside the 300ms data timeout
			n, err := io.Copy(io.Discard, dc)
			if n != 1000 || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("got %d bytes and %v, want 1000 bytes then a stall", n, err)
			}
			dc.Close()
			c.expect(426)
		}},
		{"SizeLie", server.Faults{SizeLie: 10}, func(t *testing.T, c *ctl) {
			if got := c.do(213, "SIZE test"); got != "43192" {
				t.Errorf("SIZE: got %q, want 43192", got)
			}
			dc := c.epsv()
			if got := c.do(150, "RETR test"); !strings.Contains(got, "(43192 bytes)") {
				t.Errorf("150: got %q, want (43192 bytes)", got)
			}
			io.Copy(io.Discard, dc)
			c.expect(226)
		}},
		{"CloseAfter", server.Faults{CloseAfter: "PASV"}, func(t *testing.T, c *ctl) {
			c.tp.PrintfLine("PASV")
			if _, err := c.tp.ReadLine(); err != io.EOF {
				t.Errorf("after PASV: %v, want EOF", err)
			}
		}},
		{"RefuseEPSV", server.Faults{RefuseEPSV: true}, func(t *testing.T, c *ctl) {
			c.do(502, "EPSV")
			c.do(227, "PASV")
		}},
		{"RefusePASV", server.Faults{RefusePASV: true}, func(t *testing.T, c *ctl) {
			c.do(502, "PASV")
			c.do(229, "EPSV")
		}},
		{"RefusePORT", server.Faults{RefusePORT: true}, func(t *testing.T, c *ctl) {
			c.do(500, "PORT 127,0,0,1,78,32")
			c.do(500, "EPRT |1|127.0.0.1|20000|")
		}},
		{"NoCallback", server.Faults{NoCallback: true}, func(t *testing.T, c *ctl) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			c.do(200, "EPRT |1|127.0.0.1|%d|", ln.Addr().(*net.TCPAddr).Port)
			c.do(425, "RETR test")
			ln.(*net.TCPListener).SetDeadline(time.Now())
			if conn, err := ln.Accept(); err == nil {
				conn.Close()
				t.Errorf("the server connected back from %s, want no callback", conn.RemoteAddr())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := servertest.Start(t, server.Config{Faults: tt.faults, DataTimeout: 300 * time.Millisecond})
			c := dialCtl(t, s).login()
			c.t = t
			tt.check(t, c)
		})
	}
}

func TestFaultRequireTLS(t *testing.T) {
	s := servertest.Start(t, server.Config{Faults: server.Faults{RequireTLS: true}})
	c := dialCtl(t, s)
	c.do(530, "USER john")
	c.do(504, "AUTH TLS")
}
