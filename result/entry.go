package result

import (
	"encoding/json"
	"math"
	"time"
)

// The transcript's entries are part of the contract's document: the
// recorder (package transcript) writes them, the diagnosis and the renderers
// read them, and a saved result carries them.

// Kind says who produced an entry.
type Kind string

const (
	Command Kind = "command" // sent by the client
	Reply   Kind = "reply"   // sent by the server
	Event   Kind = "event"   // a connection attempt, its outcome and timing
	Note    Kind = "note"    // an explanation attached to the entry before it
)

// Op names what an event is about. The diagnosis reads these, so a reader of
// a foreign log must map what it understands onto the same ops.
type Op string

const (
	OpSession     Op = "session"      // a session starts; Text says what it tests
	OpResolve     Op = "resolve"      // name lookup; Addr is the host
	OpConnect     Op = "connect"      // control connection attempt to Addr
	OpClose       Op = "close"        // control connection closed (By says who)
	OpDataConnect Op = "data-connect" // data connection dialled to Addr (passive mode)
	OpDataListen  Op = "data-listen"  // a listener for an active-mode data connection, at Addr
	OpDataAccept  Op = "data-accept"  // a data connection accepted from Addr (active mode, or server side)
	OpDataClose   Op = "data-close"   // a data connection ended; Bytes moved, By who closed it
	OpTLS         Op = "tls"          // a TLS handshake on the control or data connection
	OpTraceHop    Op = "trace-hop"    // one TTL-stepped connection attempt of a hop trace; Hop says more
)

// Outcome is how an event ended.
type Outcome string

const (
	Resolved    Outcome = "resolved"
	Connected   Outcome = "connected"
	Refused     Outcome = "refused"     // answered with a TCP reset (RST)
	Timeout     Outcome = "timeout"     // no answer before the deadline
	Unreachable Outcome = "unreachable" // ICMP unreachable: network or host
	Reset       Outcome = "reset"       // an open connection was reset
	Closed      Outcome = "closed"      // closed in order (FIN)
	Complete    Outcome = "complete"    // a transfer ended normally
	Stalled     Outcome = "stalled"     // a transfer stopped moving
	Truncated   Outcome = "truncated"   // a transfer was cut at the byte limit
	Rejected    Outcome = "rejected"    // refused by policy (wrong peer address, bad token)
	Failed      Outcome = "failed"      // any other failure; Err says what
	Expired     Outcome = "expired"     // a router's ICMP time exceeded: the hop count ran out there
)

// EventInfo is the structured part of an Event entry.
type EventInfo struct {
	Op      Op            `json:"op"`
	Addr    string        `json:"addr,omitempty"`  // remote host:port (or host for OpResolve)
	Local   string        `json:"local,omitempty"` // local host:port where known
	Outcome Outcome       `json:"outcome,omitempty"`
	Dur     time.Duration `json:"-"` // how long the step took
	Bytes   int64         `json:"bytes,omitempty"`
	By      string        `json:"by,omitempty"` // who closed: "server" or "client"
	Err     string        `json:"error,omitempty"`
	TLS     *TLSInfo      `json:"tls,omitempty"`     // set for OpTLS where known
	Hop     *HopInfo      `json:"hop,omitempty"`     // set for OpTraceHop
	Capture *CaptureInfo  `json:"capture,omitempty"` // what a packet capture saw of it
}

// MarshalJSON writes Dur as dur_ms, in milliseconds with microsecond precision.
func (e EventInfo) MarshalJSON() ([]byte, error) {
	type plain EventInfo
	out := struct {
		plain
		DurMs *float64 `json:"dur_ms,omitempty"`
	}{plain: plain(e)}
	if e.Dur != 0 {
		ms := toMs(e.Dur)
		out.DurMs = &ms
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *EventInfo) UnmarshalJSON(b []byte) error {
	type plain EventInfo
	var in struct {
		plain
		DurMs *float64 `json:"dur_ms,omitempty"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = EventInfo(in.plain)
	if in.DurMs != nil {
		e.Dur = fromMs(*in.DurMs)
	}
	return nil
}

// Entry is one line of a transcript.
type Entry struct {
	T       time.Duration `json:"-"` // since the transcript started
	Session int           `json:"session"`
	Kind    Kind          `json:"kind"`
	// Text is the command line, the whole reply (lines joined by "\n"), a
	// human-readable event line, or the note. Always redacted.
	Text  string     `json:"text"`
	Code  int        `json:"code,omitempty"`  // reply code
	Event *EventInfo `json:"event,omitempty"` // set for Kind == Event
}

// MarshalJSON writes T as t_ms (milliseconds, microsecond precision).
func (e Entry) MarshalJSON() ([]byte, error) {
	type plain Entry
	return json.Marshal(struct {
		TMs float64 `json:"t_ms"`
		plain
	}{toMs(e.T), plain(e)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry
	var in struct {
		TMs float64 `json:"t_ms"`
		plain
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = Entry(in.plain)
	e.T = fromMs(in.TMs)
	return nil
}

func toMs(d time.Duration) float64 {
	return math.Round(float64(d)/1e3) / 1e3
}

func fromMs(ms float64) time.Duration {
	return time.Duration(math.Round(ms*1e3)) * time.Microsecond
}
