package diagnose

import (
	"fmt"
	"slices"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// noPassivePort: the server answered PASV or EPSV with 425, it could not
// open a passive port. Judged at the end (settleExhausted), when every
// port the server handed out is known.
func (d *diagnosis) noPassivePort(i int, e result.Entry) {
	if d.exhausted == nil {
		d.exhausted = &e
		d.exhaustedI = i
	}
}

// settleExhausted: the passive range is used up. Every port holds a
// listener or a connection in TIME_WAIT (a minute on Linux after each data
// connection ends), so a range serves about its size in data connections a
// minute; the hint names the range seen.
func (d *diagnosis) settleExhausted() {
	e := d.exhausted
	if e == nil {
		return
	}
	detail := fmt.Sprintf("The server could not open a passive port: %q. Its passive range is used up: every port holds a listener for another data connection, or a connection that ended less than a minute ago (TIME_WAIT).", ftp.FirstLine(e.Text))
	var a Args
	if len(d.ports) > 0 {
		a.Lo, a.Hi = slices.Min(d.ports), slices.Max(d.ports)
		detail += fmt.Sprintf(" The ports it handed out were %d-%d (%d seen).", a.Lo, a.Hi, a.Hi-a.Lo+1)
	}
	d.add(Fact{Code: CodePasvExhausted, Args: a, Lines: []int{d.exhaustedI}, Detail: detail})
}

// exhaustedHint sizes the range: about as many ports as data connections a
// minute, at least four per client connected at once.
func exhaustedHint(a Args) []string {
	now := "its current range"
	if a.Hi > 0 {
		now = fmt.Sprintf("the %d ports seen (%d-%d)", a.Hi-a.Lo+1, a.Lo, a.Hi)
	}
	return []string{fmt.Sprintf("Widen the passive range beyond %s: a range serves about as many data connections a minute as it has ports; give it at least four ports per client connected at once (vsftpd pasv_min_port/pasv_max_port, ProFTPD PassivePorts, ftpdiag serve --pasv-ports).", now)}
}
