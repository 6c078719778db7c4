package foreign

import (
	"net"
	"regexp"
	"strings"
	"time"

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
		if !b.replyLine(line[2:]) {
			b.note(line)
		}
	case strings.HasPrefix(line, "* "):
		curlMessage(b, strings.TrimSpace(line[2:]))
	default:
		b.note(line)
	}
}

func curlMessage(b *builder, text string) {
	s := b.cur
	if curlTLS(b, text) {
		return
	}
	switch {
	case curlTrying.MatchString(text):
		addr := curlTrying.FindStringSubmatch(text)[1]
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
		b.dialed(transcript.Connected, 0, "")
	case curlConnecting.MatchString(text):
		m := curlConnecting.FindStringSubmatch(text)
		b.dialData(net.JoinHostPort(m[1], m[2]))
	case curlDataUp.MatchString(text):
		m := curlDataUp.FindStringSubmatch(text)
		curlEnsureDial(b, net.JoinHostPort(m[1], m[2]), true)
		b.dialed(transcript.Connected, 0, "")
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
			out = transcript.Failed
		}
		curlEnsureDial(b, net.JoinHostPort(m[1], m[2]), b.cur.connected)
		b.dialed(out, 0, m[3])
	case strings.Contains(text, "connect timeout after") || strings.Contains(text, "Connection timed out after"):
		var dur time.Duration
		if m := curlAfterMs.FindStringSubmatch(text); m != nil {
			dur, _ = time.ParseDuration(m[1] + "ms")
		}
		if !b.failed(transcript.Timeout, dur, "") {
			b.note(text)
		}
	case curlFailedTo.MatchString(text) && b.cur.dial != nil:
		m := curlFailedTo.FindStringSubmatch(text)
		dur, _ := time.ParseDuration(m[1] + "ms")
		out, ok := errnoOutcome(m[2])
		if !ok {
			out = transcript.Failed
		}
		b.dialed(out, dur, m[2])
	case strings.HasPrefix(text, "Operation timed out after") && b.cur.connected && b.cur.dial == nil:
		// curl's whole budget ran out while it waited for a reply.
		var dur time.Duration
		if m := curlAfterMs.FindStringSubmatch(text); m != nil {
			dur, _ = time.ParseDuration(m[1] + "ms")
		}
		b.closed("client", transcript.Timeout, dur, strings.TrimSpace(text))
	case strings.HasPrefix(text, "Closing connection") && b.cur.connected:
		b.closed("client", "", 0, "")
	default:
		b.note("* " + text)
	}
}
