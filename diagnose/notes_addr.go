package diagnose

import (
	"fmt"
	"net"
	"net/netip"

	"ftpdiag/ftp"
	"ftpdiag/result"
)

// Notes that decode the addresses of PASV, EPSV, PORT and EPRT, the lines a
// reader of an FTP transcript most often has to work out by hand.

func annotatePASV(ix *sessionIndex, i int) []annotation {
	ap, err := ftp.ScanPASV(ix.entries[i].Text)
	if err != nil {
		return []annotation{{text: "this 227 reply holds no address and port that a client can use", key: "no address"}}
	}
	host, port := ap.Addr().String(), int(ap.Port())
	decoded := fmt.Sprintf("= %d", port)
	out := []annotation{{
		text: fmt.Sprintf("the server listens on %s port %d*256+%d = %d", host, port>>8, port&0xff, port),
		key:  decoded,
	}}
	if class := ftp.ClassOf(ap.Addr()); class != ftp.Public && ix.ctrlHost[i] != host {
		t := fmt.Sprintf("%s is a %s address: a client outside the server's network cannot reach it", host, class)
		out = append(out, annotation{text: t, key: host + " is a"})
	}
	return append(out, dialledInstead(ix, i, host, port)...)
}

func annotateEPSV(e result.Entry) []annotation {
	port, err := ftp.ParseEPSV(e.Text)
	if err != nil {
		return []annotation{{text: "this 229 reply holds no port that a client can use", key: "no port"}}
	}
	t := fmt.Sprintf("the server listens on port %d, at the address of the control connection", port)
	return []annotation{{text: t, key: fmt.Sprintf("port %d", port)}}
}

// dialledInstead reports where the client dialled after a 227 reply, when
// that is not the address the reply named (a client working around a
// private address), or that it dialled nothing. It walks the session up to
// its next 227 or 229 reply, so each of a session's entries is read once.
func dialledInstead(ix *sessionIndex, i int, host string, port int) []annotation {
	began := 0 // a transfer's 1xx: its data connection opened
	for j := ix.next[i]; j >= 0; j = ix.next[j] {
		entryVisits.Add(1)
		e := ix.entries[j]
		if e.Kind == result.Reply && (e.Code == ftp.EnteringPassive || e.Code == ftp.EnteringExtPassive) {
			break
		}
		if verb, _ := ftp.Verb(e.Text); e.Kind == result.Command && (verb == "PORT" || verb == "EPRT") {
			break // a new data connection, the other way: the 227's is over
		}
		if e.Kind == result.Reply && e.Code >= 100 && e.Code < 200 && began == 0 {
			began = e.Code
		}
		if e.Kind != result.Event || e.Event == nil || e.Event.Op != result.OpDataConnect {
			continue
		}
		h, _, err := net.SplitHostPort(e.Event.Addr)
		if err != nil || h == host {
			return nil
		}
		t := fmt.Sprintf("so the client dialled %s instead (the control connection's address), as common clients do", e.Event.Addr)
		// A note naming the dialled address (the probe's own) says it already.
		return []annotation{{text: t, key: e.Event.Addr}}
	}
	if began != 0 {
		// Opened, though the log does not say where to (lftp below debug
		// 9, most servers' logs).
		return []annotation{{text: fmt.Sprintf("the log shows no data connection, but the server's %d says one opened", began), key: "no data connection"}}
	}
	t := fmt.Sprintf("the client did not dial %s:%d", host, port)
	return []annotation{{text: t, key: "did not dial"}}
}

// annotatePORT decodes the address a PORT or EPRT command asks the server
// to connect back to.
func annotatePORT(line string) []annotation {
	verb, arg := ftp.Verb(line)
	var ap netip.AddrPort
	var err error
	switch verb {
	case "PORT":
		if ap, err = ftp.ParsePORT(arg); err != nil {
			return nil
		}
		port := int(ap.Port())
		t := fmt.Sprintf("asks the server to connect to %s port %d*256+%d = %d", ap.Addr(), port>>8, port&0xff, port)
		return []annotation{{text: t, key: fmt.Sprintf("= %d", port)}}
	case "EPRT":
		if ap, err = ftp.ParseEPRT(arg); err != nil {
			return nil
		}
		t := fmt.Sprintf("asks the server to connect to %s port %d", ap.Addr(), ap.Port())
		return []annotation{{text: t, key: fmt.Sprintf("port %d", ap.Port())}}
	}
	return nil
}
