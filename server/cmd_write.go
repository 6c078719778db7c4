package server

import "ftpdiag/ftp"

func (s *session) cmdDELE(arg string) {
	virt, name, err := resolve(s.cwd, arg)
	if err == nil {
		var fi interface{ IsDir() bool }
		if fi, err = s.srv.files.root.Lstat(name); err == nil && fi.IsDir() {
			s.reply(ftp.FileUnavailable, "%s: is a directory (use RMD)", virt)
			return
		}
	}
	if err == nil {
		err = s.srv.files.root.Remove(name)
	}
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	s.reply(ftp.FileActionOK, "%s deleted", virt)
}

func (s *session) cmdMKD(arg string) {
	virt, name, err := resolve(s.cwd, arg)
	if err == nil {
		err = s.srv.files.root.Mkdir(name, 0o755)
	}
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	s.reply(ftp.PathCreated, "%s created", quotePath(virt))
}

func (s *session) cmdRMD(arg string) {
	virt, name, err := resolve(s.cwd, arg)
	if err == nil && name == "." {
		s.reply(ftp.FileUnavailable, "/ cannot be removed")
		return
	}
	if err == nil {
		var fi interface{ IsDir() bool }
		if fi, err = s.srv.files.root.Lstat(name); err == nil && !fi.IsDir() {
			s.reply(ftp.FileUnavailable, "%s: not a directory (use DELE)", virt)
			return
		}
	}
	if err == nil {
		err = s.srv.files.root.Remove(name) // fails on a directory that is not empty
	}
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	s.reply(ftp.FileActionOK, "%s removed", virt)
}

func (s *session) cmdRNFR(arg string) {
	virt, name, err := resolve(s.cwd, arg)
	if err == nil {
		_, err = s.srv.files.root.Lstat(name)
	}
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	s.renameFrom = name
	s.reply(ftp.PendingFurtherInfo, "%s exists; send RNTO with the new name", virt)
}

// cmdRNTO must follow RNFR at once (RFC 959), so a stale RNFR cannot rename
// a file much later by surprise.
func (s *session) cmdRNTO(arg string) {
	from := s.renameFrom
	s.renameFrom = ""
	if s.lastVerb != "RNFR" || from == "" {
		s.reply(ftp.BadSequence, "Send RNFR first")
		return
	}
	virt, name, err := resolve(s.cwd, arg)
	if err == nil {
		err = s.srv.files.root.Rename(from, name)
	}
	if err != nil {
		s.replyFSError(virt, err)
		return
	}
	s.reply(ftp.FileActionOK, "Renamed to %s", virt)
}
