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
	sessMain    = "passive mode: log in, list and download"
	sessRange   = "passive range: which ports the server hands out"
	sessActive  = "active mode: the server connects back (PORT, EPRT)"
	sessTypical = "a typical client's view (github.com/jlaffaye/ftp, default settings)"
	sessOther   = "the other address family: log in and list"
)

var loginSteps = []string{"connect", "greeting", "login"}

// NewPlan lays out the sessions the options ask for.
func NewPlan(o Options) Plan {
	main := append(append([]string{}, loginSteps...), "SYST", "FEAT", "PWD", "SITE WHOAMI")
	if !o.ActiveOnly {
		main = append(main, "PASV+LIST", "EPSV+LIST", "TYPE I", "SIZE", "PASV+RETR")
	}
	p := Plan{{Name: sessMain, Steps: append(main, "QUIT")}}
	if !o.ActiveOnly {
		sample := "PASV sample"
		if o.Sweep {
			sample = "SITE SWEEP"
		}
		p = append(p, SessionPlan{sessRange, append(append([]string{}, loginSteps...), sample, "QUIT")})
	}
	if !o.PassiveOnly {
		p = append(p, SessionPlan{sessActive, append(append([]string{}, loginSteps...), "SITE PORTCHECK", "PORT+LIST", "EPRT+LIST", "QUIT")})
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
