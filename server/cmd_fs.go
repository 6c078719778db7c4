package server

import (
	"errors"
	"ftpdiag/ftp"
	"io/fs"
	"strings"
)

func (s *session) cmdPWD(string) {
	s.reply(ftp.PathCreated, "%s is the current directory", quotePath(s.cwd))
}

// quotePath writes a path as 257 replies do: in double quotes, inner
// quotes doubled (RFC 959 appendix II).
func quotePath(p string) string {
	return `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
}

func (s *session) cmdCWD(arg string) {
	virt, fi, ok := s.statFile(arg)
	if !ok {
		return
	}
	if !fi.IsDir() {
		s.reply(ftp.FileUnavailable, "%s: not a directory", virt)
		return
	}
	s.cwd = virt
	s.reply(ftp.FileActionOK, "Directory changed to %s", virt)
}

func (s *session) cmdCDUP(string) { s.cmdCWD("..") }

// statFile resolves arg and stats it, answering the error itself.
func (s *session) statFile(arg string) (string, fs.FileInfo, bool) {
	virt, name, err := resolve(s.cwd, arg)
	if err != nil {
		s.replyFSError(arg, err)
		return "", nil, false
	}
	fi, err := s.srv.files.root.Stat(name)
	if err != nil {
		s.replyFSError(virt, err)
		return "", nil, false
	}
	return virt, fi, true
}

// statRegular is statFile for the commands that only mean something for a
// file (SIZE, MDTM): a directory or a device gets 550 as well.
func (s *session) statRegular(arg string) (fs.FileInfo, bool) {
	virt, fi, ok := s.statFile(arg)
	if ok && !fi.Mode().IsRegular() {
		s.reply(ftp.FileUnavailable, "%s: not a regular file", virt)
		return nil, false
	}
	return fi, ok
}

func (s *session) cmdSIZE(arg string) {
	if fi, ok := s.statRegular(arg); ok {
		s.reply(ftp.FileStatus, "%d", fi.Size()+s.srv.cfg.Faults.SizeLie)
	}
}

func (s *session) cmdMDTM(arg string) {
	if fi, ok := s.statRegular(arg); ok {
		s.reply(ftp.FileStatus, "%s", fi.ModTime().UTC().Format(mdtmLayout))
	}
}

func (s *session) cmdMLST(arg string) {
	if strings.TrimSpace(arg) == "" {
		arg = s.cwd
	}
	virt, fi, ok := s.statFile(arg)
	if !ok {
		return
	}
	s.replyMulti(ftp.FileActionOK, "Listing "+virt, []string{" " + mlsxFacts(fi) + " " + virt}, "End")
}

// replyFSError answers a failed file operation. Paths that try to leave the
// root fail inside os.Root and get the same 550 as a missing file's
// neighbour: the reply tells nothing about what lies outside.
func (s *session) replyFSError(virt string, err error) {
	switch {
	case errors.Is(err, ErrBadPath):
		s.reply(ftp.ArgSyntax, "Bad path: %v", err)
	case errors.Is(err, fs.ErrNotExist):
		s.reply(ftp.FileUnavailable, "%s: no such file or directory", virt)
	case errors.Is(err, fs.ErrExist):
		s.reply(ftp.FileUnavailable, "%s: already exists", virt)
	default:
		s.reply(ftp.FileUnavailable, "%s: permission denied", virt)
	}
}
