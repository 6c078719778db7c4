package foreign

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// lineReader reads one line of a log (without its line end) into b.
type lineReader func(b *builder, line string)

var lineReaders = map[Format]lineReader{
	FileZilla: fileZillaLine,
	WinSCP:    winSCPLine,
	Curl:      curlLine,
	Lftp:      lftpLine,
	Seed:      seedLine,
	Wget:      wgetLine,  // wget.go
	Ncftp:     ncftpLine, // ncftp.go
}

// full tells that the log has given MaxEntries entries: the rest of it is
// left out, and a note at the end says how much.
func (b *builder) full() bool { return len(b.entries) >= MaxEntries }

// builder turns what a reader understood into transcript entries. It keeps
// what the diagnosis needs to be told and a log only implies: where the
// control connection went, which data address a 227 handed out, which dial
// a later error belongs to.
type builder struct {
	entries  []result.Entry
	secrets  []string
	start    time.Time
	t        time.Duration
	sessions int
	target   Target
	streams  map[string]*stream
	cur      *stream
	ws       *winSCPState
	seed     *seedReplyState
	cut      int // lines left out once MaxEntries were read
	// quietData is set for clients that never log their data connections
	// (FileZilla, WinSCP, manual transcripts): a 125/150 reply is then the
	// only sign that one opened.
	quietData bool
	langs     map[string]bool // FileZilla's languages seen in the labels
	resolving string          // the name FileZilla said it was resolving
	// split: the streaming reading (stream.go), where each stream's
	// sessions are handed to emit as they end; entries, target and cut are
	// then the current stream's, swapped in by use.
	split   bool
	emit    func(*Log)
	line    int // the line being read, from 1
	units   int // sessions handed to emit or started, numbered in order
	skipped int // sessions left out: no command, reply or connection in them
	known   map[string]bool
	stamps  stampCache
}

// stream is one control connection's state; FileZilla interleaves several
// (its engine number tells them apart), the other formats have one at a time.
type stream struct {
	session   int
	connected bool
	ctrl      string // host:port of the control connection
	dial      *dial  // a connection attempt whose outcome is not known yet
	pasv      string // host:port the last 227/229 reply handed out
	dataUp    bool   // a data connection opened since that reply
	dataLost  bool   // a data connection failed since that reply
	heard     bool   // the server has said something on this connection
	verb      string // the last command's verb
	cmdT      time.Duration
	cmdIn     int // the session cmdT belongs to, 0 before any command
	code      int // the open multi-line reply's code, 0 when none
	reply     []string
	tls       tlsState
	// tlsDataLost: a data connection's TLS failed since the last
	// PASV/EPSV/PORT; the client's "could not be established" after it
	// is its echo.
	tlsDataLost bool
	active      bool // the last PASV/EPSV/PORT/EPRT was PORT or EPRT
	redacted    bool // the last 227 had its address redacted
	unroutable  bool // FileZilla replaced an unroutable 227 address
	implied     int  // 1 + the index of the data connect a 125/150 implied, 0 for none
	sawMode     bool // a PASV/EPSV/PORT/EPRT was sent on this session
	lastCode    int  // the code of the last reply
	// lostTimeout is an inactivity timeout with nothing before it to say
	// which connection it was; the line after it may.
	lostTimeout time.Duration
	// ended: the control connection closed, or the client gave up
	// connecting; a new connection attempt or greeting starts a new session
	// of the streaming reading.
	ended bool
	u     *unit // the streaming reading's current session on this stream
	// bad: something failed on this connection that a client retries (a
	// 4yz reply, a connection attempt that did not connect, a timeout or
	// reset); endT: when it ended;
	// retry: the client said it will try again. A new connection soon
	// after a failure is the client's retry, the same session.
	bad   bool
	endT  time.Duration
	lastT time.Duration // when the last entry on it was written
	retry bool
	// numbered: the stream is one of FileZilla's numbered engines.
	numbered bool
}

type dial struct {
	addr string
	data bool
	t    time.Duration
}

func newBuilder() *builder {
	b := &builder{streams: map[string]*stream{}}
	b.use("")
	return b
}

// use switches to the control connection a log line belongs to.
func (b *builder) use(key string) {
	s, ok := b.streams[key]
	if ok && s == b.cur {
		if b.split {
			s.u.touch(b.line)
		}
		return
	}
	if !ok {
		if b.split && len(b.streams) >= maxStreams {
			b.closeIdlest()
		}
		s = &stream{numbered: key != ""}
		if b.split {
			s.u = &unit{}
		}
		b.streams[key] = s
	}
	b.swap(s)
}

// at moves the clock to a timestamp read from the log.
func (b *builder) at(ts time.Time) {
	if b.start.IsZero() {
		b.start = ts
	}
	if d := ts.Sub(b.start); d >= 0 {
		b.t = d
	}
}

func (b *builder) add(e result.Entry) {
	if b.full() {
		b.cut++ // a reply still open when the limit came: its line is left out
		return
	}
	if b.split {
		b.sessionOf(b.cur.u)
		if b.entries == nil {
			b.entries = make([]result.Entry, 0, 64) // a session's worth, about
		}
	}
	e.T = b.t
	e.Session = b.cur.session
	b.entries = append(b.entries, e)
	if b.split {
		b.watch(&e)
	}
}

// open makes sure there is a session to write to.
func (b *builder) open() {
	if b.cur.session == 0 {
		b.sessions++
		b.cur.session = b.sessions
	}
}

// restart begins a new session on the current stream: a reconnection.
func (b *builder) restart() {
	b.flushReply()
	b.sessions++
	*b.cur = stream{session: b.sessions, u: b.cur.u, numbered: b.cur.numbered}
}

func (b *builder) note(text string) {
	b.flushReply()
	b.open()
	b.add(result.Entry{Kind: result.Note, Text: strings.TrimSpace(text)})
}

func (b *builder) event(ev result.EventInfo) {
	b.flushReply()
	b.open()
	b.add(result.Entry{Kind: result.Event, Text: transcript.Describe(ev), Event: &ev})
}

func (b *builder) command(line string) {
	b.flushReply()
	b.open()
	line = strings.TrimSpace(line)
	verb, arg, _ := strings.Cut(oneSpace(line), " ")
	b.cur.verb = strings.ToUpper(verb)
	switch b.cur.verb {
	case "PASS":
		b.secret(arg)
	case "USER":
		if b.target.User == "" {
			b.target.User = strings.TrimSpace(arg)
		}
	case "PASV", "EPSV", "PORT", "EPRT":
		b.cur.pasv, b.cur.dataUp, b.cur.dataLost = "", false, false
		b.cur.tlsDataLost, b.cur.redacted, b.cur.unroutable, b.cur.implied = false, false, false, 0
		b.cur.active = b.cur.verb == "PORT" || b.cur.verb == "EPRT"
		b.cur.sawMode = true
	}
	b.cur.cmdT, b.cur.cmdIn = b.t, b.cur.session
	b.add(result.Entry{Kind: result.Command, Text: line})
}

// oneSpace is s with its runs of white space made one space, as
// strings.Fields then Join make it; s unchanged (no copy) where it has none.
func oneSpace(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c != ' ' && c <= ' ' || c == ' ' && (i == 0 || i+1 == len(s) || s[i+1] == ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
	}
	return s
}

// lastCommandT is when the current session's last command was sent, or
// now when it sent none.
func (b *builder) lastCommandT() time.Duration {
	if b.cur.cmdIn != 0 && b.cur.cmdIn == b.cur.session {
		return b.cur.cmdT
	}
	return b.t
}

// secret keeps a password seen in clear; masks that clients print instead
// of the password ("********", "xxxxxxxx") are not secrets.
func (b *builder) secret(s string) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "*x") == "" {
		return
	}
	if b.split {
		// A day's log repeats the same password in every session: each
		// is kept once, and their number is bounded.
		if b.known[s] || len(b.known) >= maxSecrets {
			return
		}
		if b.known == nil {
			b.known = map[string]bool{}
		}
		b.known[s] = true
	}
	b.secrets = append(b.secrets, s)
}

// maxSecrets is the most distinct passwords the streaming reading keeps
// to mask; a log with more is not one person's.
const maxSecrets = 1000

// scanSecrets keeps passwords that appear in URLs in any line of the log.
func (b *builder) scanSecrets(line string) {
	for _, pw := range transcript.URLPasswords(line) {
		b.secret(pw)
	}
}

// replyLine takes one line of a reply, by ftp's one reply rule. It reports
// false when the line is neither a reply nor the continuation of an open
// one.
func (b *builder) replyLine(line string) bool {
	s := b.cur
	kind, code := ftp.NextLine(s.code, line)
	switch kind {
	case ftp.NoReply:
		return false
	case ftp.Continues, ftp.Ends:
		s.reply = append(s.reply, line)
	default:
		b.greeting(code)
		b.open()
		s.code, s.reply = code, []string{line}
	}
	if kind == ftp.Whole || kind == ftp.Ends {
		b.flushReply()
	}
	return true
}

// banner takes the first line a server sends when it is no FTP reply at
// all ("SSH-2.0-OpenSSH_9.2p1", "HTTP/1.1 400"): it is recorded as a reply
// without a code, as the probe records it, so that the diagnosis names the
// protocol whichever client's log shows it. It reports false for any other
// line, and once the server has said anything.
func (b *builder) banner(line string) bool {
	s := b.cur
	if s.heard || s.code != 0 || !s.connected && (s.dial == nil || s.dial.data) {
		return false
	}
	if s.dial != nil {
		b.dialed(result.Connected, 0, "")
	}
	s.connected, s.heard = true, true
	b.add(result.Entry{Kind: result.Reply, Text: strings.TrimSpace(line)})
	return true
}

// flushReply records the open reply, complete or not (a log may end, or
// interleave a note, in the middle of one).
func (b *builder) flushReply() {
	s := b.cur
	if s.code == 0 {
		return
	}
	code, text := s.code, strings.Join(s.reply, "\n")
	s.code, s.reply = 0, nil
	if !s.connected && s.dial != nil && !s.dial.data {
		// A reply proves the control connection was made; logs that say
		// so only by showing the greeting get their connect event here.
		b.dialed(result.Connected, 0, "")
	}
	s.connected, s.heard = true, true
	b.add(result.Entry{Kind: result.Reply, Code: code, Text: text})
	s.lastCode = code
	switch code {
	case ftp.DataAlreadyOpen, ftp.FileStatusOK:
		b.impliedData()
	case ftp.EnteringPassive:
		s.pasv = pasvAddr(text)
		if s.pasv == "" && redaction.MatchString(text) {
			s.redacted = true
			b.useControlHostPort(text)
			b.note("the address in this 227 reply was redacted by whoever posted the log (not the server's fault); the data connection goes to " +
				orUnknown(s.pasv))
		}
	case ftp.EnteringExtPassive:
		s.pasv = epsvAddr(text, s.ctrl)
	}
}

// impliedData records the passive data connection that a 125/150 reply to
// a transfer proves open, for clients that do not log it themselves.
func (b *builder) impliedData() {
	s := b.cur
	if !b.quietData || s.pasv == "" || s.dataUp || s.dataLost || s.dial != nil || !b.dataVerb() {
		return
	}
	s.dataUp, s.implied = true, len(b.entries)+1
	ev := result.EventInfo{Op: result.OpDataConnect, Addr: s.pasv, Outcome: result.Connected}
	b.add(result.Entry{Kind: result.Event, Event: &ev,
		Text: "data connection to " + s.pasv + ": connected (not in the log; the server's reply shows it opened)"})
}

// pasvAddr reads "(h1,h2,h3,h4,p1,p2)" from a 227 reply; "" when it cannot.
func pasvAddr(text string) string {
	ap, err := ftp.ScanPASV(text)
	if err != nil {
		return ""
	}
	return ap.String()
}

// epsvAddr reads the port of a 229 reply: the port on the control host.
func epsvAddr(text, ctrl string) string {
	port, err := ftp.ParseEPSV(text)
	host, _, herr := net.SplitHostPort(ctrl)
	if err != nil || herr != nil {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// useControlHost records that the client dials the control connection's
// host instead of the address in the 227 reply (FileZilla, WinSCP and curl
// do when that address is unroutable, curl always).
func (b *builder) useControlHost() {
	s := b.cur
	host, _, err1 := net.SplitHostPort(s.ctrl)
	_, port, err2 := net.SplitHostPort(s.pasv)
	if err1 == nil && err2 == nil {
		s.pasv = net.JoinHostPort(host, port)
	}
}

// dialControl starts a control connection attempt to addr (host:port). A
// second attempt on a stream that already had one is a new session.
func (b *builder) dialControl(addr string) {
	b.flushReply()
	b.reconnect()
	if b.cur.session != 0 && (b.cur.connected || b.cur.dial != nil || b.cur.ctrl != "") {
		b.restart()
	}
	b.open()
	b.cur.ctrl = addr
	b.cur.dial = &dial{addr: addr, t: b.t}
	if b.target.Host == "" {
		host, port, _ := net.SplitHostPort(addr)
		b.target.Host = host
		b.target.Port, _ = strconv.Atoi(port)
	}
}

// dialData starts a data connection attempt; addr "" means the address of
// the last 227/229 reply.
func (b *builder) dialData(addr string) {
	b.flushReply()
	if addr == "" {
		addr = b.cur.pasv
	}
	b.cur.dial = &dial{addr: addr, data: true, t: b.t}
}

// dialed records the outcome of the attempt in progress. dur 0 means: as
// long as the log's timestamps say.
func (b *builder) dialed(out result.Outcome, dur time.Duration, why string) {
	s := b.cur
	d := s.dial
	if d == nil {
		return
	}
	s.dial = nil
	if dur == 0 {
		dur = b.t - d.t
	}
	op := result.OpConnect
	if d.data {
		op = result.OpDataConnect
		s.dataUp, s.dataLost = out == result.Connected, out != result.Connected
	} else if out == result.Connected {
		s.connected = true
	}
	b.event(result.EventInfo{Op: op, Addr: d.addr, Outcome: out, Dur: dur, Err: why})
}

// failed records a failure a log reports without naming the connection:
// it belongs to the attempt in progress, else to the data connection a
// 227/229 announced (when none opened since), else to the control
// connection when it was never made. It reports false when it fits none.
func (b *builder) failed(out result.Outcome, dur time.Duration, why string) bool {
	s := b.cur
	b.retractImplied()
	switch {
	case s.dial != nil:
	case s.connected && s.pasv != "" && !s.dataUp:
		b.dialData("")
		s.dial.t = b.t - dur
	case !s.connected && s.ctrl != "":
		s.dial = &dial{addr: s.ctrl, t: b.t - dur}
	default:
		return false
	}
	b.dialed(out, dur, why)
	return true
}

// closed records the end of the control connection.
func (b *builder) closed(by string, out result.Outcome, dur time.Duration, why string) {
	b.flushReply()
	b.cur.connected = false
	b.cur.dial = nil
	b.event(result.EventInfo{Op: result.OpClose, By: by, Outcome: out, Dur: dur, Err: why})
	b.end()
	if out != "" && out != result.Closed {
		b.cur.bad = true // a timeout, a reset
	}
}

// dataVerb tells whether the last command needs a data connection.
func (b *builder) dataVerb() bool { return ftp.IsTransfer(b.cur.verb) }

func (b *builder) finish() *Log {
	seedFlush(b)
	if b.split {
		b.finishSplit()
		return nil
	}
	for _, s := range b.streams {
		b.cur = s
		b.flushReply()
	}
	return b.log(b.entries, b.target, b.cut, nil)
}

// log makes the Log of a reading's entries: the whole log's, or (u not
// nil) one session's of the streaming reading, whose times then count from
// its first entry and whose sessions are numbered from 1.
func (b *builder) log(entries []result.Entry, target Target, cut int, u *unit) *Log {
	if cut > 0 && len(entries) > 0 {
		entries = append(entries, result.Entry{T: b.t, Session: entries[len(entries)-1].Session, Kind: result.Note,
			Text: fmt.Sprintf("the log goes on for %d more lines, not read: explain reads the first %d entries", cut, MaxEntries)})
	}
	l := &Log{Entries: markMidSession(entries), Secrets: slices.Clip(b.secrets), Target: target}
	if u != nil && len(entries) > 0 {
		l.Session, l.Line = u.n, u.line
		t0 := entries[0].T
		renumber(l.Entries, t0)
		if !b.start.IsZero() {
			l.Started = b.start.Add(t0)
		}
		return l
	}
	if !b.start.IsZero() {
		l.Started = b.start
	}
	return l
}

// renumber makes a session of the streaming reading stand alone: its
// times count from t0 and its control connections from 1.
func renumber(entries []result.Entry, t0 time.Duration) {
	ids := map[int]int{}
	for i := range entries {
		e := &entries[i]
		e.T -= t0
		k, ok := ids[e.Session]
		if !ok {
			k = len(ids) + 1
			ids[e.Session] = k
		}
		e.Session = k
	}
}

// errnoOutcome maps the errno names and phrases that clients print
// (FileZilla's "ECONNREFUSED - Connection refused by server", curl's and
// lftp's strerror text) onto an outcome. A foreign log is text, so text is
// all there is to read here.
func errnoOutcome(text string) (result.Outcome, bool) {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "econnrefused"), strings.Contains(t, "connection refused"):
		return result.Refused, true
	case strings.Contains(t, "etimedout"), strings.Contains(t, "timed out"), strings.Contains(t, "timeout"):
		return result.Timeout, true
	case strings.Contains(t, "ehostunreach"), strings.Contains(t, "enetunreach"),
		strings.Contains(t, "no route to host"), strings.Contains(t, "network is unreachable"):
		return result.Unreachable, true
	case strings.Contains(t, "econnreset"), strings.Contains(t, "connection reset"),
		strings.Contains(t, "econnaborted"):
		return result.Reset, true
	}
	return "", false
}

// parseTime reads a log timestamp in one of the layouts clients use.
func parseTime(layout, s string) (time.Time, bool) {
	t, err := time.Parse(layout, s)
	return t, err == nil
}

// markMidSession puts a note before the first line of a session that the
// log joins in the middle (no connection attempt, no greeting: a command
// first, or a reply no server opens with), so that the annotated transcript
// says where the log starts.
func markMidSession(entries []result.Entry) []result.Entry {
	seen := map[int]bool{}
	var at []int // where a note goes, before the entry of that index
	for i, e := range entries {
		if !seen[e.Session] && e.Kind != result.Note {
			seen[e.Session] = true
			if e.Kind == result.Command || e.Kind == result.Reply && !ftp.OpensSession(e.Code) {
				at = append(at, i)
			}
		}
	}
	if len(at) == 0 {
		return entries
	}
	out := make([]result.Entry, 0, len(entries)+len(at))
	for i, e := range entries {
		if len(at) > 0 && at[0] == i {
			at = at[1:]
			out = append(out, result.Entry{T: e.T, Session: e.Session, Kind: result.Note,
				Text: "the log starts here, in the middle of a session: its connection and greeting are not in it"})
		}
		out = append(out, e)
	}
	return out
}

// redaction matches what people put over an address before posting a log.
var redaction = regexp.MustCompile(`(?i)x{2,}|\*{2,}|\[redacted\]|<[^>]*(?:ip|address|host)[^>]*>`)

var pasvPort = regexp.MustCompile(`,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)`)

// useControlHostPort takes the port of a redacted 227 ("(92,222,XXX,XXX,
// 128,133)") with the control connection's host, where the log names it.
func (b *builder) useControlHostPort(text string) {
	m := pasvPort.FindStringSubmatch(text)
	host, _, err := net.SplitHostPort(b.cur.ctrl)
	if m == nil || err != nil {
		return
	}
	p1, _ := strconv.Atoi(m[1])
	p2, _ := strconv.Atoi(m[2])
	b.cur.pasv = net.JoinHostPort(host, strconv.Itoa(p1<<8|p2))
}

func orUnknown(addr string) string {
	if addr == "" {
		return "an address the log does not show"
	}
	return addr
}

// retractImplied takes back the data connection a 125/150 reply implied
// when the client then says it failed: some servers (pyftpdlib, ftpii)
// send 150 before the client has connected, not after.
func (b *builder) retractImplied() {
	s := b.cur
	if s.implied == 0 || !s.dataUp {
		return
	}
	i := s.implied - 1
	s.implied, s.dataUp = 0, false
	if i < len(b.entries) && b.entries[i].Event != nil && b.entries[i].Event.Op == result.OpDataConnect {
		b.entries = append(b.entries[:i], b.entries[i+1:]...)
	}
}
