package render

import (
	"strings"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// Redacted returns a copy of res in which no password survives. Results the
// probe makes are redacted already; this is for results read from a file a
// person may have edited, and a second line of defence in every renderer.
// Passwords are learnt from the result itself (a PASS line or a URL that
// carries one in clear) and masked wherever else they occur, as in an error
// message; extra names further secrets the caller knows.
func Redacted(res *result.Result, extra ...string) *result.Result {
	if res == nil {
		return nil
	}
	secrets := append(harvestSecrets(res), extra...)
	red := transcript.NewRedactor(secrets...)
	out := *res
	out.Target.URL = red.Redact(res.Target.URL)
	out.Findings = redactFindings(res.Findings, red)
	out.Checks = make([]result.Check, len(res.Checks))
	for i, c := range res.Checks {
		c.Detail = red.Redact(c.Detail)
		out.Checks[i] = c
	}
	if res.Network != nil {
		n := *res.Network
		n.Modes = append([]string(nil), n.Modes...)
		out.Network = &n
	}
	out.Transcript = transcript.FromEntries(res.Transcript, transcript.WithSecrets(secrets...)).Entries()
	if out.Transcript == nil {
		// The contract's lists are arrays, never null, so that a script's
		// `.transcript | length` works on any result.
		out.Transcript = []transcript.Entry{}
	}
	return &out
}

func redactFindings(fs []result.Finding, red *transcript.Redactor) []result.Finding {
	out := make([]result.Finding, len(fs))
	for i, f := range fs {
		f.Title = red.Redact(f.Title)
		f.Detail = red.Redact(f.Detail)
		f.Hints = redactAll(f.Hints, red)
		if f.Hints == nil {
			f.Hints = []string{}
		}
		f.ClientHints = redactAll(f.ClientHints, red)
		f.Ports = append([]int(nil), f.Ports...)
		f.Lines = append([]int(nil), f.Lines...)
		out[i] = f
	}
	return out
}

func redactAll(ss []string, red *transcript.Redactor) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = red.Redact(s)
	}
	return out
}

// harvestSecrets collects passwords that a result holds in clear: the
// argument of PASS and ACCT commands, and the password of any URL.
func harvestSecrets(res *result.Result) []string {
	var found []string
	addURLs := func(s string) { found = append(found, transcript.URLPasswords(s)...) }
	addURLs(res.Target.URL)
	for _, e := range res.Transcript {
		addURLs(e.Text)
		if e.Event != nil {
			addURLs(e.Event.Err)
		}
		if e.Kind != transcript.Command {
			continue
		}
		verb, arg, ok := strings.Cut(strings.TrimSpace(e.Text), " ")
		if ok && (strings.EqualFold(verb, "PASS") || strings.EqualFold(verb, "ACCT")) && arg != transcript.Mask {
			found = append(found, arg)
		}
	}
	for _, f := range res.Findings {
		addURLs(f.Detail)
	}
	return found
}
