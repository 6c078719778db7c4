package server

import (
	"fmt"

	"ftpdiag/transcript"
)

// fileCap bounds one session's transcript file: a client that never logs in
// and sends 4 KiB lines would otherwise write tens of MB a second. Past the
// cap one note says where the file was cut, and only the closing line of
// the session follows it, so the file still tells how the session ended.
type fileCap struct {
	max     int64
	written int64
	cut     bool
}

// admit returns what of an entry's rendered lines may still be written.
func (c *fileCap) admit(e transcript.Entry, lines []string) []string {
	size := int64(0)
	for _, l := range lines {
		size += int64(len(l))
	}
	closing := e.Kind == transcript.Event && e.Event != nil && e.Event.Op == transcript.OpClose
	switch {
	case closing:
	case c.cut:
		return nil
	case c.written+size > c.max:
		c.cut = true
		note := transcript.Entry{Kind: transcript.Note, Text: fmt.Sprintf(
			"transcript cut at %d bytes (--transcript-max-bytes): the rest of this session is not recorded", c.max)}
		lines = []string{transcript.RenderEntry(note)[0] + "\n"}
		size = int64(len(lines[0]))
	}
	c.written += size
	return lines
}
