package foreign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// readJSON reads a result document, or a bare array of transcript entries.
func readJSON(data []byte) (*Log, error) {
	data = bytes.TrimSpace(data)
	l := &Log{}
	if len(data) > 0 && data[0] == '[' {
		if err := json.Unmarshal(data, &l.Entries); err != nil {
			return nil, fmt.Errorf("%w: not a transcript: %v", ErrUnknown, err)
		}
		l.Entries = result.KnownKinds(l.Entries)
		l.Target = targetOf(l.Entries)
		l.Secrets = secretsOf(l.Entries)
		return l, nil
	}
	// A result document has one decoder, result.Decode, shared with
	// 'ftpdiag report'.
	r, err := result.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: not an ftpdiag result: %v", ErrUnknown, err)
	}
	if r.Transcript == nil {
		return nil, fmt.Errorf("%w: JSON without a transcript (schema %q)", ErrUnknown, r.Schema)
	}
	l.Entries, l.Started = r.Transcript, r.Started
	l.Secrets = append(secretsOf(l.Entries), transcript.URLPasswords(r.Target.URL)...)
	l.Target = Target{Host: r.Target.Host, Port: r.Target.Port, User: r.Target.User}
	if l.Target.Host == "" {
		l.Target = targetOf(l.Entries)
	}
	return l, nil
}

// targetOf finds the first control connection of a bare transcript.
func targetOf(entries []result.Entry) Target {
	for _, e := range entries {
		if e.Event == nil || e.Event.Op != result.OpConnect {
			continue
		}
		host, port, err := net.SplitHostPort(e.Event.Addr)
		if err != nil {
			continue
		}
		n, _ := strconv.Atoi(port)
		return Target{Host: host, Port: n}
	}
	return Target{}
}

// secretsOf finds passwords a hand-edited transcript holds in clear, as the
// line readers do: after PASS, and in URLs.
func secretsOf(entries []result.Entry) []string {
	b := newBuilder()
	for _, e := range entries {
		b.scanSecrets(e.Text)
		if e.Event != nil {
			b.scanSecrets(e.Event.Err) // masked with RedactURLs before anything renders it
		}
		if verb, arg, ok := strings.Cut(e.Text, " "); ok && e.Kind == result.Command && strings.EqualFold(verb, "PASS") {
			b.secret(arg)
		}
	}
	return b.secrets
}
