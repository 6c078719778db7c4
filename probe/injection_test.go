package probe

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// TestInjectionNeverReachesServer: a target whose parts hold CR/LF (as a
// library caller or a module's stored password may hand the probe, past
// ParseTarget) never becomes a second command on the control connection:
// the writer of commands refuses it, and a writable server's file survives
// (issue 30: "a%0d%0aDELE%20victim.txt" deleted it).
func TestInjectionNeverReachesServer(t *testing.T) {
	const evil = "\r\nDELE victim.txt"
	cases := []struct {
		name   string
		target func(t *Target)
	}{
		{"path", func(t *Target) { t.Path = "/a" + evil }},
		{"user", func(t *Target) {
			t.User = servertest.User + "\r\nPASS " + servertest.Password + evil + "\r\nUSER " + servertest.User
		}},
		{"password", func(t *Target) { t.Password = servertest.Password + evil }},
		{"password, LF alone", func(t *Target) { t.Password = servertest.Password + "\nDELE victim.txt" }},
		{"path, NUL", func(t *Target) { t.Path = "/a\x00" + evil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			victim := filepath.Join(root, "victim.txt")
			if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := servertest.Start(t, server.Config{Root: root, Writable: true})
			tg := Target{Host: "127.0.0.1", Port: s.Addr().(*net.TCPAddr).Port, User: servertest.User,
				Password: servertest.Password, HasPass: true, Path: "/"}
			tc.target(&tg)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out := Run(ctx, tg, Options{Timeout: 2 * time.Second, ReplyTimeout: 2 * time.Second})
			if _, err := os.Stat(victim); err != nil {
				t.Errorf("victim.txt: %v; want it kept", err)
			}
			said := false
			for _, e := range out.Log.Entries() {
				if e.Kind == result.Command && strings.Contains(strings.ToUpper(e.Text), "DELE") {
					t.Errorf("the probe sent %q", e.Text)
				}
				said = said || strings.Contains(e.Text, "the probe refused to send")
			}
			if !said {
				t.Errorf("no transcript line says the probe refused to send a command")
			}
		})
	}
}

// TestWriterRefusesControlChars: the one writer of commands refuses a line
// holding any control character, with an error that errors.Is reads as
// ErrControlChar.
func TestWriterRefusesControlChars(t *testing.T) {
	for _, arg := range []string{"a\r\nDELE x", "a\nb", "a\rb", "a\x00b", "a\x1bb", "a\x7fb", "a\u0085b", "a\tb"} {
		if err := checkCommand("LIST " + arg); !errors.Is(err, ErrControlChar) {
			t.Errorf("checkCommand(%q) = %v, want ErrControlChar", "LIST "+arg, err)
		}
	}
	for _, ok := range []string{"LIST", "LIST /a b/c", "RETR caf\u00e9.txt", "PASS p@ss:w/rd"} {
		if err := checkCommand(ok); err != nil {
			t.Errorf("checkCommand(%q) = %v, want nil", ok, err)
		}
	}
}

// TestParseTargetRefusesControlChars: a control character in any part of
// a URL, escaped or not, is a bad URL that errors.Is also reads as
// ErrControlChar (the CLI's exit 3, the exporter's 400), and the error
// names the part without quoting the URL.
func TestParseTargetRefusesControlChars(t *testing.T) {
	const pw = "S3cr3t"
	cases := []struct{ name, raw, part string }{
		{"path CR LF", "ftp://john@127.0.0.1:2220/a%0d%0aDELE%20victim.txt", "the path"},
		{"path LF", "ftp://127.0.0.1/a%0aDELE%20x", "the path"},
		{"path NUL", "ftp://127.0.0.1/a%00", "the path"},
		{"path ESC", "ftp://127.0.0.1/%1b]0;x%07", "the path"},
		{"path C1", "ftp://127.0.0.1/a%C2%85b", "the path"},
		{"user", "ftp://john%0d%0aDELE%20x:" + pw + "@127.0.0.1/", "the user"},
		{"password", "ftp://john:" + pw + "%0d%0aDELE%20x@127.0.0.1/", "the password"},
		{"bare user", "john%0a@127.0.0.1", "the user"},
		{"host escaped", "ftp://127.0.0.1%0a/", "the URL"},
		{"host IPv6 zone", "ftp://[fe80::1%25eth0%0d%0a]/", "the URL"},
		{"raw TAB", "ftp://127.0.0.1/a\tb", "the URL"},
		{"raw LF with password", "ftp://john:" + pw + "@127.0.0.1/a\nDELE x", "the URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTarget(tc.raw)
			if !errors.Is(err, ErrControlChar) || !errors.Is(err, ErrBadURL) {
				t.Fatalf("ParseTarget(%q) = %v, want ErrBadURL and ErrControlChar", tc.raw, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.part+" holds a control character") || strings.Contains(msg, pw) || strings.Contains(msg, "DELE") {
				t.Errorf("error %q: want it to name %q and quote nothing of the URL", msg, tc.part)
			}
		})
	}
}

// TestValidateTarget: parts set after parsing (a password from a file or
// FTPDIAG_PASSWORD, a module's user) are checked by Validate.
func TestValidateTarget(t *testing.T) {
	good := Target{Host: "127.0.0.1", Port: 21, User: "john", Password: "p w:@/", Path: "/a b"}
	if err := good.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v, want nil", good, err)
	}
	for _, set := range []func(*Target){
		func(t *Target) { t.Host = "h\nx" }, func(t *Target) { t.User = "u\r" },
		func(t *Target) { t.Password = "p\r\nDELE x" }, func(t *Target) { t.Path = "/\x00" },
	} {
		bad := good
		set(&bad)
		if err := bad.Validate(); !errors.Is(err, ErrControlChar) {
			t.Errorf("Validate(%q) = %v, want ErrControlChar", []string{bad.Host, bad.User, bad.Password, bad.Path}, err)
		}
	}
}

// TestListingNamesWithControlChars: a file name with a control character
// in a server's listing is passed over when the probe picks a file to
// download, so the writer never has to refuse it and the plan goes on with
// the next regular file.
func TestListingNamesWithControlChars(t *testing.T) {
	s := newScripted(t)
	s.listing = "-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 evil\tname\x1b]0;x\x07\r\n" +
		"-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 hello.txt\r\n"
	var mu sync.Mutex
	var asked []string
	s.handlers["RETR"] = func(c *fconn, arg string) {
		mu.Lock()
		asked = append(asked, arg)
		mu.Unlock()
		c.send("hello")
	}
	o := quick()
	o.PassiveOnly = true
	out := probeAddr(t, "ftp://"+s.addr()+"/", o)
	for _, e := range out.Log.Entries() {
		if strings.Contains(e.Text, "the probe refused to send") {
			t.Errorf("the probe had to refuse a command: %q", e.Text)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(asked)
	if want := []string{"/hello.txt", "hello.txt"}; !slices.Equal(asked, want) {
		t.Errorf("RETR asked for %q, want %q (the typical client's and the probe's own)", asked, want)
	}
}
