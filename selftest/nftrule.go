package selftest

import (
	"encoding/json"

	"ftpdiag/result"
)

// evalRule decides one nftables rule (JSON form) for a new TCP connection to
// port. match is false when some part certainly does not match; certain is
// false when some part depends on what the self-test cannot know.
func evalRule(r nftRule, port int, family string) (match, certain bool, verdict FirewallVerdict, jump string) {
	match, certain = true, true
	for _, e := range r.Expr {
		for key, raw := range e {
			switch key {
			case "match":
				m, known := evalMatch(raw, port, family)
				if !known {
					certain = false
				} else if !m {
					return false, true, "", ""
				}
			case "accept":
				verdict = FwAccept
			case "drop":
				verdict = FwDrop
			case "reject":
				verdict = FwReject
			case "jump", "goto":
				var t struct{ Target string }
				json.Unmarshal(raw, &t)
				jump = t.Target
			}
		}
	}
	return match, certain, verdict, jump
}

type nftMatch struct {
	Op    string          `json:"op"`
	Left  json.RawMessage `json:"left"`
	Right json.RawMessage `json:"right"`
}

// evalMatch knows the matches that decide a port: the destination port, the
// layer-4 protocol, the conntrack state and the address family (meta
// nfproto; an ip or ip6 header match never matches the other family's
// packets, whatever its operator). Anything else is unknown.
func evalMatch(raw json.RawMessage, port int, family string) (result, known bool) {
	var m nftMatch
	if json.Unmarshal(raw, &m) != nil {
		return false, false
	}
	var left struct {
		Payload *struct{ Protocol, Field string }
		Meta    *struct{ Key string }
		Ct      *struct{ Key string }
	}
	json.Unmarshal(m.Left, &left)
	if left.Payload != nil && (left.Payload.Protocol == "ip" || left.Payload.Protocol == "ip6") && left.Payload.Protocol != nftProto(family) {
		return false, true
	}
	var in bool
	switch {
	case left.Meta != nil && left.Meta.Key == "nfproto":
		in = wordIn(m.Right, family)
	case left.Payload != nil && left.Payload.Field == "dport" && (left.Payload.Protocol == "tcp" || left.Payload.Protocol == "th"):
		in = portIn(m.Right, port)
	case left.Payload != nil && left.Payload.Field == "dport":
		in = false // a udp or sctp port: a TCP connection does not match
	case left.Meta != nil && left.Meta.Key == "l4proto":
		in = wordIn(m.Right, "tcp")
	case left.Payload != nil && (left.Payload.Field == "protocol" || left.Payload.Field == "nexthdr"):
		in = wordIn(m.Right, "tcp")
	case left.Ct != nil && left.Ct.Key == "state":
		in = wordIn(m.Right, "new")
	default:
		return false, false
	}
	if m.Op == "!=" {
		return !in, true
	}
	return in, true
}

// portIn tells whether port is the number, in the range, or in the set.
func portIn(right json.RawMessage, port int) bool {
	var n int
	if json.Unmarshal(right, &n) == nil {
		return n == port
	}
	var r struct {
		Range []int
		Set   []json.RawMessage
	}
	if json.Unmarshal(right, &r) != nil {
		return false
	}
	if len(r.Range) == 2 {
		return port >= r.Range[0] && port <= r.Range[1]
	}
	for _, el := range r.Set {
		if portIn(el, port) {
			return true
		}
	}
	return false
}

// wordIn tells whether word is the string, or in the list or set, of right.
func wordIn(right json.RawMessage, word string) bool {
	var s string
	if json.Unmarshal(right, &s) == nil {
		return s == word
	}
	var list []string
	if json.Unmarshal(right, &list) == nil {
		for _, x := range list {
			if x == word {
				return true
			}
		}
		return false
	}
	var set struct{ Set []json.RawMessage }
	if json.Unmarshal(right, &set) == nil {
		for _, el := range set.Set {
			if wordIn(el, word) {
				return true
			}
		}
	}
	return false
}

// nftProto is nftables' name of a family's header: "ip", "ip6".
func nftProto(family string) string {
	if family == result.FamilyIPv6 {
		return "ip6"
	}
	return "ip"
}
