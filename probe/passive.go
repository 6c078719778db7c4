package probe

import (
	"fmt"
	"net"
	"net/netip"
	"path"
	"strings"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// openPassive asks for a passive data port (PASV or EPSV) and dials it.
func (r *sessRun) openPassive(verb string) (net.Conn, stepResult) {
	code, text, ok := r.c.cmd("%s", verb)
	if !ok {
		return nil, stepResult{status: result.Fail, detail: "no reply to " + verb, stop: true}
	}
	if code >= 400 {
		return nil, stepResult{status: result.Warn, detail: verb + " refused: " + firstLine(text)}
	}
	ap, err := r.passivePort(verb, text)
	if err != nil {
		return nil, stepResult{status: result.Fail, detail: err.Error()}
	}
	dc, ok := r.c.dialData(r.ctx, r.c.dataTarget(ap), nil)
	if !ok {
		r.c.owed = verb
		return nil, stepResult{status: result.Fail, detail: "the data port " + ap.String() + " does not answer", stop: true}
	}
	if r.protected {
		r.dtls = r.c.secureData(r.ctx, dc, r.tlsCfg, r.freshData)
	}
	return dc, stepResult{}
}

// passivePort reads the port of a 227 or 229 reply; EPSV's port is on the
// control connection's address, as RFC 2428 says.
func (r *sessRun) passivePort(verb, text string) (netip.AddrPort, error) {
	if verb == "EPSV" {
		port, err := ftp.ParseEPSV(text)
		return netip.AddrPortFrom(r.p.ip, uint16(port)), err
	}
	return ftp.ParsePASV(text)
}

// transferCmd sends LIST or RETR over an open data connection and reads
// the data and the replies around it.
func (r *sessRun) transferCmd(dc net.Conn, line string) (transfer, stepResult) {
	hs := r.dtls
	r.dtls = nil
	code, text, ok := r.c.cmd("%s", line)
	if !ok || code >= 400 {
		if hs != nil {
			hs.abort()
		}
		dc.Close()
		if !ok {
			return transfer{}, stepResult{status: result.Fail, detail: "no reply to " + line, stop: true}
		}
		return transfer{}, stepResult{status: result.Fail, detail: firstLine(text), stop: true}
	}
	if hs != nil {
		if res, ok := r.dataHandshake(hs, code); !ok {
			return transfer{}, res
		}
		dc = hs.tc
	}
	t := r.c.drain(dc)
	if t.outcome != result.Complete {
		r.c.hangUp("the data transfer did not end normally; the server may not answer until it does")
		return t, transferEnded(t)
	}
	if code < 200 {
		if code, text, ok = r.c.reply(); !ok || code >= 400 {
			return t, stepResult{status: result.Fail, detail: "after the data: " + firstLine(text), stop: true}
		}
	}
	return t, stepResult{status: result.Pass, detail: fmt.Sprintf("%d bytes", t.bytes)}
}

// transferEnded is the check of a transfer that did not complete. One the
// probe cut at its own limit is not the server's failure: the data
// connection worked, its end was not seen (diagnose: transfer.truncated).
func transferEnded(t transfer) stepResult {
	if t.outcome == result.Truncated {
		return stepResult{status: result.NotChecked, stop: true,
			detail: fmt.Sprintf("cut by the probe after %d bytes (--max-bytes or the transfer time): the data connection works, the transfer's end was not seen", t.bytes)}
	}
	return stepResult{status: result.Fail, detail: fmt.Sprintf("the transfer ended %s after %d bytes", t.outcome, t.bytes), stop: true}
}

// dataHandshake waits for a data connection's TLS handshake; where it
// failed, it reads what the server says about it (a 425 or 522 after the
// 150), which names the cause.
func (r *sessRun) dataHandshake(hs *dataTLS, code int) (stepResult, bool) {
	err := hs.wait()
	if err == nil {
		return stepResult{}, true
	}
	hs.raw.Close()
	detail := "the data connection's TLS handshake failed: " + errText(err)
	if code < 200 {
		if _, text, ok := r.c.reply(); ok {
			detail += "; the server said " + firstLine(text)
		}
	}
	return stepResult{status: result.Fail, detail: detail, stop: true}, false
}

func (r *sessRun) listCmd() string {
	if p := r.p.target.Path; p != "" && p != "/" {
		return "LIST " + p
	}
	return "LIST"
}

func (r *sessRun) pasvList() (res stepResult) {
	defer r.watchTLSData(&res)
	if r.p.ip.Is6() {
		r.passive = "EPSV"
		return stepResult{status: result.NotChecked, detail: "PASV cannot name an IPv6 address; see EPSV"}
	}
	dc, res := r.openPassive("PASV")
	if dc == nil {
		if res.status == result.Warn {
			r.passive = "EPSV"
		}
		return res
	}
	t, res := r.transferCmd(dc, r.listCmd())
	if res.status == result.Pass {
		r.file = r.pickFile(t.head)
		res.detail = "listing of " + res.detail
	}
	return res
}

func (r *sessRun) epsvList() (res stepResult) {
	defer r.watchTLSData(&res)
	dc, res := r.openPassive("EPSV")
	if dc == nil {
		res.stop = res.stop && r.passive == "EPSV" // PASV still works
		return res
	}
	t, res := r.transferCmd(dc, r.listCmd())
	if res.status == result.Pass && r.file == "" {
		r.file = r.pickFile(t.head) // PASV could not list (IPv6, or refused)
	}
	return res
}

// watchTLSData marks a failed passive listing in a session whose data
// connections do TLS, for the plain-text comparison (comparePlain).
func (r *sessRun) watchTLSData(res *stepResult) {
	if r.protected && res.status == result.Fail {
		r.p.mu.Lock()
		r.p.tlsDataFailed = true
		r.p.mu.Unlock()
	}
}

// pickFile chooses the file to download: --file, or the first regular
// file of the listing.
func (r *sessRun) pickFile(listing []byte) string {
	if f := r.p.opts.File; f != "" {
		return f
	}
	for _, l := range strings.Split(string(listing), "\n") {
		// A name with a control character is no name to send back: the
		// writer of commands would refuse it (and it is likely bait).
		if name := regularFile(strings.TrimRight(l, "\r")); name != "" && ftp.CheckText(name) == nil {
			if p := r.p.target.Path; p != "" && p != "/" {
				return path.Join(p, name)
			}
			return name
		}
	}
	return ""
}

// regularFile reads a Unix "ls -l" or a DOS listing line, and returns the
// name when the line is a regular file.
func regularFile(l string) string {
	f := strings.Fields(l)
	switch {
	case len(f) >= 9 && strings.HasPrefix(f[0], "-"):
		return strings.Join(f[8:], " ")
	case len(f) >= 4 && strings.Contains(f[1], ":") && f[2] != "<DIR>":
		return strings.Join(f[3:], " ")
	}
	return ""
}

func (r *sessRun) size() stepResult {
	if r.file == "" {
		return stepResult{status: result.NotChecked, detail: "no regular file in the listing (use --file)"}
	}
	code, text, ok := r.c.cmd("SIZE %s", r.file)
	switch {
	case !ok:
		return stepResult{status: result.Fail, detail: "no reply", stop: true}
	case code != ftp.FileStatus:
		return stepResult{status: result.Warn, detail: "SIZE not answered: " + firstLine(text)}
	}
	return stepResult{status: result.Pass, detail: r.file + ": " + strings.TrimPrefix(firstLine(text), "213 ") + " bytes"}
}

func (r *sessRun) retr() stepResult {
	if r.file == "" {
		return stepResult{status: result.NotChecked, detail: "no regular file in the listing (use --file)"}
	}
	dc, res := r.openPassive(r.passive)
	if dc == nil {
		return res
	}
	t, res := r.transferCmd(dc, "RETR "+r.file)
	if res.status == result.Pass {
		res.detail = fmt.Sprintf("%s: %d bytes", r.file, t.bytes)
	}
	return res
}
