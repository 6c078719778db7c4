package probe

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"ftpdiag/result"
)

// LoadRoots is the system roots plus the PEM certificates of file (the
// --ca-file flag), for Options.Roots.
func LoadRoots(file string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--ca-file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-file %s: no PEM certificate in it", file)
	}
	return pool, nil
}

// checkCert judges the server's certificate as a client that verifies it
// would: the chain against the roots, the name against the host the user
// gave, the dates against the clock. Each is checked on its own, so that
// one problem does not hide another.
func (p *prober) checkCert(cs tls.ConnectionState) []result.CertProblem {
	if len(cs.PeerCertificates) == 0 {
		return []result.CertProblem{{Kind: result.CertUntrusted, Detail: "the server sent no certificate"}}
	}
	leaf := cs.PeerCertificates[0]
	var out []result.CertProblem
	now := time.Now()
	if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		out = append(out, result.CertProblem{Kind: result.CertExpired,
			Detail: fmt.Sprintf("valid from %s to %s, and it is now %s", day(leaf.NotBefore), day(leaf.NotAfter), day(now))})
	}
	if err := leaf.VerifyHostname(p.target.Host); err != nil {
		out = append(out, result.CertProblem{Kind: result.CertNameMismatch, Detail: errText(err)})
	}
	if err := p.verifyChain(cs.PeerCertificates, now); err != nil {
		out = append(out, result.CertProblem{Kind: result.CertUntrusted, Detail: chainText(err, cs.PeerCertificates)})
	}
	return out
}

// verifyChain checks the chain alone: at a time the leaf is valid (its
// dates are checked above), without a name.
func (p *prober) verifyChain(chain []*x509.Certificate, now time.Time) error {
	leaf := chain[0]
	at := now
	if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: p.opts.Roots, Intermediates: inter, CurrentTime: at})
	return err
}

// chainText says why a chain does not verify, in a user's words.
func chainText(err error, chain []*x509.Certificate) string {
	leaf := chain[0]
	var ua x509.UnknownAuthorityError
	switch {
	case errors.As(err, &ua) && leaf.Subject.String() == leaf.Issuer.String() && len(chain) > 1:
		return fmt.Sprintf("self-signed (%s), and the server sent %d certificates", leaf.Subject, len(chain))
	case errors.As(err, &ua) && leaf.Subject.String() == leaf.Issuer.String():
		return "self-signed (" + leaf.Subject.String() + ")"
	case errors.As(err, &ua):
		return fmt.Sprintf("issued by %s, which is not among the trusted roots (the server sent %d certificate(s): an incomplete chain or a private CA)", leaf.Issuer, len(chain))
	}
	return errText(err)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }
