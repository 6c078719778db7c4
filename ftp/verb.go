package ftp

import "strings"

// The verbs that move data over a data connection, and so need PASV, EPSV,
// PORT or EPRT before them: a session that logs in but cannot run these is
// the case ftpdiag exists for. One list, so the diagnosis, the annotations,
// the foreign-log reader and the lab agree on what a transfer is.
var (
	// listingVerbs send a directory listing: LIST (RFC 959, human-readable),
	// NLST (RFC 959, names only) and MLSD (RFC 3659, machine-readable).
	listingVerbs = []string{"LIST", "NLST", "MLSD"}
	// downloadVerbs send a file to the client: RETR (RFC 959).
	downloadVerbs = []string{"RETR"}
	// uploadVerbs send a file to the server: STOR (replace), STOU (store
	// under a unique name the server picks) and APPE (append), all RFC 959.
	uploadVerbs = []string{"STOR", "STOU", "APPE"}
)

// IsTransfer tells whether verb needs a data connection. verb may also be a
// whole command line ("RETR file"): only its first word counts, so a caller
// holding the line cannot get a silent false. Case does not matter, as
// RFC 959 says of commands.
func IsTransfer(verb string) bool {
	return IsListing(verb) || IsDownload(verb) || IsUpload(verb)
}

// IsListing tells whether verb (or a command line) asks for a directory
// listing over the data connection: LIST, NLST, MLSD.
func IsListing(verb string) bool { return oneOf(verb, listingVerbs) }

// IsDownload tells whether verb (or a command line) is RETR.
func IsDownload(verb string) bool { return oneOf(verb, downloadVerbs) }

// IsUpload tells whether verb (or a command line) stores a file: STOR,
// STOU, APPE.
func IsUpload(verb string) bool { return oneOf(verb, uploadVerbs) }

func oneOf(line string, verbs []string) bool {
	v, _ := Verb(line)
	for _, w := range verbs {
		if v == w {
			return true
		}
	}
	return false
}

// Verb splits a command line as a client sent it into its upper-cased verb
// and its argument: "retr a b.txt" gives "RETR", "a b.txt". The argument
// keeps its inner and trailing spaces (a file name may have them); only the
// line's CRLF and the spaces before the verb go. "SITE WHOAMI" gives verb
// SITE and argument WHOAMI: SITE's subcommands are its argument on the wire.
// Unlike the server's command reader it takes any bytes as a verb, since
// it reads transcripts, which may hold anything a client sent.
func Verb(line string) (verb, arg string) {
	line = strings.TrimLeft(strings.TrimRight(line, "\r\n"), " ")
	verb, arg, _ = strings.Cut(line, " ")
	return strings.ToUpper(verb), arg
}

// FirstLine is the first line of a reply's text, without a trailing CR:
// the line that carries the code, and all a one-line summary should quote
// of a multi-line reply.
func FirstLine(text string) string {
	l, _, _ := strings.Cut(text, "\n")
	return strings.TrimRight(l, "\r")
}
