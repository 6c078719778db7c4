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
	Kind  SessionKind
	Steps []Step
}

// SessionKind is what a session of the plan is for. Its String is the
// session's heading in the transcript (docs/DIAGNOSES.md quotes them).
type SessionKind int

// The kinds of session, in no particular order: the plan orders them.
const (
	SessMain    SessionKind = iota // passive mode: log in, list and download
	SessRange                      // the passive range: which ports the server hands out
	SessActive                     // active mode: PORT and EPRT
	SessTypical                    // a standard client library with its defaults
	SessOther                      // the other address family: log in and list
	// SessPlain runs only where TLS is in use (docs/DIAGNOSES.md, "FTPS"):
	// it tells a router that helps plain FTP only, and a server refusing
	// plain text. With a password, only where TLS data failed and
	// Options.ComparePlain allows it.
	SessPlain
	numSessionKinds
)

var sessionHeadings = [numSessionKinds]string{
	SessMain:    "passive mode: log in, list and download",
	SessRange:   "passive range: which ports the server hands out",
	SessActive:  "active mode: the server connects back (PORT, EPRT)",
	SessTypical: "a typical client's view (github.com/jlaffaye/ftp, default settings)",
	SessOther:   "the other address family: log in and list",
	SessPlain:   "plain text, where TLS is in use: log in and list without TLS, to compare",
}

// againAlone heads the main session run once more, alone, after a
// transfer stalled beside other sessions (run.go); its steps are the main
// session's.
const againAlone = "passive mode again, alone: a transfer stalled while other sessions ran"

func (k SessionKind) String() string {
	if k < 0 || k >= numSessionKinds {
		return fmt.Sprintf("SessionKind(%d)", int(k))
	}
	return sessionHeadings[k]
}

// Step is one step of a session. Its String is the step's name in the plan
// and the name of the check it records (the JSON contract's check names).
type Step int

// The steps, in the order a session may run them.
const (
	StepConnect Step = iota
	StepTLS          // implicit TLS, before the greeting
	StepGreeting
	StepAuthTLS
	StepLogin
	StepProtect // PBSZ 0 and PROT P
	StepSYST
	StepFEAT
	StepPWD
	StepWhoami // SITE WHOAMI
	StepPasvList
	StepEpsvList
	StepTypeI
	StepSize
	StepRetr
	StepNoResume // a data connection offering no TLS session
	StepSample   // PASV replies asked for, to see the range
	StepSweep    // SITE SWEEP
	StepPortcheck
	StepPortList
	StepEprtList
	StepQuit
	StepClientLogin // the typical client's steps
	StepClientList
	StepClientRetr
	numSteps
)

// stepInfo is what the plan knows of a step besides its place.
type stepInfo struct {
	name string
	run  stepFunc
	// once: every session repeats it; its check counts in the first only.
	once bool
	// client: a step of the typical client, whose check is named apart.
	client bool
}

// stepTable holds every step's name and function; TestStepTable checks
// that none is missing. It is filled in init, since the functions reach
// back to the plan.
var stepTable [numSteps]stepInfo

func init() {
	stepTable = [numSteps]stepInfo{
		StepConnect:     {name: "connect", run: (*sessRun).connect, once: true},
		StepTLS:         {name: "TLS", run: (*sessRun).implicitTLS, once: true},
		StepGreeting:    {name: "greeting", run: (*sessRun).greeting, once: true},
		StepAuthTLS:     {name: "AUTH TLS", run: (*sessRun).authTLS, once: true},
		StepLogin:       {name: "login", run: (*sessRun).login, once: true},
		StepProtect:     {name: "PBSZ+PROT", run: (*sessRun).protect, once: true},
		StepSYST:        {name: "SYST", run: simple("SYST")},
		StepFEAT:        {name: "FEAT", run: (*sessRun).feat},
		StepPWD:         {name: "PWD", run: simple("PWD")},
		StepWhoami:      {name: "SITE WHOAMI", run: (*sessRun).whoami},
		StepPasvList:    {name: "PASV+LIST", run: (*sessRun).pasvList},
		StepEpsvList:    {name: "EPSV+LIST", run: (*sessRun).epsvList},
		StepTypeI:       {name: "TYPE I", run: simple("TYPE I")},
		StepSize:        {name: "SIZE", run: (*sessRun).size},
		StepRetr:        {name: "PASV+RETR", run: (*sessRun).retr},
		StepNoResume:    {name: "TLS without resumption", run: (*sessRun).noResume},
		StepSample:      {name: "PASV sample", run: (*sessRun).sample},
		StepSweep:       {name: "SITE SWEEP", run: (*sessRun).sweep},
		StepPortcheck:   {name: "SITE PORTCHECK", run: (*sessRun).portcheckArm},
		StepPortList:    {name: "PORT+LIST", run: (*sessRun).portList},
		StepEprtList:    {name: "EPRT+LIST", run: (*sessRun).eprtList},
		StepQuit:        {name: "QUIT", run: (*sessRun).quit, once: true},
		StepClientLogin: {name: "client login", run: (*sessRun).clientLogin, client: true},
		StepClientList:  {name: "client LIST", run: (*sessRun).clientList, client: true},
		StepClientRetr:  {name: "client RETR", run: (*sessRun).clientRetr, client: true},
	}
}

func (s Step) String() string {
	if s < 0 || s >= numSteps {
		return fmt.Sprintf("Step(%d)", int(s))
	}
	return stepTable[s].name
}

// checkName is the name of the check a step records: the step's name, the
// typical client's prefixed so that they read apart ("typical client: LIST").
func (s Step) checkName() string {
	if stepTable[s].client {
		return "typical client: " + strings.TrimPrefix(s.String(), "client ")
	}
	return s.String()
}

// loginSteps are how every session of the plan starts: with TLS where the
// options ask for it (AUTH TLS before the login, PBSZ and PROT after it;
// implicit TLS right after the connection).
func loginSteps(o Options) []Step {
	switch {
	case o.Implicit:
		return []Step{StepConnect, StepTLS, StepGreeting, StepLogin, StepProtect}
	case o.TLS == TLSAuto || o.TLS == TLSRequire:
		return []Step{StepConnect, StepGreeting, StepAuthTLS, StepLogin, StepProtect}
	}
	return []Step{StepConnect, StepGreeting, StepLogin}
}

// tlsInPlan tells whether the plan tries TLS at all.
func tlsInPlan(o Options) bool {
	return o.Implicit || o.TLS == TLSAuto || o.TLS == TLSRequire
}

// NewPlan lays out the sessions the options ask for.
func NewPlan(o Options) Plan {
	main := append(loginSteps(o), StepSYST, StepFEAT, StepPWD, StepWhoami)
	if !o.ActiveOnly {
		main = append(main, StepPasvList, StepEpsvList, StepTypeI, StepSize, StepRetr)
		if tlsInPlan(o) {
			main = append(main, StepNoResume)
		}
	}
	p := Plan{{Kind: SessMain, Steps: append(main, StepQuit)}}
	if !o.ActiveOnly {
		sample := StepSample
		if o.Sweep {
			sample = StepSweep
		}
		p = append(p, SessionPlan{SessRange, append(loginSteps(o), sample, StepQuit)})
	}
	if !o.PassiveOnly {
		p = append(p, SessionPlan{SessActive, append(loginSteps(o), StepPortcheck, StepPortList, StepEprtList, StepQuit)})
	}
	if !o.ActiveOnly && !o.Implicit && o.TLS == TLSAuto {
		p = append(p, SessionPlan{SessPlain, []Step{StepConnect, StepGreeting, StepLogin, StepPasvList, StepQuit}})
	}
	if !o.ActiveOnly {
		p = append(p, SessionPlan{SessTypical, []Step{StepClientLogin, StepClientList, StepClientRetr}})
	}
	return p
}

// String writes one line per session: "1 NAME: step, step, ...".
func (p Plan) String() string {
	var b strings.Builder
	for i, s := range p {
		names := make([]string, len(s.Steps))
		for j, st := range s.Steps {
			names[j] = st.String()
		}
		fmt.Fprintf(&b, "%d %s: %s\n", i+1, s.Kind, strings.Join(names, ", "))
	}
	return b.String()
}
