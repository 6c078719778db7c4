package probe

import (
	"context"
	"slices"
	"testing"
	"time"

	"ftpdiag/report"
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
		if got := codes(out.Result(report.Tool{}).Findings); !slices.Equal(got, want) {
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
	benchProbe(b, server.Faults{AdvertisePortOffset: -2000}, []string{report.CodePassiveRefused})
}
