package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadUser: a user is not written NAME:PASSWORD. The message never
// repeats the input, which may be a password.
var ErrBadUser = errors.New("a user must be given as NAME:PASSWORD")

// ParseUser reads "NAME:PASSWORD" (the password may itself hold colons).
func ParseUser(s string) (name, password string, err error) {
	name, password, ok := strings.Cut(s, ":")
	if !ok || name == "" || password == "" || strings.ContainsAny(name, " \t") {
		return "", "", ErrBadUser
	}
	return name, password, nil
}

// ParseUsers reads a users file: one NAME:PASSWORD a line; blank lines and
// lines starting with # are skipped.
func ParseUsers(r io.Reader) (map[string]string, error) {
	users := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, pass, err := ParseUser(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		users[name] = pass
	}
	return users, sc.Err()
}
