package exporter

import (
	"time"

	"ftpdiag/transcript"
)

// certNotAfter reads the certificate's expiry from one TLS event of the
// transcript, when the event carries it. The transcript's TLS events do not
// hold certificate details yet (FTPS is being added); once they do, this is
// the one line to wire, e.g.
//
//	return e.Event.Cert.NotAfter, e.Event.Cert != nil
//
// It is a variable so the metric's test can feed an expiry today.
var certNotAfter = func(e transcript.Entry) (time.Time, bool) { return time.Time{}, false }

// certExpiry is the not-after of the first control connection's
// certificate the transcript shows: data connections resume that session
// and show no certificate of their own.
func certExpiry(entries []transcript.Entry) (time.Time, bool) {
	for _, e := range entries {
		if e.Kind != transcript.Event || e.Event.Op != transcript.OpTLS {
			continue
		}
		if t, ok := certNotAfter(e); ok && !t.IsZero() {
			return t, true
		}
	}
	return time.Time{}, false
}
