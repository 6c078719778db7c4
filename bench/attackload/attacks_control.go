package main

import (
	"bytes"
	"fmt"
	"net"
	"net/textproto"
	"time"
)

// login opens a control connection and logs in; nil when it could not.
func login(s *server, name, password string, stop time.Time) *textproto.Conn {
	c, err := net.DialTimeout("tcp", s.addr, dialTimeout)
	if err != nil {
		return nil
	}
	c.SetDeadline(stop.Add(time.Second))
	tp := textproto.NewConn(c)
	if _, _, err := tp.ReadResponse(220); err != nil {
		tp.Close()
		return nil
	}
	tp.PrintfLine("USER %s", name)
	tp.ReadResponse(0)
	tp.PrintfLine("PASS %s", password)
	if _, _, err := tp.ReadResponse(230); err != nil {
		tp.Close()
		return nil
	}
	return tp
}

// sweeps asks for SITE SWEEP 10 every 0.2 s, as the attacker did,
// and counts the sweeps that started; the note quotes the first refusal.
func sweeps(s *server, stop time.Time, name, password string) string {
	tp := login(s, name, password, stop)
	if tp == nil {
		return "could not log in"
	}
	defer tp.Close()
	started, asked, refusal := 0, 0, ""
	for ; asked < maxSweeps && time.Now().Before(stop); asked++ {
		tp.PrintfLine("SITE SWEEP 10")
		code, msg, err := tp.ReadResponse(0)
		switch {
		case code == 200:
			started++
		case err != nil && code == 0:
			return fmt.Sprintf("connection ended: %v", err)
		case refusal == "":
			refusal = fmt.Sprintf("%d %s", code, msg)
		}
		time.Sleep(sweepEvery)
	}
	return fmt.Sprintf("%d of %d sweeps started; refused: %q", started, asked, refusal)
}

// evilName is a user name that would retitle, beep, clear and reverse the
// terminal of whoever cats a transcript holding it raw.
const evilName = "\x1b]0;pwned\x07\x1b[2J\u202eexe.txt"

// controlBytes sends USER with terminal control sequences a few times, then
// counts the raw control bytes the transcript files kept.
func controlBytes(s *server, stop time.Time) string {
	for i := 0; i < evilUsers && time.Now().Before(stop); i++ {
		c, err := net.DialTimeout("tcp", s.addr, dialTimeout)
		if err != nil {
			continue
		}
		c.SetDeadline(stop)
		tp := textproto.NewConn(c)
		tp.ReadResponse(220)
		tp.PrintfLine("USER %s", evilName)
		tp.ReadResponse(0)
		tp.PrintfLine("QUIT")
		tp.ReadResponse(0)
		tp.Close()
	}
	time.Sleep(min(200*time.Millisecond, time.Until(stop))) // the files' last lines
	text := s.transcriptText()
	raw := bytes.Count(text, []byte("\x1b")) + bytes.Count(text, []byte("\x07")) + bytes.Count(text, []byte("\u202e"))
	return fmt.Sprintf("%d raw ESC/BEL/RLO in the transcripts", raw)
}
