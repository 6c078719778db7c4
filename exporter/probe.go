package exporter

import (
	"context"
	"time"

	"ftpdiag/probe"
	"ftpdiag/report"
)

// runProbe is the one call that turns a probe into a result: the probe
// within ctx's deadline, with waits that fit in budget, and the diagnosis
// of its transcript. (When the report package is split, this is the one
// function to point at the new constructor of a Result.)
func runProbe(ctx context.Context, t probe.Target, m *Module, budget time.Duration, tool report.Tool) *report.Result {
	out := probe.Run(ctx, t, m.options(budget))
	return out.Result(tool)
}
