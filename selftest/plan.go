package selftest

import (
	"fmt"
	"os"
	"strconv"
)

// Standard FTP ports as the seed document describes them, and the fallbacks
// the self-test uses without privilege: 2121 is the customary unprivileged
// FTP port, and a passive range above 30000 is clear of the ephemeral range
// most systems use for outgoing connections (32768 and up on Linux) only if
// it is short, so the fallback range stays below 32768.
const (
	ControlPort         = 21
	ActivePort          = 20
	PasvBase            = 3000
	UnprivControlPort   = 2121
	UnprivPasvBase      = 30000
	DefaultMaxSessions  = 24
	unprivilegedRetries = 20
)

// Plan is what the self-test will listen on, and why.
type Plan struct {
	ControlPort      int
	PasvMin, PasvMax int
	ActiveFrom20     bool
	Checks           []PortCheck // the standard ports, as they were found
	Notes            []string    // what was changed from the standard and why
}

// MakePlan checks whether the standard ports can be bound here and picks
// the ports the self-test uses: the standard ones where possible, otherwise
// unprivileged or free ones, saying so.
func MakePlan(maxSessions int) Plan {
	if maxSessions <= 0 {
		maxSessions = DefaultMaxSessions
	}
	ports := []int{ControlPort, ActivePort}
	for p := PasvBase; p <= PasvBase+maxSessions; p++ {
		ports = append(ports, p)
	}
	pl := Plan{ControlPort: ControlPort, PasvMin: PasvBase, PasvMax: PasvBase + maxSessions, ActiveFrom20: true}
	pl.Checks = CheckBind(ports, purposeOf)
	for _, c := range pl.Checks {
		switch {
		case c.Port == ControlPort && c.Status != BindOK:
			pl.ControlPort = freePort(UnprivControlPort)
			pl.Notes = append(pl.Notes, fmt.Sprintf("port 21 %s; the self-test listens on %d instead", why(c), pl.ControlPort))
		case c.Port == ActivePort && c.Status != BindOK:
			pl.ActiveFrom20 = false
			pl.Notes = append(pl.Notes, fmt.Sprintf("port 20 %s; active-mode connections come from any port instead", why(c)))
		}
	}
	if bad := passiveTrouble(pl.Checks); len(bad) > 0 {
		base := freeRange(UnprivPasvBase, maxSessions)
		pl.PasvMin, pl.PasvMax = base, base+maxSessions
		pl.Notes = append(pl.Notes, fmt.Sprintf("passive ports %s cannot be bound (%s); the self-test uses %d-%d instead",
			PortRanges(bad), passiveWhy(pl.Checks), pl.PasvMin, pl.PasvMax))
	}
	return pl
}

func purposeOf(p int) string {
	switch p {
	case ControlPort:
		return "control"
	case ActivePort:
		return "active data source"
	}
	return "passive"
}

func why(c PortCheck) string {
	switch c.Status {
	case BindDenied:
		if os.Geteuid() != 0 {
			return "needs privilege (run as root, or give the binary cap_net_bind_service)"
		}
		return "may not be bound here (" + c.Err.Error() + ")"
	case BindInUse:
		if c.Holder != "" {
			return "is in use by " + c.Holder
		}
		return "is in use by another program"
	}
	return "cannot be bound (" + fmt.Sprint(c.Err) + ")"
}

func passiveTrouble(cs []PortCheck) []int {
	var bad []int
	for _, c := range cs {
		if c.Purpose == "passive" && c.Status != BindOK {
			bad = append(bad, c.Port)
		}
	}
	return bad
}

func passiveWhy(cs []PortCheck) string {
	for _, c := range cs {
		if c.Purpose == "passive" && c.Status != BindOK {
			return strconv.Itoa(c.Port) + " " + why(c)
		}
	}
	return ""
}

// freePort returns want, or the next port up that can be bound.
func freePort(want int) int {
	for p := want; p < want+unprivilegedRetries; p++ {
		if CheckBind([]int{p}, purposeOf)[0].Status == BindOK {
			return p
		}
	}
	return want
}

// freeRange returns the first base >= want whose n+1 ports can all be bound.
func freeRange(want, n int) int {
	for base := want; base < want+unprivilegedRetries*(n+1); base += n + 1 {
		ok := true
		for p := base; p <= base+n && ok; p++ {
			ok = CheckBind([]int{p}, purposeOf)[0].Status == BindOK
		}
		if ok {
			return base
		}
	}
	return want
}
