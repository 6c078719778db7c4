package foreign

import (
	"net"
	"regexp"
	"strconv"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// The generic reader reads a log by its content, not its labels: whatever
// token stands before lines that carry FTP verbs is the log's command label,
// whatever stands before three-digit replies its reply label. It learns them
// from the log itself, so that a client or a language never seen before
// still reads: FileZilla in any language or retyped by its user, FluentFTP
// inside NLog or Serilog lines, NppFTP ("-> USER x"), FireFTP (indented
// commands), Python ftplib ("*cmd* 'PASV'"), node-ftp and VS Code
// extensions ("[debug] > PASV"), Apache Commons Net, Cyberduck, FlashFXP,
// and the command-line ftp of netkit, inetutils, BSD, macOS and Windows
// (bare replies, "ftp>" prompts). FileZilla's own lines go to its reader.

// Prefixes that say when or where a line was written, not what: stripped
// before a line is read (timestamps, log levels, logger names).
var genericPrefixes = []*regexp.Regexp{
	regexp.MustCompile(`^\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?: ?Z| ?[+-]\d\d:?\d\d)?\]?:?\s*`),
	regexp.MustCompile(`^(?:DEBUG|INFO|NOTICE|ERROR|WARN(?:ING)?)\s*:\s+`),
	regexp.MustCompile(`^\[?\d\d?[-/.]\d\d?[-/.]\d{2,4}[ ,]+\d\d?:\d\d:\d\d(?:[.,]\d+)?(?: ?[AP]M)?\]?:?\s*`),
	regexp.MustCompile(`^\[?\d\d-\d\d \d\d:\d\d:\d\d\]?\s*`),
	regexp.MustCompile(`^\(?\[?\d\d?:\d\d:\d\d(?:[.,]\d+)?(?: ?[AP]M)?\]?\)?:?\s+`),
	regexp.MustCompile(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ \d\d:\d\d:\d\d \d{4}:?\s*`),
	regexp.MustCompile(`^\|?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|Trace|Debug|Info|Warn|Error)\|[\w.]*\|`),
	regexp.MustCompile(`^\[(?:VRB|DBG|INF|WRN|ERR|FTL|debug|info|trace|warn|error|DEBUG|INFO|TRACE|WARN|ERROR)\]\s*`),
	regexp.MustCompile(`^(?:dbug|info|trce|warn|fail|crit): [\w.]+\[\d+\]\s*`),
	regexp.MustCompile(`^\[[A-Za-z][^\]]{0,60}\]\s+`),
	regexp.MustCompile(`^[\w.-]+\.(?:js|ts|py|go|java|cs)(?: \[\w+\])?:\d+\s+`), // a console's file:line
}

// levelBeforeLabel is a logging framework's level in front of a client
// library's own label or marker (FluentFTP's lines as NLog, Serilog or a
// console logger write them: "Info: Command:  PWD", "Info Command:  RETR x",
// "Verbose: >         GetWorkingDirectory()"): the level is cut, the
// label kept. Only before those labels, so that FileZilla's own "Error:"
// before its message stays its label.
var levelBeforeLabel = regexp.MustCompile(`^((?i:trace|debug|verbose|info|information|notice|warn|warning|error|fatal|critical):?[ \t]+)(?:(?:Command|Response|Status|Warning|Error):|>)`)

// genericMarker is a line's marker: an arrow, ftplib's *cmd*, or a label
// ending in a colon ("Befehl:", "Returns:", "Cmd:").
var (
	genericArrow = regexp.MustCompile(`^(-{1,3}>|={1,2}>|>{1,3}|<-{1,3}|<={1,2}|<{1,3}|\*(?:cmd|put|resp|get)\*)\s*(.*)$`)
	genericLabel = regexp.MustCompile(`^([\p{L}][\p{L}\p{M} ._-]{0,24}?)[ \x{a0}\x{202f}]*[:：](?:\s+|$)(.*)$`)
	// genericCode is the shape of a line that starts like a reply, any
	// three digits: where a line starts (wrap.go), not what it is; whether
	// it is a reply is ftp.ReplyCode's to say.
	genericCode = regexp.MustCompile(`^\d{3}(?:[ -]|$)`)
	genericVerb = regexp.MustCompile(`^([A-Za-z]{3,4})(?:\s|$)`)
)

// ftpVerbs are the commands a log's command label is learned from.
var ftpVerbs = map[string]bool{}

func init() {
	for _, v := range strings.Fields("USER PASS ACCT CWD CDUP QUIT PORT PASV EPSV EPRT TYPE RETR STOR STOU APPE LIST NLST MLSD MLST " +
		"PWD XPWD SYST FEAT AUTH PBSZ PROT CCC SIZE MDTM MFMT REST ABOR NOOP OPTS SITE DELE MKD RMD RNFR RNTO STAT HELP HOST CLNT MODE STRU ALLO LANG") {
		ftpVerbs[v] = true
	}
}

type genericKeys struct {
	cmd, reply, skip map[string]bool
}

// genericSplit cuts a line into its marker ("" for none, "\t" for an
// indented line) and its text, after its time and level prefixes.
func genericSplit(line string) (key, text string) {
	for changed := true; changed; {
		changed = false
		for _, re := range genericPrefixes {
			if loc := re.FindStringIndex(line); loc != nil && loc[1] > 0 {
				line, changed = line[loc[1]:], true
			}
		}
		if m := levelBeforeLabel.FindStringSubmatchIndex(line); m != nil {
			line, changed = line[m[3]:], true
		}
	}
	if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
		t := strings.TrimSpace(line)
		if isFTPVerbLine(t) {
			return "\t", t
		}
		line = t
	}
	if m := genericArrow.FindStringSubmatch(line); m != nil {
		return m[1], unquoteWire(m[2])
	}
	if m := genericLabel.FindStringSubmatch(line); m != nil && ftp.ReplyCode(line) == 0 {
		return strings.ToLower(strings.TrimSpace(m[1])), unquoteWire(strings.TrimSpace(m[2]))
	}
	return "", line
}

// unquoteWire takes off the quotes and escaped line ends that debug output
// puts around what went over the wire ('PASV\r\n').
func unquoteWire(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"' && !strings.Contains(s[1:len(s)-1], `"`)) {
		s = s[1 : len(s)-1]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, `\n`), `\r`)
	return s
}

func isFTPVerbLine(t string) bool {
	m := genericVerb.FindStringSubmatch(t)
	return m != nil && ftpVerbs[m[1]] && m[1] == strings.ToUpper(m[1])
}

// learnKeys finds the log's command and reply markers.
func learnKeys(lines []string) genericKeys {
	cmd, reply := map[string]int{}, map[string]int{}
	for _, l := range lines {
		key, text := genericSplit(l)
		switch {
		case isFTPVerbLine(text):
			cmd[key]++
		case ftp.ReplyCode(text) != 0:
			reply[key]++
		}
	}
	k := genericKeys{cmd: map[string]bool{}, reply: map[string]bool{}, skip: map[string]bool{}}
	for key, n := range cmd {
		if key != "" && n > reply[key] {
			k.cmd[key] = true
		}
	}
	for key, n := range reply {
		if n >= cmd[key] {
			k.reply[key] = true
		}
	}
	if k.cmd["*cmd*"] && k.cmd["*put*"] {
		// ftplib at debug level 2 prints each line twice.
		k.skip["*put*"], k.skip["*get*"] = true, true
		delete(k.cmd, "*put*")
		delete(k.reply, "*get*")
	}
	return k
}

type genericState struct {
	keys    genericKeys
	pending string // a transfer the user asked the command-line client for
	// quoted: the user typed "quote pasv" (or literal) at the command-line
	// client's prompt. The client sends it as it is and does not know it is
	// in passive mode: it never dials the port the 227 names.
	quoted bool
}

func (g *genericState) line(b *builder, line string) {
	b.scanSecrets(line)
	if l, ok := b.fileZillaParse(line); ok {
		fileZillaSplit(b, l)
		return
	}
	key, text := genericSplit(line)
	switch {
	case key == "" && strings.HasPrefix(text, "421 Service not available, remote server has closed connection"):
		// netkit's and BSD ftp's own words when the server hung up: no
		// reply, though it looks like one.
		if b.cur.connected {
			b.closed("server", result.Closed, 0, "")
		}
		b.note(line)
	case g.keys.cmd[key] && text != "", key == "" && isFTPVerbLine(text) && len(g.keys.reply) > 0:
		// A bare command among bare replies (basic-ftp, Commons Net's
		// PrintCommandListener, Windows ftp.exe -d) is still a command.
		g.command(b, text)
	case g.keys.skip[key]:
		b.note(line) // ftplib's *put*/*get*: the same as its *cmd*/*resp*, in wire form
	case g.keys.reply[key] && (key != "" || ftp.ReplyCode(text) != 0 || b.cur.code != 0),
		key == "" && ftp.ReplyCode(text) != 0:
		if strings.Contains(text, `\r\n`) { // node-ftp: several lines in one
			for _, part := range strings.Split(text, `\r\n`) {
				if part != "" {
					g.reply(b, part)
				}
			}
			return
		}
		g.reply(b, text)
	default:
		g.message(b, text, line)
	}
}

func (g *genericState) command(b *builder, text string) {
	b.quietData = true
	verb, _, _ := strings.Cut(text, " ")
	if !ftpVerbs[strings.ToUpper(verb)] {
		b.note(text)
		return
	}
	b.command(text)
}

// The replies that answer a command the client does not echo (the
// command-line ftp without -d): the command is put in, with a note.
var impliedBy = map[int]string{ftp.EnteringPassive: "PASV", ftp.EnteringExtPassive: "EPSV"}

func (g *genericState) reply(b *builder, text string) {
	b.quietData = true
	code := ftp.ReplyCode(text)
	s := b.cur
	if s.code == 0 && code != 0 {
		if verb, ok := impliedBy[code]; ok && s.verb != verb && len(text) > 3 && text[3] == ' ' {
			g.implied(b, verb)
		}
		switch {
		case code == ftp.NeedPassword && s.verb != "USER",
			code == ftp.NotLoggedIn && s.verb == "" && s.lastCode == int(ftp.ServiceReady): // the login's first answer
			g.implied(b, "USER")
		case (code == ftp.LoggedIn || code == ftp.NotLoggedIn) && s.lastCode == int(ftp.NeedPassword) && s.verb != "PASS":
			g.implied(b, "PASS ****")
		}
		if (code == ftp.CommandOK || code >= 500) && strings.Contains(strings.ToUpper(text), "PORT") && s.verb != "PORT" && s.verb != "EPRT" {
			g.implied(b, "PORT") // "200 PORT command successful", "500 Illegal PORT command"
		}
		if g.quoted && (code == ftp.CantOpenData || code == ftp.TransferAborted) && (s.verb == "PASV" || s.verb == "EPSV") {
			b.note(text)
			b.note("this " + strconv.Itoa(code) + " follows a PASV the user sent with \"quote\": the command-line client does not use passive mode " +
				"and never connects to the port the 227 names, so no data connection could come (Windows ftp.exe has no passive mode at all); not a cause of its own")
			return
		}
		if (code == ftp.DataAlreadyOpen || code == ftp.FileStatusOK || code == ftp.CantOpenData || code == ftp.BadFileName) &&
			(s.verb == "PASV" || s.verb == "EPSV" || s.verb == "PORT") && (s.lastCode < 400 || s.verb == "PORT") {
			// After a PORT refused ("500 Illegal PORT command") a 425 is no
			// second answer to it but the transfer's own ("Use PORT or PASV
			// first"): the client sent the transfer anyway.
			// A transfer's reply right after the mode's: the client sent a
			// transfer command it does not echo ("ls" is a LIST).
			verb := g.pending
			if verb == "" && code == ftp.BadFileName {
				verb = "STOR" // 553: a file name the server will not create
				b.note("the upload command is not in the log; STOR stands for it")
			}
			if verb == "" {
				verb = "LIST"
				b.note("the transfer command is not in the log; LIST stands for it")
			}
			g.implied(b, verb)
			g.pending = ""
		}
	}
	if code == ftp.ServiceNotAvailable && s.code == 0 && s.pasv != "" && !s.dataUp && s.dial == nil && timeoutWords.MatchString(text) {
		// FileZilla Server's "421 Connection timed out." right after the
		// 227: it waited for the client's data connection, which never came.
		b.failed(result.Timeout, 0, "")
		b.note("the server gave up waiting for the data connection: it never arrived")
	}
	if !b.replyLine(text) && !b.banner(text) {
		b.note(text)
	}
}

var timeoutWords = regexp.MustCompile(`(?i)timed? ?out`)

func (g *genericState) implied(b *builder, verb string) {
	b.note("the client's " + verb + " is not in the log: the reply after it answers it")
	b.command(verb)
}

var (
	cliPrompt     = regexp.MustCompile(`^ftp>\s*(\S*)`)
	cliConnected  = regexp.MustCompile(`^Connected to (\S+?)(?: \((\S+?)\))?\.?$`)
	cliName       = regexp.MustCompile(`^Name \([^)]*\):\s*(.*)$`)
	cliConnectErr = regexp.MustCompile(`^(?:ftp: )?(?:connect(?: to address (\S+))?|Can't connect to .*?): (.*)$`)
	flashData     = regexp.MustCompile(`(?i)^Opening data connection IP: (\S+) PORT: (\d+)`)
	flashDataErr  = regexp.MustCompile(`(?i)^Data Socket Error: (.*)$`)
	dataWords     = regexp.MustCompile(`(?i)data (?:connection|socket|channel)`)
	pyConnError   = regexp.MustCompile(`^(?:ConnectionRefusedError|ConnectionResetError|TimeoutError|socket\.timeout)\b.*`)
)

// cliTransfers maps what a user types at "ftp>" to the command it sends.
var cliTransfers = map[string]string{"ls": "LIST", "dir": "LIST", "get": "RETR", "recv": "RETR", "mget": "RETR",
	"put": "STOR", "send": "STOR", "mput": "STOR", "nlist": "NLST", "mls": "NLST", "mdir": "LIST"}

// message reads a line that is neither a command nor a reply: the
// client's own words.
func (g *genericState) message(b *builder, text, line string) {
	if cliMessage(b, text) { // cmdline.go
		return
	}
	switch m := cliPrompt.FindStringSubmatch(strings.TrimSpace(line)); {
	case m != nil:
		word := strings.ToLower(m[1])
		g.pending, g.quoted = cliTransfers[word], false
		b.note(line)
		if word == "quote" || word == "literal" {
			// "quote pasv": the rest of the line goes to the server as it is.
			_, rest, _ := strings.Cut(strings.TrimSpace(line), m[1])
			if rest = strings.TrimSpace(rest); rest != "" {
				verb, _, _ := strings.Cut(rest, " ")
				g.quoted = strings.EqualFold(verb, "PASV") || strings.EqualFold(verb, "EPSV")
				g.command(b, strings.ToUpper(verb)+rest[len(verb):])
			}
		}
		return
	case cliConnected.MatchString(text):
		m := cliConnected.FindStringSubmatch(text)
		host := m[1]
		if m[2] != "" {
			host = m[2]
		}
		seedConnect(b, host)
		return
	case cliName.MatchString(text):
		b.note(line)
		if user := cliName.FindStringSubmatch(text)[1]; user != "" {
			g.implied(b, "USER "+user)
		}
		return
	case strings.TrimSpace(text) == "Password:" && b.cur.verb == "USER":
		b.note(line)
		g.implied(b, "PASS ****")
		return
	case flashData.MatchString(text):
		m := flashData.FindStringSubmatch(text)
		b.dialData(net.JoinHostPort(m[1], m[2]))
		b.note(line)
		return
	case flashDataErr.MatchString(text) && b.cur.dial != nil:
		out, ok := errnoOutcome(text)
		if !ok {
			out = result.Failed
		}
		b.dialed(out, 0, flashDataErr.FindStringSubmatch(text)[1])
		return
	case cliConnectErr.MatchString(text):
		m := cliConnectErr.FindStringSubmatch(text)
		if out, ok := errnoOutcome(m[2]); ok {
			if b.cur.connected {
				if b.failed(out, 0, m[2]) {
					return
				}
				if b.cur.redacted || b.cur.lastCode == int(ftp.EnteringPassive) || b.cur.lastCode == int(ftp.EnteringExtPassive) {
					// The 227 named an address the log hides: the data
					// connection to it failed.
					b.dialData("")
					b.dialed(out, 0, m[2])
					return
				}
			} else if m[1] != "" {
				b.dialControl(net.JoinHostPort(m[1], "21"))
				b.dialed(out, 0, m[2])
				return
			}
		}
	case curlSentence(text):
		// curl's own messages, as tools that wrap it print them (without
		// curl's "* ").
		curlMessage(b, text)
		return
	case strings.Contains(strings.ToLower(text), "inactivity"):
		if fileZillaInactivity.MatchString(text) {
			fileZillaTimeout(b, text)
			return
		}
	}
	if m := pyConnError.FindStringSubmatch(strings.TrimSpace(line)); m != nil && b.cur.connected && b.cur.pasv != "" && !b.cur.dataUp && !b.cur.dataLost {
		// ftplib's traceback after a 227/229: its data connection failed.
		out, ok := errnoOutcome(text)
		if !ok {
			out = result.Timeout
		}
		if b.failed(out, 0, strings.TrimSpace(m[0])) {
			return
		}
	}
	if out, ok := errnoOutcome(text); ok && dataWords.MatchString(text) && b.cur.connected && b.cur.pasv != "" && !b.cur.dataUp {
		if b.failed(out, 0, strings.TrimSpace(text)) {
			return
		}
	}
	b.note(line)
}

func curlSentence(text string) bool {
	return curlTrying.MatchString(text) || curlConnFailed.MatchString(text) || curlFailedTo.MatchString(text) ||
		curlConnectedTo.MatchString(text)
}
