package probe

import (
	"context"
	"slices"
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// benchProbe runs whole probes of the reference server with faults and
// reports the median wall time, the figure the issue asks for (a mean
// would hide nothing here but be pulled by the odd slow run on a shared
// machine).
func benchProbe(b *testing.B, faults server.Faults, want []string) {
	s := servertest.Start(b, server.Config{Faults: faults})
	target, err := ParseTarget(servertest.URL(s))
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		out := Run(context.Background(), target, Options{})
		times = append(times, time.Since(start))
		if got := codes(diagnosed(out, result.Tool{}).Findings); !slices.Equal(got, want) {
			b.Fatalf("codes = %v, want %v", got, want)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
}

// BenchmarkHealthy probes a healthy loopback server (target: under 100 ms).
func BenchmarkHealthy(b *testing.B) {
	benchProbe(b, server.Faults{}, []string{})
}

// BenchmarkPassiveRefused probes a server whose passive port is closed.
func BenchmarkPassiveRefused(b *testing.B) {
	benchProbe(b, server.Faults{AdvertisePortOffset: -2000}, []string{diagnose.CodePassiveRefused})
}

// BenchmarkSweep1000 sweeps a 1000-port passive range of the reference
// server on loopback (all open: dropped ports need the lab's firewall) and
// reports the median time of the sweep step alone.
func BenchmarkSweep1000(b *testing.B) {
	lo := 40000 + int(time.Now().UnixNano()%20)*500 // a range few tests use; busy ports are skipped
	s := servertest.Start(b, server.Config{PasvMin: lo, PasvMax: lo + 999})
	target, err := ParseTarget(servertest.URL(s))
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	for b.Loop() {
		// The server ends a sweep shortly after its control connection;
		// one sweep at a time. The figure is the sweep step's own time.
		time.Sleep(300 * time.Millisecond)
		out := Run(context.Background(), target, Options{Sweep: true, PassiveOnly: true})
		i := slices.IndexFunc(out.Checks, func(c result.Check) bool { return c.Name == "SITE SWEEP" })
		if i < 0 || out.Checks[i].Status != result.Pass {
			b.Fatalf("sweep check: %+v", out.Checks)
		}
		times = append(times, time.Duration(out.Checks[i].DurationMs)*time.Millisecond)
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "sweep-median-ms")
}

// benchTLS probes the reference server with a trusted self-signed
// certificate in mode, and reports the median time to verdict.
func benchTLS(b *testing.B, implicit bool, mode TLSMode, want []string) {
	now := time.Now()
	cert := certFor(b, now.Add(-time.Hour), now.Add(24*time.Hour), "127.0.0.1")
	target, err := ParseTarget(startTLS(b, server.Config{}, cert, implicit))
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		out := Run(context.Background(), target, Options{TLS: mode, Roots: rootsOf(cert)})
		times = append(times, time.Since(start))
		if got := codes(diagnosed(out, result.Tool{}).Findings); !slices.Equal(got, want) {
			b.Fatalf("codes = %v, want %v", got, want)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
}

// BenchmarkHealthyTLS: the same server with TLS, --tls off, explicit and
// implicit side by side: the price of TLS is a handshake per connection
// (and, with --tls auto, the plain-text session beside the others).
func BenchmarkHealthyTLS(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchTLS(b, false, TLSOff, []string{}) })
	b.Run("explicit", func(b *testing.B) { benchTLS(b, false, TLSAuto, []string{diagnose.CodeTLSReuseEnforced}) })
	b.Run("implicit", func(b *testing.B) { benchTLS(b, true, TLSAuto, []string{diagnose.CodeTLSReuseEnforced}) })
}
