package cli

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"ftpdiag/render"
	"ftpdiag/result"
)

// echoServer is an FTP server on 127.0.0.1 that refuses every login with a
// reply echoing the password (issue 16, item 5): "530 user u pass PW
// rejected". It serves at most maxConns connections, each for at most
// echoDeadline, and answers anything else with 502.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	const maxConns = 8
	go func() {
		for range maxConns {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go echoSession(c)
		}
	}()
	return ln.Addr().String()
}

// echoDeadline bounds one connection of echoServer.
const echoDeadline = 10 * time.Second

func echoSession(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(echoDeadline))
	r := bufio.NewReader(c)
	write := func(s string) { c.Write([]byte(s + "\r\n")) }
	write("220 echo server ready")
	user := ""
	for range 20 {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(verb) {
		case "USER":
			user = arg
			write("331 password please")
		case "PASS":
			write("530 user " + user + " pass " + arg + " rejected")
		case "QUIT":
			write("221 bye")
			return
		default:
			write("502 not here")
		}
	}
}

// TestProbeNeverPrintsAPasswordTheServerEchoes: whichever way the password
// is given, no format shows it, though the server's 530 reply carries it
// into the checks; and report of the JSON does not either.
func TestProbeNeverPrintsAPasswordTheServerEchoes(t *testing.T) {
	const pw = "S3cr3tPW"
	const addr = "ADDR" // each case has a server of its own
	cases := []struct {
		name  string
		url   string
		stdin string
		env   bool
		flags []string
	}{
		{"in the URL", "ftp://u:" + pw + "@" + addr + "/", "", false, nil},
		{"from stdin", "ftp://u@" + addr + "/", pw + "\n", false, []string{"--password-stdin"}},
		{"from FTPDIAG_PASSWORD", "ftp://u@" + addr + "/", "", true, nil},
	}
	for _, tc := range cases {
		for _, format := range render.Formats {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				if tc.env {
					t.Setenv("FTPDIAG_PASSWORD", pw)
				}
				url := strings.Replace(tc.url, addr, echoServer(t), 1)
				args := append([]string{"probe", "--format", format, "--tls", "off", "--timeout", "2s", "--passive-only"}, tc.flags...)
				status, out, errOut := runCLIStdin(t, tc.stdin, append(args, url)...)
				// nagios's lines name findings by title, never a check's detail.
				if status != exitCritical || format != "nagios" && !strings.Contains(out, "login refused") {
					t.Fatalf("exit status %d, want %d and the login refused\n%s%s", status, exitCritical, out, errOut)
				}
				if strings.Contains(out+errOut, pw) {
					t.Errorf("the password shows in the %s output:\n%s%s", format, out, errOut)
				}
				if format != "json" {
					return
				}
				path := writeTemp(t, "result.json", out)
				_, out, errOut = runCLI(t, "report", "--format", "text", path)
				if strings.Contains(out+errOut, pw) {
					t.Errorf("report of the JSON shows the password:\n%s%s", out, errOut)
				}
			})
		}
	}
}

// TestReportRemasksALeakedCheckDetail: a JSON saved by an ftpdiag that let
// an echoed password into a check's detail is masked again by report, in
// every format, wherever the result shows the password elsewhere: a PASS
// line in clear, a URL, or the server's reply that the transcript masked.
func TestReportRemasksALeakedCheckDetail(t *testing.T) {
	const pw = "S3cr3tPW"
	cases := []struct {
		name    string
		entries []result.Entry
	}{
		{"PASS in clear", []result.Entry{{Session: 1, Kind: result.Command, Text: "PASS " + pw}}},
		{"URL with the password", []result.Entry{{Session: 1, Kind: result.Note, Text: "ftp://u:" + pw + "@198.18.0.1/"}}},
		{"the reply masked", []result.Entry{{Session: 1, Kind: result.Command, Text: "PASS xxxxxxxx"},
			{Session: 1, Kind: result.Reply, Code: 530, Text: "530 user u pass xxxxxxxx rejected"}}},
	}
	for _, tc := range cases {
		data, err := os.ReadFile(okResult)
		if err != nil {
			t.Fatal(err)
		}
		var res result.Result
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatal(err)
		}
		res.Transcript = append(res.Transcript, tc.entries...)
		res.Checks = append(res.Checks, result.Check{Name: "login", Status: result.Fail, Detail: "login refused: user u pass " + pw + " rejected"})
		saved, _ := json.Marshal(res)
		path := writeTemp(t, "leaked.json", string(saved))
		for _, format := range render.Formats {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				_, out, errOut := runCLI(t, "report", "--format", format, path)
				if format != "nagios" && !strings.Contains(out, "login refused") {
					t.Fatalf("no login check in the report:\n%s%s", out, errOut)
				}
				if strings.Contains(out+errOut, pw) {
					t.Errorf("the password shows:\n%s", out)
				}
			})
		}
	}
}
