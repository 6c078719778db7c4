package render

import (
	"testing"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// testPassword occurs, in the fixtures, in a PASS line, in a URL and in an
// error message; no rendering may show it.
const testPassword = "s3cr3t-pw"

// fx builds a result the way the probe does: through a transcript that
// knows the password, with a pinned clock so goldens are stable.
type fx struct {
	now      *time.Time
	log      *transcript.Log
	findings []result.Finding
	checks   []result.Check
	network  *result.Network
}

func newFx() *fx {
	t := time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC)
	clock := func() time.Time {
		t = t.Add(3 * time.Millisecond)
		return t
	}
	return &fx{now: &t, log: transcript.New(transcript.WithClock(clock), transcript.WithSecrets(testPassword))}
}

// wait lets time pass before the next entry, as a slow server does.
func (f *fx) wait(d time.Duration) { *f.now = f.now.Add(d) }

// last is the transcript index of the entry just added, for Finding.Lines.
func (f *fx) last() int { return len(f.log.Entries()) - 1 }

func ev(op result.Op, addr string, out result.Outcome, d time.Duration) result.EventInfo {
	return result.EventInfo{Op: op, Addr: addr, Outcome: out, Dur: d}
}

// connect opens a session and its control connection to the test server.
func (f *fx) connect(purpose string) *transcript.Session {
	s := f.log.Session(purpose)
	s.Event(result.EventInfo{Op: result.OpConnect, Addr: "198.18.1.2:21", Local: "10.0.0.2:51234",
		Outcome: result.Connected, Dur: 2300 * time.Microsecond}, "")
	return s
}

// login opens a session and logs in as john, as the seed's transcript does.
func (f *fx) login(purpose string) *transcript.Session {
	s := f.connect(purpose)
	s.Reply(220, "220-Welcome To Rumpus!\n220 Service ready for new user")
	s.Command("USER john")
	s.Reply(331, "331 Password required")
	s.Command("PASS " + testPassword)
	s.Reply(230, "230 User logged in")
	return s
}

// pasv asks for a passive data port and dials it with outcome out.
func (f *fx) pasv(s *transcript.Session, dial string, out result.Outcome, d time.Duration) {
	s.Command("PASV")
	s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187)")
	s.Event(ev(result.OpDataConnect, dial, out, d), "")
}

func (f *fx) find(code, detail string, hints, client []string, ports []int, lines ...int) {
	c, _ := diagnose.Lookup(code)
	f.findings = append(f.findings, result.Finding{Code: code, Severity: c.Severity, Title: c.Title,
		Detail: detail, Hints: hints, ClientHints: client, Ports: ports, Lines: lines})
}

func (f *fx) check(name string, status result.Status, ms int64, detail string) {
	f.checks = append(f.checks, result.Check{Name: name, Status: status, DurationMs: ms, Detail: detail})
}

func (f *fx) result() *result.Result {
	return &result.Result{
		Schema: result.Schema, Tool: result.Tool{Name: "ftpdiag", Version: "0.1.0"},
		Target:     result.Target{URL: "ftp://john:" + testPassword + "@198.18.1.2:21/", Host: "198.18.1.2", Port: 21, User: "john"},
		Started:    time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC),
		DurationMs: 5123, Verdict: diagnose.VerdictOf(f.findings),
		Findings: f.findings, Checks: f.checks, Network: f.network,
		Transcript: f.log.Entries(),
	}
}

// seedScenario is the seed's story: login works, the PASV reply names a
// private address, and the public address's passive port gets no answer.
// Active mode is tried too and the server never connects back.
func seedScenario() *result.Result {
	f := newFx()
	s := f.login("login and passive listing")
	s.Command("PASV")
	s.Reply(227, "227 Entering Passive Mode (192,168,1,175,11,187)")
	pasvLine := f.last()
	s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Timeout, 5*time.Second), "")
	dial := f.last()
	s.Event(result.EventInfo{Op: result.OpClose, By: "client",
		Err: "giving up on ftp://john:" + testPassword + "@198.18.1.2/"}, "")
	a := f.login("active mode listing")
	a.Event(ev(result.OpDataListen, "10.0.0.2:40001", result.Connected, 0), "")
	a.Command("PORT 10,0,0,2,156,65")
	a.Reply(200, "200 PORT command successful")
	a.Command("LIST")
	a.Reply(425, "425 Can't open data connection")
	a.Event(ev(result.OpDataAccept, "", result.Timeout, 5*time.Second), "")
	noCall := f.last()
	f.find(diagnose.CodePasvPrivate, "The PASV reply names 192.168.1.175, a private address, while the control connection reached 198.18.1.2; ftpdiag dialled 198.18.1.2 instead.",
		[]string{"Set the server's passive address to its public address 198.18.1.2 (vsftpd: pasv_address=198.18.1.2; pure-ftpd: -P 198.18.1.2)."},
		[]string{"Most clients work around this; if yours does not, update it or connect through a client that ignores the PASV address (curl, FileZilla)."}, nil, pasvLine)
	f.find(diagnose.CodePassiveTimeout, "Login works, but connecting to 198.18.1.2:3003 (from the PASV reply) got no answer in 5s.",
		[]string{"Allow inbound TCP 3000-3024 on the server's firewall, and forward that range to the server on the router:\n    nft add rule inet filter input tcp dport 3000-3024 accept\n    iptables -A INPUT -p tcp --dport 3000:3024 -j ACCEPT"},
		[]string{"Nothing to fix on the client for this one; send this report to the server's administrator."}, []int{3003}, dial)
	f.find(diagnose.CodeNoCallback, "The server accepted PORT 10.0.0.2:40001 but never connected back within 5s.",
		[]string{"Nothing on the server: active mode needs the client's network to accept inbound connections."},
		[]string{"Use passive mode (the default of most clients).", "Ask your network administrator to allow inbound TCP from 198.18.1.2 port 20, or use passive mode."}, nil, noCall)
	f.check("control connection", result.Pass, 2, "")
	f.check("login", result.Pass, 12, "")
	f.check("passive listing", result.Fail, 5003, "no answer from 198.18.1.2:3003 in 5s")
	f.check("active listing", result.Warn, 5004, "the server never connected back")
	f.check("download", result.NotChecked, 0, "needs a data connection")
	f.network = &result.Network{LocalAddr: "10.0.0.2:51234", SeenAddr: "198.18.0.1:51234", Modes: []string{"passive", "active"}}
	return f.result()
}

// okScenario is a healthy server: nothing to fix.
func okScenario() *result.Result {
	f := newFx()
	s := f.login("login, passive listing and download")
	s.Command("EPSV")
	s.Reply(229, "229 Entering Extended Passive Mode (|||3003|)")
	s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Connected, 1200*time.Microsecond), "")
	s.Command("LIST")
	s.Reply(150, "150 Opening connection")
	s.Event(result.EventInfo{Op: result.OpDataClose, Outcome: result.Complete, By: "server", Bytes: 312, Dur: 3 * time.Millisecond}, "")
	s.Reply(226, "226 Transfer complete")
	s.Command("QUIT")
	s.Reply(221, "221 Bye")
	f.check("control connection", result.Pass, 2, "")
	f.check("login", result.Pass, 12, "")
	f.check("passive listing", result.Pass, 8, "")
	f.network = &result.Network{LocalAddr: "127.0.0.1:51234", Modes: []string{"passive"}}
	return f.result()
}

// unknownScenario is a probe that could not run to the end: no findings,
// no transcript, nothing known about the network.
func unknownScenario() *result.Result {
	return &result.Result{
		Schema: result.Schema, Tool: result.Tool{Name: "ftpdiag", Version: "0.1.0"},
		Target:  result.Target{URL: "ftp://ftp.example.net/", Host: "ftp.example.net", Port: 21},
		Started: time.Date(2026, 11, 23, 21, 54, 30, 0, time.UTC), Verdict: result.VerdictUnknown,
		Checks: []result.Check{{Name: "control connection", Status: result.NotChecked, Detail: "the probe stopped: cannot create a socket"}},
	}
}

// codeScenarios builds one result per finding code of the contract, each
// with a transcript that shows it and a finding pointing at its lines.
var codeScenarios = map[string]func(f *fx){
	diagnose.CodeDNSFailed: func(f *fx) {
		s := f.log.Session("control connection")
		s.Event(result.EventInfo{Op: result.OpResolve, Addr: "ftp.example.invalid", Outcome: result.Failed, Err: "no such host"}, "")
		f.find(diagnose.CodeDNSFailed, "ftp.example.invalid does not resolve: no such host.", []string{"Publish an A or AAAA record for ftp.example.invalid."},
			[]string{"Check the spelling of the host name, or use the server's IP address."}, nil, f.last())
	},
	diagnose.CodeControlRefused: func(f *fx) {
		s := f.log.Session("control connection")
		s.Event(ev(result.OpConnect, "198.18.1.2:21", result.Refused, 400*time.Microsecond), "")
		f.find(diagnose.CodeControlRefused, "Connecting to 198.18.1.2:21 was answered with a reset.", []string{"Start the FTP server, or allow inbound TCP 21 on the firewall."}, nil, nil, f.last())
	},
	diagnose.CodeControlTimeout: func(f *fx) {
		s := f.log.Session("control connection")
		s.Event(ev(result.OpConnect, "198.18.1.2:21", result.Timeout, 5*time.Second), "")
		f.find(diagnose.CodeControlTimeout, "Connecting to 198.18.1.2:21 got no answer in 5s.", []string{"Allow inbound TCP 21 on the server's firewall and forward it on the router."},
			[]string{"Ask your network administrator whether outbound TCP 21 is allowed."}, nil, f.last())
	},
	diagnose.CodeControlUnreachable: func(f *fx) {
		s := f.log.Session("control connection")
		s.Event(result.EventInfo{Op: result.OpConnect, Addr: "198.18.1.2:21", Outcome: result.Unreachable, Err: "no route to host"}, "")
		f.find(diagnose.CodeControlUnreachable, "198.18.1.2 is unreachable: no route to host.", []string{"Check that the server is up and routed."}, nil, nil, f.last())
	},
	diagnose.CodeControlNoGreeting: func(f *fx) {
		s := f.connect("control connection")
		s.Event(result.EventInfo{Op: result.OpClose, By: "client", Err: "no greeting in 20s"}, "")
		f.find(diagnose.CodeControlNoGreeting, "TCP connected to 198.18.1.2:21, but no 220 greeting came in 20s.", []string{"Check the server's reverse DNS lookups and its logs."}, nil, nil, f.last())
	},
	diagnose.CodeControlNotFTP: func(f *fx) {
		s := f.connect("control connection")
		s.Reply(0, "SSH-2.0-OpenSSH_9.6")
		f.find(diagnose.CodeControlNotFTP, "198.18.1.2:21 speaks SSH, not FTP.", nil, []string{"Use an SFTP client for this server, or the right port for FTP."}, nil, f.last())
	},
	diagnose.CodeControlBusy: func(f *fx) {
		s := f.connect("control connection")
		s.Reply(421, "421 Too many users, try again later")
		f.find(diagnose.CodeControlBusy, "The server answered 421 at the greeting.", []string{"Raise the server's connection limit."}, nil, nil, f.last())
	},
	diagnose.CodeControlClosed: func(f *fx) {
		s := f.login("login and passive listing")
		s.Command("PASV")
		s.Event(result.EventInfo{Op: result.OpClose, By: "server", Outcome: result.Closed}, "")
		f.find(diagnose.CodeControlClosed, "The server closed the control connection after PASV, without a reply.", []string{"Check the server's logs for a crash at PASV."}, nil, nil, f.last())
	},
	diagnose.CodeLoginRejected: func(f *fx) {
		s := f.connect("login")
		s.Reply(220, "220 ready")
		s.Command("USER john")
		s.Reply(331, "331 Password required")
		s.Command("PASS " + testPassword)
		s.Reply(530, "530 Login incorrect: "+testPassword+" is not john's password")
		f.find(diagnose.CodeLoginRejected, "The server answered 530 to PASS for user john.", []string{"Check john's account and password."},
			[]string{"Check the user name and password."}, nil, f.last())
	},
	diagnose.CodeLoginTLSRequired: func(f *fx) {
		s := f.connect("login")
		s.Reply(220, "220 ready")
		s.Command("USER john")
		s.Reply(530, "530 Non-anonymous sessions must use encryption")
		f.find(diagnose.CodeLoginTLSRequired, "The server refuses plain-text login and asks for TLS.", nil, []string{"Use FTPS (explicit TLS, AUTH TLS) in your client."}, nil, f.last())
	},
	diagnose.CodePasvUnsupported: func(f *fx) {
		s := f.login("passive listing")
		s.Command("PASV")
		s.Reply(502, "502 Command not implemented")
		f.find(diagnose.CodePasvUnsupported, "The server answered 502 to PASV.", []string{"Enable passive mode (vsftpd: pasv_enable=YES)."}, nil, nil, f.last())
	},
	diagnose.CodePasvBadReply: func(f *fx) {
		s := f.login("passive listing")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (0,0,0,0,0,0)")
		f.find(diagnose.CodePasvBadReply, "The 227 reply names 0.0.0.0 port 0.", []string{"Set the server's passive address and port range."}, nil, nil, f.last())
	},
	diagnose.CodePasvPrivate: func(f *fx) {
		s := f.login("passive listing")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (10,1,2,3,11,187)")
		l := f.last()
		s.Event(ev(result.OpDataConnect, "198.18.1.2:3003", result.Connected, 1500*time.Microsecond), "")
		f.find(diagnose.CodePasvPrivate, "The PASV reply names 10.1.2.3; ftpdiag dialled 198.18.1.2 instead.", []string{"Set the passive address to 198.18.1.2."}, nil, nil, l)
	},
	diagnose.CodePasvForeign: func(f *fx) {
		s := f.login("passive listing")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (203,0,113,9,11,187)")
		f.find(diagnose.CodePasvForeign, "The PASV reply names 203.0.113.9, not 198.18.1.2; not dialled.", []string{"Set the passive address to 198.18.1.2."},
			[]string{"Rerun with --trust-pasv-address if 203.0.113.9 is expected."}, nil, f.last())
	},
	diagnose.CodePassiveTimeout: func(f *fx) {
		s := f.login("passive listing")
		f.pasv(s, "198.18.1.2:3003", result.Timeout, 5*time.Second)
		f.find(diagnose.CodePassiveTimeout, "Connecting to 198.18.1.2:3003 got no answer in 5s.", []string{"Allow inbound TCP 3000-3024."}, nil, []int{3003}, f.last())
	},
	diagnose.CodePassiveRefused: func(f *fx) {
		s := f.login("passive listing")
		f.pasv(s, "198.18.1.2:3003", result.Refused, 300*time.Microsecond)
		f.find(diagnose.CodePassiveRefused, "Connecting to 198.18.1.2:3003 was reset.", []string{"Forward TCP 3000-3024 to the server."}, nil, []int{3003}, f.last())
	},
	diagnose.CodePassivePartial: func(f *fx) {
		s := f.login("passive port range sweep")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		ok := f.last()
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,195)")
		s.Event(ev(result.OpDataConnect, "198.18.1.2:3011", result.Timeout, 5*time.Second), "")
		f.find(diagnose.CodePassivePartial, "Ports 3011 of 3000-3024 got no answer; 3003 connected.", []string{"Allow the whole range 3000-3024, not part of it."}, nil, []int{3011}, ok, f.last())
	},
	diagnose.CodeDataRejected: func(f *fx) {
		s := f.login("passive listing")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("LIST")
		s.Reply(425, "425 Security: Bad IP connecting")
		f.find(diagnose.CodeDataRejected, "The data connection opened, but the server answered 425.", []string{"vsftpd: the data connection came from another address than the control connection; check NAT on the client side."}, nil, nil, f.last())
	},
	diagnose.CodeEPSVUnsupported: func(f *fx) {
		s := f.login("extended passive")
		s.Command("EPSV")
		s.Reply(500, "500 Unknown command")
		f.find(diagnose.CodeEPSVUnsupported, "The server answered 500 to EPSV.", []string{"Enable EPSV, the NAT-friendly passive mode."}, nil, nil, f.last())
	},
	diagnose.CodePortRefused: func(f *fx) {
		s := f.login("active listing")
		s.Command("EPRT |1|10.0.0.2|40001|")
		s.Reply(500, "500 I won't open a connection to 10.0.0.2 (only to 198.18.0.1)")
		f.find(diagnose.CodePortRefused, "The server refused EPRT to 10.0.0.2: it sees the client as 198.18.0.1.", nil, []string{"Use passive mode."}, nil, f.last())
	},
	diagnose.CodeNoCallback: func(f *fx) {
		s := f.login("active listing")
		s.Event(ev(result.OpDataListen, "10.0.0.2:40001", result.Connected, 0), "")
		s.Command("PORT 10,0,0,2,156,65")
		s.Reply(200, "200 PORT command successful")
		s.Event(ev(result.OpDataAccept, "", result.Timeout, 5*time.Second), "")
		f.find(diagnose.CodeNoCallback, "The server never connected back to 10.0.0.2:40001.", nil, []string{"Use passive mode."}, nil, f.last())
	},
	diagnose.CodeActiveServerFailed: func(f *fx) {
		s := f.login("active listing")
		s.Event(ev(result.OpDataListen, "198.18.0.2:40001", result.Connected, 0), "")
		s.Command("PORT 198,18,0,2,156,65")
		s.Reply(200, "200 PORT command successful. Consider using PASV.")
		s.Command("LIST")
		s.Reply(500, "500 OOPS: vsf_sysutil_bind")
		f.find(diagnose.CodeActiveServerFailed, "The server accepted PORT, but answered LIST with \"500 OOPS: vsf_sysutil_bind\".",
			[]string{"Free port 20, or set connect_from_port_20=NO."}, []string{"Use passive mode."}, nil, f.last()-1, f.last())
	},
	diagnose.CodeClientNAT: func(f *fx) {
		s := f.login("client address")
		s.Command("SITE WHOAMI")
		s.Reply(200, "200 198.18.0.1 51234")
		f.find(diagnose.CodeClientNAT, "The client is 10.0.0.2:51234 here, the server sees 198.18.0.1:51234.", nil, nil, nil, f.last())
		f.network = &result.Network{LocalAddr: "10.0.0.2:51234", SeenAddr: "198.18.0.1:51234", Modes: []string{"passive", "active"}}
	},
	diagnose.CodeALGRewrite: func(f *fx) {
		s := f.login("active listing")
		s.Command("SITE PORTCHECK ba,a,a,c,hi,dc")
		s.Reply(200, "200 PORTCHECK armed")
		s.Command("PORT 10,0,0,2,78,32")
		s.Reply(200, "200 PORT command successful")
		s.Command("SITE PORTCHECK")
		s.Reply(200, "200 PORTCHECK rewritten 10,0,0,2,78,32 198,18,0,1,195,80")
		f.find(diagnose.CodeALGRewrite, "A router rewrote PORT 10,0,0,2,78,32 into 198,18,0,1,195,80.", nil, nil, nil, f.last())
	},
	diagnose.CodeTransferStalled: func(f *fx) {
		s := f.login("download")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("RETR big.bin")
		s.Reply(150, "150 Opening connection (1048576 bytes)")
		s.Event(result.EventInfo{Op: result.OpDataClose, By: "client", Outcome: result.Stalled, Bytes: 20480, Dur: 5 * time.Second}, "")
		f.find(diagnose.CodeTransferStalled, "The download stopped after 20480 of 1048576 bytes.", []string{"Look for a firewall that cuts long transfers."}, nil, nil, f.last())
	},
	diagnose.CodePasvExhausted: func(f *fx) {
		s := f.login("passive")
		s.Command("PASV")
		s.Reply(425, "425 Cannot open a passive port: every port of the passive range is in use (30600-30601)")
		f.find(diagnose.CodePasvExhausted, "The server could not open a passive port.", []string{"Widen the passive range beyond the 2 ports seen (30600-30601)."}, nil, nil, f.last())
	},
	diagnose.CodeStalledParallel: func(f *fx) {
		s := f.login("typical client")
		f.pasv(s, "198.18.1.2:3007", result.Connected, time.Millisecond)
		s.Command("MLSD /")
		s.Reply(150, "150 File status okay. About to open data connection.")
		s.Event(result.EventInfo{Op: result.OpDataClose, By: "client", Outcome: result.Stalled, Bytes: 76, Dur: 10 * time.Second}, "")
		f.find(diagnose.CodeStalledParallel, "MLSD / stopped after 76 bytes while the client had other sessions open, and completed (61 bytes) when run again alone.",
			[]string{"Update the server, or limit connections per client."}, nil, nil, f.last())
	},
	diagnose.CodeSizeMismatch: func(f *fx) {
		s := f.login("download")
		s.Command("SIZE test")
		s.Reply(213, "213 43182")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("RETR test")
		s.Reply(150, "150 Opening connection (43182 bytes)")
		s.Event(result.EventInfo{Op: result.OpDataClose, By: "server", Outcome: result.Closed, Bytes: 40000, Dur: 3 * time.Millisecond}, "")
		s.Reply(226, "226 Transfer complete")
		f.find(diagnose.CodeSizeMismatch, "43182 bytes announced, 40000 received.", []string{"Check the file on the server."}, nil, nil, f.last()-1)
	},
	diagnose.CodeTransferTruncated: func(f *fx) {
		s := f.login("listing")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("LIST")
		s.Reply(150, "150 Here comes the directory listing.")
		s.Event(result.EventInfo{Op: result.OpDataClose, By: "client", Outcome: result.Truncated, Bytes: 100, Dur: time.Millisecond}, "")
		f.find(diagnose.CodeTransferTruncated, "The probe cut LIST after 100 bytes, at its own limit.", nil, []string{"Raise --max-bytes."}, nil, f.last())
	},
	diagnose.CodeTransferDenied: func(f *fx) {
		s := f.login("listing")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("LIST /incoming")
		s.Reply(550, "550 /incoming: Permission denied")
		f.find(diagnose.CodeTransferDenied, "The server answered LIST /incoming with 550.", []string{"Grant the account read permission on /incoming."}, []string{"Check the path."}, nil, f.last())
	},
	diagnose.CodeControlGreetingError: func(f *fx) {
		s := f.connect("control connection")
		s.Reply(500, "500 OOPS: vsftpd: cannot locate user specified in 'ftp_username':ftp")
		f.find(diagnose.CodeControlGreetingError, "The server answered the connection with an error instead of its 220 greeting: \"500 OOPS: vsftpd: cannot locate user specified in 'ftp_username':ftp\". No client can log in.",
			[]string{"Fix the server's set-up."}, nil, nil, f.last())
	},
	diagnose.CodeSweepRefused: func(f *fx) {
		s := f.login("passive mode: sweep")
		s.Command("SITE SWEEP 6")
		s.Reply(450, "450 SWEEP limit: one per address every minute; try again in 42s")
		f.find(diagnose.CodeSweepRefused, "The server refused SITE SWEEP with \"450 SWEEP limit: one per address every minute; try again in 42s\".",
			[]string{"Start the server with --sweep-trusted ADDRESS."}, nil, nil, f.last())
	},
	diagnose.CodeLoginLockedOut: func(f *fx) {
		s := f.connect("control connection")
		s.Reply(220, "220 ready")
		s.Command("USER john")
		s.Reply(331, "331 Password required for john")
		s.Command("PASS " + testPassword)
		s.Reply(421, "421 Too many failed logins from 10.0.0.2; try again in 9m58s")
		f.find(diagnose.CodeLoginLockedOut, "The server answered the password with \"421 Too many failed logins from 10.0.0.2; try again in 9m58s\" before judging it.",
			[]string{"Wait, or lift the lock."}, nil, nil, f.last())
	},
	diagnose.CodeTLSUnsupported: func(f *fx) {
		s := f.connect("TLS")
		s.Reply(220, "220 ready")
		s.Command("AUTH TLS")
		s.Reply(504, "504 Unknown AUTH type")
		f.find(diagnose.CodeTLSUnsupported, "The server refused AUTH TLS: passwords travel in clear text.", []string{"Enable TLS (vsftpd: ssl_enable=YES)."}, nil, nil, f.last())
	},
	diagnose.CodeTLSSessionReuse: func(f *fx) {
		s := f.login("TLS passive listing")
		f.pasv(s, "198.18.1.2:3003", result.Connected, time.Millisecond)
		s.Command("LIST")
		s.Reply(522, "522 SSL connection failed: session reuse required")
		f.find(diagnose.CodeTLSSessionReuse, "vsftpd requires the data connection to resume the control connection's TLS session.", []string{"vsftpd: require_ssl_reuse=NO, if clients cannot resume."},
			[]string{"Use a client that resumes TLS sessions (FileZilla, lftp, curl)."}, nil, f.last())
	},
	diagnose.CodeReplySlow: func(f *fx) {
		s := f.connect("control connection")
		s.Reply(220, "220 ready")
		s.Command("USER john")
		s.Reply(331, "331 Password required")
		s.Command("PASS " + testPassword)
		f.wait(3500 * time.Millisecond)
		s.Reply(230, "230 User logged in")
		f.find(diagnose.CodeReplySlow, "The server took 3.5s to answer PASS.", []string{"This is pure-ftpd's deliberate login delay; nothing to fix."}, nil, nil, f.last())
	},
	diagnose.CodeProbeSlow: func(f *fx) {
		s := f.login("passive mode: log in, list and download")
		f.wait(6 * time.Second)
		f.pasv(s, "198.18.1.2:3003", result.Connected, 400*time.Microsecond)
		f.find(diagnose.CodeProbeSlow, "The verdict took 5.12s, over the warning threshold of 5s.", []string{"If this time is normal for this server, raise the threshold (-w, -c)."}, nil, nil, f.last())
	},
}

// codeResult builds the result that shows code.
// localScenarios are the self-test's findings about this machine: a
// healthy loopback probe, and the finding beside it, as the catalogue words it.
var localScenarios = map[string]diagnose.Fact{
	diagnose.CodeUnprivileged: {Code: diagnose.CodeUnprivileged, Args: diagnose.Args{Port: 21}, Ports: []int{21},
		Detail: "Port 21 (control) needs root or CAP_NET_BIND_SERVICE."},
	diagnose.CodePortInUse: {Code: diagnose.CodePortInUse, Args: diagnose.Args{Port: 21}, Ports: []int{21},
		Detail: "Port 21 (control) is held by vsftpd (pid 812); the self-test used another port."},
	diagnose.CodeFirewallBlocks: {Code: diagnose.CodeFirewallBlocks, Ports: []int{3000, 3001},
		Args:   diagnose.Args{Verb: "drops", Ports: "3000-3001", Chain: "inet filter input", Control: 21, PasvMin: 3000, PasvMax: 3024},
		Detail: "nftables table inet filter chain input: `tcp dport 3000-3001 drop` drops inbound TCP 3000-3001 for every client."},
}

// scenarioCodes are the codes with a scenario, in the catalogue's order.
func scenarioCodes() []string {
	var out []string
	for _, c := range diagnose.Catalogue {
		out = append(out, c.Code)
	}
	return out
}

func codeResult(t *testing.T, code string) *result.Result {
	t.Helper()
	f := newFx()
	if fact, ok := localScenarios[code]; ok {
		s := f.login("passive mode: log in, list and download")
		f.pasv(s, "198.18.1.2:3003", result.Connected, 400*time.Microsecond)
		f.findings = append(f.findings, diagnose.Make(fact))
	} else if build, ok := codeScenarios[code]; ok {
		build(f)
	} else {
		t.Fatalf("no scenario for %s", code)
	}
	f.check("control connection", result.Pass, 2, "")
	return f.result()
}
