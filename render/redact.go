package render

import (
	"reflect"
	"strings"

	"ftpdiag/ftp"

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
	out := redactWalk(*res, transcript.NewRedactor(secrets...))
	for i, e := range out.Transcript {
		if e.Kind == result.Command {
			out.Transcript[i].Text = transcript.RedactCommand(e.Text)
		}
	}
	// The contract's lists are arrays, never null, so that a script's
	// `.transcript | length` works on any result.
	out.Transcript = nonNil(out.Transcript)
	out.Findings = nonNil(out.Findings)
	out.Checks = nonNil(out.Checks)
	for i := range out.Findings {
		out.Findings[i].Hints = nonNil(out.Findings[i].Hints)
	}
	return &out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// harvestSecrets collects passwords that a result holds in clear: the
// argument of PASS and ACCT commands, and the password of any URL in any
// of its strings.
func harvestSecrets(res *result.Result) []string {
	var found []string
	walkStrings(reflect.ValueOf(res), func(s string) { found = append(found, transcript.URLPasswords(s)...) })
	found = append(found, echoedSecrets(res)...)
	for _, e := range res.Transcript {
		if e.Kind != result.Command {
			continue
		}
		verb, arg, ok := strings.Cut(strings.TrimSpace(e.Text), " ")
		if ok && (strings.EqualFold(verb, "PASS") || strings.EqualFold(verb, "ACCT")) && arg != transcript.Mask {
			found = append(found, arg)
		}
	}
	return found
}

// maxEchoes bounds the masked replies echoedSecrets aligns, so that a
// transcript of many cannot make it quadratic; a login fails a few times.
const maxEchoes = 64

// echoedSecrets recovers passwords from a result saved by an ftpdiag that
// masked a server's echo of the password in the transcript but not in the
// check that quoted it (issue 16): "530 user u pass xxxxxxxx rejected" in
// the transcript, "login refused: user u pass S3cr3tPW rejected" in the
// checks. The words around the mask locate the password in the detail.
func echoedSecrets(res *result.Result) []string {
	var masked []string
	for _, e := range res.Transcript {
		if e.Kind != result.Reply || !strings.Contains(e.Text, transcript.Mask) {
			continue
		}
		for _, line := range strings.Split(e.Text, "\n") {
			if strings.Contains(line, transcript.Mask) && len(masked) < maxEchoes {
				_, _, text, ok := ftp.ParseCodeLine(line)
				if !ok {
					text = line
				}
				masked = append(masked, text)
			}
		}
	}
	var found []string
	for _, c := range res.Checks {
		for _, m := range masked {
			if s, ok := alignMask(m, c.Detail); ok {
				found = append(found, s)
			}
		}
	}
	return found
}

// alignMask finds what detail holds where masked holds Mask, given at least
// minContext bytes of the same text before it.
func alignMask(masked, detail string) (string, bool) {
	const minContext = 4
	before, after, _ := strings.Cut(masked, transcript.Mask)
	i := strings.Index(detail, before)
	if len(before) < minContext || i < 0 {
		return "", false
	}
	rest := detail[i+len(before):]
	cand, _, _ := strings.Cut(rest, " ")
	if after != "" {
		j := strings.Index(rest, after)
		if j <= 0 {
			return "", false
		}
		cand = rest[:j]
	}
	if cand == "" || cand == transcript.Mask || strings.ContainsAny(cand, " \t\n") {
		return "", false
	}
	return cand, true
}
