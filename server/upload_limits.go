package server

import (
	"fmt"
	"io"

	"ftpdiag/ftp"
)

// freeCheckEvery is how many bytes an upload writes between two looks at
// the free space: a statfs call costs microseconds, and a MiB is what a
// fast link brings in a millisecond or so.
const freeCheckEvery = 1 << 20

// freeSpaceOf is freeSpace; a test stands in a disk that fills.
var freeSpaceOf = freeSpace

// storageError is an upload stopped by one of the limits on disk; the
// transfer answers 552 with its text.
type storageError struct{ why string }

func (e *storageError) Error() string { return e.why }

// uploadRefusal is why an upload may not even start (the session's total
// is used up, or the disk is at its floor already), with its reply code;
// 0 when it may.
func (s *session) uploadRefusal() (ftp.Code, string) {
	cfg := s.srv.cfg
	if cfg.UploadMaxSession >= 0 && s.uploaded.Load() >= cfg.UploadMaxSession {
		return ftp.StorageExceeded, fmt.Sprintf("This session has uploaded its limit of %s (--upload-max-session)", sizeText(cfg.UploadMaxSession))
	}
	if err := s.srv.files.checkFloor(cfg.UploadMinFree); err != nil {
		return ftp.InsufficientStorage, err.Error()
	}
	return 0, ""
}

// checkFloor fails when the root's file system has less than floor free.
func (f *files) checkFloor(floor int64) error {
	if floor < 0 {
		return nil
	}
	free, ok := freeSpaceOf(f.root.Name())
	if !ok || free >= floor {
		return nil
	}
	return &storageError{fmt.Sprintf("Insufficient storage space: %s free, the server keeps %s free (--upload-min-free)", sizeText(free), sizeText(floor))}
}

// quotaWriter is an upload's file behind the three limits: the file's
// size, the session's total, and the free-space floor.
type quotaWriter struct {
	w         io.Writer
	s         *session
	size      int64 // of the file so far, bytes kept by APPE or REST included
	unchecked int64 // written since the last look at the free space
}

func (q *quotaWriter) Write(p []byte) (int, error) {
	cfg, n := q.s.srv.cfg, int64(len(p))
	if cfg.UploadMaxFile >= 0 && q.size+n > cfg.UploadMaxFile {
		return 0, &storageError{fmt.Sprintf("the file would pass the limit of %s a file (--upload-max-file)", sizeText(cfg.UploadMaxFile))}
	}
	if total := q.s.uploaded.Add(n); cfg.UploadMaxSession >= 0 && total > cfg.UploadMaxSession {
		return 0, &storageError{fmt.Sprintf("the session would pass its limit of %s uploaded (--upload-max-session)", sizeText(cfg.UploadMaxSession))}
	}
	if q.unchecked += n; q.unchecked >= freeCheckEvery {
		q.unchecked = 0
		if err := q.s.srv.files.checkFloor(cfg.UploadMinFree); err != nil {
			return 0, err
		}
	}
	m, err := q.w.Write(p)
	q.size += int64(m)
	return m, err
}
