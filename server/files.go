package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
)

// ErrBadPath is wrapped when a client's path cannot be used at all (a NUL
// byte); paths that try to leave the root fail inside os.Root instead.
var ErrBadPath = errors.New("bad path")

// uploadPrefix names the temporary file of an upload in progress; listings
// hide it, and it is renamed to the real name only when complete.
const uploadPrefix = ".ftpdiag-upload-"

// files is the served tree: a directory confined by os.Root.
type files struct {
	root      *os.Root
	tempDir   string // the demo tree's directory, removed on close; "" for --root
	closeOnce sync.Once
	closeErr  error
}

// openFiles opens dir, or writes the built-in demo tree to a temporary
// directory when dir is "", so that both are served by the same code.
func openFiles(dir string) (*files, error) {
	f := &files{}
	if dir == "" {
		tmp, err := writeDemoTree()
		if err != nil {
			return nil, err
		}
		dir, f.tempDir = tmp, tmp
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		f.close()
		return nil, fmt.Errorf("%w: root %s: %w", ErrConfig, dir, err)
	}
	f.root = r
	return f, nil
}

// close may be called more than once (Shutdown, then Close).
func (f *files) close() error {
	f.closeOnce.Do(func() {
		if f.root != nil {
			f.closeErr = f.root.Close()
		}
		if f.tempDir != "" {
			os.RemoveAll(f.tempDir)
		}
	})
	return f.closeErr
}

// resolve joins a client path to the working directory and returns the
// virtual absolute path ("/pub/a") and the name inside the root ("pub/a").
// ".." cannot climb above "/" here, and os.Root refuses symlinks that leave it.
func resolve(cwd, arg string) (virt, name string, err error) {
	if strings.IndexByte(arg, 0) >= 0 {
		return "", "", fmt.Errorf("%w: NUL byte in path", ErrBadPath)
	}
	if !strings.HasPrefix(arg, "/") {
		arg = path.Join(cwd, arg)
	}
	virt = path.Clean("/" + arg)
	name = strings.TrimPrefix(virt, "/")
	if name == "" {
		name = "."
	}
	return virt, name, nil
}

// readDir lists a directory inside the root, upload temporaries left out.
func (f *files) readDir(name string) ([]fs.FileInfo, error) {
	d, err := f.root.Open(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]fs.FileInfo, 0, len(entries))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), uploadPrefix) {
			continue
		}
		if fi, err := f.root.Stat(path.Join(name, e.Name())); err == nil {
			out = append(out, fi)
		} else if fi, err := e.Info(); err == nil {
			out = append(out, fi) // a dangling or escaping symlink: shown as a link
		}
	}
	return out, nil
}

// upload is a file being written under a temporary name.
type upload struct {
	f         *os.File
	tmp, name string
	root      *os.Root
	kept      int64 // bytes of the existing file copied first (APPE, REST)
}

// startUpload creates the temporary file for name. keep bytes of the
// existing file are copied first (APPE keeps all: -1; REST keeps its offset).
func (f *files) startUpload(name string, keep int64) (*upload, error) {
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := path.Join(path.Dir(name), uploadPrefix+hex.EncodeToString(rnd[:])+"-"+path.Base(name))
	w, err := f.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	up := &upload{f: w, tmp: tmp, name: name, root: f.root}
	if keep != 0 {
		if err := up.copyExisting(keep); err != nil {
			up.abort()
			return nil, err
		}
	}
	return up, nil
}

func (u *upload) copyExisting(keep int64) error {
	old, err := u.root.Open(u.name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer old.Close()
	var r io.Reader = old
	if keep > 0 {
		r = io.LimitReader(old, keep)
	}
	u.kept, err = io.Copy(u.f, r)
	return err
}

// commit makes the upload visible under its real name, in one rename.
func (u *upload) commit() error {
	if err := u.f.Close(); err != nil {
		u.root.Remove(u.tmp)
		return err
	}
	if err := u.root.Rename(u.tmp, u.name); err != nil {
		u.root.Remove(u.tmp)
		return err
	}
	return nil
}

// abort removes the temporary file: nothing half-written stays behind.
func (u *upload) abort() {
	u.f.Close()
	u.root.Remove(u.tmp)
}
