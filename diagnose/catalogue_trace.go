package diagnose

import (
	"fmt"

	"ftpdiag/result"
)

// CodeDataDroppedAt is the hop trace's finding: where on the way the data
// port stops answering while the control port goes on.
const CodeDataDroppedAt = "data.dropped-at"

// traceCatalogue holds the codes of the hop trace (probe --trace).
var traceCatalogue = []Entry{
	{Code: CodeDataDroppedAt, Severity: result.Info, Title: "Where the data port is stopped on the way",
		Titled: func(a Args) string {
			switch {
			case a.How == "rejected":
				return fmt.Sprintf("Data port %d is rejected by %s (hop %d)", a.Port, a.HopAddr, a.Hop)
			case a.How == "reset":
				return fmt.Sprintf("Data port %d is reset at hop %d, in the name of %s", a.Port, a.Hop, a.HopAddr)
			case a.Hop == 0:
				return fmt.Sprintf("Data port %d is dropped on this machine or at the first router", a.Port)
			}
			return fmt.Sprintf("Data port %d is dropped after hop %d (%s)", a.Port, a.Hop, a.HopAddr)
		},
		Admin: func(a Args) []string {
			switch a.How {
			case "rejected":
				return []string{fmt.Sprintf("Open TCP %d (and the whole passive range) on %s: it rejects the port and says so (ICMP), so it is the box to fix.", a.Port, a.HopAddr)}
			case "reset":
				return []string{fmt.Sprintf("Find the firewall at hop %d that answers TCP %d with a reset in the server's name (a reject-with-reset rule) and let the passive range through.", a.Hop, a.Port)}
			}
			return []string{fmt.Sprintf("Open TCP %d (and the whole passive range) on the boxes the detail names, in the order it gives: the first that drops it is the one to fix.", a.Port),
				"A drop at the server's own firewall and at the last router look the same from outside: check the server's rules (nft list ruleset, iptables -S) and the cloud security group or router in front of it."}
		},
		Client: func(a Args) []string {
			if a.Hop == 0 && a.How == "dropped" {
				return []string{fmt.Sprintf("Check this machine's own firewall for outgoing TCP %d (nft list ruleset, iptables -S OUTPUT, a desktop firewall or VPN client).", a.Port)}
			}
			return []string{"Send this report to the administrator of the box it names; hops that belong to your own network (the first ones) are yours to check."}
		}},
}
