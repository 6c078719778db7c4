package transcript

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// Indent is how far continuation lines of a reply, and notes, stand in,
// as in the sample transcripts that FTP servers' manuals show.
const Indent = "      "

// Describe makes the sentence an event line shows when none was given.
func Describe(ev result.EventInfo) string {
	switch ev.Op {
	case result.OpSession:
		return "session"
	case result.OpResolve:
		if ev.Outcome == result.Resolved {
			return fmt.Sprintf("%s resolves to %s%s", ev.Addr, ev.Local, took(ev))
		}
		return fmt.Sprintf("%s does not resolve%s", ev.Addr, because(ev))
	case result.OpConnect:
		return "control connection to " + ev.Addr + ": " + outcomeText(ev)
	case result.OpDataConnect:
		return "data connection to " + ev.Addr + ": " + outcomeText(ev)
	case result.OpDataListen:
		if ev.Outcome == result.Failed {
			return "cannot listen for a data connection" + because(ev)
		}
		return "listening for a data connection on " + ev.Addr
	case result.OpDataAccept:
		if ev.Outcome == result.Timeout {
			return fmt.Sprintf("no data connection arrived in %s", Human(ev.Dur))
		}
		return "data connection from " + ev.Addr + ": " + outcomeText(ev)
	case result.OpDataClose:
		return fmt.Sprintf("data connection closed by the %s: %s, %d bytes%s", orUnknown(ev.By), ev.Outcome, ev.Bytes, took(ev))
	case result.OpClose:
		return fmt.Sprintf("control connection closed by the %s%s", orUnknown(ev.By), because(ev))
	case result.OpTLS:
		return describeTLS(ev)
	}
	return string(ev.Op) + ": " + outcomeText(ev)
}

func outcomeText(ev result.EventInfo) string {
	switch ev.Outcome {
	case result.Connected:
		return "connected" + took(ev)
	case result.Timeout:
		return "no answer after " + Human(ev.Dur)
	case result.Refused:
		return "refused (connection reset)" + took(ev)
	case result.Unreachable:
		return "unreachable" + because(ev)
	case result.Rejected:
		return "rejected" + because(ev)
	case "":
		return "unknown"
	}
	return string(ev.Outcome) + because(ev)
}

func took(ev result.EventInfo) string {
	if ev.Dur <= 0 {
		return ""
	}
	return " in " + Human(ev.Dur)
}

func because(ev result.EventInfo) string {
	if ev.Err == "" {
		return ""
	}
	return " (" + ev.Err + ")"
}

func orUnknown(s string) string {
	if s == "" {
		return "peer"
	}
	return s
}

// Human writes a duration the way a person would say it: 5s, 1.5s, 230ms, 0.4ms.
func Human(d time.Duration) string {
	switch {
	case d >= time.Second:
		return strconv.FormatFloat(float64(d.Round(10*time.Millisecond))/1e9, 'f', -1, 64) + "s"
	case d >= 10*time.Millisecond:
		return strconv.Itoa(int(d.Round(time.Millisecond)/time.Millisecond)) + "ms"
	case d >= time.Millisecond:
		return strconv.FormatFloat(float64(d.Round(100*time.Microsecond))/1e6, 'f', -1, 64) + "ms"
	}
	return strconv.FormatFloat(float64(d.Round(10*time.Microsecond))/1e6, 'f', -1, 64) + "ms"
}

// RenderOptions tune the text rendering.
type RenderOptions struct {
	Times    bool // prefix each line with its time since the start
	Headings bool // head each session with what it tests (when there are several)
	// Style, when set, decorates a rendered line by its kind (colour); it must
	// not change the text itself.
	Style func(k result.Kind, line string) string
}

// Render writes entries in the style of a server manual's sample transcript:
//
//	220: Welcome To Rumpus!
//	      Service ready for new user
//	Cmd: USER john
//	331: Password required
//	--> data connection to 192.168.1.175:3003: no answer after 5s
//	      ^ a note about the line above
//
// Entries of one session are kept together, sessions one after another.
func Render(w io.Writer, entries []result.Entry, opt RenderOptions) error {
	ew := &ErrWriter{W: w}
	sessions := SessionOrder(entries)
	for i, id := range sessions {
		for _, e := range entries {
			if e.Session != id {
				continue
			}
			if e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpSession {
				if opt.Headings && len(sessions) > 1 {
					if i > 0 {
						ew.Printf("\n")
					}
					ew.Printf("%s\n", opt.style(result.Event, RenderEntry(e)[0]))
				}
				continue
			}
			for _, line := range RenderEntry(e) {
				if opt.Times {
					line = fmt.Sprintf("[%8.3fs] %s", e.T.Seconds(), line)
				}
				ew.Printf("%s\n", opt.style(e.Kind, line))
			}
		}
	}
	return ew.Err
}

func (o RenderOptions) style(k result.Kind, line string) string {
	if o.Style == nil {
		return line
	}
	return o.Style(k, line)
}

// SessionOrder lists the session numbers in the order they first appear.
func SessionOrder(entries []result.Entry) []int {
	var ids []int
	seen := map[int]bool{}
	for _, e := range entries {
		if !seen[e.Session] {
			seen[e.Session] = true
			ids = append(ids, e.Session)
		}
	}
	return ids
}

// RenderEntry returns the lines that show one entry (without a trailing newline).
func RenderEntry(e result.Entry) []string {
	switch e.Kind {
	case result.Command:
		return []string{"Cmd: " + e.Text}
	case result.Reply:
		return renderReply(e)
	case result.Event:
		if e.Event != nil && e.Event.Op == result.OpSession {
			return []string{fmt.Sprintf("=== session %d: %s", e.Session, e.Text)}
		}
		lines := []string{"--> " + e.Text}
		if e.Event != nil && e.Event.TLS != nil && e.Event.TLS.Cert != nil {
			lines = append(lines, certLines(e.Event.TLS.Cert)...)
		}
		return lines
	case result.Note:
		var out []string
		for _, l := range strings.Split(e.Text, "\n") {
			out = append(out, Indent+"^ "+l)
		}
		return out
	}
	return []string{e.Text}
}

// renderReply turns "220-Welcome\n220 Ready" into "220: Welcome" with the
// following lines indented under it, their code prefixes removed (the
// reply's message, by ftp's one reply rule).
func renderReply(e result.Entry) []string {
	lines := strings.Split(e.Text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	code := strconv.Itoa(e.Code)
	var out []string
	for i, l := range strings.Split(ftp.Reply{Code: e.Code, Lines: lines}.Message(), "\n") {
		switch {
		case i == 0 && e.Code != 0:
			out = append(out, code+": "+l)
		case i == 0:
			out = append(out, l)
		default:
			out = append(out, Indent+strings.TrimLeft(l, " "))
		}
	}
	return out
}
