package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"ftpdiag/result"
)

// Address families: a transcript whose sessions reached the server over
// both IPv6 and IPv4 (the probe of a name with both) is two servers'. Each
// session's family is its connect event's address; a finding seen in one
// family only says so (its Family and title), one seen in both is one
// finding. Severity follows the contract: a control connection failing in
// one family while the other connects is a warning where it is refused or
// unreachable (clients fall back at once) and stays critical where it times
// out (FileZilla and lftp never fall back, as measured in the lab); EPSV
// refused over IPv6 is critical (no PASV to fall back to).

// families is what the walk knows per family.
type families struct {
	seen      map[string]map[string]bool // per code: the families it was seen in ("" unknown)
	did       map[string]map[string]bool // per family: what its sessions tried (verbs, "connect", "data-connect")
	connected map[string]bool            // families with a control connection that connected
}

func newFamilies() families {
	return families{seen: map[string]map[string]bool{}, did: map[string]map[string]bool{}, connected: map[string]bool{}}
}

// tried notes that a session of a family tried something.
func (fs families) tried(family, what string) {
	if family == "" {
		return
	}
	if fs.did[family] == nil {
		fs.did[family] = map[string]bool{}
	}
	fs.did[family][what] = true
}

// lineFamily is the family of the session an entry belongs to, "" where
// no connect event has said it.
func (d *diagnosis) lineFamily(lines []int) string {
	if len(lines) == 0 || lines[0] < 0 || lines[0] >= len(d.entries) {
		return ""
	}
	if s, ok := d.sessions[d.entries[lines[0]].Session]; ok {
		return s.family
	}
	return ""
}

// sawIn records the family a fact was seen in.
func (d *diagnosis) sawIn(code string, lines []int) {
	if d.fam.seen[code] == nil {
		d.fam.seen[code] = map[string]bool{}
	}
	d.fam.seen[code][d.lineFamily(lines)] = true
}

// onlyIn is the one family a code was seen in, where the transcript has
// sessions of several; "" otherwise.
func (d *diagnosis) onlyIn(code string) string {
	if len(d.fam.did) < 2 || len(d.fam.seen[code]) != 1 {
		return ""
	}
	for f := range d.fam.seen[code] {
		return f
	}
	return ""
}

// byFamily marks a finding of one family, and sets the severity that
// depends on the family.
func (d *diagnosis) byFamily(f *result.Finding) {
	if d.fam.seen[f.Code][result.FamilyIPv6] && f.Code == CodeEPSVUnsupported {
		f.Severity = result.Critical
	}
	fam := d.onlyIn(f.Code)
	if fam == "" {
		return
	}
	f.Family = fam
	other := otherFamily(fam)
	if controlFailure[f.Code] && d.fam.connected[other] {
		// A refusal is a warning: every common client tries the other
		// family at once. Dropped packets stay critical: FileZilla and lftp
		// keep retrying the same address with their default settings.
		if f.Code != CodeControlTimeout {
			f.Severity = result.Warning
		}
		f.Detail += " " + fallbackNote(f.Code, fam, other)
	}
	if d.triedIn(other, f.Code) {
		f.Title += " (" + familyName(fam) + " only)"
	} else {
		f.Title += " (over " + familyName(fam) + "; not tried over " + familyName(other) + ")"
	}
}

// controlFailure are the codes a client's happy-eyeballs fallback gets
// around: the connection attempt fails, and the client tries the other
// family's address.
var controlFailure = map[string]bool{CodeControlRefused: true, CodeControlTimeout: true, CodeControlUnreachable: true}

// triedIn tells whether the other family's sessions tried what a code is
// about, so that a finding absent there means it works there.
func (d *diagnosis) triedIn(family, code string) bool {
	did := d.fam.did[family]
	var needs []string
	switch {
	case strings.HasPrefix(code, "login."):
		needs = []string{"USER"}
	case strings.HasPrefix(code, "pasv."):
		needs = []string{"PASV"}
	case code == CodePassiveTimeout || code == CodePassiveRefused || code == CodePassivePartial:
		needs = []string{"data-connect"}
	case strings.HasPrefix(code, "epsv."):
		needs = []string{"EPSV"}
	case strings.HasPrefix(code, "active."):
		needs = []string{"PORT", "EPRT"}
	case strings.HasPrefix(code, "tls."):
		needs = []string{"AUTH"}
	case code == CodeDataRejected || strings.HasPrefix(code, "transfer."):
		needs = []string{"LIST", "NLST", "MLSD", "RETR"}
	default:
		needs = []string{"connect"}
	}
	return slices.ContainsFunc(needs, func(n string) bool { return did[n] })
}

func otherFamily(f string) string {
	if f == result.FamilyIPv6 {
		return result.FamilyIPv4
	}
	return result.FamilyIPv6
}

func familyName(f string) string {
	if f == result.FamilyIPv6 {
		return "IPv6"
	}
	return "IPv4"
}

// echoIn tells whether a login finding is an echo of a control failure:
// only where every family the login failed in is one whose control
// connection failed.
func (d *diagnosis) echoIn(control, login string) bool {
	for f := range d.fam.seen[login] {
		if !d.fam.seen[control][f] {
			return false
		}
	}
	return true
}

// fallbackNote says how clients get around a control connection failing in
// one family, as measured in the lab (curl 7.88, FileZilla 3.63, lftp 4.9).
func fallbackNote(code, fam, other string) string {
	f, o := familyName(fam), familyName(other)
	if code == CodeControlTimeout {
		return fmt.Sprintf("%s works: curl falls back to it after its 200 ms happy-eyeballs head start; "+
			"FileZilla does not (it retries the %s address, 20 s each time, then reports \"Could not connect to server\"), "+
			"and lftp keeps retrying the %s address.", o, f, f)
	}
	return fmt.Sprintf("%s works: curl, FileZilla and lftp try it at once after the %s attempt fails.", o, f)
}
