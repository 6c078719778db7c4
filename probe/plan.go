package probe

import (
	"fmt"
	"strings"
)

// Plan is what a probe will do, as data: sessions (separate control
// connections) and the steps of each, in the order a client meets them.
// The first session runs alone up to its FEAT; the others then run beside
// it, at most four at once, since servers limit connections per address.
type Plan []SessionPlan

// SessionPlan is one control connection's steps.
type SessionPlan struct {
	Name  string
	Steps []string
}

// Session purposes, as the transcript heads them.
const (
	sessMain   = "passive mode: log in, list and download"
	sessRange  = "passive range: which ports the server hands out"
	sessActive = "active mode: the server connects back (PORT, EPRT)"
	// sessAlone runs the main session again, alone, after a transfer
	// stalled beside other sessions (run.go).
	sessAlone   = "passive mode again, alone: a transfer stalled while other sessions ran"
	sessTypical = "a typical client's view (github.com/jlaffaye/ftp, default settings)"
	sessOther   = "the other address family: log in and list"
	// sessPlain runs only where TLS is in use (docs/DIAGNOSES.md, "FTPS"):
	// it tells a router that helps plain FTP only, and a server refusing
	// plain text.
	sessPlain = "plain text, where TLS is in use: log in and list without TLS, to compare"
)

// loginSteps are how every session of the plan starts: with TLS where the
// options ask for it (AUTH TLS before the login, PBSZ and PROT after it;
// implicit TLS right after the connection).
func loginSteps(o Options) []string {
	switch {
	case o.Implicit:
		return []string{"connect", "TLS", "greeting", "login", "PBSZ+PROT"}
	case o.TLS == TLSAuto || o.TLS == TLSRequire:
		return []string{"connect", "greeting", "AUTH TLS", "login", "PBSZ+PROT"}
	}
	return []string{"connect", "greeting", "login"}
}

// tlsInPlan tells whether the plan tries TLS at all.
func tlsInPlan(o Options) bool {
	return o.Implicit || o.TLS == TLSAuto || o.TLS == TLSRequire
}

// NewPlan lays out the sessions the options ask for.
func NewPlan(o Options) Plan {
	main := append(loginSteps(o), "SYST", "FEAT", "PWD", "SITE WHOAMI")
	if !o.ActiveOnly {
		main = append(main, "PASV+LIST", "EPSV+LIST", "TYPE I", "SIZE", "PASV+RETR")
		if tlsInPlan(o) {
			main = append(main, "TLS without resumption")
		}
	}
	p := Plan{{Name: sessMain, Steps: append(main, "QUIT")}}
	if !o.ActiveOnly {
		sample := "PASV sample"
		if o.Sweep {
			sample = "SITE SWEEP"
		}
		p = append(p, SessionPlan{sessRange, append(loginSteps(o), sample, "QUIT")})
	}
	if !o.PassiveOnly {
		p = append(p, SessionPlan{sessActive, append(loginSteps(o), "SITE PORTCHECK", "PORT+LIST", "EPRT+LIST", "QUIT")})
	}
	if !o.ActiveOnly && !o.Implicit && o.TLS == TLSAuto {
		p = append(p, SessionPlan{sessPlain, []string{"connect", "greeting", "login", "PASV+LIST", "QUIT"}})
	}
	if !o.ActiveOnly {
		p = append(p, SessionPlan{sessTypical, []string{"client login", "client LIST", "client RETR"}})
	}
	return p
}

// String writes one line per session: "1 NAME: step, step, ...".
func (p Plan) String() string {
	var b strings.Builder
	for i, s := range p {
		fmt.Fprintf(&b, "%d %s: %s\n", i+1, s.Name, strings.Join(s.Steps, ", "))
	}
	return b.String()
}
