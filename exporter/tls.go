package exporter

import (
	"time"

	"ftpdiag/result"
)

// certNotAfter reads the certificate's expiry from one TLS event of the
// transcript: the control connection's handshake carries the certificate.
func certNotAfter(e result.Entry) (time.Time, bool) {
	if e.Event.TLS == nil || e.Event.TLS.Cert == nil {
		return time.Time{}, false
	}
	return e.Event.TLS.Cert.NotAfter, true
}

// certExpiry is the not-after of the first control connection's
// certificate the transcript shows: data connections resume that session
// and show no certificate of their own.
func certExpiry(entries []result.Entry) (time.Time, bool) {
	for _, e := range entries {
		if e.Kind != result.Event || e.Event.Op != result.OpTLS {
			continue
		}
		if t, ok := certNotAfter(e); ok && !t.IsZero() {
			return t, true
		}
	}
	return time.Time{}, false
}
