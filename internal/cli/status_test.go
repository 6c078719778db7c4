package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStatusLine(t *testing.T) {
	cases := []struct {
		name  string
		width int
		msgs  []string
		want  string
	}{
		{"rewritten in place", 80, []string{"waiting for 198.18.1.2:3003 (no answer yet, 1s of 5s)", "waiting for 198.18.1.2:3003 (no answer yet, 2s of 5s)"},
			"\rwaiting for 198.18.1.2:3003 (no answer yet, 1s of 5s)\x1b[K\rwaiting for 198.18.1.2:3003 (no answer yet, 2s of 5s)\x1b[K"},
		{"cleared at the end", 80, []string{"waiting", ""}, "\rwaiting\x1b[K\r\x1b[K"},
		{"nothing to clear", 80, []string{"", ""}, ""},
		{"cut to the terminal", 12, []string{"waiting for the greeting"}, "\rwaiting fo…\x1b[K"},
		{"one line only", 80, []string{"a\nb\tc"}, "\ra b c\x1b[K"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			s := newStatusLine(&b, tc.width, fixedClock(time.Now()))
			t.Cleanup(func() { s.show("", 0) })
			for _, m := range tc.msgs {
				s.show(m, 0)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// fixedClock stands still, so no elapsed time is shown unless a test moves it.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestStatusCountsTheWait(t *testing.T) {
	var b bytes.Buffer
	now := time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC)
	s := newStatusLine(&b, 80, func() time.Time { return now })
	t.Cleanup(func() { s.show("", 0) })
	s.show("connecting to the data port 198.18.1.2:3003", 5*time.Second)
	now = now.Add(3200 * time.Millisecond)
	s.refresh()
	s.show("receiving data from 198.18.1.2:3003", 0)
	now = now.Add(2 * time.Second)
	s.refresh()
	want := "\rconnecting to the data port 198.18.1.2:3003\x1b[K" +
		"\rconnecting to the data port 198.18.1.2:3003 (no answer yet, 3s of 5s)\x1b[K" +
		"\rreceiving data from 198.18.1.2:3003\x1b[K" +
		"\rreceiving data from 198.18.1.2:3003 (2s)\x1b[K"
	if got := b.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestStatusSilentWithoutTerminal checks that nothing reaches stderr when
// it is a pipe, a buffer or a file: logs and CI output stay clean.
func TestStatusSilentWithoutTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	var buf bytes.Buffer
	for name, w := range map[string]interface{ Write([]byte) (int, error) }{"buffer": &buf, "file": f} {
		t.Run(name, func(t *testing.T) {
			s := newStatus(w)
			s.reporter()("waiting for 198.18.1.2:3003", 5*time.Second)
			s.clear()
		})
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer", buf.String())
	}
	if st, err := f.Stat(); err != nil || st.Size() != 0 {
		t.Errorf("wrote to a file (size %v, %v)", st.Size(), err)
	}
}
