package exporter

import (
	"context"
	"time"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/result"
)

// runProbe is the one call that turns a probe into a result: the probe
// within ctx's deadline, with waits that fit in budget, and the diagnosis
// of its transcript by the one constructor of a Result.
func runProbe(ctx context.Context, t probe.Target, m *Module, budget time.Duration, tool result.Tool) *result.Result {
	out := probe.Run(ctx, t, m.options(budget))
	return diagnose.NewResult(diagnose.Input{Tool: tool, Record: out.Record()})
}
