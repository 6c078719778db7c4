package diagnose

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// server-view transcripts, as the server-log readers make them: commands
// from the client, replies from the server, the server's own events.
func sv(lines ...string) []result.Entry {
	var out []result.Entry
	for _, l := range lines {
		e := result.Entry{Session: 1}
		switch {
		case strings.HasPrefix(l, "> "):
			e.Kind, e.Text = result.Command, l[2:]
		case strings.HasPrefix(l, "connect "):
			e.Kind, e.Text = result.Event, l
			e.Event = &result.EventInfo{Op: result.OpConnect, Local: l[8:], Outcome: result.Connected}
		case l == "close":
			e.Kind, e.Text = result.Event, "control connection ended"
			e.Event = &result.EventInfo{Op: result.OpClose, By: "client", Outcome: result.Closed}
		case l == "no data":
			e.Kind, e.Text = result.Event, "no data connection arrived in 10s"
			e.Event = &result.EventInfo{Op: result.OpDataAccept, Outcome: result.Timeout}
		case l == "stopped":
			e.Kind, e.Text = result.Event, "data connection closed by the server: timeout, 65536 bytes"
			e.Event = &result.EventInfo{Op: result.OpDataClose, By: "server", Outcome: result.Timeout, Bytes: 65536}
		default:
			e.Kind, e.Code, e.Text = result.Reply, ftp.ReplyCode(l), l
		}
		out = append(out, e)
	}
	return out
}

var svLogin = []string{"connect 198.18.0.2", "220 ready", "> USER john", "331 Password", "> PASS xxxxxxxx", "230 Logged in"}

func svSession(lines ...string) []result.Entry {
	return sv(append(slices.Clone(svLogin), lines...)...)
}

var serverCases = []struct {
	name    string
	client  string
	entries []result.Entry
	codes   []string
}{
	{"passive-never-arrived", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "close"),
		[]string{CodePassiveNeverArrived}},
	{"passive-425", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "> LIST", "425 Failed to establish connection."),
		[]string{CodePassiveNeverArrived}},
	{"passive-accept-timeout", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "> LIST", "no data", "425 No data connection"),
		[]string{CodePassiveNeverArrived}},
	{"passive-private", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (192,168,1,2,11,184).", "close"),
		[]string{CodePasvPrivate, CodePassiveNeverArrived}},
	{"passive-fallback", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "> LIST", "425 Failed to establish connection.",
		"> PORT 198,18,0,2,200,10", "200 PORT command successful.", "> LIST", "150 Here comes the listing.", "226 Directory send OK.", "> QUIT", "221 Goodbye."),
		[]string{CodePassiveFallback}},
	{"fallback-cut-before-its-transfer", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).",
		"> PORT 198,18,0,2,200,10", "200 PORT command successful.", "> LIST"),
		nil},
	{"fallback-fails-too", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).",
		"> PORT 198,18,0,2,200,10", "200 PORT command successful.", "> LIST", "425 Failed to establish connection."),
		[]string{CodePassiveNeverArrived, CodeConnectBackFailed}},
	{"port-private", "198.18.1.1", svSession("> PORT 10,0,0,2,180,55", "500 Illegal PORT command."),
		[]string{CodePortPrivate}},
	{"port-private-lan-client", "10.0.0.9", svSession("> PORT 10,0,0,9,180,55", "200 PORT command successful.", "> LIST", "150 Here it comes", "226 Done"),
		nil},
	{"connect-back-failed", "198.18.0.2", svSession("> PORT 198,18,0,2,180,55", "200 PORT command successful.", "> LIST", "425 Failed to establish connection."),
		[]string{CodeConnectBackFailed}},
	{"client-stopped-reading", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "> RETR big", "150 Opening", "stopped", "426 Transfer aborted"),
		[]string{CodeTransferStalled}},
	{"auth-ssl-then-tls", "198.18.0.2", sv("connect 198.18.0.2", "220 ready", "> AUTH SSL", "500 This security scheme is not implemented", "> AUTH TLS", "234 AUTH TLS OK."),
		nil},
	{"log-ends-after-pasv", "198.18.0.2", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184)."),
		nil},
	{"login-rejected", "198.18.0.2", sv("connect 198.18.0.2", "220 ready", "> USER john", "331 Password", "> PASS xxxxxxxx", "530 Login incorrect."),
		[]string{CodeLoginRejected}},
}

// TestDiagnoseServer: each server-view transcript gives exactly its codes,
// every finding marked as seen from the server and backed by its lines.
func TestDiagnoseServer(t *testing.T) {
	for _, c := range serverCases {
		t.Run(c.name, func(t *testing.T) {
			got := DiagnoseServer(c.entries, c.client)
			if codes := codesOf(got); !slices.Equal(codes, append([]string{}, c.codes...)) {
				t.Errorf("codes = %v, want %v", codes, c.codes)
			}
			for _, f := range got {
				if !strings.HasSuffix(f.Title, SeenFromServer) || !strings.HasPrefix(f.Detail, "Seen from the server: ") {
					t.Errorf("%s is not marked as seen from the server: %q / %q", f.Code, f.Title, f.Detail)
				}
			}
			res := NewServerResult(ServerInput{Client: c.client, Record: result.Record{Entries: c.entries}})
			if err := Backed(res); err != nil {
				t.Error(err)
			}
			if len(got) > 0 {
				goldenJSON(t, filepath.Join("testdata", "serverside", c.name+".findings.json"), got)
			}
		})
	}
}

// TestServerSessionVerdicts: the evidence rule holds from the server's
// side too: a session the log cuts after its PASV is unknown, a whole
// healthy one ok.
func TestServerSessionVerdicts(t *testing.T) {
	for _, c := range []struct {
		name    string
		entries []result.Entry
		want    result.Verdict
	}{
		{"cut after PASV", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184)."), result.VerdictUnknown},
		{"healthy", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "> LIST", "150 Here", "226 Done", "> QUIT", "221 Bye"), result.VerdictOK},
		{"never arrived", svSession("> PASV", "227 Entering Passive Mode (198,18,1,2,11,184).", "close"), result.VerdictCritical},
	} {
		res := NewServerResult(ServerInput{Client: "198.18.0.2", Record: result.Record{Entries: c.entries}})
		if res.Verdict != c.want {
			t.Errorf("%s: %s, want %s (%s)", c.name, res.Verdict, c.want, res.Evidence)
		}
	}
}
