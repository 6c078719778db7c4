// Package probe runs ftpdiag's checks against an FTP server: a plan of steps
// (data), run with deadlines over transcript-recording connections. It never
// prints; it returns a result that the report package diagnoses and renders.
package probe

import (
	"errors"
	"fmt"
	"ftpdiag/ftp"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Anonymous login, as RFC 1635 describes it: the user "anonymous" and an
// e-mail-like password.
const (
	AnonymousUser     = "anonymous"
	AnonymousPassword = "ftpdiag@example.com"
)

// Target is a parsed ftp:// URL.
type Target struct {
	Host     string // without brackets for IPv6
	Port     int
	User     string
	Password string // never printed; see Redacted
	Path     string
	HasPass  bool // the URL itself carried a password
	Implicit bool // ftps://: implicit TLS, from the first byte
}

// ImplicitPort is the port of implicit FTPS (ftps://) unless the URL says.
const ImplicitPort = 990

// ErrBadURL is wrapped by every ParseTarget error.
var ErrBadURL = errors.New("bad URL")

// ErrControlChar is wrapped (beside ErrBadURL) by the errors of ParseTarget
// and Validate for a target holding a control character, and by the probe's
// refusal to send such a command: CR or LF would end the command early and
// start another (issue 30). It is ftp.ErrControlChar, so either matches.
var ErrControlChar = ftp.ErrControlChar

// ParseTarget reads ftp://[user[:password]@]host[:port][/path], or ftps://
// for implicit TLS (port 990 unless given). A bare
// [user@]host or host:port is accepted as if ftp:// stood before it; a URL
// whose host is missing or misplaced is refused (target_check.go), and no
// error quotes the URL, whose password it may hold.
func ParseTarget(raw string) (Target, error) {
	if raw == "" {
		return Target{}, fmt.Errorf("%w: empty", ErrBadURL)
	}
	if !strings.Contains(raw, "://") {
		if err := checkBare(raw); err != nil {
			return Target{}, err
		}
		raw = "ftp://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, parseError(raw, err)
	}
	if u.Scheme != "ftp" && u.Scheme != "ftps" {
		return Target{}, fmt.Errorf("%w: scheme %q is neither ftp nor ftps (ftp://host[:port] for FTP and explicit TLS, ftps://host for implicit TLS on port 990)", ErrBadURL, u.Scheme)
	}
	t := Target{Host: u.Hostname(), Port: 21, Path: u.Path, Implicit: u.Scheme == "ftps"}
	if t.Implicit {
		t.Port = ImplicitPort
	}
	if err := checkHostPlace(u); err != nil {
		return Target{}, err
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("%w: port %q is not a number from 1 to 65535", ErrBadURL, p)
		}
		t.Port = n
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, t.HasPass = u.User.Password()
	}
	if t.User == "" {
		t.User = AnonymousUser
		if !t.HasPass {
			t.Password = AnonymousPassword
		}
	}
	if err := t.Validate(); err != nil {
		return Target{}, err
	}
	return t, nil
}

// Validate refuses a target that could not be sent as FTP commands: a
// control character in its host, user, password or path. ParseTarget calls
// it; a caller that sets a part itself (a password from a file, standard
// input or FTPDIAG_PASSWORD) calls it again. Its error wraps ErrBadURL and
// ErrControlChar, names the part and the character, and quotes nothing.
func (t Target) Validate() error {
	for _, part := range []struct{ name, value string }{
		{"host", t.Host}, {"user", t.User}, {"password", t.Password}, {"path", t.Path},
	} {
		if err := ftp.CheckText(part.value); err != nil {
			return fmt.Errorf("%w: the %s holds a %w: FTP would read it as the end of a command and the start of another", ErrBadURL, part.name, err)
		}
	}
	return nil
}

// CheckFile refuses a file name to download (Options.File, --file) that
// holds a control character, as Validate does a target's parts.
func CheckFile(name string) error {
	if err := ftp.CheckText(name); err != nil {
		return fmt.Errorf("the file name holds a %w: FTP would read it as the end of a command and the start of another", err)
	}
	return nil
}

// Addr is host:port for dialling.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// Anonymous tells whether the login is anonymous.
func (t Target) Anonymous() bool {
	return strings.EqualFold(t.User, AnonymousUser) || strings.EqualFold(t.User, "ftp")
}

// URL is the target as a URL without its password.
func (t Target) URL() string {
	path, user := t.Path, t.User
	if path == "" {
		path = "/"
	}
	if t.Anonymous() {
		user = ""
	}
	if t.Implicit {
		return ftp.URL("ftps", user, t.Host, t.Port, path)
	}
	return ftp.URL("ftp", user, t.Host, t.Port, path)
}

// Redact removes a password from a raw URL string.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// redactErr keeps url.Error from echoing the URL, password included.
func redactErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
