package cli

import (
	"os"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair with the standard library only:
// the status line must show on a real terminal, which a buffer is not.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlocking the pty: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("naming the pty: %v", e)
	}
	tty, err = os.OpenFile("/dev/pts/"+itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

func itoa(n uint32) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

func TestStatusShowsOnATerminal(t *testing.T) {
	t.Setenv("TERM", "xterm")
	t.Setenv("COLUMNS", "")
	master, tty := openPTY(t)
	s := newStatus(tty)
	if s == nil {
		t.Fatal("no status line on a terminal")
	}
	s.reporter()("waiting for 198.18.1.2:3003", 5*time.Second)
	s.clear()
	want := "\rwaiting for 198.18.1.2:3003\x1b[K\r\x1b[K"
	if got := readPTY(t, master, len(want)); got != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
}

// readPTY reads n bytes from the master side, bounded by a deadline so a
// missing write fails the test instead of hanging it.
func readPTY(t *testing.T, master *os.File, n int) string {
	t.Helper()
	if err := master.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Skipf("pty without deadlines: %v", err)
	}
	buf := make([]byte, 0, n)
	tmp := make([]byte, 256)
	for len(buf) < n {
		k, err := master.Read(tmp)
		buf = append(buf, tmp[:k]...)
		if err != nil {
			break
		}
	}
	return string(buf)
}

// TestStatusWidthFromTerminal: the line is as wide as the terminal says,
// which bash's unexported $COLUMNS does not tell a child; $COLUMNS is the
// fallback where the terminal says nothing (a width of 0).
func TestStatusWidthFromTerminal(t *testing.T) {
	t.Setenv("TERM", "xterm")
	for _, tc := range []struct {
		name    string
		cols    uint16
		columns string
		want    int
	}{
		{"terminal", 42, "", 42},
		{"terminal over COLUMNS", 42, "100", 42},
		{"COLUMNS where the terminal says 0", 0, "100", 100},
		{"neither", 0, "", defaultColumns},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COLUMNS", tc.columns)
			_, tty := openPTY(t)
			ws := struct{ rows, cols, x, y uint16 }{24, tc.cols, 0, 0}
			if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
				t.Fatalf("setting the pty's size: %v", e)
			}
			s := newStatus(tty)
			if s == nil {
				t.Fatal("no status line on a terminal")
			}
			if s.width != tc.want {
				t.Errorf("width %d, want %d", s.width, tc.want)
			}
		})
	}
}
