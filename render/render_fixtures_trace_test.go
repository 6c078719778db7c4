package render

import (
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/result"
)

// Scenarios of the hop trace's and the packet captures' codes, added to
// codeScenarios so every format renders them and their goldens exist.
func init() {
	codeScenarios[diagnose.CodeDataDroppedAt] = func(f *fx) {
		s := f.login("passive listing")
		f.pasv(s, "198.18.1.2:3003", result.Timeout, 5*time.Second)
		dial := f.last()
		tr := f.log.Session("hop trace: data port 3003 beside the control port 21, one connection attempt per hop count")
		hops := []struct {
			ttl     int
			control bool
			out     result.Outcome
			from    string
		}{
			{1, true, result.Expired, "198.18.0.1"}, {1, false, result.Expired, "198.18.0.1"},
			{2, true, result.Connected, "198.18.1.2"}, {2, false, result.Timeout, ""},
		}
		for _, h := range hops {
			port := "3003"
			if h.control {
				port = "21"
			}
			ev := result.EventInfo{Op: result.OpTraceHop, Addr: "198.18.1.2:" + port, Outcome: h.out, Dur: 300 * time.Microsecond,
				Hop: &result.HopInfo{TTL: h.ttl, From: h.from, Control: h.control, Tries: 1}}
			tr.Event(ev, "hop "+string(rune('0'+h.ttl))+" to port "+port+": "+string(h.out))
		}
		f.find(diagnose.CodePassiveTimeout, "Connecting to 198.18.1.2:3003 got no answer in 5s.", []string{"Allow inbound TCP 3000-3024."}, nil, []int{3003}, dial)
		fact := diagnose.Fact{Code: diagnose.CodeDataDroppedAt, Ports: []int{3003}, Lines: []int{f.last()},
			Args:   diagnose.Args{Port: 3003, How: "dropped", Hop: 1, HopAddr: "198.18.0.1"},
			Detail: "Port 21 reaches the server at hop 2; data port 3003 is answered by hop 1 and nothing from hop 2 on: it is dropped after 198.18.0.1 (hop 1), at the last router: by its forward filter, a security group in front of the server, or the server's own firewall. These look the same from outside."}
		f.findings = append(f.findings, diagnose.Make(fact))
	}
	codeScenarios[diagnose.CodeSeenInCapture] = func(f *fx) {
		s := f.login("passive listing")
		s.Command("PASV")
		s.Reply(227, "227 Entering Passive Mode (198,18,1,2,11,187)")
		s.Event(result.EventInfo{Op: result.OpDataConnect, Addr: "198.18.1.2:3003", Outcome: result.Unreachable, Dur: 300 * time.Microsecond,
			Err: "ICMP admin-prohibited from 198.18.0.1", Capture: &result.CaptureInfo{Side: "client", SYN: 1, ICMP: "admin-prohibited", From: "198.18.0.1"}}, "")
		s.Note("198.18.0.1 answered the SYN with ICMP admin-prohibited: that box rejects port 3003, and names itself")
		f.find(diagnose.CodePassiveTimeout, "Connecting to 198.18.1.2:3003 got no answer.", []string{"Allow inbound TCP 3000-3024."}, nil, []int{3003}, f.last()-1)
		fact := diagnose.Fact{Code: diagnose.CodeSeenInCapture, Ports: []int{3003}, Lines: []int{f.last() - 1},
			Args:   diagnose.Args{Port: 3003, How: "rejected", HopAddr: "198.18.0.1", Verb: "admin-prohibited"},
			Detail: "ICMP admin-prohibited from 198.18.0.1 answered the SYN to port 3003: that box rejects the data connection, and a rejection that says so names it exactly."}
		f.findings = append(f.findings, diagnose.Make(fact))
	}
}
