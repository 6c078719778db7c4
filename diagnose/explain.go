package diagnose

import (
	"fmt"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// FromLog finishes the findings Diagnose made from a client's log rather
// than from a live probe. A log shows one client's view, once: where two
// causes look alike in it, the finding gets a hint that says so and names
// the probe that tells them apart. The findings are returned in a new slice.
func FromLog(fs []result.Finding, t result.Target) []result.Finding {
	out := make([]result.Finding, 0, len(fs))
	for _, f := range fs {
		f.Hints = append(append([]string{}, f.Hints...), logHints(f.Code, t)...)
		out = append(out, f)
	}
	return out
}

// ProbeCommand is the probe command line for a target: its URL without a
// password (the probe asks for it), and options when given.
func ProbeCommand(t result.Target, options ...string) string {
	cmd := "ftpdiag probe"
	for _, o := range options {
		cmd += " " + o
	}
	return cmd + " " + probeURL(t)
}

func probeURL(t result.Target) string {
	if t.Host == "" {
		return "ftp://HOST/"
	}
	port, user := t.Port, t.User
	if port == 21 {
		port = 0
	}
	if user == "anonymous" || user == "ftp" {
		user = ""
	}
	return ftp.URL("ftp", user, t.Host, port, "/")
}

// logHints are what a log cannot settle, per finding code. A hint line that
// starts with white space is a command to paste.
func logHints(code string, t result.Target) []string {
	probe := func(opts ...string) string { return "    " + ProbeCommand(t, opts...) }
	switch code {
	case CodePassiveTimeout, CodePassiveRefused:
		return []string{fmt.Sprintf("From a log alone this cannot be pinned on one side: a firewall on the server's side "+
			"and one on the client's side (an office firewall allowing only ports 21, 80 and 443 out) both look like this. "+
			"Run the probe from another network, for example from the server itself; if it passes there, the client's side blocks the data ports:\n%s",
			probe("--passive-only"))}
	case CodePasvPrivate:
		return []string{"A log shows what this client made of the address; older clients dial it as it is and fail. " +
			"The probe reports the advertised address and whether the passive ports answer at the control address:\n" + probe("--passive-only")}
	case CodePortRefused, CodeNoCallback:
		return []string{"A log cannot tell a server that refuses active mode outright from one that refuses only the address " +
			"the client sent (a private address behind NAT). The probe compares its own address with the one the server sees:\n" +
			probe("--active-only")}
	case CodeDataRejected:
		return []string{"A log cannot tell whether NAT or a proxy on the client's side changed the data connection's source address, " +
			"or the server checks it too strictly. Run the probe from the same network as the client:\n" + probe()}
	case CodeLoginRejected:
		return []string{"A log cannot tell a wrong password from an unknown or locked account: most servers answer 530 to all three. " +
			"Try the account with the probe, which reads the password from standard input:\n" +
			"    " + ProbeCommand(t, "--password-stdin")}
	case CodeControlTimeout, CodeControlRefused, CodeControlUnreachable:
		return []string{"A log cannot tell whether the server is down or the path to it is blocked. " +
			"Probe it from another network, and from the server itself:\n" + probe()}
	}
	return nil
}

// LogChecks says what a log shows to work and to fail, in the terms of the
// probe's checks: a log that never tried active mode leaves it "not checked".
func LogChecks(entries []result.Entry, fs []result.Finding) []result.Check {
	seen := logSeen(entries)
	worst := map[string]result.Severity{}
	for _, f := range fs {
		if name := checkOf(f.Code); worst[name] != result.Critical {
			worst[name] = f.Severity
		}
	}
	var checks []result.Check
	for _, name := range []string{"control connection", "login", "passive data connection", "active data connection"} {
		status := result.NotChecked
		switch {
		case worst[name] == result.Critical:
			status = result.Fail
		case worst[name] == result.Warning:
			status = result.Warn
		case seen[name]:
			status = result.Pass
		}
		checks = append(checks, result.Check{Name: name, Status: status})
	}
	return checks
}

// logSeen tells which steps the log shows working.
func logSeen(entries []result.Entry) map[string]bool {
	seen := map[string]bool{}
	for _, e := range entries {
		switch {
		case e.Kind == result.Reply && e.Code == ftp.ServiceReady:
			seen["control connection"] = true
		case e.Kind == result.Reply && e.Code == ftp.LoggedIn:
			seen["login"] = true
		case e.Event == nil || e.Event.Outcome != result.Connected:
		case e.Event.Op == result.OpConnect:
			seen["control connection"] = true
		case e.Event.Op == result.OpDataConnect:
			seen["passive data connection"] = true
		case e.Event.Op == result.OpDataAccept:
			seen["active data connection"] = true
		}
	}
	return seen
}

// checkOf names the check a finding code fails.
func checkOf(code string) string {
	switch code {
	case CodeOutOfStep, CodeServerFailed:
		// The server's replies or its session process: everything the
		// control connection carries, whichever command met it.
		return "control connection"
	case CodeDNSFailed, CodeControlRefused, CodeControlTimeout, CodeControlUnreachable,
		CodeControlNoGreeting, CodeControlNotFTP, CodeControlBusy, CodeControlClosed:
		return "control connection"
	case CodeLoginRejected, CodeLoginTLSRequired:
		return "login"
	case CodePortRefused, CodeNoCallback:
		return "active data connection"
	case CodeTLSUnsupported, CodeReplySlow, CodeEPSVUnsupported, CodeClientNAT, CodeALGRewrite, CodeReplyUnread:
		// No check of the server's fails: a client that reads its replies
		// late (control.reply-unread) fails on its own.
		return ""
	}
	return "passive data connection"
}
