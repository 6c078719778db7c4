package transcript

import (
	"strings"
	"time"

	"ftpdiag/result"
)

// Phase names, in the order a client goes through them: the labels of the
// exporter's ftpdiag_phase_duration_seconds and of the nagios perfdata.
const (
	PhaseResolve  = "resolve"  // the name lookup
	PhaseConnect  = "connect"  // the control connection's TCP handshake
	PhaseGreeting = "greeting" // connected until the server's first reply
	PhaseTLS      = "tls"      // the control connection's TLS handshake
	PhaseLogin    = "login"    // USER sent until the reply that ends the login
	PhaseData     = "data"     // the first PASV/EPSV/PORT/EPRT until its data connection ends
)

// Phase is how long one phase of the first session took.
type Phase struct {
	Name string
	Dur  time.Duration
}

// Phases measures the phases of the first session that connects (the one
// a client with default settings would be): each from the entries that
// start and end it. A phase the transcript does not show both ends of is
// left out, never reported as zero.
func Phases(entries []result.Entry) []Phase {
	var out []Phase
	for _, e := range entries {
		if e.Kind == result.Event && e.Event.Op == result.OpResolve && e.Event.Dur > 0 {
			out = append(out, Phase{PhaseResolve, e.Event.Dur})
			break
		}
	}
	sess := firstConnected(entries)
	if sess == 0 {
		return out
	}
	var own []result.Entry
	for _, e := range entries {
		if e.Session == sess {
			own = append(own, e)
		}
	}
	for _, measure := range []func([]result.Entry) (Phase, bool){connectPhase, greetingPhase, tlsPhase, loginPhase, dataPhase} {
		if p, ok := measure(own); ok {
			out = append(out, p)
		}
	}
	return out
}

// firstConnected is the number of the first session whose control
// connection attempt is recorded; 0 when none is.
func firstConnected(entries []result.Entry) int {
	for _, e := range entries {
		if e.Kind == result.Event && e.Event.Op == result.OpConnect {
			return e.Session
		}
	}
	return 0
}

func connectPhase(es []result.Entry) (Phase, bool) {
	for _, e := range es {
		if e.Kind == result.Event && e.Event.Op == result.OpConnect {
			return Phase{PhaseConnect, e.Event.Dur}, e.Event.Outcome == result.Connected
		}
	}
	return Phase{}, false
}

func greetingPhase(es []result.Entry) (Phase, bool) {
	var from time.Duration = -1
	for _, e := range es {
		switch {
		case e.Kind == result.Event && e.Event.Op == result.OpConnect && e.Event.Outcome == result.Connected:
			from = e.T
		case e.Kind == result.Reply && from >= 0:
			return Phase{PhaseGreeting, e.T - from}, true
		}
	}
	return Phase{}, false
}

func tlsPhase(es []result.Entry) (Phase, bool) {
	for _, e := range es {
		if e.Kind == result.Event && e.Event.Op == result.OpTLS {
			return Phase{PhaseTLS, e.Event.Dur}, e.Event.Dur > 0
		}
	}
	return Phase{}, false
}

// loginPhase runs from USER to the first reply that is not an intermediate
// 3xx (331 asks for the password, 332 for an account): 230 or a refusal.
func loginPhase(es []result.Entry) (Phase, bool) {
	var from time.Duration = -1
	for _, e := range es {
		switch {
		case e.Kind == result.Command && from < 0 && verb(e.Text) == "USER":
			from = e.T
		case e.Kind == result.Reply && from >= 0 && (e.Code < 300 || e.Code >= 400):
			return Phase{PhaseLogin, e.T - from}, true
		}
	}
	return Phase{}, false
}

// dataPhase runs from the first command that sets a data connection up to
// that connection's end: closed, or its attempt failed.
func dataPhase(es []result.Entry) (Phase, bool) {
	var from time.Duration = -1
	for _, e := range es {
		switch {
		case e.Kind == result.Command && from < 0:
			switch verb(e.Text) {
			case "PASV", "EPSV", "PORT", "EPRT":
				from = e.T
			}
		case e.Kind != result.Event || from < 0:
		case e.Event.Op == result.OpDataClose,
			(e.Event.Op == result.OpDataConnect || e.Event.Op == result.OpDataAccept) && e.Event.Outcome != result.Connected:
			return Phase{PhaseData, e.T - from}, true
		}
	}
	return Phase{}, false
}

func verb(line string) string {
	v, _, _ := strings.Cut(line, " ")
	return strings.ToUpper(v)
}
