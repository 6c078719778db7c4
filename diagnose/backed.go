package diagnose

import (
	"errors"
	"fmt"

	"ftpdiag/result"
)

// ErrUnbacked is wrapped by Backed for each claim of a result that its
// transcript does not show.
var ErrUnbacked = errors.New("not backed by the transcript")

// Backed checks a result against its own transcript, as the contract's
// "Evidence" section asks: every finding cites lines that exist, none of
// them a note, and at least one of the kind its code is about (a reply for
// a refusal, a connection event for a timeout); an ok verdict has the login
// and the completed transfer it claims. Tests hold every result they make
// to it (the corpus of real logs, the lab's side-by-side table).
func Backed(res *result.Result) error {
	var errs []error
	for _, f := range res.Findings {
		if e, ok := Lookup(f.Code); ok && e.Local {
			continue // the self-test's findings are about the machine, not a transcript
		}
		if err := citesKind(f, res.Transcript); err != nil {
			errs = append(errs, err)
		}
	}
	if ok, says := Evidence(res.Transcript, "the transcript"); res.Verdict == result.VerdictOK && !ok {
		errs = append(errs, fmt.Errorf("verdict ok %w: %s", ErrUnbacked, says))
	}
	return errors.Join(errs...)
}

func citesKind(f result.Finding, es []result.Entry) error {
	if len(f.Lines) == 0 {
		return fmt.Errorf("%s cites no line: %w", f.Code, ErrUnbacked)
	}
	want := lineKind(f.Code)
	found := false
	for _, l := range f.Lines {
		if l < 0 || l >= len(es) {
			return fmt.Errorf("%s cites line %d of %d: %w", f.Code, l, len(es), ErrUnbacked)
		}
		if es[l].Kind == result.Note {
			return fmt.Errorf("%s cites line %d, a note: %w", f.Code, l, ErrUnbacked)
		}
		found = found || want(es[l])
	}
	if !found {
		return fmt.Errorf("%s cites lines %v, none of the kind it is about: %w", f.Code, f.Lines, ErrUnbacked)
	}
	return nil
}

// lineKind says which entries can show a code: the connection event whose
// outcome it names, or the reply whose code it reads.
func lineKind(code string) func(result.Entry) bool {
	reply := func(e result.Entry) bool { return e.Kind == result.Reply }
	op := func(ops ...result.Op) func(result.Entry) bool {
		return func(e result.Entry) bool {
			for _, o := range ops {
				if e.Event != nil && e.Event.Op == o {
					return true
				}
			}
			return false
		}
	}
	either := func(a, b func(result.Entry) bool) func(result.Entry) bool {
		return func(e result.Entry) bool { return a(e) || b(e) }
	}
	switch code {
	case CodeDNSFailed:
		return op(result.OpResolve)
	case CodeControlRefused, CodeControlTimeout, CodeControlUnreachable:
		return op(result.OpConnect)
	case CodeControlNoGreeting:
		return op(result.OpClose)
	case CodeControlNotFTP, CodeControlClosed:
		return either(reply, op(result.OpClose))
	case CodePassiveTimeout, CodePassiveRefused, CodePassivePartial:
		return op(result.OpDataConnect)
	case CodePasvPrivate:
		return either(reply, op(result.OpDataConnect))
	case CodeDataRejected:
		return either(reply, op(result.OpDataConnect, result.OpDataAccept))
	case CodeNoCallback:
		// A 425 or 421 to PORT, the listener's timeout, or the session
		// that closed waiting for the answer to PORT (callback.go).
		return either(reply, op(result.OpDataAccept, result.OpClose))
	case CodeClientNAT:
		// SITE WHOAMI's answer, or the connect event with the client's
		// own private address (callback.go).
		return either(reply, op(result.OpConnect))
	case CodeTransferStalled:
		// The probe sees the stall on the data connection; a client's log
		// shows the client giving up on the control connection after 150.
		return op(result.OpDataClose, result.OpClose)
	case CodeSizeMismatch, CodeTransferTruncated:
		return op(result.OpDataClose)
	case CodeLoginRejected, CodeLoginLockedOut, CodeLoginTLSRequired, CodeControlBusy, CodeControlGreetingError, CodeSweepRefused, CodePasvUnsupported, CodePasvBadReply,
		CodePasvForeign, CodeEPSVUnsupported, CodePortRefused, CodeActiveServerFailed,
		CodeALGRewrite, CodeTLSUnsupported, CodeTLSSessionReuse, CodeTransferDenied, CodeReplySlow:
		return reply
	}
	// FTPS and later codes: a reply or an event, never a note.
	return func(e result.Entry) bool { return e.Kind == result.Reply || e.Kind == result.Event }
}
