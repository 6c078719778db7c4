package ftp

import "strings"

// Anonymous tells whether a USER name asks for an anonymous login (RFC
// 1635: "anonymous", and "ftp" which most servers take as the same); its
// password is by convention an e-mail address, no secret.
func Anonymous(user string) bool {
	return strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")
}
