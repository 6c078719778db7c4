package diagnose

import "ftpdiag/result"

// CatalogueEntry is one finding code of ../shared/DIAGNOSES.md: its stable
// code, its severity and the one-line title every renderer shows.
type CatalogueEntry struct {
	Code     string
	Severity result.Severity
	Title    string
}

// Finding codes, as the contract spells them. Code that builds findings uses
// these names so a typo is a compile error rather than an unknown code.
const (
	CodeDNSFailed          = "dns.failed"
	CodeControlRefused     = "control.refused"
	CodeControlTimeout     = "control.timeout"
	CodeControlUnreachable = "control.unreachable"
	CodeControlNoGreeting  = "control.no-greeting"
	CodeControlNotFTP      = "control.not-ftp"
	CodeControlBusy        = "control.busy"
	CodeControlClosed      = "control.closed"
	CodeLoginRejected      = "login.rejected"
	CodeLoginTLSRequired   = "login.tls-required"
	CodePasvUnsupported    = "pasv.unsupported"
	CodePasvBadReply       = "pasv.bad-reply"
	CodePasvPrivate        = "pasv.private-address"
	CodePasvForeign        = "pasv.foreign-address"
	CodePassiveTimeout     = "data.passive.timeout"
	CodePassiveRefused     = "data.passive.refused"
	CodePassivePartial     = "data.passive.partial"
	CodeDataRejected       = "data.rejected"
	CodeEPSVUnsupported    = "epsv.unsupported"
	CodePortRefused        = "active.port-refused"
	CodeNoCallback         = "active.no-callback"
	CodeClientNAT          = "active.client-nat"
	CodeALGRewrite         = "active.alg-rewrite"
	CodeTransferStalled    = "transfer.stalled"
	CodeSizeMismatch       = "transfer.size-mismatch"
	CodeTransferDenied     = "transfer.denied"
	CodeTLSUnsupported     = "tls.unsupported"
	CodeTLSSessionReuse    = "tls.session-reuse-required"
	CodeReplySlow          = "reply.slow"
)

// Catalogue lists every code of the contract, in the contract's order.
var Catalogue = []CatalogueEntry{
	{CodeDNSFailed, result.Critical, "The host name does not resolve"},
	{CodeControlRefused, result.Critical, "The control connection is refused"},
	{CodeControlTimeout, result.Critical, "The control connection gets no answer"},
	{CodeControlUnreachable, result.Critical, "The server's network or host is unreachable"},
	{CodeControlNoGreeting, result.Critical, "The server connects but never greets"},
	{CodeControlNotFTP, result.Critical, "Another protocol answers on the FTP port"},
	{CodeControlBusy, result.Critical, "The server refuses the session at the greeting"},
	{CodeControlClosed, result.Critical, "The server closed the control connection mid-session"},
	{CodeLoginRejected, result.Critical, "The login is refused"},
	{CodeLoginTLSRequired, result.Critical, "The server demands TLS before login"},
	{CodePasvUnsupported, result.Warning, "Passive mode (PASV) is refused"},
	{CodePasvBadReply, result.Critical, "The PASV reply cannot be used"},
	{CodePasvPrivate, result.Warning, "The PASV reply names a private address"},
	{CodePasvForeign, result.Warning, "The PASV reply names another public address"},
	{CodePassiveTimeout, result.Critical, "Passive data connections time out"},
	{CodePassiveRefused, result.Critical, "Passive data connections are refused"},
	{CodePassivePartial, result.Critical, "Part of the passive port range is blocked"},
	{CodeDataRejected, result.Critical, "The server rejects the data connection"},
	{CodeEPSVUnsupported, result.Info, "Extended passive mode (EPSV) is not supported"},
	{CodePortRefused, result.Warning, "The server refuses active mode (PORT/EPRT)"},
	{CodeNoCallback, result.Warning, "Active mode: the server never connects back"},
	{CodeClientNAT, result.Info, "The client is behind NAT"},
	{CodeALGRewrite, result.Info, "A router rewrote the PORT command"},
	{CodeTransferStalled, result.Critical, "A transfer stopped moving"},
	{CodeSizeMismatch, result.Critical, "The bytes received differ from the size announced"},
	{CodeTransferDenied, result.Critical, "The server refuses to list or send"},
	{CodeTLSUnsupported, result.Warning, "TLS (AUTH TLS) is not offered"},
	{CodeTLSSessionReuse, result.Critical, "TLS data connections must resume the control session"},
	{CodeReplySlow, result.Info, "The server answers slowly"},
}

// Additions are the codes ftpdiag adds to the contract's table, proposed
// for it in the issue notes: without transfer.denied, a login that works and
// a listing refused with 550 ("no such file", "permission denied", the other
// common cause the seed document names) would get the verdict ok.
var Additions = map[string]bool{CodeTransferDenied: true}

// Lookup finds a code in the catalogue.
func Lookup(code string) (CatalogueEntry, bool) {
	for _, e := range Catalogue {
		if e.Code == code {
			return e, true
		}
	}
	return CatalogueEntry{}, false
}
