package server_test

import (
	"bytes"
	"errors"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/jlaffaye/ftp"

	"ftpdiag/server"
	"ftpdiag/server/servertest"
)

// replyCode is the FTP reply code inside a jlaffaye/ftp error, 0 without one.
func replyCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func jlaffayeLogin(t *testing.T, s *server.Server) *ftp.ServerConn {
	t.Helper()
	c, err := ftp.Dial(s.Addr().String(), ftp.DialWithTimeout(testTimeout))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Quit() })
	if err := c.Login(servertest.User, servertest.Password); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUploadLimits: an upload past the size of a file, the session's total
// or the free-space floor is stopped with 552 (452 when the disk is at its
// floor before it starts), nothing of it is stored, and the session goes on.
// The client is jlaffaye/ftp, as a Go program would upload.
func TestUploadLimits(t *testing.T) {
	const mib = 1 << 20
	type step struct {
		verb     string // STOR or APPE
		name     string
		size     int
		wantCode int // 0: stored
	}
	tests := []struct {
		name   string
		cfg    server.Config
		before int // bytes of "f" before the steps
		steps  []step
	}{
		{"file cap", server.Config{UploadMaxFile: mib}, 0, []step{
			{"STOR", "big", 3 * mib, 552},
			{"STOR", "small", mib, 0},
		}},
		{"session cap", server.Config{UploadMaxSession: 3 * mib / 2}, 0, []step{
			{"STOR", "one", mib, 0},
			{"STOR", "two", mib, 552},
			{"STOR", "three", 10, 552},
		}},
		{"APPE counts the bytes it keeps", server.Config{UploadMaxFile: mib}, 900 << 10, []step{
			{"APPE", "f", 200 << 10, 552},
			{"APPE", "f", 100 << 10, 0},
		}},
		{"no room above the floor", server.Config{UploadMinFree: 1 << 60}, 0, []step{
			{"STOR", "any", 10, 452},
		}},
		{"no limits", server.Config{UploadMaxFile: -1, UploadMaxSession: -1, UploadMinFree: -1}, 0, []step{
			{"STOR", "big", 3 * mib, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			original := bytes.Repeat([]byte("o"), tt.before)
			os.WriteFile(filepath.Join(root, "f"), original, 0o644)
			tt.cfg.Root, tt.cfg.Writable = root, true
			s := servertest.Start(t, tt.cfg)
			c := jlaffayeLogin(t, s)
			for _, st := range tt.steps {
				body := bytes.Repeat([]byte("u"), st.size)
				before, _ := os.ReadFile(filepath.Join(root, st.name))
				var err error
				if st.verb == "APPE" {
					err = c.Append(st.name, bytes.NewReader(body))
				} else {
					err = c.Stor(st.name, bytes.NewReader(body))
				}
				if got := replyCode(err); got != st.wantCode || st.wantCode == 0 && err != nil {
					t.Fatalf("%s %s of %d bytes: reply %d (%v), want %d", st.verb, st.name, st.size, got, err, st.wantCode)
				}
				got, _ := os.ReadFile(filepath.Join(root, st.name))
				want := append(before, body...)
				if st.verb == "STOR" {
					want = body
				}
				if st.wantCode != 0 {
					want = before
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s %s: the file holds %d bytes, want %d", st.verb, st.name, len(got), len(want))
				}
			}
			if left := leftovers(t, root); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
			if err := c.NoOp(); err != nil {
				t.Errorf("the session did not go on: NOOP: %v", err)
			}
		})
	}
}

// TestUploadLimitCurl: curl uploading past the file limit fails, and the
// server's transcript shows the 552 that stopped it.
func TestUploadLimitCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	root, trx := t.TempDir(), t.TempDir()
	s := servertest.Start(t, server.Config{Root: root, Writable: true, UploadMaxFile: 1 << 20, TranscriptDir: trx})
	src := filepath.Join(t.TempDir(), "big")
	os.WriteFile(src, make([]byte, 8<<20), 0o644)
	out, err := exec.Command("curl", "-sS", "--max-time", "10", "-T", src, servertest.URL(s)+"big").CombinedOutput()
	if err == nil {
		t.Fatalf("curl uploaded 8 MiB past a 1 MiB limit: %s", out)
	}
	if _, err := os.Stat(filepath.Join(root, "big")); err == nil {
		t.Errorf("the upload was stored")
	}
	waitFor(t, trx, "552: Upload aborted, nothing stored: the file would pass the limit of 1 MiB a file (--upload-max-file)")
	if left := leftovers(t, root); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
