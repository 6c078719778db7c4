package render

import (
	"ftpdiag/diagnose"
	"ftpdiag/result"
	"ftpdiag/transcript"
)

// The codes seen from the server: each scenario is a session as a server
// records it (the client's commands, the server's replies and its own
// events), diagnosed for real by DiagnoseServer.
func init() {
	for code, build := range serverScenarios {
		codeScenarios[code] = build
	}
}

// serverSession is a logged-in session seen from the server, the client
// at clientAddr.
func (f *fx) serverSession(clientAddr string) *transcript.Session {
	s := f.log.Session("control connection from " + clientAddr + ":51234 to 198.18.1.2:21")
	s.Event(result.EventInfo{Op: result.OpConnect, Local: clientAddr + ":51234", Outcome: result.Connected}, "control connection from "+clientAddr+":51234")
	s.Reply(220, "220 (vsFTPd 3.0.3)")
	s.Command("USER john")
	s.Reply(331, "331 Please specify the password.")
	s.Command("PASS " + testPassword)
	s.Reply(230, "230 Login successful.")
	return s
}

func (f *fx) diagnoseServer(client string) {
	f.findings = diagnose.DiagnoseServer(f.log.Entries(), client)
}

var serverScenarios = map[string]func(f *fx){
	diagnose.CodePassiveNeverArrived: func(f *fx) {
		s := f.serverSession("198.18.0.2")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187).")
		s.Command("LIST")
		s.Reply(425, "425 Failed to establish connection.")
		f.diagnoseServer("198.18.0.2")
	},
	diagnose.CodePassiveFallback: func(f *fx) {
		s := f.serverSession("198.18.0.2")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187).")
		s.Command("LIST")
		s.Reply(425, "425 Failed to establish connection.")
		s.Command("PORT 198,18,0,2,200,10")
		s.Reply(200, "200 PORT command successful. Consider using PASV.")
		s.Command("LIST")
		s.Reply(150, "150 Here comes the directory listing.")
		s.Reply(226, "226 Directory send OK.")
		f.diagnoseServer("198.18.0.2")
	},
	diagnose.CodePortPrivate: func(f *fx) {
		s := f.serverSession("198.18.1.1")
		s.Command("PORT 10,0,0,2,180,55")
		s.Reply(500, "500 Illegal PORT command.")
		f.diagnoseServer("198.18.1.1")
	},
	diagnose.CodeConnectBackFailed: func(f *fx) {
		s := f.serverSession("198.18.0.2")
		s.Command("PORT 198,18,0,2,180,55")
		s.Reply(200, "200 PORT command successful. Consider using PASV.")
		s.Command("LIST")
		s.Event(result.EventInfo{Op: result.OpDataConnect, Addr: "198.18.0.2:46135", Outcome: result.Timeout, Dur: 5e9}, "")
		s.Reply(425, "425 Failed to establish connection.")
		f.diagnoseServer("198.18.0.2")
	},
}
