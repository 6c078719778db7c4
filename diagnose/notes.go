package diagnose

import (
	"fmt"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// notFTP explains a line from the server that is no FTP reply at all.
const notFTP = "not an FTP reply: every FTP reply starts with a three-digit code"

// annotation is a note the renderer adds under a transcript entry. key is the
// fact it carries, so a note the probe already wrote is not said twice.
type annotation struct {
	text string
	key  string
}

// annotateEntry explains entry i of entries alone. It indexes the whole
// transcript first: a renderer annotating every entry builds one
// sessionIndex and calls its annotate instead.
func annotateEntry(entries []result.Entry, i int) []annotation {
	return newSessionIndex(entries).annotate(i)
}

// annotate explains entry i: decoded PASV/EPSV/PORT arguments, private
// addresses and what was dialled instead, unusual reply codes, and what a
// data connection's outcome usually means.
func (ix *sessionIndex) annotate(i int) []annotation {
	e := ix.entries[i]
	var out []annotation
	switch e.Kind {
	case result.Reply:
		out = append(out, annotateSlow(ix, i)...)
		switch e.Code {
		case 0:
			out = append(out, annotation{text: notFTP, key: notFTP})
		case ftp.CommandOK:
			out = append(out, annotateSITEReply(ix, i)...)
		case ftp.FileStatus:
			out = append(out, annotateSize(ix, i)...)
		case ftp.EnteringPassive:
			out = append(out, annotatePASV(ix, i)...)
		case ftp.EnteringExtPassive:
			out = append(out, annotateEPSV(e)...)
		}
		if m := ftp.Meaning(e.Code); m != "" {
			out = append(out, annotation{text: m, key: m})
		}
	case result.Command:
		out = append(out, annotatePORT(e.Text)...)
		out = append(out, annotateSITE(e.Text)...)
	case result.Event:
		out = append(out, annotateEvent(e)...)
	}
	return dropKnown(ix, i, out)
}

// dropKnown removes annotations whose fact a note following entry i
// already states.
func dropKnown(ix *sessionIndex, i int, as []annotation) []annotation {
	if len(as) == 0 {
		return nil
	}
	_, known := ix.notesAfter(i)
	var out []annotation
	for _, a := range as {
		said := false
		for _, k := range known {
			said = said || strings.Contains(k, a.key)
		}
		if !said {
			out = append(out, a)
		}
	}
	return out
}

// annotateEvent says what a failed data connection usually means; the event
// line itself already gives the address and the time.
func annotateEvent(e result.Entry) []annotation {
	if e.Event == nil {
		return nil
	}
	var t string
	switch {
	case e.Event.Op == result.OpDataConnect && e.Event.Outcome == result.Timeout:
		t = "no answer at all: a firewall on the way silently drops connections to this port"
	case e.Event.Op == result.OpDataConnect && e.Event.Outcome == result.Refused:
		t = "answered with a reset: nothing listens on this port, or a firewall rejects it"
	case e.Event.Op == result.OpDataAccept && e.Event.Outcome == result.Timeout:
		t = "the server never connected back: something between it and the client blocks inbound connections"
	case e.Event.Op == result.OpConnect && e.Event.Outcome == result.Timeout:
		t = "no answer at all: a firewall drops the connection, or the address is wrong or down"
	case e.Event.Op == result.OpConnect && e.Event.Outcome == result.Refused:
		t = "answered with a reset: nothing listens on this port, or a firewall rejects it"
	default:
		return nil
	}
	return []annotation{{text: t, key: t}}
}

// annotateSlow notes a reply that came slowly after its command (or after
// the connection, for a greeting). Replies to transfers are left alone: a
// long download is not a slow server.
func annotateSlow(ix *sessionIndex, i int) []annotation {
	j := ix.prev[i]
	if j < 0 {
		return nil
	}
	prev := ix.entries[j]
	if prev.Kind != result.Command && !isConnect(prev) {
		return nil
	}
	if prev.Kind == result.Command && ftp.IsTransfer(prev.Text) {
		return nil
	}
	d := ix.entries[i].T - prev.T
	if d < transcript.SlowReply {
		return nil
	}
	t := "the server took " + transcript.Human(d) + " to answer"
	return []annotation{{text: t, key: "took " + transcript.Human(d)}}
}

// annotateSize reads the 213 reply to SIZE, which a reader compares with
// the bytes the data connection then carried.
func annotateSize(ix *sessionIndex, i int) []annotation {
	j := ix.prev[i]
	if j < 0 {
		return nil
	}
	prev := ix.entries[j]
	verb, file, _ := strings.Cut(prev.Text, " ")
	if prev.Kind != result.Command || !strings.EqualFold(verb, "SIZE") {
		return nil
	}
	f := strings.Fields(strings.TrimPrefix(ix.entries[i].Text, "213"))
	if len(f) != 1 {
		return nil
	}
	t := fmt.Sprintf("the server announces %s bytes for %s", f[0], file)
	return []annotation{{text: t, key: f[0] + " bytes"}}
}
