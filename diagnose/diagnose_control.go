package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

var controlClientHints = []string{
	"Check the host name and port you were given; try from another network (a phone's hotspot) to tell your network from the server's.",
}

func (d *diagnosis) dnsFailed(i int, ev *transcript.EventInfo) {
	d.add(CodeDNSFailed, fmt.Sprintf("The name %s does not resolve%s.", ev.Addr, paren(ev.Err)),
		[]string{"Publish an A (and AAAA) record for the name, or give users the address."},
		[]string{"Check the spelling of the host name, and your DNS (try the address directly)."}, nil, i)
}

func (d *diagnosis) controlRefused(i int, ev *transcript.EventInfo) {
	_, port, _ := hostPort(ev.Addr)
	d.add(CodeControlRefused, fmt.Sprintf("Connecting to %s was refused (TCP reset): nothing listens on port %d, or a firewall rejects it.", ev.Addr, port),
		[]string{fmt.Sprintf("Start the FTP server, listening on port %d (ss -ltnp 'sport = :%d' shows who listens).", port, port),
			fmt.Sprintf("Allow inbound TCP %d on the server's firewall (nft add rule inet filter input tcp dport %d accept), and forward it on the router.", port, port)},
		controlClientHints, []int{port}, i)
}

func (d *diagnosis) controlTimeout(i int, ev *transcript.EventInfo) {
	_, port, _ := hostPort(ev.Addr)
	d.add(CodeControlTimeout, fmt.Sprintf("Connecting to %s got no answer in %s: a firewall drops port %d, or the address is wrong, or the host is down.", ev.Addr, transcript.Human(ev.Dur), port),
		[]string{fmt.Sprintf("Allow inbound TCP %d on every firewall in front of the server and forward it on the router (nft add rule inet filter input tcp dport %d accept).", port, port)},
		append([]string{"Your own network may block outgoing FTP; try another network."}, controlClientHints...), []int{port}, i)
}

func (d *diagnosis) controlUnreachable(i int, ev *transcript.EventInfo) {
	d.add(CodeControlUnreachable, fmt.Sprintf("Connecting to %s failed: the network or host is unreachable%s.", ev.Addr, paren(ev.Err)),
		[]string{"Check that the server is up and routed; a router answering 'unreachable' names the hop at fault (traceroute -T -p 21)."},
		[]string{"Check your own connection and route to the server (a VPN, a missing default route)."}, nil, i)
}

func (d *diagnosis) noGreeting(i int, ev *transcript.EventInfo) {
	why := "the server closed the connection without a word"
	if ev.Outcome == transcript.Timeout {
		why = "nothing arrived in " + transcript.Human(ev.Dur)
	}
	d.add(CodeControlNoGreeting, fmt.Sprintf("The TCP connection opens, but no 220 greeting arrives: %s. A server stuck on reverse DNS, refusing this address (tcpwrappers), or another service that waits for the client to speak first (HTTP, implicit TLS) does this.", why),
		[]string{"Check the server's log for this connection; turn off reverse DNS (vsftpd reverse_lookup_enable=NO, pure-ftpd -H); check hosts.allow/hosts.deny."},
		[]string{"Check the port: implicit FTPS uses 990 and needs an ftps:// client."}, nil, i)
}

func (d *diagnosis) notFTP(i int, what string) {
	d.add(CodeControlNotFTP, "This port does not speak FTP: "+what+".",
		[]string{"Make sure the FTP server, not another service, listens on this port (ss -ltnp shows who listens)."},
		[]string{"Check the port you were given: FTP is 21, SFTP (SSH) is 22 and needs an SFTP client, implicit FTPS is 990."}, nil, i)
}

func (d *diagnosis) busy(i int, e transcript.Entry) {
	detail := fmt.Sprintf("The server refused the session at the greeting: %q.", firstLine(e.Text))
	if d.loggedIn {
		detail = fmt.Sprintf("The server refused one connection while another from the same client was logged in: %q. Clients that open several connections at once (FileZilla opens up to three) fail at random.", firstLine(e.Text))
	}
	d.add(CodeControlBusy, detail,
		[]string{"Raise the server's connection limits (vsftpd max_clients/max_per_ip, pure-ftpd -c/-C) or start the service it says is down."},
		[]string{"Close other sessions to this server (clients open several), then try again later."}, nil, i)
}

func (d *diagnosis) controlClosed(s *session, i int, what string) {
	after := s.verb
	if after == "" {
		after = "the greeting"
	}
	d.add(CodeControlClosed, fmt.Sprintf("The server %s after %s, in the middle of the session.", what, after),
		[]string{fmt.Sprintf("Look in the server's log for what %s did to it (a crash, a limit, a timeout, a filter on the command).", after)},
		[]string{"Try again; if it repeats on the same command, send this report to the administrator."}, nil, i)
}

func (d *diagnosis) loginRejected(s *session, i int, e transcript.Entry) {
	d.add(CodeLoginRejected, fmt.Sprintf("The server refused the login after %s: %q.", s.verb, firstLine(e.Text)),
		[]string{"Check that the account exists, is allowed FTP (vsftpd: not in /etc/ftpusers, a valid shell; anonymous_enable for anonymous) and that its password is right."},
		[]string{"Check the user name and password (case matters); anonymous access may be off on this server."}, nil, i)
}

func (d *diagnosis) tlsRequired(i int, e transcript.Entry) {
	d.add(CodeLoginTLSRequired, fmt.Sprintf("The server refuses a plain-text login and asks for TLS: %q.", firstLine(e.Text)),
		[]string{"Nothing to fix if TLS is intended; otherwise allow plain FTP (vsftpd force_local_logins_ssl=NO)."},
		[]string{"Use explicit FTP over TLS (FileZilla: 'Require explicit FTP over TLS'; curl --ssl-reqd; lftp set ftp:ssl-force true)."}, nil, i)
}

func (d *diagnosis) tlsUnsupported(i int, e transcript.Entry) {
	d.add(CodeTLSUnsupported, fmt.Sprintf("The server answered AUTH TLS with %q: passwords and files travel in clear text.", firstLine(e.Text)),
		[]string{"Enable explicit TLS (vsftpd ssl_enable=YES with a certificate; pure-ftpd -Y 1)."}, nil, nil, i)
}

func (d *diagnosis) sessionReuse(i int, e transcript.Entry) {
	d.add(CodeTLSSessionReuse, fmt.Sprintf("The server refused a TLS data connection that does not resume the control connection's TLS session: %q.", firstLine(e.Text)),
		[]string{"Clients without TLS session resumption (older curl/GnuTLS builds, some libraries) fail; vsftpd require_ssl_reuse=NO relaxes it."},
		[]string{"Use a client that resumes TLS sessions on data connections (FileZilla, recent curl with OpenSSL, lftp)."}, nil, i)
}

func (d *diagnosis) portRefused(s *session, i int, e transcript.Entry) *result.Finding {
	return d.add(CodePortRefused, fmt.Sprintf("The server refused %s %s: %q. Servers refuse addresses that are private or differ from the one they see.", s.verb, s.arg, firstLine(e.Text)),
		[]string{"If active mode is wanted, allow PORT to the client's real address (vsftpd port_enable=YES); otherwise nothing to do, passive mode is the usual way."},
		[]string{"Use passive mode (the default in most clients)."}, nil, s.cmdLine, i)
}

func (d *diagnosis) noCallback(s *session, i int, ev *transcript.EventInfo) {
	detail := "The server accepted " + s.mode + " but never connected back"
	if ev != nil {
		detail += " (nothing arrived in " + transcript.Human(ev.Dur) + ")"
	}
	d.add(CodeNoCallback, detail+": a firewall or NAT on the client's side blocks inbound connections, or the server's firewall blocks outbound ones from port 20.",
		[]string{"Allow outbound TCP from port 20 (or the server's ephemeral ports) on the server's firewall, if active mode is wanted."},
		[]string{"Use passive mode (the default in most clients); active mode needs inbound connections to your machine."}, nil, i)
}

func (d *diagnosis) clientNAT(s *session, i int, seen netip.Addr, port string) {
	d.add(CodeClientNAT, fmt.Sprintf("The client's address is %s, but the server sees it connecting from %s port %s: the client is behind NAT.", s.local, seen, port),
		[]string{"Nothing to fix on the server; active mode to this client needs an FTP-aware router or port forwarding."},
		[]string{"Use passive mode; active mode from behind NAT only works through a router's FTP helper."}, nil, i)
}

func (d *diagnosis) algRewrite(i int, sent, got string) {
	d.add(CodeALGRewrite, fmt.Sprintf("A router between client and server rewrote the PORT command: the client sent %s, the server received %s (an FTP ALG).", sent, got),
		[]string{"Nothing to fix if active mode works; FTP ALGs break FTP over TLS and sometimes passive mode, so turn them off if users see odd failures."},
		[]string{"If transfers fail oddly, turn off the router's FTP ALG / SIP-FTP helper."}, nil, i)
}

func (d *diagnosis) stalled(s *session, i int, ev *transcript.EventInfo) {
	d.add(CodeTransferStalled, fmt.Sprintf("The data connection for %s opened, but the transfer stopped after %d bytes and nothing moved for %s.", s.verb, ev.Bytes, transcript.Human(ev.Dur)),
		[]string{"Look for a firewall or IPS that cuts long flows, an MTU problem (try lowering the MTU or enabling MSS clamping), or a failing disk on the server."},
		[]string{"Try again in the other mode (passive/active); report the byte count to the administrator."}, nil, i)
}

func (d *diagnosis) sizeMismatch(s *session, i int, got, want int64) {
	d.add(CodeSizeMismatch, fmt.Sprintf("RETR %s delivered %d bytes, but the server announced %d.", s.arg, got, want),
		[]string{"Check the file on the server (being written right now?) and any proxy or ALG on the way; ASCII mode transfers change sizes, TYPE I does not."},
		[]string{"Transfer in binary mode (TYPE I) and compare checksums with the administrator."}, nil, i)
}

// denied: the server refused the listing or the download itself (450, 550,
// 553), before any data moved: the path does not exist, or the account may
// not read it. The seed document names it the other common cause of "I can
// log in, but I can't list or download".
func (d *diagnosis) denied(s *session, i int, e transcript.Entry) {
	what := "the current directory"
	if s.arg != "" && !strings.HasPrefix(s.arg, "-") {
		what = s.arg
	}
	d.add(CodeTransferDenied, fmt.Sprintf("Login works, but the server answered %s %s with %q: %s does not exist there, or this account may not read it.", s.verb, what, firstLine(e.Text), what),
		[]string{fmt.Sprintf("Check that %s exists in the account's home and that the account has list and download (read) permission on it: Rumpus User Accounts, vsftpd local_root and file modes, pure-ftpd and ProFTPD directory permissions, IIS FTP Authorization Rules.", what)},
		[]string{"Check the path, and ask the server's administrator to grant your account list and download permission on it."}, nil, s.cmdLine, i)
}

func (d *diagnosis) dataRejected(s *session, i int, e transcript.Entry) {
	where := "the data connection opened"
	if s.data == nil {
		where = "no data connection was made"
	}
	d.add(CodeDataRejected, fmt.Sprintf("After %s, the server answered %s with %q: it refused the data connection, often because it came from another address than the control connection.", where, s.verb, firstLine(e.Text)),
		[]string{"If clients come through NAT or a proxy with several addresses, relax the server's data-connection address check (vsftpd pasv_promiscuous=YES, pure-ftpd without -Z)."},
		[]string{"Make control and data connections leave from the same address (one VPN, one proxy)."}, nil, i)
}

// dataIgnored is data.rejected without a word: the data connection opened,
// and the server never answered the transfer command (pure-ftpd waits in
// silence for a data connection from the control connection's address).
func (d *diagnosis) dataIgnored(s *session, i int, ev *transcript.EventInfo) {
	d.add(CodeDataRejected, fmt.Sprintf("The data connection to %s opened, but the server never answered %s (nothing in %s): it ignores data connections it does not expect, typically from another address than the control connection's.", s.data.addr, s.verb, transcript.Human(ev.Dur)),
		[]string{"If clients come through NAT or a proxy with several addresses, relax the server's data-connection address check."},
		[]string{"Make control and data connections leave from the same address (one VPN, one proxy, no load-balancing NAT)."}, nil, s.data.line, i)
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
