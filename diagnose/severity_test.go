package diagnose

import (
	"testing"

	"ftpdiag/result"
)

// plainSession is a session on a server that refuses AUTH TLS, with the
// commands given after the refusal and a reply to each.
func plainSession(cmds ...string) []result.Entry {
	es := []result.Entry{
		{Kind: result.Event, Event: &result.EventInfo{Op: result.OpConnect, Addr: "192.0.2.10:21", Outcome: result.Connected}},
		{Kind: result.Reply, Code: 220, Text: "220 hi"},
		{Kind: result.Command, Text: "AUTH TLS"},
		{Kind: result.Reply, Code: 530, Text: "530 Please login with USER and PASS."},
	}
	for _, c := range cmds {
		code, text := 331, "331 Please specify the password."
		if c[:4] == "PASS" {
			code, text = 230, "230 Login successful."
		}
		es = append(es, result.Entry{Kind: result.Command, Text: c}, result.Entry{Kind: result.Reply, Code: code, Text: text})
	}
	return es
}

// TestTLSUnsupportedSeverity (issue 20): "passwords travel in clear text"
// is a warning only where one did; an anonymous login sends none.
func TestTLSUnsupportedSeverity(t *testing.T) {
	cases := []struct {
		name string
		cmds []string
		want result.Severity
	}{
		{"anonymous", []string{"USER anonymous", "PASS xxxxxxxx"}, result.Info},
		{"ftp, the other anonymous name", []string{"USER FTP", "PASS xxxxxxxx"}, result.Info},
		{"no login after the refusal", nil, result.Info},
		{"a user's password in clear", []string{"USER john", "PASS xxxxxxxx"}, result.Warning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got *result.Finding
			for _, f := range Diagnose(plainSession(tc.cmds...)) {
				if f.Code == CodeTLSUnsupported {
					got = &f
				}
			}
			if got == nil {
				t.Fatalf("no %s finding", CodeTLSUnsupported)
			}
			if got.Severity != tc.want {
				t.Errorf("severity %s, want %s (detail %q)", got.Severity, tc.want, got.Detail)
			}
		})
	}
}
