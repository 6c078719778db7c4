package server

import (
	"context"
	"fmt"
	"ftpdiag/ftp"
	"io"
	"io/fs"
	"net"
	"strconv"
	"strings"
)

func (s *session) cmdLIST(arg string) { s.sendListing(arg, formatLIST) }
func (s *session) cmdNLST(arg string) { s.sendListing(arg, formatNLST) }
func (s *session) cmdMLSD(arg string) { s.sendListing(arg, formatMLSD) }

// sendListing sends a listing over the data connection. It is read before
// the data connection opens, so a bad path is a plain 550.
func (s *session) sendListing(arg string, format func(fs.FileInfo) string) {
	virt, lines, err := s.listing(arg, format)
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	var body strings.Builder
	for _, l := range lines {
		body.WriteString(l + "\r\n")
	}
	text := body.String()
	s.startTransfer(job{
		opening: "Opening ASCII mode data connection for file list of " + virt,
		run: func(_ context.Context, dc net.Conn) (int64, error) {
			n, err := io.Copy(deadlineConn{dc, s.srv.cfg.DataTimeout}, strings.NewReader(text))
			return n, err
		},
	})
}

func (s *session) cmdREST(arg string) {
	n, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || n < 0 {
		s.reply(ftp.ArgSyntax, "REST wants a byte offset from 0")
		return
	}
	s.rest = n
	s.reply(ftp.PendingFurtherInfo, "Restarting at %d; send RETR or STOR to start the transfer", n)
}

// takeRest returns the REST offset for this transfer, which it consumes.
func (s *session) takeRest() int64 {
	n := s.rest
	s.rest = 0
	return n
}

func (s *session) cmdRETR(arg string) {
	offset := s.takeRest()
	virt, name, err := resolve(s.cwd, arg)
	if err != nil {
		s.replyFSError(arg, err)
		return
	}
	f, err := s.srv.files.root.Open(name)
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		s.reply(ftp.FileUnavailable, "%s: not a regular file", virt)
		return
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil || offset > fi.Size() {
		f.Close()
		s.reply(ftp.BadRestart, "REST offset %d is past the end of %s", offset, virt)
		return
	}
	size := fi.Size() + s.srv.cfg.Faults.SizeLie
	s.startTransfer(job{
		opening: fmt.Sprintf("Opening %s mode data connection for %s (%d bytes)", s.modeName(), virt, size),
		run:     func(ctx context.Context, dc net.Conn) (int64, error) { return s.sendFile(ctx, dc, f) },
		after:   func(error) error { return f.Close() },
	})
}

func (s *session) modeName() string {
	if s.ascii {
		return "ASCII"
	}
	return "BINARY"
}

func (s *session) cmdSTOR(arg string) { s.store(arg, s.takeRest()) }

// cmdAPPE keeps the whole existing file and appends to it, through the same
// temporary-file-and-rename path as STOR.
func (s *session) cmdAPPE(arg string) {
	s.takeRest()
	s.store(arg, -1)
}

// store receives a file into a temporary name and renames it into place
// only when the transfer completed: an aborted upload leaves nothing
// half-written under the real name.
func (s *session) store(arg string, keep int64) {
	virt, name, err := resolve(s.cwd, arg)
	if err != nil {
		s.replyFSError(arg, err)
		return
	}
	if fi, err := s.srv.files.root.Stat(name); err == nil && fi.IsDir() {
		s.reply(ftp.FileUnavailable, "%s: is a directory", virt)
		return
	}
	if code, why := s.uploadRefusal(); code != 0 {
		s.reply(code, "%s", why)
		return
	}
	up, err := s.srv.files.startUpload(name, keep)
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	s.startTransfer(job{
		opening: fmt.Sprintf("Opening %s mode data connection to receive %s", s.modeName(), virt),
		run: func(_ context.Context, dc net.Conn) (int64, error) {
			return s.receive(dc, &quotaWriter{w: up.f, s: s, size: up.kept})
		},
		upload: true,
		after: func(err error) error {
			if err != nil {
				up.abort()
				return nil
			}
			return up.commit()
		},
	})
}
