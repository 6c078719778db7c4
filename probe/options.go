package probe

import (
	"context"
	"crypto/x509"
	"net"
	"net/netip"
	"time"
)

// Defaults of the command line, as docs/DIAGNOSES.md states them.
const (
	// DefaultTimeout bounds a connection attempt: the smallest time in which
	// a firewall that drops packets can be told apart from a slow network
	// (TCP's first SYN retransmission comes after 1 s, the second after 3 s).
	DefaultTimeout = 5 * time.Second
	// DefaultReplyTimeout bounds waiting for a reply, as FileZilla's 20 s:
	// pure-ftpd delays logins by 3 to 10 s on purpose.
	DefaultReplyTimeout = 20 * time.Second
	// DefaultStallTimeout is how long a data connection may move nothing
	// before the transfer counts as stalled: TCP's retransmission backoff
	// can pause a healthy transfer for several seconds, rarely for ten.
	DefaultStallTimeout = 10 * time.Second
	// DefaultTransferTime bounds one whole transfer, so a server dripping a
	// never-ending listing a byte at a time cannot hold the probe.
	DefaultTransferTime = 60 * time.Second
	// DefaultMaxBytes is where a listing or download is cut: enough for
	// any listing and a sample of a file, small enough to stay quick.
	DefaultMaxBytes = 16 << 20
	// DefaultHandshakeTimeout bounds one TLS handshake, control or data: a
	// few round trips, so a peer that has not finished in this time is not
	// speaking TLS, or something in between eats it.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultSamples is how many PASV replies the range sampling asks for:
	// enough to catch a blocked quarter of a range more often than not.
	DefaultSamples = 8
)

// Options tune a probe. The zero value of a field means its default.
type Options struct {
	Timeout      time.Duration // connection attempts
	ReplyTimeout time.Duration // replies on the control connection
	StallTimeout time.Duration // a data connection moving nothing
	TransferTime time.Duration // one whole transfer
	MaxBytes     int64         // bytes read from one data connection
	Samples      int           // PASV replies asked for by the range sampling
	// HandshakeTimeout bounds one TLS handshake.
	HandshakeTimeout time.Duration
	// Deadline bounds the whole probe: when it passes, every connection
	// is closed and Run returns what it has, the transcript so far and
	// its checks. 0: WorstCase of the other options.
	Deadline time.Duration

	// TLS is the explicit-TLS policy on ftp:// targets (TLSAuto, TLSRequire,
	// TLSOff). Its zero value is TLSOff, so that library callers and tests
	// against plain servers get plain FTP; the command line's default is
	// TLSAuto, as the contract says. ftps:// targets are implicit TLS.
	TLS TLSMode
	// Roots verify the server's certificate; nil: the system roots.
	// Certificate problems are findings, never a reason to stop.
	Roots *x509.CertPool
	// Implicit: TLS from the first byte (set from an ftps:// target).
	Implicit bool
	// TLSMaxVersion caps the TLS version offered (tls.VersionTLS12 ...);
	// 0: crypto/tls's default, TLS 1.3. Tests pin TLS 1.2 with it.
	TLSMaxVersion uint16

	// ComparePlain allows the plain-text comparison session (sessPlain) to
	// log in with a password: it then runs where TLS is in use and the
	// TLS passive data connection failed, the one case where a session
	// without TLS can tell a router's FTP helper (tls.alg-blind) from
	// the rest. Without it, and wherever TLS data works, a password never
	// crosses the network in clear text. Anonymous logins, which have no
	// secret, get the comparison whenever TLS is in use (--compare-plain).
	ComparePlain bool

	PassiveOnly, ActiveOnly bool
	// Family keeps one address family of a name that has both
	// (result.FamilyIPv4 for -4, result.FamilyIPv6 for -6); "" checks both.
	Family string
	// Prefer is the family the whole plan runs over where a name has both
	// (default IPv6, as clients prefer it); the other gets login and a
	// passive listing.
	Prefer string
	// File is the file to download; "" picks the first regular file of
	// the listing.
	File string
	// TrustPasvAddress dials the address a 227 reply names even when it is
	// not the control connection's.
	TrustPasvAddress bool
	// Sweep asks an ftpdiag server to open its whole passive range (SITE
	// SWEEP) and dials every port of it.
	Sweep bool
	// Trace says when to trace the path to a data port hop by hop
	// (TraceOff, the zero value, TraceAuto, TraceAlways).
	Trace TraceMode
	// Status, when set, is told what the probe is waiting for, and how long
	// it will wait at most (0 when no single deadline applies). "" clears it.
	Status func(msg string, limit time.Duration)
	// Resolver looks host names up (default net.DefaultResolver); tests
	// give one that never leaves the machine.
	Resolver Resolver
}

// Resolver is what the probe needs of a *net.Resolver.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Overall deadline shares (docs/README-probe.md, "Time bounds"): a probe's
// longest honest path is one whole transfer (a download cut at the transfer
// time) plus about four full waits in a row in one session (the greeting or
// a delayed login, a data port that drops, a stalled transfer, the reply
// after it); TLS adds a control and a data handshake, and the plain-text
// comparison, which runs after the others, two waits more.
const (
	deadlineWaits      = 4
	deadlineHandshakes = 2
	deadlinePlainWaits = 2
	deadlineSweepWaits = 2 // --sweep: that session, too, runs after the others
)

// WorstCase is the overall deadline the options give where Deadline is 0:
// TransferTime + 4 x the longest single wait (Timeout, ReplyTimeout,
// StallTimeout), + 2 x HandshakeTimeout where TLS is tried, + 2 waits more
// with ComparePlain and 2 more with Sweep. With the defaults: 60 s + 4 x
// 20 s = 140 s, 160 s with TLS. Zero fields count as their defaults.
func (o Options) WorstCase() time.Duration { return o.waitDefaults().worstCase() }

// worstCase is WorstCase of options whose waits are set.
func (o Options) worstCase() time.Duration {
	wait := max(o.Timeout, o.ReplyTimeout, o.StallTimeout)
	total := o.TransferTime + deadlineWaits*wait
	if tlsInPlan(o) {
		total += deadlineHandshakes * o.HandshakeTimeout
	}
	if o.ComparePlain {
		total += deadlinePlainWaits * wait
	}
	if o.Sweep {
		total += deadlineSweepWaits * wait
	}
	return total
}

// waitDefaults sets the waits (and the TLS mode, which adds some) that
// are zero to their defaults.
func (o Options) waitDefaults() Options {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&o.Timeout, DefaultTimeout)
	set(&o.ReplyTimeout, DefaultReplyTimeout)
	set(&o.StallTimeout, DefaultStallTimeout)
	set(&o.TransferTime, DefaultTransferTime)
	set(&o.HandshakeTimeout, DefaultHandshakeTimeout)
	if o.TLS == "" {
		o.TLS = TLSOff
	}
	return o
}

func (o Options) withDefaults() Options {
	o = o.waitDefaults()
	if o.Deadline <= 0 {
		o.Deadline = o.worstCase()
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Samples <= 0 {
		o.Samples = DefaultSamples
	}
	if o.Status == nil {
		o.Status = func(string, time.Duration) {}
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	return o
}
