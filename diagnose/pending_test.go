package diagnose

// FTPSPending are the FTPS codes the contract has and the probe does not
// emit yet (issue 12 builds them); the per-code golden tests pass over them
// until then, and the FTPS work empties this list.
var FTPSPending = map[string]bool{
	CodeTLSHandshake: true, CodeTLSDataHandshake: true, CodeTLSCertUntrusted: true,
	CodeTLSCertName: true, CodeTLSCertExpired: true, CodeTLSProtRefused: true,
	CodeTLSALGBlind: true, CodeTLSReuseEnforced: true, CodeTLSPlainRefused: true,
}
