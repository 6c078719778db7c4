package diagnose

import (
	"fmt"

	"ftpdiag/result"
)

// Codes seen from the server's side (docs/DIAGNOSES.md, "Seen from the
// server"): what a server's log or ftpdiag serve's own transcript shows of
// a client's failure. The person reading is the server's administrator, so
// the hints speak to them first; the client hints say what to tell the user.
const (
	CodePassiveNeverArrived = "data.passive.never-arrived"
	CodePassiveFallback     = "data.passive.fallback-active"
	CodePortPrivate         = "active.port-private"
	CodeConnectBackFailed   = "active.connect-back-failed"
)

// SeenFromServer ends the title of every finding made from the server's side.
const SeenFromServer = " (seen from the server)"

var serverCatalogue = []Entry{
	{Code: CodePassiveNeverArrived, Severity: result.Critical, Title: "Passive data connections never arrive",
		Admin: func(a Args) []string {
			return append(firewall(a),
				"If the server is behind NAT, set the address it advertises to its public one ("+pasvAddressShort+"); under TLS no router's FTP helper can fix a wrong one.",
				"If other clients' passive connections do arrive, the block is on this client's side (an office firewall that allows only ports 21, 80 and 443 out).")
		},
		Client: say("Tell the user: their client asked for a passive data port and never connected to it; if their network blocks outgoing connections to high ports, active mode (curl -P -, FileZilla: Transfer mode Active) may work.")},
	{Code: CodePassiveFallback, Severity: result.Warning, Title: "Passive mode fails; the client fell back to active mode",
		Admin: func(a Args) []string {
			return append(firewall(a), "Clients that do not fall back (curl, browsers, most scripts) fail where this one worked.")
		},
		Client: say("Tell the user: their client (lftp does this quietly) switched to active mode after passive failed; it works while their own network lets the server connect back.")},
	{Code: CodePortPrivate, Severity: result.Warning, Title: "The client names a private address in PORT: it is behind NAT",
		Admin: say("Nothing on the server can reach a private address on the client's network: ask the user to use passive mode, and keep the passive range open.",
			"Do not make the server accept PORT to other addresses (vsftpd port_promiscuous): that opens it to FTP bounce attacks."),
		Client: say("Tell the user: use passive mode (the default in most clients); their router has no FTP helper for active mode, or cannot read the session because it is encrypted.")},
	{Code: CodeConnectBackFailed, Severity: result.Warning, Title: "The server's active-mode connections back to the client fail",
		Admin: say("Check that the server's own firewall lets outbound connections to the clients' ports through (from port 20 with vsftpd connect_from_port_20=YES)",
			"If only some clients fail, their side blocks inbound connections (a NAT router or host firewall): passive mode is the fix."),
		Client: say("Tell the user: use passive mode; their firewall or router does not let the server connect back.")},
}

// pasvAddressShort names each server's setting for the advertised address.
const pasvAddressShort = "vsftpd pasv_address, pure-ftpd -P, ProFTPD MasqueradeAddress, ftpdiag serve --pasv-address"

// seenFromServer marks a finding made from the server's side.
func seenFromServer(f result.Finding) result.Finding {
	f.Title += SeenFromServer
	f.Detail = fmt.Sprintf("Seen from the server: %s", f.Detail)
	return f
}
