package foreign

import (
	"net"
	"regexp"
	"strings"
	"time"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// curl -v writes "* " for its own messages, "> " for what it sends and
// "< " for what it receives, on stderr, where its progress meter also goes.
var (
	// One update of the progress meter: eleven columns of numbers and times.
	curlMeter       = regexp.MustCompile(`^\s*\d+\s+[\d.]+[kMGTP]?\s+\d+\s+[\d.]+[kMGTP]?\s+\d+\s+[\d.]+[kMGTP]?\s+[\d.]+[kMGTP]?\s+[\d.]+[kMGTP]?\s+[-:\d]+\s+[-:\d]+\s+[-:\d]+\s+[\d.]+[kMGTP]?`)
	curlMeterHead   = regexp.MustCompile(`^\s*(% Total\s+% Received|Dload\s+Upload\s+Total)`)
	curlTrying      = regexp.MustCompile(`^Trying (\S+?)(?:\.\.\.)?$`)
	curlConnectedTo = regexp.MustCompile(`^Connected to \S+ \((\S+)\) port (\d+)`)
	curlConnecting  = regexp.MustCompile(`^Connecting to \S+ \((\S+)\) port (\d+)`)
	curlDataUp      = regexp.MustCompile(`^Connected 2nd connection to (\S+) port (\d+)`)
	curlConnFailed  = regexp.MustCompile(`^connect to (\S+) port (\d+) failed: (.*)$`)
	curlAfterMs     = regexp.MustCompile(`after (\d+) ?(?:ms|milliseconds)`)
	curlBytes       = regexp.MustCompile(`^[{}] \[\d+ bytes data\]$`)
	curlFailedTo    = regexp.MustCompile(`^Failed to connect to \S+ port \d+ after (\d+) ms: (.*)$`)
)

func curlLine(b *builder, line string) {
	b.scanSecrets(line)
	if curlMeterHead.MatchString(line) {
		return
	}
	for {
		loc := curlMeter.FindStringIndex(line)
		if loc == nil {
			break
		}
		line = line[loc[1]:]
	}
	if strings.TrimSpace(line) == "" || curlBytes.MatchString(line) {
		return
	}
	switch {
	case strings.HasPrefix(line, "> "):
		b.command(line[2:])
	case strings.HasPrefix(line, "< "):
		if !b.replyLine(line[2:]) && !b.banner(line[2:]) {
			b.note(line)
		}
	case strings.HasPrefix(line, "* "):
		curlMessage(b, strings.TrimSpace(line[2:]))
	default:
		b.note(line)
	}
}

// curlTimedOut tells curl's messages for a connection attempt that ran out
// of time; curl words it three ways, depending on which timer fired first.
func curlTimedOut(text string) bool {
	for _, w := range []string{"connect timeout after", "Connection timed out after", "Connection timeout after"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func curlMessage(b *builder, text string) {
	s := b.cur
	if curlTLS(b, text) {
		return
	}
	switch {
	case curlTrying.MatchString(text):
		addr := curlTrying.FindStringSubmatch(text)[1]
		if s.dial != nil && s.dial.data && s.dial.addr == addr {
			return // the data connection "Connecting to" announced
		}
		if s.connected {
			if s.dial == nil || s.dial.addr != addr {
				b.dialData(addr)
			}
			return
		}
		b.dialControl(addr)
	case curlConnectedTo.MatchString(text):
		m := curlConnectedTo.FindStringSubmatch(text)
		curlEnsureDial(b, net.JoinHostPort(m[1], m[2]), false)
		b.dialed(result.Connected, 0, "")
	case curlConnecting.MatchString(text):
		m := curlConnecting.FindStringSubmatch(text)
		b.dialData(net.JoinHostPort(m[1], m[2]))
	case curlDataUp.MatchString(text):
		m := curlDataUp.FindStringSubmatch(text)
		curlEnsureDial(b, net.JoinHostPort(m[1], m[2]), true)
		b.dialed(result.Connected, 0, "")
	case strings.HasPrefix(text, "Skip ") && strings.Contains(text, "for data connection"):
		b.useControlHost()
		b.note("* " + text)
	default:
		curlFailure(b, text)
	}
}

// curlEnsureDial starts the dial a "Connected" line reports when the log
// left out its "Trying" line (older curl versions, or a trimmed paste).
func curlEnsureDial(b *builder, addr string, data bool) {
	if b.cur.dial != nil {
		return
	}
	if data {
		b.dialData(addr)
		return
	}
	b.dialControl(addr)
}

// curlFailure reads curl's messages about a connection that failed. curl
// names the control port in its final "Failed to connect" message even when
// the data connection failed, so that message only counts when no earlier
// line gave the outcome.
func curlFailure(b *builder, text string) {
	switch {
	case curlConnFailed.MatchString(text):
		m := curlConnFailed.FindStringSubmatch(text)
		out, ok := errnoOutcome(m[3])
		if !ok {
			out = result.Failed
		}
		curlEnsureDial(b, net.JoinHostPort(m[1], m[2]), b.cur.connected)
		b.dialed(out, 0, m[3])
	case curlTimedOut(text):
		var dur time.Duration
		if m := curlAfterMs.FindStringSubmatch(text); m != nil {
			dur, _ = time.ParseDuration(m[1] + "ms")
		}
		if !b.failed(result.Timeout, dur, "") {
			b.note(text)
		}
	case curlFailedTo.MatchString(text) && b.cur.dial == nil && curlDataAfterAll(b, text):
		b.note("* " + text)
	case curlFailedTo.MatchString(text) && b.cur.dial != nil:
		m := curlFailedTo.FindStringSubmatch(text)
		dur, _ := time.ParseDuration(m[1] + "ms")
		out, ok := errnoOutcome(m[2])
		if !ok {
			out = result.Failed
		}
		b.dialed(out, dur, m[2])
	case strings.HasPrefix(text, "Operation timed out after") && b.cur.connected && b.cur.dial == nil:
		// curl's whole budget ran out while it waited for a reply.
		var dur time.Duration
		if m := curlAfterMs.FindStringSubmatch(text); m != nil {
			dur, _ = time.ParseDuration(m[1] + "ms")
		}
		b.closed("client", result.Timeout, dur, strings.TrimSpace(text))
	case strings.HasPrefix(text, "Failed EPSV attempt") || strings.HasPrefix(text, "Failed PASV attempt"):
		// The failure before it was the data connection's, whatever port
		// curl's message named: a fragment that starts there read it as
		// the control connection's.
		curlDataAfterEPSV(b)
		b.note("* " + text)
	case strings.HasPrefix(text, "Closing connection") && b.cur.connected:
		b.closed("client", "", 0, "")
	default:
		b.note("* " + text)
	}
}

// curlDataAfterAll handles a fragment that starts at a data connection's
// "Trying" line: read alone it looks like a control connection attempt,
// until curl's closing "Failed to connect to H port P" names the control
// port, which curl does for a failed data connection too. A failed
// connect event to another port than P was then the data connection.
func curlDataAfterAll(b *builder, text string) bool {
	m := regexp.MustCompile(`port (\d+) after`).FindStringSubmatch(text)
	for i := len(b.entries) - 1; i >= 0 && m != nil; i-- {
		e := &b.entries[i]
		if e.Event == nil || e.Session != b.cur.session {
			continue
		}
		_, port, err := net.SplitHostPort(e.Event.Addr)
		if e.Event.Op != result.OpConnect || e.Event.Outcome == result.Connected || err != nil || port == m[1] {
			return false
		}
		ev := *e.Event
		ev.Op = result.OpDataConnect
		e.Event, e.Text = &ev, transcript.Describe(ev)
		return true
	}
	return false
}

// curlDataAfterEPSV turns the session's last failed control connect event
// into the data connection's, when curl then says its EPSV attempt failed.
func curlDataAfterEPSV(b *builder) {
	for i := len(b.entries) - 1; i >= 0; i-- {
		e := &b.entries[i]
		if e.Session != b.cur.session || e.Event == nil {
			continue
		}
		if e.Event.Op != result.OpConnect || e.Event.Outcome == result.Connected {
			return
		}
		ev := *e.Event
		ev.Op = result.OpDataConnect
		e.Event, e.Text = &ev, transcript.Describe(ev)
		return
	}
}
