package foreign

import (
	"net"
	"regexp"
	"strconv"
	"strings"

	"ftpdiag/result"
)

// Ncftp is NcFTP's output with its debugging on (`debug` at its prompt,
// or ncftpget/ncftpls -d stdout): the dialogue in the style of a server
// manual, "Cmd: PASV" and "227: Entering Passive Mode (...)" (read by the
// seed reader), among its own messages about connections: "Connecting to
// 127.0.0.1...", "Could not connect to 127.0.0.1: Connection refused.",
// "connect to 127.0.0.1:3000 failed: Connection refused.", "Connected to
// 127.0.0.1:3004 for PASV.", "Data connection timed out.", "Invalid
// reply: "SSH-2.0-..."", and, pasted
// from a terminal, its prompt and the commands typed at it.
const Ncftp Format = "ncftp"

var (
	// ncftpOpen is the command typed at the prompt: its -P names the port,
	// which no other line does.
	ncftpOpen       = regexp.MustCompile(`^(?:ncftp[^>]*> )?open\b(.*)$`)
	ncftpConnecting = regexp.MustCompile(`^Connecting to (\S+?)\.\.\.$`)
	ncftpRedialing  = regexp.MustCompile(`^Redialing \(try \d+\)\.\.\.$`)
	ncftpNoConnect  = regexp.MustCompile(`^Could not connect to (\S+?): (.*?)\.?$`)
	ncftpDataFailed = regexp.MustCompile(`^connect to (\S+) failed: (.*?)\.?$`)
	ncftpDataUp     = regexp.MustCompile(`^Connected to (\S+) for (?:PASV|EPSV)\.$`)
	ncftpInvalid    = regexp.MustCompile(`^Invalid reply: "(.*)"$`)
	ncftpDetect     = regexp.MustCompile(`^(?:LibNcFTP \d|NcFTP \d|ncftp(?: \S+ )?> |Connected to \S+:\d+ for PASV\.|connect to \S+:\d+ failed: )`)
)

func ncftpLine(b *builder, line string) {
	b.scanSecrets(line)
	text := strings.TrimSpace(line)
	if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") {
		seedFlush(b) // a reply's lines end at the first line not indented
	}
	switch {
	case ncftpOpen.MatchString(text):
		ncftpOpenCmd(b, ncftpOpen.FindStringSubmatch(text)[1])
		b.note(text)
	case ncftpConnecting.MatchString(text):
		addr := ncftpAddr(b, ncftpConnecting.FindStringSubmatch(text)[1])
		if d := b.cur.dial; d != nil && !d.data && d.addr == addr {
			b.note(text) // the redial's attempt, begun already
			return
		}
		b.dialControl(addr)
	case ncftpRedialing.MatchString(text):
		b.note(text)
		if b.target.Host != "" {
			b.dialControl(ncftpAddr(b, b.target.Host))
		}
	case ncftpNoConnect.MatchString(text):
		m := ncftpNoConnect.FindStringSubmatch(text)
		if b.cur.dial == nil || b.cur.dial.data {
			// NcFTP prints it twice: the second is an echo.
			b.note(text)
			return
		}
		ncftpDialed(b, m[2])
	case ncftpDataFailed.MatchString(text):
		m := ncftpDataFailed.FindStringSubmatch(text)
		if ncftpEcho(b, m[1]) {
			b.note(text)
			return
		}
		b.dialData(m[1])
		ncftpDialed(b, m[2])
	case text == "Data connection timed out.":
		// The data connection the last 227 announced; printed twice.
		if ncftpEcho(b, b.cur.pasv) || !b.failed(result.Timeout, 0, "Data connection timed out") {
			b.note(text)
		}
	case ncftpDataUp.MatchString(text):
		b.dialData(ncftpDataUp.FindStringSubmatch(text)[1])
		b.dialed(result.Connected, 0, "")
	case ncftpInvalid.MatchString(text):
		if !b.banner(ncftpInvalid.FindStringSubmatch(text)[1]) {
			b.note(text)
		}
	default:
		seedLine(b, line)
	}
}

// ncftpOpenCmd reads the options of an `open` typed at the prompt: the
// host (its last word) and the port (-P), for the "Connecting to" line
// after it, which names only the host.
func ncftpOpenCmd(b *builder, args string) {
	f := strings.Fields(args)
	if len(f) == 0 {
		return
	}
	port := 21
	for i := 0; i+1 < len(f); i++ {
		switch f[i] {
		case "-P":
			if p, err := strconv.Atoi(f[i+1]); err == nil && p > 0 && p < 65536 {
				port = p
			}
		case "-p":
			b.secret(f[i+1]) // the password, typed in clear
		}
	}
	host := f[len(f)-1]
	if strings.HasPrefix(host, "-") {
		return
	}
	b.target.Host, b.target.Port = host, port
}

// ncftpAddr is the address NcFTP dials for a host: the port of the
// `open` that named it, else FTP's.
func ncftpAddr(b *builder, host string) string {
	if b.target.Host == host && b.target.Port != 0 {
		return net.JoinHostPort(host, strconv.Itoa(b.target.Port))
	}
	return net.JoinHostPort(host, "21")
}

// ncftpEcho tells the second of NcFTP's two lines about one failed data
// connection: the last entry is that failure already.
func ncftpEcho(b *builder, addr string) bool {
	if len(b.entries) == 0 {
		return false
	}
	e := b.entries[len(b.entries)-1]
	return e.Kind == result.Event && e.Event != nil && e.Event.Op == result.OpDataConnect &&
		e.Event.Addr == addr && e.Event.Outcome != result.Connected
}

func ncftpDialed(b *builder, why string) {
	out, ok := errnoOutcome(why)
	if !ok {
		out = result.Failed
	}
	b.dialed(out, 0, why)
}

// ncftpMarked tells NcFTP's debug output from a manual's transcript, which
// share the "Cmd:" and "NNN:" lines: NcFTP's banner, prompt or connection
// messages.
func ncftpMarked(lines []string) bool {
	for _, l := range lines {
		if ncftpDetect.MatchString(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}
