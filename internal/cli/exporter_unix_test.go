//go:build unix

package cli

import (
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExporterCommand starts 'ftpdiag exporter' without a config, asks its
// status page and a probe, and stops it with SIGINT (exit status 0).
func TestExporterCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan int, 1)
	go func() {
		status, _, _ := runCLI(t, "exporter", "--listen", addr, "--max-concurrent", "2")
		done <- status
	}()
	var page string
	for deadline := time.Now().Add(serveTestTimeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			page = string(b)
			break
		}
	}
	if !strings.Contains(page, "default") {
		t.Fatalf("status page: %q", page)
	}
	resp, err := http.Get("http://" + addr + "/probe?target=ftp://127.0.0.1:1/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `ftpdiag_finding{code="control.refused",severity="critical"} 1`) {
		t.Errorf("probe of a refused port:\n%s", body)
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
