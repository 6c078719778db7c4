package diagnose

import (
	"fmt"
	"slices"

	"ftpdiag/ftp"

	"ftpdiag/result"
)

// Finding codes, as the contract (docs/DIAGNOSES.md) spells them. Code that
// builds findings uses these names so a typo is a compile error rather than
// an unknown code.
const (
	CodeDNSFailed            = "dns.failed"
	CodeControlRefused       = "control.refused"
	CodeControlTimeout       = "control.timeout"
	CodeControlUnreachable   = "control.unreachable"
	CodeControlNoGreeting    = "control.no-greeting"
	CodeControlNotFTP        = "control.not-ftp"
	CodeControlBusy          = "control.busy"
	CodeControlGreetingError = "control.greeting-error"
	CodeControlClosed        = "control.closed"
	CodeLoginRejected        = "login.rejected"
	CodeLoginTLSRequired     = "login.tls-required"
	CodeLoginLockedOut       = "login.locked-out"
	CodePasvUnsupported      = "pasv.unsupported"
	CodePasvBadReply         = "pasv.bad-reply"
	CodePasvPrivate          = "pasv.private-address"
	CodePasvForeign          = "pasv.foreign-address"
	CodePasvExhausted        = "pasv.range-exhausted"
	CodePassiveTimeout       = "data.passive.timeout"
	CodePassiveRefused       = "data.passive.refused"
	CodePassivePartial       = "data.passive.partial"
	CodeSweepRefused         = "data.sweep-refused"
	CodeDataRejected         = "data.rejected"
	CodeEPSVUnsupported      = "epsv.unsupported"
	CodePortRefused          = "active.port-refused"
	CodeNoCallback           = "active.no-callback"
	CodeClientNAT            = "active.client-nat"
	CodeALGRewrite           = "active.alg-rewrite"
	CodeTransferStalled      = "transfer.stalled"
	CodeStalledParallel      = "transfer.stalled-parallel"
	CodeSizeMismatch         = "transfer.size-mismatch"
	CodeTLSUnsupported       = "tls.unsupported"
	CodeTLSSessionReuse      = "tls.session-reuse-required"
	CodeTransferDenied       = "transfer.denied"
	CodeUnprivileged         = "local.unprivileged"
	CodePortInUse            = "local.port-in-use"
	CodeFirewallBlocks       = "local.firewall-blocks"
	CodeReplySlow            = "reply.slow"
	CodeProbeSlow            = "probe.slow"
	CodeTLSHandshake         = "tls.handshake-failed"
	CodeTLSDataHandshake     = "tls.data-handshake-failed"
	CodeTLSCertUntrusted     = "tls.cert-untrusted"
	CodeTLSCertName          = "tls.cert-name-mismatch"
	CodeTLSCertExpired       = "tls.cert-expired"
	CodeTLSProtRefused       = "tls.prot-refused"
	CodeTLSALGBlind          = "tls.alg-blind"
	CodeTLSReuseEnforced     = "tls.reuse-enforced"
	CodeTLSPlainRefused      = "tls.plaintext-refused"
)

// Args are what a finding's title and hints name; whoever makes the
// finding fills the ones its code reads.
type Args struct {
	Port     int    // the port concerned: the control port, a local port
	Lo, Hi   int    // the passive ports the server handed out; 0 when none was seen
	Path     string // what a refused listing or download asked for
	After    string // the command the server closed the connection after
	Seen     string // control.not-ftp: what broke FTP's format, where no protocol is named
	Followed bool   // pasv.private-address: the client dialled the private address
	Silent   bool   // data.rejected: the server ignored the data connection without a word
	Range    bool   // local.port-in-use: ports of the passive range, not one port
	Verb     string // local.firewall-blocks: "drops" or "rejects"
	Ports    string // local.firewall-blocks: the ports it blocks, as ranges
	Chain    string // local.firewall-blocks: the chain, as nft names it
	Control  int    // local.firewall-blocks: the plan's control port and passive range
	PasvMin  int
	PasvMax  int
	// data.passive.*: the ports shown blocked, in runs; the server's range
	// where known (a sweep); the span of ports seen, where only sampled.
	Blocked []ftp.PortRun
	Known   ftp.PortRun
	SeenRun ftp.PortRun
	// data.dropped-at: how the data port is stopped ("dropped", "rejected",
	// "reset"), at which hop count, and the address of that hop.
	How     string
	Hop     int
	HopAddr string
	IPv6    bool // epsv.unsupported: refused over IPv6, where no PASV can replace it; data.passive.*: blocked over IPv6 (ip6tables)
}

// Entry is one finding code: its severity, the one-line title every
// renderer shows, and the hints for the two people who can act on it, the
// server's administrator and the client's user.
type Entry struct {
	Code     string
	Severity result.Severity
	// Worse, where set, is the severity the finding takes when the
	// evidence is worse (the contract's "info or warning"): EPSV refused
	// over IPv6, a password sent where TLS is not offered.
	Worse  result.Severity
	Title  string
	Admin  func(Args) []string
	Client func(Args) []string
	// Titled, where set, names the facts in the title (the self-test's
	// findings, whose title says which port).
	Titled func(Args) string
	// Local codes are about the machine the self-test runs on: no
	// transcript shows them.
	Local bool
	// Threshold codes come of a limit the caller sets (probe -w, -c), not
	// of the transcript alone: Diagnose never gives them, NewResult does.
	Threshold bool
}

// say is a hint that names no facts.
func say(lines ...string) func(Args) []string {
	return func(Args) []string { return lines }
}

var (
	controlClient = "Check the host name and port you were given; try from another network (a phone's hotspot) to tell your network from the server's."
	passiveClient = say(
		"Nothing on your side can open these ports; send this report to the server's administrator.",
		"Until it is fixed, try active mode (FileZilla: Site Manager > Transfer Settings > Active; curl -P -; lftp: set ftp:passive-mode off) if your own network lets the server connect back.")
	pasvAddress = "Configure the server to advertise its public address in PASV replies (vsftpd pasv_address=..., pure-ftpd -P ..., ProFTPD MasqueradeAddress, IIS: FTP Firewall Support > External IP)."
	usePassive  = say("Use passive mode (the default in most clients).")
)

// firewall are the rules an admin pastes to open the passive ports.
func firewall(a Args) []string {
	if len(a.Blocked) > 0 {
		lead, nft, ipt := blockedRules(a)
		return []string{
			fmt.Sprintf("%s on the server's firewall: nft add rule inet filter input tcp dport %s accept (or %s).", lead, nft, ipt),
			fmt.Sprintf("If the server is behind a router or cloud security group, forward/allow TCP %s to it as well, and make the FTP server's passive range match exactly.", ftp.JoinRuns(a.Blocked)),
		}
	}
	if a.Lo == 0 {
		return []string{"Open the server's passive port range (vsftpd pasv_min_port/pasv_max_port, pure-ftpd -p) for inbound TCP on every firewall in front of it, and forward it on the router."}
	}
	nft, ipt := fmt.Sprintf("%d-%d", a.Lo, a.Hi), fmt.Sprintf("%d:%d", a.Lo, a.Hi)
	if a.Lo == a.Hi {
		nft, ipt = fmt.Sprint(a.Lo), fmt.Sprint(a.Lo)
	}
	iptables := "iptables"
	if a.IPv6 { // the commonest dual-stack mistake: iptables set up, ip6tables not
		iptables = "ip6tables"
	}
	return []string{
		fmt.Sprintf("Allow inbound TCP %s on the server's firewall: nft add rule inet filter input tcp dport %s accept (or %s -A INPUT -p tcp --dport %s -j ACCEPT).", nft, nft, iptables, ipt),
		fmt.Sprintf("If the server is behind a router or cloud security group, forward/allow TCP %s to it as well, and make the FTP server's passive range match exactly.", nft),
	}
}

// Catalogue lists every code the program can emit, in the contract's order.
var Catalogue = slices.Concat(catalogue, tlsCatalogue, worldCatalogue, serverCatalogue, traceCatalogue, captureCatalogue)

var catalogue = []Entry{
	{Code: CodeDNSFailed, Severity: result.Critical, Title: "The host name does not resolve",
		Admin:  say("Publish an A (and AAAA) record for the name, or give users the address."),
		Client: say("Check the spelling of the host name, and your DNS (try the address directly).")},
	{Code: CodeControlRefused, Severity: result.Critical, Title: "The control connection is refused",
		Admin: func(a Args) []string {
			return []string{fmt.Sprintf("Start the FTP server, listening on port %d (ss -ltnp 'sport = :%d' shows who listens).", a.Port, a.Port),
				fmt.Sprintf("Allow inbound TCP %d on the server's firewall (nft add rule inet filter input tcp dport %d accept), and forward it on the router.", a.Port, a.Port)}
		},
		Client: say(controlClient)},
	{Code: CodeControlTimeout, Severity: result.Critical, Title: "The control connection gets no answer",
		Admin: func(a Args) []string {
			return []string{fmt.Sprintf("Allow inbound TCP %d on every firewall in front of the server and forward it on the router (nft add rule inet filter input tcp dport %d accept).", a.Port, a.Port)}
		},
		Client: say("Your own network may block outgoing FTP; try another network.", controlClient)},
	{Code: CodeControlUnreachable, Severity: result.Critical, Title: "The server's network or host is unreachable",
		Admin:  say("Check that the server is up and routed; a router answering 'unreachable' names the hop at fault (traceroute -T -p 21)."),
		Client: say("Check your own connection and route to the server (a VPN, a missing default route).")},
	{Code: CodeControlNoGreeting, Severity: result.Critical, Title: "The server connects but never greets",
		Admin:  say("Check the server's log for this connection; turn off reverse DNS (vsftpd reverse_lookup_enable=NO, pure-ftpd -H); check hosts.allow/hosts.deny."),
		Client: say("Check the port: implicit FTPS uses 990 and needs an ftps:// client.")},
	controlNotFTP,
	{Code: CodeControlBusy, Severity: result.Critical, Title: "The server refuses the session at the greeting",
		Admin:  say("Raise the server's connection limits (vsftpd max_clients/max_per_ip, pure-ftpd -c/-C) or start the service it says is down."),
		Client: say("Close other sessions to this server (clients open several), then try again later.")},
	{Code: CodeControlGreetingError, Severity: result.Critical, Title: "The server fails at the greeting",
		Admin:  say("The server answers every connection with an error instead of 220: its configuration or set-up is broken, and the reply quoted above says where (vsftpd's \"500 OOPS: cannot locate user specified in 'ftp_username'\": create that user, or set ftp_username to one that exists). Fix it and restart the server; its log has the rest."),
		Client: say("Nothing on your side can fix this; send the quoted reply to the server's administrator.")},
	{Code: CodeControlClosed, Severity: result.Critical, Title: "The server closed the control connection mid-session",
		Admin: func(a Args) []string {
			return []string{fmt.Sprintf("Look in the server's log for what %s did to it (a crash, a limit, a timeout, a filter on the command).", a.After)}
		},
		Client: say("Try again; if it repeats on the same command, send this report to the administrator.")},
	{Code: CodeLoginRejected, Severity: result.Critical, Title: "The login is refused",
		Admin:  say("Check that the account exists, is allowed FTP (vsftpd: not in /etc/ftpusers, a valid shell; anonymous_enable for anonymous) and that its password is right."),
		Client: say("Check the user name and password (case matters); anonymous access may be off on this server.")},
	{Code: CodeLoginLockedOut, Severity: result.Critical, Title: "The server has locked this address out of logging in",
		Admin:  say("The server refuses every login from the client's address for a while, after repeated failed logins from it (ftpdiag serve: 10 within 10 minutes; fail2ban and the like do the same). The lock lifts by itself when that time has passed; lifting it sooner is the server's own switch (ftpdiag serve: a restart). Find what sent the failed logins first: a script or a client with an old password, or someone guessing."),
		Client: say("Wait for the time the server names, then log in with the right password once; a client that keeps retrying with a wrong one renews the lock. Ask the administrator to lift it if you cannot wait.")},
	{Code: CodeLoginTLSRequired, Severity: result.Critical, Title: "The server demands TLS before login",
		Admin:  say("Nothing to fix if TLS is intended; otherwise allow plain FTP (vsftpd force_local_logins_ssl=NO)."),
		Client: say("Use explicit FTP over TLS (FileZilla: 'Require explicit FTP over TLS'; curl --ssl-reqd; lftp set ftp:ssl-force true).")},
	{Code: CodePasvUnsupported, Severity: result.Warning, Title: "Passive mode (PASV) is refused",
		Admin:  say("Enable passive mode (vsftpd pasv_enable=YES); most clients and every browser need it."),
		Client: say("Use EPSV or active mode if your network allows it.")},
	{Code: CodePasvBadReply, Severity: result.Critical, Title: "The PASV reply cannot be used",
		Admin:  say("The server (or a router's FTP ALG rewriting it) sends a broken 227 reply; check the server's passive address and port settings, and turn off the router's FTP helper."),
		Client: say("Try EPSV (most clients do first) or active mode.")},
	{Code: CodePasvPrivate, Severity: result.Warning, Title: "The PASV reply names a private address",
		Admin: say(pasvAddress),
		Client: func(a Args) []string {
			if a.Followed {
				return []string{"Use a client that ignores the PASV address (FileZilla, curl 7.74 or later, lftp), or EPSV."}
			}
			return []string{"Use a client that ignores the PASV address (FileZilla, curl 7.74 or later, lftp) or EPSV."}
		}},
	{Code: CodePasvForeign, Severity: result.Warning, Title: "The PASV reply names another public address",
		Admin:  say("If this address is right (a load balancer, a second interface), clients must be told to trust it; otherwise fix the advertised address.", pasvAddress),
		Client: say("If you trust this server, let the client follow the PASV address (curl --ftp-skip-pasv-ip off; ftpdiag --trust-pasv-address).")},
	{Code: CodePasvExhausted, Severity: result.Warning, Title: "The passive port range is used up",
		Admin:  exhaustedHint,
		Client: say("Try again in a minute, or use fewer parallel connections; tell the administrator the range is too small.")},
	{Code: CodePassiveTimeout, Severity: result.Critical, Title: "Passive data connections time out",
		Admin: firewall, Client: passiveClient},
	{Code: CodePassiveRefused, Severity: result.Critical, Title: "Passive data connections are refused",
		Admin: func(a Args) []string {
			return append(firewall(a), "Check that the address and ports the server advertises (vsftpd pasv_address, pure-ftpd -P) are the ones forwarded to it.")
		},
		Client: passiveClient},
	{Code: CodePassivePartial, Severity: result.Critical, Title: "Part of the passive port range is blocked",
		Admin: func(a Args) []string {
			return append([]string{"Make the firewall's or router's open range exactly the FTP server's passive range (vsftpd pasv_min_port/pasv_max_port, pure-ftpd -p)."}, firewall(a)...)
		},
		Client: say("Retrying may work when the server happens to pick an open port; the fix is on the server's side.")},
	{Code: CodeSweepRefused, Severity: result.Warning, Title: "The sweep of the passive range did not run",
		Admin:  say("The server refused SITE SWEEP (the reply says why: one sweep per client address every minute by default, none for anonymous users). For a monitor that sweeps on every scrape, start the server with --sweep-trusted ADDRESS (the monitor's address or network), and scrape no more often than every 30 s so the range stays free for clients most of the time."),
		Client: say("The probe sampled the range with PASV instead, which tries a few ports only; run it again after the interval the reply names for a sweep of every port.")},
	{Code: CodeDataRejected, Severity: result.Critical, Title: "The server rejects the data connection",
		Admin: func(a Args) []string {
			if a.Silent {
				return []string{"If clients come through NAT or a proxy with several addresses, relax the server's data-connection address check."}
			}
			return []string{"If clients come through NAT or a proxy with several addresses, relax the server's data-connection address check (vsftpd pasv_promiscuous=YES, pure-ftpd without -Z)."}
		},
		Client: func(a Args) []string {
			if a.Silent {
				return []string{"Make control and data connections leave from the same address (one VPN, one proxy, no load-balancing NAT)."}
			}
			return []string{"Make control and data connections leave from the same address (one VPN, one proxy)."}
		}},
	// Its severity is the family's (the maker sets it): info over IPv4,
	// where PASV works, critical over IPv6, where nothing replaces EPSV.
	{Code: CodeEPSVUnsupported, Severity: result.Info, Worse: result.Critical, Title: "Extended passive mode (EPSV) is not supported",
		Admin: func(a Args) []string {
			if a.IPv6 {
				return []string{"Enable EPSV (RFC 2428) for IPv6 clients (vsftpd listen_ipv6=YES speaks it; check a proxy or load balancer in front), or remove the AAAA record until the server speaks it."}
			}
			return []string{"Nothing is broken; servers that support EPSV (RFC 2428) work better through NAT and with IPv6."}
		},
		Client: func(a Args) []string {
			if a.IPv6 {
				return []string{"Connect over IPv4 (curl -4, lftp: set dns:order \"inet\", FileZilla: the server's IPv4 address) until the server is fixed."}
			}
			return nil
		}},
	{Code: CodePortRefused, Severity: result.Warning, Title: "The server refuses active mode (PORT/EPRT)",
		Admin:  say("If active mode is wanted, allow PORT to the client's real address (vsftpd port_enable=YES); otherwise nothing to do, passive mode is the usual way."),
		Client: usePassive},
	{Code: CodeNoCallback, Severity: result.Warning, Title: "Active mode: the server never connects back",
		Admin:  say("Allow outbound TCP from port 20 (or the server's ephemeral ports) on the server's firewall, if active mode is wanted."),
		Client: say("Use passive mode (the default in most clients); active mode needs inbound connections to your machine.")},
	activeServerFailed,
	{Code: CodeClientNAT, Severity: result.Info, Title: "The client is behind NAT",
		Admin:  say("Nothing to fix on the server; active mode to this client needs an FTP-aware router or port forwarding."),
		Client: say("Use passive mode; active mode from behind NAT only works through a router's FTP helper.")},
	{Code: CodeALGRewrite, Severity: result.Info, Title: "A router rewrote the PORT command",
		Admin:  say("Nothing to fix if active mode works; FTP ALGs break FTP over TLS and sometimes passive mode, so turn them off if users see odd failures."),
		Client: say("If transfers fail oddly, turn off the router's FTP ALG / SIP-FTP helper.")},
	{Code: CodeTransferStalled, Severity: result.Critical, Title: "A transfer stopped moving",
		Admin:  say("Look for a firewall or IPS that cuts long flows, an MTU problem (try lowering the MTU or enabling MSS clamping), or a failing disk on the server."),
		Client: say("Try again in the other mode (passive/active); report the byte count to the administrator.")},
	{Code: CodeStalledParallel, Severity: result.Warning, Title: "Transfers stall when several sessions run at once",
		Admin:  say("The server stopped a transfer while the same client had other sessions open, and completed it alone: update the server, or limit connections per client (FileZilla opens up to three)."),
		Client: say("Limit the client to one connection (FileZilla: Site Manager, Transfer Settings, limit simultaneous connections to 1).")},
	{Code: CodeSizeMismatch, Severity: result.Critical, Title: "The bytes received differ from the size announced",
		Admin:  say("Check the file on the server (being written right now?) and any proxy or ALG on the way; ASCII mode transfers change sizes, TYPE I does not."),
		Client: say("Transfer in binary mode (TYPE I) and compare checksums with the administrator.")},
	{Code: CodeTLSUnsupported, Severity: result.Info, Worse: result.Warning, Title: "TLS (AUTH TLS) is not offered",
		Admin: say("Enable explicit TLS (vsftpd ssl_enable=YES with a certificate; pure-ftpd -Y 1).")},
	{Code: CodeTLSSessionReuse, Severity: result.Critical, Title: "TLS data connections must resume the control session",
		Admin:  say("Clients without TLS session resumption (older curl/GnuTLS builds, some libraries) fail; vsftpd require_ssl_reuse=NO relaxes it."),
		Client: say("Use a client that resumes TLS sessions on data connections (FileZilla, recent curl with OpenSSL, lftp).")},
	{Code: CodeTransferDenied, Severity: result.Critical, Title: "The server refuses to list or send",
		Admin: func(a Args) []string {
			return []string{fmt.Sprintf("Check that %s exists in the account's home and that the account has list and download (read) permission on it: Rumpus User Accounts, vsftpd local_root and file modes, pure-ftpd and ProFTPD directory permissions, IIS FTP Authorization Rules.", a.Path)}
		},
		Client: say("Check the path, and ask the server's administrator to grant your account list and download permission on it.")},
	transferTruncated,
	localUnprivileged,
	localPortInUse,
	localFirewall,
	{Code: CodeReplySlow, Severity: result.Info, Title: "The server answers slowly",
		Admin: say("If this is reverse DNS on the server, turn it off (pure-ftpd -H, vsftpd reverse_lookup_enable=NO, ProFTPD UseReverseDNS off).",
			"Deliberate login delays (pure-ftpd) are normal; nothing to do unless users complain.")},
	{Code: CodeProbeSlow, Severity: result.Warning, Title: "The probe took longer than its threshold", Threshold: true,
		Admin: say("The transcript's times show which step took the time; a reply.slow finding names a slow reply.",
			"If this time is normal for this server, raise the threshold (-w, -c)."),
		Client: say("A slow answer is often the network between you and the server, or a busy server; the transcript's times show where the time went.")},
}

// Lookup finds a code in the catalogue.
func Lookup(code string) (Entry, bool) {
	for _, e := range Catalogue {
		if e.Code == code {
			return e, true
		}
	}
	return Entry{}, false
}

// Fact is a finding before the catalogue has titled and hinted it.
type Fact struct {
	Code   string
	Detail string // with the concrete addresses and ports
	Args          // what the title and hints name
	Ports  []int
	Lines  []int // the transcript entries that show it
}

// Make is the finding of a fact, with the catalogue's severity, title and
// hints.
func Make(f Fact) result.Finding {
	e, ok := Lookup(f.Code)
	if !ok {
		panic("diagnose: finding code not in the catalogue: " + f.Code)
	}
	out := result.Finding{Code: f.Code, Severity: e.Severity, Title: e.Title, Detail: f.Detail,
		Hints: []string{}, Ports: f.Ports, Lines: f.Lines}
	if e.Titled != nil {
		out.Title = e.Titled(f.Args)
	}
	if e.Admin != nil {
		out.Hints = e.Admin(f.Args)
	}
	if e.Client != nil {
		out.ClientHints = e.Client(f.Args)
	}
	return out
}
