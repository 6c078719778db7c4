package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"os"
)

// What SIGHUP reloads (issue 21): the users and the certificate, so a
// renewed Let's Encrypt certificate or a new user needs no restart and
// drops no session. Sessions already open keep their TLS connection; new
// handshakes, control and data, get the new certificate, and the next
// login is checked against the new users.

// Sources are the files serve read its users and certificate from; Reload
// reads them again.
type Sources struct {
	UsersFile         string            // "": none
	Users             map[string]string // given on the command line; over the file's
	CertFile, KeyFile string            // "": the certificate is not reloaded
}

// Reload reads src again and puts the result in place for what comes
// next. On any error nothing changes, and the error says why; the string
// says what was reloaded.
func (s *Server) Reload(src Sources) (string, error) {
	users, err := src.readUsers()
	if err != nil {
		return "", err
	}
	if len(users) == 0 && !s.cfg.Anonymous {
		return "", fmt.Errorf("%w: no users in %s: nobody could log in", ErrConfig, src.UsersFile)
	}
	var cert *tls.Certificate
	if src.CertFile != "" {
		if cert, err = loadCertificate(src.CertFile, src.KeyFile); err != nil {
			return "", err
		}
		if s.tlsBase == nil {
			return "", fmt.Errorf("%w: the server was started without TLS; a certificate needs a restart", ErrConfig)
		}
	}
	s.users.Store(&users)
	done := fmt.Sprintf("%d users", len(users))
	if cert != nil {
		s.cert.Store(cert)
		done += fmt.Sprintf(", certificate %s valid until %s", cert.Leaf.Subject, cert.Leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST"))
	}
	return done, nil
}

func (src Sources) readUsers() (map[string]string, error) {
	users := map[string]string{}
	if src.UsersFile != "" {
		f, err := os.Open(src.UsersFile)
		if err != nil {
			return nil, fmt.Errorf("users file: %w", err)
		}
		defer f.Close()
		if users, err = ParseUsers(f); err != nil {
			return nil, fmt.Errorf("users file %s: %w", src.UsersFile, err)
		}
	}
	maps.Copy(users, src.Users)
	return users, nil
}

// loadCertificate reads a PEM certificate (chain) and its key, with the
// leaf parsed.
func loadCertificate(certFile, keyFile string) (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("certificate %s, key %s: %w", certFile, keyFile, err)
	}
	if cert.Leaf == nil {
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, fmt.Errorf("certificate %s: %w", certFile, err)
		}
	}
	return &cert, nil
}

// currentUsers are the users logins are checked against now.
func (s *Server) currentUsers() map[string]string { return *s.users.Load() }

// errNoCert: a handshake on a server started without TLS (never offered).
var errNoCert = errors.New("no certificate")

// currentCert is the certificate new handshakes present now.
func (s *Server) currentCert() *tls.Certificate { return s.cert.Load() }
