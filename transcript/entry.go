package transcript

import "ftpdiag/result"

// The entry types belong to the contract's document (package result); the
// recorder writes them under these names.
type (
	Kind      = result.Kind
	Op        = result.Op
	Outcome   = result.Outcome
	EventInfo = result.EventInfo
	Entry     = result.Entry

	CaptureInfo = result.CaptureInfo
)

const (
	Command = result.Command
	Reply   = result.Reply
	Event   = result.Event
	Note    = result.Note

	OpSession     = result.OpSession
	OpResolve     = result.OpResolve
	OpConnect     = result.OpConnect
	OpClose       = result.OpClose
	OpDataConnect = result.OpDataConnect
	OpDataListen  = result.OpDataListen
	OpDataAccept  = result.OpDataAccept
	OpDataClose   = result.OpDataClose
	OpTLS         = result.OpTLS

	Resolved    = result.Resolved
	Connected   = result.Connected
	Refused     = result.Refused
	Timeout     = result.Timeout
	Unreachable = result.Unreachable
	Reset       = result.Reset
	Closed      = result.Closed
	Complete    = result.Complete
	Stalled     = result.Stalled
	Truncated   = result.Truncated
	Rejected    = result.Rejected
	Failed      = result.Failed
)
