package selftest

import (
	"fmt"
	"strings"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// The names of the checks the self-test adds to its result about this
// machine, beside the probe's own.
const (
	CheckLocalPorts    = "local ports"
	CheckLocalFirewall = "local firewall"
	CheckFromOutside   = "from outside"
)

// MachineChecks is the self-test's judgement of this machine, as checks of
// the result (so that the JSON form carries it too): the ports it could use,
// the local firewall, and the outside view, which only a second machine has
// and is therefore always "not checked".
func (o *Outcome) MachineChecks() []result.Check {
	pl := o.Plan
	ports := result.Check{Name: CheckLocalPorts, Status: result.Pass,
		Detail: fmt.Sprintf("control %d, passive %d-%d, active from %s", pl.ControlPort, pl.PasvMin, pl.PasvMax, pl.ActiveFrom())}
	if len(pl.Notes) > 0 {
		ports.Status, ports.Detail = result.Warn, ports.Detail+"; "+strings.Join(pl.Notes, "; ")
	}
	fw := result.Check{Name: CheckLocalFirewall, Status: o.Firewall.Status()}
	switch fw.Status {
	case result.NotChecked:
		fw.Detail = o.Firewall.Source
	case result.Fail:
		fw.Detail = fmt.Sprintf("%s: %d rule(s) block FTP ports", o.Firewall.Source, len(o.Firewall.Blockers))
	default:
		fw.Detail = o.Firewall.Source + ": nothing drops or rejects these ports"
	}
	outside := result.Check{Name: CheckFromOutside, Status: result.NotChecked,
		Detail: "only a second machine meets the firewall in front of this one: run " + o.Outside + ", or selftest --from URL of an ftpdiag web service"}
	return []result.Check{ports, fw, outside}
}

// ActiveFrom says where active-mode connections come from.
func (pl Plan) ActiveFrom() string {
	if pl.ActiveFrom20 {
		return "port 20"
	}
	return "any port"
}

// OutsideAnswer is one answer the probe from outside may give (an exit
// status or a finding code) and what it would mean for this machine.
type OutsideAnswer struct {
	Answer string
	Means  string
}

// OutsideAnswers are the answers of the outside probe (Outcome.Outside) that
// matter once the loopback test has passed, and what each would mean.
func (o *Outcome) OutsideAnswers() []OutsideAnswer {
	pl := o.Plan
	return []OutsideAnswer{
		{"exit 0", "clients can log in, list and download from outside"},
		{diagnose.CodeControlTimeout, fmt.Sprintf("a firewall or router in front of this machine drops port %d", pl.ControlPort)},
		{diagnose.CodePassiveTimeout, fmt.Sprintf("the passive range %d-%d is dropped on the way in", pl.PasvMin, pl.PasvMax)},
		{diagnose.CodePassivePartial, "only part of the range is open: --sweep lists the blocked ports"},
		{diagnose.CodePasvPrivate, "this server is behind NAT: start it with --pasv-address <public IP>"},
	}
}
