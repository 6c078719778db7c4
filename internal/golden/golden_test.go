package golden

import (
	"fmt"
	"path/filepath"
	"testing"
)

// recorder stands in for a test, keeping what Check reports instead of failing.
type recorder struct {
	testing.TB
	failed []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "out.golden")
	tests := []struct {
		name     string
		got      string
		update   bool
		wantFail bool
	}{
		{"update creates the file", "hello\n", true, false},
		{"same bytes pass", "hello\n", false, false},
		{"other bytes fail", "hello", false, true},
		{"update accepts other bytes", "bye\n", true, false},
		{"the accepted bytes pass", "bye\n", false, false},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		Check(r, path, []byte(tt.got), tt.update)
		if failed := len(r.failed) > 0; failed != tt.wantFail {
			t.Errorf("%s: failed = %v (%q), want %v", tt.name, failed, r.failed, tt.wantFail)
		}
	}
}
