//go:build unix

package cli

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ftpdiag/server"
)

// startServe runs serve in this process with args (after a listen address
// and a free passive range) until the test ends; it returns the control
// address, stderr and the exit status's channel.
func startServe(t *testing.T, args ...string) (string, *syncBuffer, chan int) {
	t.Helper()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	argv := append([]string{"ftpdiag", "serve", "--listen", "127.0.0.1:0", "--pasv-ports", "47100-47110", "--active-from-20=false"}, args...)
	go func() { done <- run(argv, strings.NewReader(""), &out, &errOut) }()
	addr := waitListening(t, &out, done)
	t.Cleanup(func() {
		if !t.Failed() {
			return // the test stopped serve itself
		}
		// Only serve handles SIGINT in this process, and it still runs:
		// a failed test did not get as far as stopping it.
		syscall.Kill(syscall.Getpid(), syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(serveTestTimeout):
		}
	})
	return addr, &errOut, done
}

// stopServe interrupts serve and waits for its exit status.
func stopServe(t *testing.T, done chan int) int {
	t.Helper()
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case status := <-done:
		return status
	case <-time.After(serveTestTimeout):
		t.Fatal("serve did not stop after SIGINT")
	}
	return -1
}

// ftpLogin connects to addr, optionally over AUTH TLS (cfg), and logs in;
// the reply code of PASS is returned with the connection.
func ftpLogin(t *testing.T, addr, user, pass string, cfg *tls.Config) (*textproto.Conn, net.Conn, int) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, serveTestTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(serveTestTimeout))
	tp := textproto.NewConn(c)
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		tp.PrintfLine("AUTH TLS")
		if _, _, err := tp.ReadResponse(234); err != nil {
			t.Fatal(err)
		}
		tc := tls.Client(c, cfg)
		if err := tc.Handshake(); err != nil {
			t.Fatal(err)
		}
		c, tp = tc, textproto.NewConn(tc)
	}
	tp.PrintfLine("USER %s", user)
	tp.ReadResponse(331)
	tp.PrintfLine("PASS %s", pass)
	code, _, _ := tp.ReadResponse(0)
	return tp, c, code
}

func writeServeCert(t *testing.T, certFile, keyFile string, now time.Time) [32]byte {
	t.Helper()
	cert, err := server.SelfSigned("127.0.0.1", now)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600)
	return sha256.Sum256(cert.Certificate[0])
}

// waitText waits until buf holds text.
func waitText(t *testing.T, buf *syncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(serveTestTimeout)
	for !strings.Contains(buf.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr never said %q:\n%s", text, buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServeSIGHUPReloads: SIGHUP reads the users file and the certificate
// files again, without a restart (issue 21: before, SIGHUP ended serve);
// a broken users file keeps the users serve had, and says why.
func TestServeSIGHUPReloads(t *testing.T) {
	dir := t.TempDir()
	users, certFile, keyFile := filepath.Join(dir, "users"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(users, []byte("john:secret\n"), 0o600)
	first := writeServeCert(t, certFile, keyFile, time.Now().Add(-20*24*time.Hour))
	addr, errOut, done := startServe(t, "--users-file", users, "--tls-cert", certFile, "--tls-key", keyFile)
	var seen [32]byte
	cfg := &tls.Config{InsecureSkipVerify: true, VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
		seen = sha256.Sum256(raw[0])
		return nil
	}}
	if _, _, code := ftpLogin(t, addr, "john", "secret", cfg); code != 230 || seen != first {
		t.Fatalf("before SIGHUP: PASS %d, certificate the first: %v", code, seen == first)
	}

	os.WriteFile(users, []byte("ann:renewed\n"), 0o600)
	renewed := writeServeCert(t, certFile, keyFile, time.Now())
	syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
	waitText(t, errOut, "ftpdiag: reloaded: 1 users, certificate")
	if _, _, code := ftpLogin(t, addr, "ann", "renewed", cfg); code != 230 || seen != renewed {
		t.Errorf("after SIGHUP: ann's PASS %d, the renewed certificate: %v", code, seen == renewed)
	}
	if _, _, code := ftpLogin(t, addr, "john", "secret", nil); code != 530 {
		t.Errorf("after SIGHUP: john, no longer in the file, got %d, want 530", code)
	}

	os.WriteFile(users, []byte("no colon here\n"), 0o600)
	syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
	waitText(t, errOut, "ftpdiag: reload failed, keeping what was loaded: users file")
	if _, _, code := ftpLogin(t, addr, "ann", "renewed", nil); code != 230 {
		t.Errorf("after a bad reload: ann's PASS %d, want 230", code)
	}
	select {
	case status := <-done:
		t.Fatalf("serve exited (%d) on SIGHUP", status)
	default:
	}
	if status := stopServe(t, done); status != 0 {
		t.Errorf("exit status %d after SIGINT, want 0", status)
	}
}

// TestServeSIGTERMGrace: on SIGTERM a running download goes on for up to
// --shutdown-grace and then serve stops: within the grace it completes,
// past it it is cut (issue 21).
func TestServeSIGTERMGrace(t *testing.T) {
	const size = 32 << 20 // more than socket buffers hold, so the transfer waits for the reader
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "big"), make([]byte, size), 0o644)
	tests := []struct {
		name      string
		grace     string
		readAfter time.Duration // the client starts reading the rest this long after SIGTERM
		wantAll   bool
	}{
		{"finishes within the grace", "10s", 200 * time.Millisecond, true},
		{"cut when the grace ends", "300ms", 1500 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, errOut, done := startServe(t, "--user", "john:secret", "--root", root, "--shutdown-grace", tt.grace)
			tp, _, code := ftpLogin(t, addr, "john", "secret", nil)
			if code != 230 {
				t.Fatalf("PASS: %d", code)
			}
			tp.PrintfLine("EPSV")
			_, msg, err := tp.ReadResponse(229)
			if err != nil {
				t.Fatal(err)
			}
			port, _ := strconv.Atoi(msg[strings.Index(msg, "|||")+3 : strings.LastIndex(msg, "|")])
			dc, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), serveTestTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer dc.Close()
			dc.SetDeadline(time.Now().Add(serveTestTimeout))
			tp.PrintfLine("RETR big")
			tp.ReadResponse(150)
			first, _ := io.ReadFull(dc, make([]byte, 1<<20))
			start := time.Now()
			syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
			time.Sleep(tt.readAfter)
			rest, _ := io.Copy(io.Discard, dc)
			got := int64(first) + rest
			var status int
			select {
			case status = <-done:
			case <-time.After(serveTestTimeout):
				t.Fatal("serve did not stop after SIGTERM")
			}
			took := time.Since(start)
			if (got == size) != tt.wantAll {
				t.Errorf("downloaded %d of %d bytes during shutdown; want all: %v\n%s", got, size, tt.wantAll, errOut.String())
			}
			if status != 0 {
				t.Errorf("exit status %d after SIGTERM, want 0", status)
			}
			if !tt.wantAll && !strings.Contains(errOut.String(), "closed with transfers still running") {
				t.Errorf("stderr does not say the transfer was cut:\n%s", errOut.String())
			}
			if !tt.wantAll && took > 3*time.Second {
				t.Errorf("serve took %s to stop with a grace of %s", took, tt.grace)
			}
		})
	}
}
