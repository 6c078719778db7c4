package diagnose

import (
	"fmt"

	"ftpdiag/result"
)

// The self-test's own codes: what only a test on the server's machine can
// see. Their severity varies (the finding's maker sets it); the catalogue
// holds the usual one.
var (
	localUnprivileged = Entry{Code: CodeUnprivileged, Local: true, Severity: result.Info,
		Title: "A standard port needs privilege here; the self-test used another",
		Titled: func(a Args) string {
			return fmt.Sprintf("Port %d needs privilege here; the self-test used another", a.Port)
		},
		Admin: say("Run ftpdiag serve as root, or allow it low ports: setcap cap_net_bind_service=+ep $(which ftpdiag);",
			"or serve on --listen :2121 and tell users the port.")}

	localPortInUse = Entry{Code: CodePortInUse, Local: true, Severity: result.Info,
		Title: "A port of the plan is taken by another program",
		Titled: func(a Args) string {
			if a.Range {
				return "Part of the standard passive range is taken by another program"
			}
			return fmt.Sprintf("Port %d is taken by another program", a.Port)
		},
		Admin: func(a Args) []string {
			if a.Range {
				return []string{"Give ftpdiag serve a free range (--pasv-ports A-B) and open that range on the firewall instead,",
					"or stop the program that holds the ports."}
			}
			stop := "Stop the program that holds the port before running ftpdiag serve on it."
			if a.Port == 21 {
				return []string{"If it is another FTP server, probe that one directly:",
					"    ftpdiag probe ftp://USER@localhost:21/", stop}
			}
			return []string{stop}
		}}

	localFirewall = Entry{Code: CodeFirewallBlocks, Local: true, Severity: result.Critical,
		Title: "The local firewall blocks new connections to the FTP ports",
		Titled: func(a Args) string {
			return fmt.Sprintf("The local firewall %s new connections to port %s", a.Verb, a.Ports)
		},
		Admin: func(a Args) []string {
			return []string{
				fmt.Sprintf("Accept the FTP ports before that rule: nft insert rule %s tcp dport { %d, %d-%d } accept",
					a.Chain, a.Control, a.PasvMin, a.PasvMax),
				fmt.Sprintf("or with iptables: iptables -I INPUT -p tcp -m multiport --dports %d,%d:%d -j ACCEPT",
					a.Control, a.PasvMin, a.PasvMax),
			}
		}}
)
