package foreign

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/reassembly"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// ctrlConn is one FTP control connection of the capture: a session.
type ctrlConn struct {
	key   string // the builder's stream
	conn  *tcpConn
	tls   bool // encrypted from here on: no more lines to read
	lines [2]lineAcc
	// ports the session announced for data connections: passive ports
	// from 227/229 replies, active ones from PORT/EPRT, and when.
	pasv     map[uint16]time.Time
	active   map[uint16]time.Time
	lastPasv time.Time
	lastPort uint16
	pending  []*tcpConn // data connections whose SYN has no answer yet
	seenData map[uint16]bool
	lastXfer time.Time // the last transfer command (RETR, LIST, STOR ...)
	side     string    // "client", "server" or "" (unknown)
	closed   bool      // its close is recorded
	mid      bool      // the capture starts inside it: announcements may be missing
}

// dataConn ties a data connection to its session.
type dataConn struct {
	ctrl     *ctrlConn
	passive  bool
	answered bool
	closed   bool
}

// lineAcc gathers one direction's bytes into lines.
type lineAcc struct {
	cur []byte
	cut bool
}

// control makes conn a control connection: a session of its own.
func (c *capture) control(conn *tcpConn, mid bool) {
	cc := &ctrlConn{key: conn.ends[0].String() + ">" + conn.ends[1].String(), conn: conn,
		pasv: map[uint16]time.Time{}, active: map[uint16]time.Time{}, seenData: map[uint16]bool{}}
	cc.tls, cc.mid = conn.ends[1].Port() == portFTPS, mid
	conn.ctrl = cc
	c.ctrls = append(c.ctrls, cc)
	c.b.use(cc.key)
	if c.b.target.Host == "" {
		c.b.target.Host, c.b.target.Port = conn.ends[1].Addr().String(), int(conn.ends[1].Port())
	}
	if mid {
		c.b.open()
		c.b.cur.connected, c.b.cur.ctrl = true, conn.ends[1].String()
		c.b.note(fmt.Sprintf("the capture starts in the middle of the control connection %s to %s: its connection and first lines are not in it",
			conn.ends[0], conn.ends[1]))
	}
	if mid {
		c.adopt(cc)
	}
	if cc.tls {
		c.b.open()
		c.b.note("port 990 is implicit TLS: the control connection is encrypted, so the capture shows only connection outcomes, not commands or replies")
	}
}

// adopt ties to a session the capture joined in its middle the data
// connections that began before its first control packet was seen.
func (c *capture) adopt(cc *ctrlConn) {
	var found []*tcpConn
	for _, conn := range c.conns {
		if conn.ctrl == nil && conn.data == nil && !conn.done && c.dataOf(conn) == cc {
			found = append(found, conn)
		}
	}
	slices.SortFunc(found, func(a, b *tcpConn) int { return a.firstSyn.Compare(b.firstSyn) })
	for _, conn := range found {
		conn.data = &dataConn{ctrl: cc, passive: conn.ends[0].Addr() == cc.conn.ends[0].Addr()}
		if conn.syns == 0 {
			continue
		}
		cc.seenData[conn.ends[1].Port()] = true
		if conn.est {
			c.dataEvent(conn, result.Connected, "")
		} else {
			cc.pending = append(cc.pending, conn)
		}
	}
}

// dataOf finds the session a new connection is a data connection of: one
// between the same two hosts (either way round) whose session announced
// its port, or any such one where the session is encrypted and announced
// nothing readable. The latest session wins.
func (c *capture) dataOf(conn *tcpConn) *ctrlConn {
	cli, srv := conn.ends[0], conn.ends[1]
	for i := len(c.ctrls) - 1; i >= 0; i-- {
		cc := c.ctrls[i]
		ctl := cc.conn.ends
		passive := cli.Addr() == ctl[0].Addr() && srv.Addr() == ctl[1].Addr()
		active := cli.Addr() == ctl[1].Addr() && srv.Addr() == ctl[0].Addr()
		_, announced := cc.pasv[srv.Port()]
		_, callback := cc.active[srv.Port()]
		switch {
		case passive && srv.Port() == ctl[1].Port(), active && cli.Port() == ctl[1].Port() && !callback:
			continue // another control connection
		case passive && (announced || cc.tls), active && (callback || cc.tls):
			return cc
		case passive && cc.mid && len(cc.pasv) == 0 && len(cc.active) == 0:
			return cc // the capture starts after the announcement
		case announced && (cli.Addr() == ctl[0].Addr() || srv.Addr() == ctl[1].Addr()):
			return cc // through NAT: one side's address differs
		}
	}
	return nil
}

// dialStarted records a SYN: a control connection's dial, or a data one
// waiting for its answer.
func (c *capture) dialStarted(conn *tcpConn) {
	switch {
	case conn.ctrl != nil:
		c.b.use(conn.ctrl.key)
		c.b.dialControl(conn.ends[1].String())
	case conn.data != nil:
		cc := conn.data.ctrl
		cc.pending = append(cc.pending, conn)
		cc.seenData[conn.ends[1].Port()] = true
	}
}

// answered records how a SYN was answered.
func (c *capture) answered(conn *tcpConn, out result.Outcome, why string) {
	switch {
	case conn.ctrl != nil:
		c.b.use(conn.ctrl.key)
		if conn.syns == 0 {
			return
		}
		c.b.dialed(out, c.b.t-c.sinceStart(conn.firstSyn), why)
		if out == result.Connected {
			c.sideOf(conn)
		}
	case conn.data != nil && !conn.data.answered && conn.syns > 0:
		c.dataEvent(conn, out, why)
	}
}

func (c *capture) sinceStart(t time.Time) time.Duration {
	if c.b.start.IsZero() {
		return 0
	}
	return t.Sub(c.b.start)
}

// sideOf tells where the capture was taken from the control connection's
// TTLs: a host's own packets leave with a full TTL (64, 128, 255), the
// other's arrive with less, one per router on the way.
func (c *capture) sideOf(conn *tcpConn) {
	full := func(ttl uint8) bool { return ttl == 64 || ttl == 128 || ttl == 255 }
	cc := conn.ctrl
	switch cli, srv := conn.ttl[0], conn.ttl[1]; {
	case full(cli) && !full(srv):
		cc.side = "client"
		c.b.note(fmt.Sprintf("captured on the client's side: its packets leave with TTL %d, the server's arrive with %d", cli, srv))
	case full(srv) && !full(cli):
		cc.side = "server"
		c.b.note(fmt.Sprintf("captured on the server's side: its packets leave with TTL %d, the client's arrive with %d", srv, cli))
	}
}

// dataEvent records a data connection's attempt and outcome, with what the
// capture adds: who rejected it, and where the SYNs were seen.
func (c *capture) dataEvent(conn *tcpConn, out result.Outcome, why string) {
	d := conn.data
	d.answered = true
	cc := d.ctrl
	c.b.use(cc.key)
	op := result.OpDataConnect
	if !d.passive {
		op = result.OpDataAccept
	}
	ev := result.EventInfo{Op: op, Addr: conn.ends[1].String(), Local: conn.ends[0].String(), Outcome: out, Err: why,
		Dur: c.b.t - c.sinceStart(conn.firstSyn)}
	if !d.passive {
		ev.Addr, ev.Local = conn.ends[0].String(), conn.ends[1].String()
	}
	ev.Capture = &result.CaptureInfo{Side: cc.side, SYN: conn.syns}
	if conn.icmp != nil && out == result.Unreachable {
		ev.Capture.ICMP, ev.Capture.From = conn.icmp.name, conn.icmp.from.String()
	}
	text := transcript.Describe(ev)
	if out == result.Timeout || out == result.Unreachable {
		text = fmt.Sprintf("%s connection %s to %s: %s after %s (%d SYN)", dataWord(d), conn.ends[0], conn.ends[1], out, transcript.Human(ev.Dur), conn.syns)
	}
	c.b.flushReply()
	c.b.open()
	c.b.add(result.Entry{Kind: result.Event, Text: text, Event: &ev})
	if n := c.reading(conn, out); n != "" {
		c.b.note(n)
	}
}

func dataWord(d *dataConn) string {
	if d.passive {
		return "data"
	}
	return "active-mode data"
}

// reading is what the capture's side adds to an outcome.
func (c *capture) reading(conn *tcpConn, out result.Outcome) string {
	side := conn.data.ctrl.side
	switch {
	case out == result.Unreachable && conn.icmp != nil:
		return fmt.Sprintf("%s answered the SYN with ICMP %s: that box rejects port %d, and names itself", conn.icmp.from, conn.icmp.name, conn.ends[1].Port())
	case out == result.Timeout && side == "server" && conn.syns > 0:
		return fmt.Sprintf("the capture was taken on the server: %d SYN to port %d arrived here and got no answer, so the server's own firewall drops them (or nothing listens and the firewall hides it)", conn.syns, conn.ends[1].Port())
	case out == result.Timeout && side == "client":
		return fmt.Sprintf("the capture was taken on the client: %d SYN to port %d left it and got no answer, and no ICMP came back: something on the way or the server's firewall drops them", conn.syns, conn.ends[1].Port())
	}
	return ""
}

// closed records the end of a connection, once, by the side that ended it.
func (c *capture) closed(conn *tcpConn) {
	by := "client"
	if conn.closer == 1 {
		by = "server"
	}
	switch {
	case conn.ctrl != nil && !conn.ctrl.closed:
		cc := conn.ctrl
		cc.closed = true
		c.ctrlLinesFlush(cc)
		c.b.use(cc.key)
		c.settlePending(cc, true)
		if cc.tls && cc.side == "server" && len(cc.seenData) == 0 {
			c.b.note("no data connection attempt from the client arrived during this encrypted session; its PASV reply cannot be read, so which port it waited on is not known")
		}
		out := result.Closed
		if conn.reset {
			out = result.Reset
		}
		if cc.tls {
			c.encryptedClose(by, out)
			return
		}
		c.b.closed(by, out, 0, "")
		c.fragNotes(conn)
	case conn.data != nil && conn.est && !conn.data.closed:
		c.dataClosed(conn, by, false)
	}
}

// encryptedClose records the end of an encrypted control connection
// without saying who ended it for the diagnosis: whether a QUIT came
// before cannot be read, so a server's close is no sign of trouble.
func (c *capture) encryptedClose(by string, out result.Outcome) {
	c.b.flushReply()
	c.b.cur.connected, c.b.cur.dial = false, nil
	c.b.open()
	ev := result.EventInfo{Op: result.OpClose, Outcome: out}
	c.b.add(result.Entry{Kind: result.Event, Event: &ev,
		Text: fmt.Sprintf("control connection closed by the %s (encrypted: whether a QUIT came first cannot be read)", by)})
}

// dataClosed records a data connection's close: bytes moved, who closed,
// and whether it stalled (the path-MTU black hole reads as one).
func (c *capture) dataClosed(conn *tcpConn, by string, atEnd bool) {
	d := conn.data
	d.closed = true
	if !d.passive { // the FTP server dialled: its end is side 0
		by = map[string]string{"client": "server", "server": "client"}[by]
	}
	c.b.use(d.ctrl.key)
	sender := 1 // the FTP server's side sends, unless the other sent more (an upload)
	if !d.passive {
		sender = 0
	}
	if conn.bytes[1-sender] > conn.bytes[sender] {
		sender = 1 - sender
	}
	out := result.Complete
	note := ""
	switch {
	case conn.bigResent[sender] >= 2 && conn.fragNeed == nil:
		out = result.Stalled
		passed := fmt.Sprintf("segments of up to %d bytes were", conn.maxAcked[sender])
		if conn.maxAcked[sender] == 0 {
			passed = "the control connection's small packets passed"
		}
		note = fmt.Sprintf("segments of %d bytes were sent %d more times and never acknowledged, while %s; no ICMP fragmentation-needed came back: a path-MTU black hole (a router drops large packets without saying so)",
			conn.bigLen[sender], conn.bigResent[sender], passed)
	case atEnd:
		out = result.Stalled
		note = fmt.Sprintf("the capture ends with this data connection still open, %s after its last data", transcript.Human(c.last.Sub(conn.lastData)))
	case conn.reset:
		out = result.Reset
	case c.unused(conn):
		out = result.Closed
		note = "no transfer command used this data connection: the session sent none after announcing its port, and it was closed without a byte (clients close it so when a command before the transfer, such as SIZE or CWD, fails)"
	case conn.closer != sender && !conn.fin[sender]:
		out = result.Stalled
		note = fmt.Sprintf("the receiving side closed this data connection after %d bytes, before the sender finished it (no FIN from the sender): it gave up waiting", conn.bytes[sender])
		if conn.bytes[sender] == 0 {
			note += "; no data arrived at all while the control connection's small packets did: large packets may be lost on the way (a path-MTU black hole; a capture on the sender's side would show its large segments sent again)"
		}
	}
	ev := result.EventInfo{Op: result.OpDataClose, Bytes: conn.bytes[sender], By: by, Outcome: out,
		Dur: c.b.t - c.sinceStart(conn.estT), Capture: &result.CaptureInfo{Side: d.ctrl.side, SYN: conn.syns}}
	if conn.bigResent[sender] >= 2 && conn.fragNeed == nil {
		ev.Capture.BlackHole, ev.Capture.Resent, ev.Capture.Size = true, conn.bigResent[sender], conn.bigLen[sender]
	}
	c.b.event(ev)
	if conn.fragNeed != nil {
		c.b.note(fmt.Sprintf("%s sent ICMP %s (MTU %d) for this connection: path-MTU discovery works on this path", conn.fragNeed.from, conn.fragNeed.name, conn.fragNeed.mtu))
	}
	c.fragNotes(conn)
	if note != "" {
		c.b.note(note)
	}
}

// unused tells a data connection no transfer command used: no byte
// either way, and no transfer command since its port was announced. An
// encrypted session, or one the capture starts inside, cannot tell.
func (c *capture) unused(conn *tcpConn) bool {
	cc := conn.data.ctrl
	if cc.tls || cc.mid || conn.bytes[0] != 0 || conn.bytes[1] != 0 {
		return false
	}
	at, ok := cc.pasv[conn.ends[1].Port()]
	if !conn.data.passive {
		at, ok = cc.active[conn.ends[1].Port()]
	}
	return ok && cc.lastXfer.Before(at)
}

// settlePending turns the session's unanswered data SYNs into timeouts
// once the session has moved on (force: it ended), and, on the server's
// side, an announced passive port no SYN ever reached.
func (c *capture) settlePending(cc *ctrlConn, force bool) {
	keep := cc.pending[:0]
	for _, conn := range cc.pending {
		if conn.data.answered {
			continue
		}
		if !force && c.b.t-c.sinceStart(conn.firstSyn) < giveUp {
			keep = append(keep, conn)
			continue
		}
		c.dataEvent(conn, result.Timeout, fmt.Sprintf("%d SYN, no answer", conn.syns))
	}
	cc.pending = keep
	c.unreachedPasv(cc, force)
}

// unreachedPasv: on the server's side, a passive port announced and never
// dialled (no SYN arrived) while the client went on waiting: its attempts
// were dropped before they got here.
func (c *capture) unreachedPasv(cc *ctrlConn, force bool) {
	if cc.side != "server" || cc.lastPort == 0 || cc.seenData[cc.lastPort] {
		return
	}
	if !force && c.b.t-c.sinceStart(cc.lastPasv) < giveUp {
		return
	}
	port := cc.lastPort
	cc.seenData[port] = true
	addr := netip.AddrPortFrom(cc.conn.ends[1].Addr(), port)
	ev := result.EventInfo{Op: result.OpDataConnect, Addr: addr.String(), Outcome: result.Timeout,
		Dur: c.b.t - c.sinceStart(cc.lastPasv), Err: "no SYN arrived",
		Capture: &result.CaptureInfo{Side: cc.side, Absent: true}}
	c.b.flushReply()
	c.b.open()
	c.b.add(result.Entry{Kind: result.Event, Event: &ev,
		Text: fmt.Sprintf("data connection to %s: no connection attempt arrived in %s (not in the capture: read from its absence)", addr, transcript.Human(ev.Dur))})
	c.b.note(fmt.Sprintf("the capture was taken on the server: it announced port %d and no SYN to it arrived, so the client's attempts are dropped before they reach this machine (a firewall or router upstream, or a security group)", port))
}

// streamFactory makes the reassembly's stream for a control connection.
type streamFactory struct{ c *capture }

func (f *streamFactory) New(netFlow, tcpFlow gopacket.Flow, _ *layers.TCP, _ reassembly.AssemblerContext) reassembly.Stream {
	cc := f.c.next
	src, _ := netip.AddrFromSlice(netFlow.Src().Raw())
	first := 0
	if src != cc.conn.ends[0].Addr() || uint16FromRaw(tcpFlow.Src().Raw()) != cc.conn.ends[0].Port() {
		first = 1
	}
	return &ctrlStream{c: f.c, cc: cc, first: first}
}

func uint16FromRaw(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return uint16(b[0])<<8 | uint16(b[1])
}

// ctrlStream receives a control connection's bytes in order.
type ctrlStream struct {
	c     *capture
	cc    *ctrlConn
	first int // the side of the first packet the assembler saw
}

func (s *ctrlStream) Accept(_ *layers.TCP, _ gopacket.CaptureInfo, _ reassembly.TCPFlowDirection, _ reassembly.Sequence, start *bool, _ reassembly.AssemblerContext) bool {
	*start = true // a capture may start in the middle of a connection
	return true
}

func (s *ctrlStream) ReassembledSG(sg reassembly.ScatterGather, ac reassembly.AssemblerContext) {
	dir, _, _, skip := sg.Info()
	n, _ := sg.Lengths()
	side := s.first
	if dir == reassembly.TCPDirServerToClient {
		side = 1 - s.first
	}
	if skip > 0 && !s.cc.tls {
		s.c.b.use(s.cc.key)
		s.cc.lines[side] = lineAcc{}
		s.c.b.note(fmt.Sprintf("%d bytes of this control connection are missing from the capture", skip))
	}
	if n > 0 {
		s.c.ctrlBytes(s.cc, side, sg.Fetch(n))
	}
}

func (s *ctrlStream) ReassemblyComplete(reassembly.AssemblerContext) bool { return true }

// ctrlBytes splits a direction's bytes into lines: commands from the
// client (side 0), replies from the server.
func (c *capture) ctrlBytes(cc *ctrlConn, side int, data []byte) {
	acc := &cc.lines[side]
	for _, ch := range data {
		if cc.tls {
			return
		}
		if ch != '\n' {
			if len(acc.cur) < transcript.MaxLine {
				acc.cur = append(acc.cur, ch)
			} else {
				acc.cut = true
			}
			continue
		}
		line := strings.TrimSuffix(string(acc.cur), "\r")
		if acc.cut {
			line += " [... line cut at 4096 bytes]"
		}
		acc.cur, acc.cut = acc.cur[:0], false
		c.ctrlLine(cc, side, line)
	}
}

// ctrlLinesFlush takes what is left of a line when the connection ends.
func (c *capture) ctrlLinesFlush(cc *ctrlConn) {
	for side := range cc.lines {
		if len(cc.lines[side].cur) > 0 && !cc.tls {
			line := string(cc.lines[side].cur)
			cc.lines[side] = lineAcc{}
			c.ctrlLine(cc, side, line)
		}
	}
}

// ctrlLine records one line and what it announces.
func (c *capture) ctrlLine(cc *ctrlConn, side int, line string) {
	c.b.use(cc.key)
	if strings.TrimSpace(line) == "" {
		return
	}
	if side == 0 {
		c.settlePending(cc, false)
		if verb, _ := ftp.Verb(line); ftp.IsTransfer(strings.ToUpper(verb)) {
			cc.lastXfer = c.last
		}
		c.b.command(line)
		c.announceActive(cc, line)
		return
	}
	kind, code := ftp.NextLine(c.b.cur.code, line)
	if !c.b.replyLine(line) && !c.b.banner(line) {
		c.b.note("server: " + line)
	}
	if kind != ftp.Whole && kind != ftp.Ends {
		return
	}
	_, _, text, _ := ftp.ParseCodeLine(line)
	c.settlePending(cc, false)
	switch code {
	case ftp.EnteringPassive:
		if ap, err := ftp.ScanPASV(text); err == nil {
			c.announcePasv(cc, ap.Port())
		}
	case ftp.EnteringExtPassive:
		if port, err := ftp.ParseEPSV(line); err == nil {
			c.announcePasv(cc, uint16(port))
		}
	case ftp.AuthOK:
		cc.tls = true
		c.b.note("AUTH accepted: the control connection is encrypted from here on, so the capture shows only connection outcomes, not commands or replies")
	}
}

func (c *capture) announcePasv(cc *ctrlConn, port uint16) {
	cc.pasv[port] = c.last
	cc.lastPasv, cc.lastPort = c.last, port
}

// announceActive keeps the port of a PORT or EPRT command.
func (c *capture) announceActive(cc *ctrlConn, line string) {
	verb, arg := ftp.Verb(line)
	var ap netip.AddrPort
	var err error
	switch strings.ToUpper(verb) {
	case "PORT":
		ap, err = ftp.ParsePORT(arg)
	case "EPRT":
		ap, err = ftp.ParseEPRT(arg)
	default:
		return
	}
	if err == nil {
		cc.active[ap.Port()] = c.last
	}
}

// finish settles what is still open when the capture ends.
func (c *capture) finish() *Log {
	c.asm.FlushAll()
	for _, conn := range c.conns {
		if conn.data != nil && conn.est && !conn.data.closed {
			c.dataClosed(conn, "client", true)
		}
	}
	for _, cc := range c.ctrls {
		c.b.use(cc.key)
		c.ctrlLinesFlush(cc)
		if !cc.closed {
			c.fragNotes(cc.conn) // said at its close otherwise
		}
		c.settlePending(cc, true)
		if conn := cc.conn; conn.syns > 0 && !conn.est && !conn.refused && conn.icmp == nil {
			c.b.dialed(result.Timeout, c.b.t-c.sinceStart(conn.firstSyn), fmt.Sprintf("%d SYN, no answer", conn.syns))
		}
	}
	c.dec.frag.finish()
	fragNotes := c.dec.frag.notes()
	if c.dropped > 0 || c.cutShort || len(fragNotes) > 0 {
		c.b.use("")
		for _, n := range fragNotes {
			c.b.note(n)
		}
		if c.dropped > 0 {
			c.b.note(fmt.Sprintf("%d connections were not followed: more than %d at once", c.dropped, maxConns))
		}
		if c.cutShort {
			c.b.note("the capture file ends in the middle of a packet: it was cut short (tcpdump still writing, or a copy not finished)")
		}
	}
	return c.b.finish()
}
