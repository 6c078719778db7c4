package server_test

import (
	"context"
	"crypto/tls"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ftpdiag/bench/ftpload"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// benchTLS is the load client's TLS: a throw-away certificate, and the key
// exchanges OpenSSL 3.0 and GnuTLS clients offer (bench/loadgen does the same).
func benchTLS() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true, ServerName: "localhost", CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256}}
}

// BenchmarkFTPSSessions200 runs 200 FTPS sessions at once (AUTH TLS, login,
// PBSZ 0, PROT P, LIST, RETR of the 43 KB demo file, QUIT; each data
// connection resuming the session). bench/compare-ftps.sh runs the same
// load against vsftpd and pure-ftpd.
func BenchmarkFTPSSessions200(b *testing.B) {
	const concurrent = 200
	s, _, _ := tlsServer(b, server.Config{MaxConns: 2 * concurrent, MaxPerAddr: 2 * concurrent}, false)
	cfg := ftpload.Config{
		Addr: s.Addr().String(), User: servertest.User, Pass: servertest.Password, File: "test",
		Sessions: concurrent, Concurrent: concurrent, Timeout: 4 * testTimeout, TLS: benchTLS(),
	}
	var total ftpload.Result
	b.ResetTimer()
	for range b.N {
		r := ftpload.Run(context.Background(), cfg)
		total.Sessions += r.Sessions
		total.Failures += r.Failures
		total.Elapsed += r.Elapsed
		if r.FirstError != nil {
			b.Logf("first failure: %v", r.FirstError)
		}
	}
	b.ReportMetric(total.PerSecond(), "sessions/s")
	b.ReportMetric(float64(total.Failures), "failures")
}

// BenchmarkFTPSRETR measures a RETR over a protected data connection
// against a plain RETR of the same file in the same run (sendfile), and
// reports both rates and their ratio: what TLS costs.
func BenchmarkFTPSRETR(b *testing.B) {
	root := b.TempDir()
	if err := os.WriteFile(filepath.Join(root, "big"), make([]byte, benchFileSize), 0o644); err != nil {
		b.Fatal(err)
	}
	s, _, _ := tlsServer(b, server.Config{Root: root}, false)
	base := ftpload.Config{Addr: s.Addr().String(), User: servertest.User, Pass: servertest.Password, Timeout: 4 * testTimeout}
	secure := base
	secure.TLS = benchTLS()
	var tlsTime, plainTime time.Duration
	b.ResetTimer()
	for range b.N {
		tlsTime += timedRETR(b, secure)
		plainTime += timedRETR(b, base)
	}
	mb := float64(benchFileSize) * float64(b.N) / 1e6
	b.ReportMetric(mb/tlsTime.Seconds(), "ftps-MB/s")
	b.ReportMetric(mb/plainTime.Seconds(), "ftp-MB/s")
	b.ReportMetric(plainTime.Seconds()/tlsTime.Seconds(), "ftps/ftp")
}

func timedRETR(b *testing.B, cfg ftpload.Config) time.Duration {
	c, err := ftpload.Login(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	n, err := c.Transfer(context.Background(), "RETR big", struct{ io.Writer }{io.Discard})
	if err != nil || n != benchFileSize {
		b.Fatalf("RETR: %d bytes, %v", n, err)
	}
	return time.Since(start)
}
