package ftp

import (
	"net"
	"net/url"
	"strconv"
)

// URL writes an FTP URL (RFC 1738) without a password: the user only when
// one is given, the port only when it is not 0, and an IPv6 address in
// brackets. Which user and port to show is the caller's choice: a probe
// command leaves out anonymous and port 21, a target keeps what it was given.
func URL(scheme, user, host string, port int, path string) string {
	if port != 0 {
		host = net.JoinHostPort(host, strconv.Itoa(port))
	} else if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		host = "[" + host + "]"
	}
	u := url.URL{Scheme: scheme, Host: host, Path: path}
	if user != "" {
		u.User = url.User(user)
	}
	return u.String()
}
