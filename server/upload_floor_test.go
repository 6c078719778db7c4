package server

import (
	"bytes"
	"errors"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// TestUploadFloorDuringTransfer: a disk that fills while an upload runs
// (here a stand-in whose free space drops after the first look) stops the
// upload with 552 once it reaches the floor, and nothing is stored.
func TestUploadFloorDuringTransfer(t *testing.T) {
	var looks atomic.Int64
	freeSpaceOf = func(string) (int64, bool) {
		if looks.Add(1) == 1 {
			return 1 << 30, true // the look before the upload starts
		}
		return 1 << 20, true
	}
	t.Cleanup(func() { freeSpaceOf = freeSpace })
	root := t.TempDir()
	srv, err := New(Config{Root: root, Writable: true, Users: map[string]string{"u": "p"}, PasvMin: -1, UploadMinFree: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c, err := ftp.Dial(ln.Addr().String(), ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Login("u", "p"); err != nil {
		t.Fatal(err)
	}
	err = c.Stor("big", bytes.NewReader(make([]byte, 8<<20)))
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 552 {
		t.Fatalf("STOR past the floor: %v, want a 552", err)
	}
	if _, err := os.Stat(filepath.Join(root, "big")); err == nil {
		t.Errorf("the upload was stored")
	}
	if n := looks.Load(); n < 2 {
		t.Errorf("free space looked at %d times, want before and during the upload", n)
	}
}
