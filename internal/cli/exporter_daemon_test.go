//go:build unix

package cli

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExporterSIGHUP (issue 21): 'ftpdiag exporter' reloads its modules
// file on SIGHUP and goes on serving (it used to die, exit 129); SIGINT
// still stops it with status 0.
func TestExporterSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ftpdiag.yml")
	write := func(text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("modules:\n  default:\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan int, 1)
	go func() {
		status, _, _ := runCLI(t, "exporter", "--listen", addr, "--config", path)
		done <- status
	}()
	config := func() string {
		resp, err := http.Get("http://" + addr + "/config")
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for deadline := time.Now().Add(serveTestTimeout); config() == "" && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(config(), "default:") {
		t.Fatalf("/config: %q", config())
	}
	write("modules:\n  default:\n  reloaded:\n    timeout: 2s\n")
	syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
	for deadline := time.Now().Add(serveTestTimeout); !strings.Contains(config(), "reloaded:") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(config(), "reloaded:") {
		t.Errorf("after SIGHUP /config is %q", config())
	}
	select {
	case status := <-done:
		t.Fatalf("the exporter ended with status %d after SIGHUP", status)
	default:
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case status := <-done:
		if status != exitOK {
			t.Errorf("exit status %d after SIGINT, want 0", status)
		}
	case <-time.After(serveTestTimeout):
		t.Fatal("the exporter did not stop after SIGINT")
	}
}

// TestExporterWebConfigCheck: a --web.config.file that does not load
// stops the start-up with status 3 and the reason, before it listens.
func TestExporterWebConfigCheck(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "web.yml")
	if err := os.WriteFile(bad, []byte("tls_server_config:\n  cert_file: nosuch.crt\n  key_file: nosuch.key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	status, _, errOut := runCLI(t, "exporter", "--listen", "127.0.0.1:0", "--web.config.file", bad)
	if status != exitUnknown || !strings.Contains(errOut, "--web.config.file") {
		t.Errorf("status %d, stderr %q; want %d naming --web.config.file", status, errOut, exitUnknown)
	}
}
