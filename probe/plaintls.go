package probe

import (
	"bytes"
	"crypto/tls"
	"errors"

	"ftpdiag/ftp"
)

// lastReadMax is how much of the latest read from under a TLS control
// connection is kept: enough for one reply line a server wrote in clear.
const lastReadMax = 512

// keepLast remembers the latest chunk read, for plainInTLS.
func (s *sniffConn) keepLast(p []byte) {
	s.last = append(s.last[:0], p[:min(len(p), lastReadMax)]...)
}

// plainInTLS: a server that fails on its own side may write its error in
// plain text inside the TLS connection (vsftpd's "500 OOPS:
// vsf_sysutil_bind" after PORT under PROT P, when it cannot bind port 20);
// crypto/tls then meets a record header that is no TLS record. Where those
// bytes read as an FTP reply, the transcript shows the reply, as the
// plain-text session's would, and true is returned.
func (c *ctrl) plainInTLS(err error) bool {
	var rhe tls.RecordHeaderError
	if c.sniff == nil || !errors.As(err, &rhe) {
		return false
	}
	line := plainLine(c.sniff.last, rhe.RecordHeader[:])
	code := ftp.ReplyCode(line)
	if code == 0 {
		return false
	}
	c.sess.Reply(code, line)
	c.sess.Note("the server wrote this reply in plain text inside the TLS connection: it failed on its own side and left TLS behind")
	return true
}

// plainLine is the line that starts with the record header's bytes in the
// latest read, or the header's bytes alone where the read does not hold them.
func plainLine(last, header []byte) string {
	i := bytes.Index(last, header)
	if i < 0 {
		return string(header)
	}
	line, _, _ := bytes.Cut(last[i:], []byte("\n"))
	return string(bytes.TrimRight(line, "\r"))
}
