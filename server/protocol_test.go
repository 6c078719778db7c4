package server_test

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestReplyCodes runs commands in order on one logged-in session and checks
// every reply code (and the text where it is fixed).
func TestReplyCodes(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("line one\nline two\n"), 0o644)
	os.Mkdir(filepath.Join(root, "sub"), 0o755)
	s := servertest.Start(t, server.Config{Root: root, Writable: true})
	c := dialCtl(t, s).login()
	tests := []struct {
		cmd  string
		want int
		text string // "" when not checked
	}{
		{"SYST", 215, "UNIX Type: L8"},
		{"NOOP", 200, ""},
		{"XYZZY", 502, ""},
		{"TYPE A", 200, ""},
		{"TYPE I", 200, ""},
		{"TYPE E", 504, ""},
		{"TYPE", 501, ""},
		{"MODE S", 200, ""},
		{"MODE B", 504, ""},
		{"STRU F", 200, ""},
		{"STRU R", 504, ""},
		{"OPTS UTF8 ON", 200, ""},
		{"OPTS FOO", 501, ""},
		{"CWD sub", 250, ""},
		{"PWD", 257, `"/sub" is the current directory`},
		{"CDUP", 250, ""},
		{"CWD a.txt", 550, ""},
		{"CWD nowhere", 550, ""},
		{"SIZE a.txt", 213, "18"},
		{"SIZE sub", 550, ""},
		{"SIZE missing", 550, ""},
		{"MDTM missing", 550, ""},
		{"REST x", 501, ""},
		{"REST 5", 350, ""},
		{"RNTO b.txt", 503, ""},
		{"RNFR a.txt", 350, ""},
		{"RNTO b.txt", 250, ""},
		{"RNFR missing", 550, ""},
		{"MKD newdir", 257, `"/newdir" created`},
		{"MKD newdir", 550, ""},
		{"RMD newdir", 250, ""},
		{"RMD b.txt", 550, ""},
		{"DELE sub", 550, ""},
		{"DELE b.txt", 250, ""},
		{"DELE b.txt", 550, ""},
		{"EPSV 2", 522, ""},
		{"ABOR", 225, ""},
		{"AUTH TLS", 502, ""},
		{"SITE NOPE", 504, ""},
		{"RETR", 501, ""},
		{"LIST", 425, ""},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			c.t = t
			got := c.do(tt.want, "%s", tt.cmd)
			if tt.text != "" && got != tt.text {
				t.Errorf("%s: got %q, want %q", tt.cmd, got, tt.text)
			}
		})
	}
}

// TestMultiLine checks the multi-line replies line by line.
func TestMultiLine(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s).login()
	tests := []struct {
		cmd   string
		code  int
		lines []string // lines that must appear (textproto strips the code prefixes)
	}{
		{"FEAT", 211, []string{"Extensions supported:", " EPSV", " MLST type*;size*;modify*;perm*;", " REST STREAM", " UTF8", " SITE FTPDIAG WHOAMI;PORTCHECK;SWEEP", "End"}},
		{"HELP", 214, []string{"The following commands are recognized:", "Help OK"}},
		{"STAT", 211, []string{" Logged in as john", "End of status"}},
		{"STAT /pub", 213, []string{"Status of /pub:", "End of status"}},
		{"MLST test", 250, []string{"Listing /test", " type=file;size=43182;modify=20261123215400;perm=r; /test", "End"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			c.t = t
			got := strings.Split(c.do(tt.code, "%s", tt.cmd), "\n")
			for _, want := range tt.lines {
				if !contains(got, want) {
					t.Errorf("%s: no line %q in %q", tt.cmd, want, got)
				}
			}
		})
	}
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// TestListings checks LIST, NLST and MLSD bodies, and REST with RETR.
func TestListings(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s).login()
	tests := []struct {
		cmd  string
		want string
	}{
		{"NLST", "README.txt\r\npub\r\ntest\r\n"},
		{"NLST pub", "empty\r\nhello.txt\r\n"},
		{"MLSD pub", "type=file;size=0;modify=20261123215400;perm=r; empty\r\ntype=file;size=19;modify=20261123215400;perm=r; hello.txt\r\n"},
		{"LIST -la pub", "-rw-r--r-- 1 ftp ftp            0 Nov 23  2026 empty\r\n-rw-r--r-- 1 ftp ftp           19 Nov 23  2026 hello.txt\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			c.t = t
			dc := c.epsv()
			c.do(150, "%s", tt.cmd)
			got, _ := io.ReadAll(dc)
			c.expect(226)
			if !sameListing(string(got), tt.want) {
				t.Errorf("%s:\ngot  %q\nwant %q", tt.cmd, got, tt.want)
			}
		})
	}
	c.t = t
	c.do(350, "REST 43000")
	if got := len(c.retr("test")); got != 182 {
		t.Errorf("RETR after REST 43000: got %d bytes, want 182", got)
	}
}

// sameListing compares listings, allowing "ls -l" to show the demo date as
// a time of day (when the test runs within six months of it).
func sameListing(got, want string) bool {
	return got == want || strings.ReplaceAll(got, "21:54", " 2026") == want
}

// TestASCIIMode: TYPE A turns LF into CRLF on the way out and back.
func TestASCIIMode(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "unix.txt"), []byte("a\nb\n"), 0o644)
	s := servertest.Start(t, server.Config{Root: root, Writable: true})
	c := dialCtl(t, s).login()
	c.do(200, "TYPE A")
	if got := string(c.retr("unix.txt")); got != "a\r\nb\r\n" {
		t.Errorf("RETR in TYPE A: got %q, want %q", got, "a\r\nb\r\n")
	}
	dc := c.epsv()
	c.do(150, "STOR dos.txt")
	dc.Write([]byte("x\r\ny\r\n"))
	dc.Close()
	c.expect(226)
	if got, _ := os.ReadFile(filepath.Join(root, "dos.txt")); string(got) != "x\ny\n" {
		t.Errorf("STOR in TYPE A stored %q, want %q", got, "x\ny\n")
	}
}

// TestEPSVAll: after EPSV ALL only EPSV may set up data connections.
func TestEPSVAll(t *testing.T) {
	s := servertest.Start(t, server.Config{})
	c := dialCtl(t, s).login()
	c.do(200, "EPSV ALL")
	c.do(503, "PASV")
	c.do(503, "PORT 127,0,0,1,78,32")
	c.do(503, "EPRT |1|127.0.0.1|20000|")
	if got := len(c.retr("test")); got != server.DemoTestSize {
		t.Errorf("RETR over EPSV after EPSV ALL: %d bytes", got)
	}
}

// TestIPv6: EPSV and EPRT over an IPv6 control connection; PASV, which
// cannot carry an IPv6 address, is refused with a pointer to EPSV.
func TestIPv6(t *testing.T) {
	s, err := server.New(server.Config{Listen: "[::1]:0", PasvMin: -1, Users: map[string]string{servertest.User: servertest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := s.Listen() // sets s.Addr() before Serve runs
	if err != nil {
		s.Close()
		t.Skipf("no IPv6 loopback: %v", err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	c := dialCtl(t, s).login()
	if got := c.do(200, "SITE WHOAMI"); !strings.HasPrefix(got, "::1 ") {
		t.Errorf("SITE WHOAMI over IPv6: got %q, want ::1 first", got)
	}
	c.do(425, "PASV")
	c.do(522, "EPSV 1")
	port := c.epsvPort()
	d := net.Dialer{Timeout: testTimeout}
	dc, err := d.Dial("tcp", net.JoinHostPort("::1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	c.do(150, "RETR test")
	if n, _ := io.Copy(io.Discard, dc); n != server.DemoTestSize {
		t.Errorf("RETR over IPv6: %d bytes", n)
	}
	c.expect(226)
	c.do(500, "EPRT |2|::2|20000|")
	c.do(200, "EPRT |2|::1|20000|")
}

// TestSTATDuringTransfer: STAT answers while a transfer runs (RFC 959).
func TestSTATDuringTransfer(t *testing.T) {
	s := servertest.Start(t, server.Config{Faults: server.Faults{StallAfter: 100}, DataTimeout: 2 * time.Second})
	c := dialCtl(t, s).login()
	dc := c.epsv()
	c.do(150, "RETR test")
	if got := c.do(211, "STAT"); !strings.Contains(got, "A transfer is in progress") {
		t.Errorf("STAT during a transfer: got %q", got)
	}
	dc.Close()
	c.expect(426)
}
