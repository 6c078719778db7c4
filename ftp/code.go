// Package ftp is FTP's wire grammar, written once: named reply codes and
// what they mean, the reply rule and its one reader, the PASV/EPSV/PORT/EPRT
// arguments (parse and format), the classes of the addresses they name, and
// the verbs that need a data connection.
//
// It is a leaf: it imports only the standard library, so the server, the
// probe, the transcript readers and the diagnosis can all share it without
// sharing anything else, and cannot disagree about what a 227 reply says.
//
// # Replies
//
// Every reader of replies in the project (the probe on a live connection,
// the transcript recorder, the client-log, server-log and capture readers)
// follows one rule, ReplyParser's, so a stream reads the same wherever it
// is read; ftp/replytest holds the table of streams every reader is tested
// against. RFC 959 section 4.2 is the base; where it is silent or servers
// stray, this is what counts, and why:
//
//   - Lines. LF ends a line and one CR right before it is dropped, so
//     "\r\n" and a bare "\n" both end one. A CR anywhere else is text (it
//     ends no line, so "220 a\rb" is one line): RFC 959 ends lines with
//     CRLF only, and a client that split on CR would read replies that were
//     never sent. A last line without its line end, where the peer closed
//     after it, counts as a line.
//   - A reply line starts with a code: three digits, the first 1 to 6, then
//     a space, a hyphen or the end of the line.
//   - The first digit: 1 to 5 are RFC 959's classes. 6 is RFC 2228's
//     protected replies (631 to 633, a reply encrypted or signed and
//     base64-encoded), which a session under an RFC 2228 mechanism carries
//     as replies; they obey the multi-line rule and every class predicate
//     is false for them. 0, 7, 8 and 9 are no class any RFC defines, and a
//     client cannot act on them (Python's ftplib calls them a protocol
//     error): such a line is no reply. In a log they are mostly byte counts
//     and years ("900 bytes sent").
//   - A bare code ("226") is a whole reply with no text: servers send it,
//     and the client has all it needs, the code. Python's ftplib reads it
//     so; net/textproto refused it as a "short response", which made the
//     probe fail on a reply every other reader took.
//   - "211-" opens a multi-line reply, which ends at the first line with
//     the same code then a space or nothing ("211 End", or a bare "211", as
//     ftplib ends it too; net/textproto read on past it). Every
//     other line inside it is text, whatever it starts with: lines that
//     start with another code ("230 x" inside a 220- reply), with digits
//     ("123 bytes"), or repeat the code with a hyphen ("227-listen socket
//     created" then "227 (0,0,0,0,135,179)" is one 227 reply of two lines).
//     A last line with another code does not end the reply: RFC 959 says
//     so, and ending there would put every later reply out of step with its
//     command.
//   - A reply cut by the end of the stream: readers that record (the
//     recorder, the log readers) keep what came as the reply, with its
//     code; a live reader (ReplyReader) returns the part with io.EOF, as
//     the connection closed inside it.
//   - A line outside any reply that starts none is no reply: the recorder
//     keeps it as a reply with code 0 (the diagnosis names what the port
//     speaks), a log reader takes it as something else, and ReplyReader
//     returns ErrNotReply.
//   - Long lines: the rule reads a line by its first four bytes, whatever
//     its length. Each reader caps what it keeps: ReplyReader refuses a
//     line or a whole reply over its limits (ErrReplyTooLong; the probe's
//     are 8 KiB and 64 KiB), the recorder keeps 4096 bytes of a line and
//     200 lines of a reply and says where it cut.
//
// The load generators under bench/ speak FTP through net/textproto on
// purpose: they measure servers, and read no reply into a transcript or a
// diagnosis.
package ftp

// Code is a reply code (RFC 959 section 4.2): a handler says
// ftp.ClosingData rather than 226, so a reader need not know the table. It
// is an int, as transcript entries and every reply reader hold codes, so a
// named code compares with them without conversions.
type Code = int

// The codes the project sends or compares. RFC 959 unless marked; the
// comment is the RFC's own wording, shortened, because that is what a
// reader of a transcript will look up.
const (
	RestartMarker        Code = 110 // restart marker reply (REST with MODE B)
	ServiceReadySoon     Code = 120 // service ready in nnn minutes
	DataAlreadyOpen      Code = 125 // data connection already open; transfer starting
	FileStatusOK         Code = 150 // file status okay; about to open data connection
	CommandOK            Code = 200 // command okay
	Superfluous          Code = 202 // command not implemented, superfluous at this site
	SystemStatus         Code = 211 // system status, or system help reply (also FEAT, RFC 2389)
	DirectoryStatus      Code = 212 // directory status
	FileStatus           Code = 213 // file status (also SIZE and MDTM, RFC 3659)
	HelpMessage          Code = 214 // help message
	SystemType           Code = 215 // NAME system type
	ServiceReady         Code = 220 // service ready for new user
	ServiceClosing       Code = 221 // service closing control connection
	DataOpenNoTransfer   Code = 225 // data connection open; no transfer in progress
	ClosingData          Code = 226 // closing data connection; requested file action successful
	EnteringPassive      Code = 227 // entering passive mode (h1,h2,h3,h4,p1,p2)
	EnteringLongPassive  Code = 228 // entering long passive mode (LPSV, RFC 1639)
	EnteringExtPassive   Code = 229 // entering extended passive mode (|||port|) (RFC 2428)
	LoggedIn             Code = 230 // user logged in, proceed
	LoggedOut            Code = 231 // user logged out; service terminated (pre-959 lists; some servers answer REIN so)
	LoggedInBySecurity   Code = 232 // user logged in, authorized by security data exchange (RFC 2228)
	AuthOK               Code = 234 // security data exchange complete (RFC 2228): the answer to AUTH TLS (RFC 4217)
	SecurityDataOK       Code = 235 // ADAT accepted, exchange complete (RFC 2228)
	FileActionOK         Code = 250 // requested file action okay, completed
	PathCreated          Code = 257 // "PATHNAME" created (also PWD's answer)
	NeedPassword         Code = 331 // user name okay, need password
	NeedAccount          Code = 332 // need account for login
	NeedSecurityData     Code = 334 // AUTH mechanism accepted, ADAT required (RFC 2228)
	MoreSecurityData     Code = 335 // ADAT accepted, more security data needed (RFC 2228)
	PendingFurtherInfo   Code = 350 // requested file action pending further information (REST, RNFR)
	ServiceNotAvailable  Code = 421 // service not available, closing control connection
	CantOpenData         Code = 425 // can't open data connection
	TransferAborted      Code = 426 // connection closed; transfer aborted
	BadLogin             Code = 430 // invalid user name or password (common, not in an RFC)
	NeedSecurityResource Code = 431 // need some unavailable resource to process security (RFC 2228)
	FileBusy             Code = 450 // requested file action not taken: file unavailable (busy)
	LocalError           Code = 451 // requested action aborted: local error in processing
	InsufficientStorage  Code = 452 // requested action not taken: insufficient storage space
	SyntaxError          Code = 500 // syntax error, command unrecognized
	ArgSyntax            Code = 501 // syntax error in parameters or arguments
	NotImplemented       Code = 502 // command not implemented
	BadSequence          Code = 503 // bad sequence of commands
	ParamNotImplemented  Code = 504 // command not implemented for that parameter
	DataProtRefused      Code = 521 // data connection cannot be opened with this PROT setting (RFC 4217)
	BadNetProtocol       Code = 522 // network protocol not supported (RFC 2428); vsftpd also: TLS session reuse required
	NotLoggedIn          Code = 530 // not logged in
	NeedAccountForStore  Code = 532 // need account for storing files
	IntegrityRefused     Code = 533 // command protection level denied for policy reasons (RFC 2228)
	PolicyDenied         Code = 534 // request denied for policy reasons (RFC 2228; often: TLS required)
	BadSecurityCheck     Code = 535 // failed security check (RFC 2228)
	ProtLevelUnsupported Code = 536 // requested PROT level not supported by mechanism (RFC 2228)
	CommandProtRefused   Code = 537 // command protection level not supported by security mechanism (RFC 2228)
	FileUnavailable      Code = 550 // requested action not taken: file unavailable (not found, no access)
	PageTypeUnknown      Code = 551 // requested action aborted: page type unknown
	StorageExceeded      Code = 552 // requested file action aborted: exceeded storage allocation
	BadFileName          Code = 553 // requested action not taken: file name not allowed
	BadRestart           Code = 554 // requested action not taken: invalid REST parameter (RFC 3659)
)

// Class is the code's first digit, which is all a client needs to decide
// what to do next (RFC 959 4.2.1): 1 preliminary, 2 completion,
// 3 intermediate, 4 transient failure, 5 permanent failure. A code outside
// 100..599 gives a number outside 1..5, for which every predicate is false.
func Class(c Code) int { return c / 100 }

// Preliminary: 1yz, the command was accepted and another reply follows
// (150 before a transfer), so a client must keep reading.
func Preliminary(c Code) bool { return Class(c) == 1 }

// Completion: 2yz, the command succeeded.
func Completion(c Code) bool { return Class(c) == 2 }

// Intermediate: 3yz, the command was accepted but needs another (PASS after
// 331, RNTO after 350).
func Intermediate(c Code) bool { return Class(c) == 3 }

// Positive: 1yz to 3yz, the three classes RFC 959 calls positive: nothing
// went wrong so far.
func Positive(c Code) bool { return Class(c) >= 1 && Class(c) <= 3 }

// TransientNegative: 4yz, the same command may work later (a busy file, a
// data connection that could not be opened).
func TransientNegative(c Code) bool { return Class(c) == 4 }

// PermanentNegative: 5yz, repeating the command unchanged will fail again.
func PermanentNegative(c Code) bool { return Class(c) == 5 }

// Negative: 4yz or 5yz, the command failed.
func Negative(c Code) bool { return TransientNegative(c) || PermanentNegative(c) }

// meanings explains the codes whose text alone does not tell a reader what
// went wrong or who should act. Codes whose text says it all (200, 226,
// 230 ...) are left out on purpose. The texts are printed under transcript
// lines and in golden files: change them only together with the goldens.
var meanings = map[Code]string{
	ServiceNotAvailable: "421: the server refuses or ends the session (too many users, shutting down, idle too long)",
	CantOpenData:        "425: the server could not open or use the data connection",
	TransferAborted:     "426: the data connection was opened, then closed or aborted before the transfer ended",
	FileBusy:            "450: the file is busy or unavailable for now; trying again later may work",
	LocalError:          "451: the server hit a local error while acting on the command",
	SyntaxError:         "500: the server does not know this command, or will not accept its argument",
	ArgSyntax:           "501: the server does not accept the command's argument",
	NotImplemented:      "502: the server knows this command but does not implement it",
	BadSequence:         "503: commands in the wrong order (for example PASS without USER)",
	ParamNotImplemented: "504: the server does not support this command with this argument",
	BadNetProtocol:      "522: the server does not support this network protocol in EPRT/EPSV, or demands TLS session reuse",
	NotLoggedIn:         "530: not logged in: the user name or password is refused, or login needs TLS first",
	NeedAccountForStore: "532: the server wants an account (ACCT) for this",
	PolicyDenied:        "534: the server refuses this for security policy (often: it requires TLS)",
	FileUnavailable:     "550: the file or directory does not exist, or this user may not access it",
	StorageExceeded:     "552: the user's storage quota is used up",
	BadFileName:         "553: the file name is not allowed",
}

// Meaning explains c to a reader of a transcript, or returns "" for a code
// whose own text is clear enough.
func Meaning(c Code) string { return meanings[c] }

// ParseCodeLine reads one line of a reply (without its CRLF) by RFC 959's
// multi-line rule: "227 text" is a final line (sep ' '), "150-text" opens or
// continues a multi-line reply (sep '-'), and a bare "226" is final too.
// ok is false for a line that does not start with a code from 100 to 699
// followed by ' ', '-' or the end: inside a multi-line reply such a line is
// text, outside one it is no FTP reply at all (see the package
// documentation). ReplyParser applies the multi-line rule.
func ParseCodeLine(line string) (code Code, sep byte, text string, ok bool) {
	if len(line) < 3 || line[0] < '1' || line[0] > '6' || !isDigit(line[1]) || !isDigit(line[2]) {
		return 0, 0, "", false
	}
	code = Code(int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0'))
	switch {
	case len(line) == 3:
		return code, ' ', "", true
	case line[3] == ' ' || line[3] == '-':
		return code, line[3], line[4:], true
	}
	return 0, 0, "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
