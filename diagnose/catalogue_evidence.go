package diagnose

import "ftpdiag/result"

// Codes of issue 14 ("no verdict without evidence"), kept beside the
// catalogue entries they need.
const (
	CodeActiveServerFailed = "active.server-failed"
	CodeTransferTruncated  = "transfer.truncated"
)

var (
	// controlNotFTP names what was seen where it is not another protocol
	// at all: a reply past the reader's limits is a broken or absurd FTP
	// server as often as anything else.
	controlNotFTP = Entry{Code: CodeControlNotFTP, Severity: result.Critical, Title: "Another protocol answers on the FTP port",
		Titled: func(a Args) string {
			if a.Seen != "" {
				return "The server's answer breaks FTP's format: " + a.Seen
			}
			return "Another protocol answers on the FTP port"
		},
		Admin: func(a Args) []string {
			if a.Seen != "" {
				return []string{"If this is the FTP server, shorten its greeting or banner (vsftpd ftpd_banner/banner_file, ProFTPD DisplayConnect, pure-ftpd's fortune file); " +
					"otherwise make sure the FTP server, not another service, listens on this port (ss -ltnp shows who listens)."}
			}
			return []string{"Make sure the FTP server, not another service, listens on this port (ss -ltnp shows who listens)."}
		},
		Client: say("Check the port you were given: FTP is 21, SFTP (SSH) is 22 and needs an SFTP client, implicit FTPS is 990.")}

	activeServerFailed = Entry{Code: CodeActiveServerFailed, Severity: result.Warning,
		Title: "Active mode: the server fails to open the connection back",
		Admin: say("vsftpd's \"500 OOPS: vsf_sysutil_bind\": it binds port 20 for active connections (connect_from_port_20=YES) and fails while another process holds port 20 "+
			"(ss -ltnp 'sport = :20' shows it): stop that process, or set connect_from_port_20=NO so vsftpd connects from an ephemeral port.",
			"Other servers: look in the server's log for why it could not connect out; passive mode does not need it."),
		Client: say("Use passive mode (the default in most clients); active mode fails on the server's side.")}

	transferTruncated = Entry{Code: CodeTransferTruncated, Severity: result.Info,
		Title:  "The probe cut a transfer at its own limit",
		Admin:  say("Nothing to fix on the server for this."),
		Client: say("To see the transfer to its end, raise the limit (ftpdiag probe --max-bytes), or point the probe at a smaller directory or file (--file).")}
)
