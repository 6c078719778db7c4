package diagnose

import "ftpdiag/result"

// The FTPS codes (docs/DIAGNOSES.md, "FTPS"). With TLS no router can paper
// over a wrong passive address, so the hints name the fix on each side.
var tlsCatalogue = []Entry{
	{Code: CodeTLSHandshake, Severity: result.Critical, Title: "The TLS handshake on the control connection fails",
		Admin:  say("Check the server's certificate and key, and that it offers TLS 1.2 or 1.3 with current ciphers (vsftpd ssl_tlsv1_2=YES, pure-ftpd -J, ProFTPD TLSProtocol); a middlebox that breaks TLS on port 21 shows the same."),
		Client: say("Check that the client allows TLS 1.2 or later; try from another network to rule out a middlebox.")},
	{Code: CodeTLSDataHandshake, Severity: result.Critical, Title: "The TLS handshake on a data connection fails",
		Admin:  say("Check the server's TLS settings for data connections (vsftpd ssl_ciphers and require_ssl_reuse, ProFTPD TLSOptions), and any firewall or ALG that inspects the passive ports."),
		Client: say("Send this report to the server's administrator; the login works, only the encrypted data connections fail.")},
	{Code: CodeTLSCertUntrusted, Severity: result.Warning, Title: "The server's certificate is not trusted",
		Admin:  say("Install a certificate from a public CA with its whole chain (Let's Encrypt works for FTP servers: vsftpd rsa_cert_file with the full chain, pure-ftpd /etc/ssl/private/pure-ftpd.pem)."),
		Client: say("Check the certificate's fingerprint with the administrator before you accept it (FileZilla asks once); curl needs --cacert FILE, scripts fail.")},
	{Code: CodeTLSCertName, Severity: result.Warning, Title: "The server's certificate is for another name",
		Admin:  say("Use a certificate whose names include the host name users connect to."),
		Client: say("Connect with the host name the certificate names, if it is the same server.")},
	{Code: CodeTLSCertExpired, Severity: result.Warning, Title: "The server's certificate is expired or not yet valid",
		Admin:  say("Renew the certificate and restart (or reload) the FTP server; check the server's clock."),
		Client: say("Check your own clock; otherwise tell the administrator the certificate's dates.")},
	{Code: CodeTLSProtRefused, Severity: result.Warning, Title: "Files travel unencrypted (PROT P refused)",
		Admin:  say("Allow protected data connections: answer PBSZ 0 and PROT P (vsftpd ssl_enable=YES covers both; ProFTPD TLSRequired on)."),
		Client: say("Until it is fixed, files and listings travel in clear text even though the login is encrypted.")},
	{Code: CodeTLSALGBlind, Severity: result.Critical, Title: "Passive mode works without TLS but not with it",
		Admin: say("With TLS no router can read or fix the passive reply: forward the passive range to the server and set its public address (vsftpd pasv_address, pure-ftpd -P, ProFTPD MasqueradeAddress, IIS FTP Firewall Support > External IP).",
			"Then turn off the router's FTP helper (ALG), which only ever worked for plain-text sessions."),
		Client: say("Use EPSV where the server has it (it names no address); do not turn TLS off to get around it: that sends your password in clear text.")},
	{Code: CodeTLSReuseEnforced, Severity: result.Info, Title: "The server requires TLS session resumption on data connections",
		Admin:  say("Nothing to fix: this stops anyone who guesses the data port from taking the data. Clients that do not resume sessions fail; vsftpd require_ssl_reuse=NO relaxes it."),
		Client: say("Use a client that resumes TLS sessions on data connections (FileZilla, curl with OpenSSL, lftp, Python ftplib).")},
	{Code: CodeTLSPlainRefused, Severity: result.Info, Title: "The server refuses plain-text sessions",
		Admin:  say("Nothing to fix if every user has a TLS client; clients without TLS (curl without --ssl, scripts, Windows Explorer) cannot log in."),
		Client: say("Use explicit FTP over TLS (FileZilla: 'Require explicit FTP over TLS'; curl --ssl-reqd; lftp set ftp:ssl-force true).")},
}
