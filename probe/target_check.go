package probe

import (
	"fmt"
	"net/url"
	"strings"

	"ftpdiag/ftp"
)

// Checks that turn away a URL whose host is missing or misplaced before
// anything is looked up, and whose errors never quote what may be the
// password (issue 16: "ftp:///u:PW@host/" printed PW, and "ftp:/u:PW@host/"
// was read as the host "ftp" and looked up).

// checkBare accepts what may stand without "ftp://": [user@]host,
// host:port, [v6addr] or [v6addr]:port, optionally followed by /path. A
// colon followed by anything but a port (ftp:host, ftp:/host) is a scheme
// without its "//", not a host.
func checkBare(raw string) error {
	authority, _, _ := strings.Cut(raw, "/")
	at := strings.LastIndexByte(authority, '@')
	if at >= 0 && strings.Contains(authority[:at], ":") {
		// user:password@ without ftp:// before it, or ftp:u:pw@host
		return fmt.Errorf("%w: a password in the URL needs ftp:// before it: ftp://user:password@host/", ErrBadURL)
	}
	hostport := authority[at+1:]
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return fmt.Errorf("%w: an IPv6 address opened with [ is not closed with ]", ErrBadURL)
		}
		hostport = "h" + hostport[end+1:] // what follows the address
	}
	host, port, hasPort := strings.Cut(hostport, ":")
	switch {
	case host == "":
		return fmt.Errorf("%w: no host (the URL looks like ftp://[user@]host[:port]/)", ErrBadURL)
	case hasPort && (port == "" || strings.Trim(port, "0123456789") != ""):
		return fmt.Errorf("%w: %q is not followed by //: the URL looks like ftp://[user@]host[:port]/", ErrBadURL, host+":")
	}
	return nil
}

// checkHostPlace turns away a parsed URL whose host is not where a URL
// keeps it. An "@" after the host means user:password@ stood in the path
// (ftp:///u:PW@host/) or the password holds a "/" that splits it; a path
// that starts with "//" is a host after one slash too many.
func checkHostPlace(u *url.URL) error {
	switch {
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: no host: it goes right after ftp:// (ftp://[user@]host[:port]/)", ErrBadURL)
	case strings.Contains(u.Path, "@") || strings.Contains(u.RawQuery, "@") || strings.Contains(u.Fragment, "@"):
		return fmt.Errorf("%w: an @ after the host: user:password@ goes right after ftp://, and a / or @ in the password is written %%2F or %%40", ErrBadURL)
	case strings.HasPrefix(u.Path, "//"):
		return fmt.Errorf("%w: the path starts with //: the host goes right after ftp://, once", ErrBadURL)
	}
	return nil
}

// parseError says why url.Parse refused raw without quoting raw: its
// messages quote pieces of it (an "invalid port" is often a password's
// tail when the password holds a "/").
func parseError(raw string, err error) error {
	dec, derr := url.PathUnescape(raw)
	if derr != nil {
		dec = raw
	}
	if cerr := ftp.CheckText(dec); cerr != nil {
		// url.Parse refuses a control character in the host, escaped
		// or not, and one unescaped anywhere, in words of its own.
		return fmt.Errorf("%w: the URL holds a %w: FTP would read it as the end of a command and the start of another", ErrBadURL, cerr)
	}
	if strings.Contains(raw, "@") {
		return fmt.Errorf("%w: not a URL that can be read (a / or @ in the password is written %%2F or %%40)", ErrBadURL)
	}
	return fmt.Errorf("%w: %s", ErrBadURL, redactErr(err))
}
