package diagnose

import "ftpdiag/result"

// Codes of issue 27 (logs as people paste them): what a client's log shows
// that no probe of ours would provoke.
const (
	CodeServerFailed     = "server.failed"
	CodePasvIPv6Refused  = "pasv.ipv6-refused"
	CodeTLSNoCloseNotify = "tls.data-no-close-notify"
	CodeOutOfStep        = "control.out-of-step"
	CodeTLSDataRequired  = "tls.data-required"
	CodeReplyUnread      = "control.reply-unread"
)

var worldCatalogue = []Entry{
	{Code: CodeServerFailed, Severity: result.Critical, Title: "The server reports a failure of its own",
		Admin: say("Read the server's own words in the detail: vsftpd's \"500 OOPS: cannot change directory:DIR\" means the user's home directory (local_root, or the home in /etc/passwd) does not exist or the user cannot enter it; " +
			"\"500 OOPS: invalid pasv_address\" means pasv_address in vsftpd.conf is not an IP address as written (no quotes, no host name unless pasv_addr_resolve=YES)."),
		Client: say("Send this report to the server's administrator: the server stopped the session on its own side.")},
	{Code: CodePasvIPv6Refused, Severity: result.Critical, Title: "PASV is refused over IPv6: the client must use EPSV",
		Admin:  say("Nothing is wrong with the server: PASV can only name an IPv4 address, so over an IPv6 control connection servers refuse it (ProFTPD 501, vsftpd 425/500); EPSV works."),
		Client: say("Let the client use EPSV (FileZilla and curl do by default; FireFTP: turn on IPv6 in the account; Windows ftp.exe cannot), or connect over IPv4.")},
	{Code: CodeTLSNoCloseNotify, Severity: result.Critical, Title: "The server ends TLS data connections without close_notify",
		Admin: say("The listing or file arrived, then the server closed the data connection without TLS's close_notify alert; GnuTLS clients (FileZilla, lftp) refuse the transfer for it (GnuTLS error -110). " +
			"Close the TLS session properly before the socket (a .NET SslStream must be shut down, not only disposed; check the FTP server's TLS library and update it)."),
		Client: say("The server is at fault; until it is fixed, an OpenSSL-based client (curl, WinSCP) accepts such a close.")},
	{Code: CodeOutOfStep, Severity: result.Critical, Title: "The server's replies are one command behind",
		Admin: say("Send the greeting (and every multi-line reply) as RFC 959 wants it: \"220-\" before every line but the last, \"220 \" before the last only. " +
			"A greeting of several \"220 \" lines is read as several replies, and every command after it gets the answer to the one before."),
		Client: say("The server is at fault; a client that reads its greeting whole still fails at the first command whose answer matters (AUTH TLS).")},
	{Code: CodeReplyUnread, Severity: result.Warning, Title: "The client did not read a transfer's final reply",
		Admin: say("Nothing to do on the server: it answered in order. The client sent its next command before reading the reply that ends the transfer, and took that reply for the answer to the new command."),
		Client: say("Read the transfer's final reply (226) before the next command. FluentFTP: after OpenRead, OpenWrite or OpenAppend, close the stream and call GetReply() (or use DownloadFile/UploadFile, which do it); " +
			"other libraries: the call that ends a transfer (ftplib voidresp(), Commons Net completePendingCommand()).")},
	{Code: CodeTLSDataRequired, Severity: result.Critical, Title: "The server wants the data connection encrypted; the client did not ask",
		Admin: say("Nothing is broken if encrypted data connections are your policy: the client must send PBSZ 0 and PROT P after AUTH TLS. " +
			"To accept clear-text data connections from such clients instead: IIS FTP SSL Settings, custom policy, data channel \"Allow\"; vsftpd force_local_data_ssl=NO; ProFTPD TLSRequired ctrl."),
		Client: say("Ask for encrypted data connections: the client must send PBSZ 0 and PROT P after AUTH TLS. " +
			"curl: --ssl-reqd (not --ftp-ssl-control, which leaves data in clear text); lftp: set ftp:ssl-protect-data true; Python ftplib: FTP_TLS.prot_p(); " +
			"Apache Commons Net: FTPSClient.execPBSZ(0) and execPROT(\"P\") after login; FileZilla and WinSCP do it by themselves with explicit FTP over TLS.")},
}

// Both end what a session can show: nothing after them is a cause of its
// own while no session logged in.
func init() {
	gate[CodeOutOfStep] = true
	gate[CodeServerFailed] = true
}
