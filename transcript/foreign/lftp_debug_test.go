package foreign

import (
	"slices"
	"testing"

	"ftpdiag/result"
)

// TestLftpLowDebug: lftp below debug level 9 (debug 3) shows none of its
// commands: its data socket's failure, the 530 in its "Login failed", and
// a refused connection with no reply at all are still read
// (testdata/logs/lftp-debug3-*.log).
func TestLftpLowDebug(t *testing.T) {
	head := "2026-12-06 07:36:03 ---- Connecting to 192.0.2.7 (192.0.2.7) port 2121\n2026-12-06 07:36:03 <--- 220 (vsFTPd 3.0.3)\n"
	cases := []struct {
		name    string
		log     string
		events  []ev
		replies []int
	}{
		{"data socket refused", head + "2026-12-06 07:36:03 <--- 230 Login successful.\n" +
			"2026-12-06 07:36:03 **** Data socket error (Connection refused) - reconnecting\nls: Fatal error: max-retries exceeded (Connection refused)\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""}, {result.OpDataConnect, "", result.Refused, 0, ""}},
			[]int{220, 230}},
		{"login failed", head + "ls: Login failed: 530 Login incorrect.\n",
			[]ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""}},
			[]int{220, 530}},
		{"control refused, no reply at all", "2026-12-06 07:42:07 ---- Connecting to 192.0.2.7 (192.0.2.7) port 21\n" +
			"2026-12-06 07:42:07 **** Socket error (Connection refused) - reconnecting\nls: Fatal error: max-retries exceeded (Connection refused)\n",
			[]ev{{result.OpConnect, "192.0.2.7:21", result.Refused, 0, ""}},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.log), "")
			if err != nil {
				t.Fatal(err)
			}
			if l.Format != Lftp {
				t.Errorf("read as %s, want lftp", l.Format)
			}
			if got := events(l.Entries); !slices.Equal(got, tc.events) {
				t.Errorf("events %v, want %v", got, tc.events)
			}
			var codes []int
			for _, e := range l.Entries {
				if e.Kind == result.Reply {
					codes = append(codes, e.Code)
				}
			}
			if !slices.Equal(codes, tc.replies) {
				t.Errorf("replies %v, want %v", codes, tc.replies)
			}
		})
	}
}
