package web

import (
	"context"
	"errors"
	"net/http"
	"net/netip"

	"ftpdiag/diagnose"
	"ftpdiag/probe"
	"ftpdiag/render"
)

// start checks the request, takes a slot for the client and runs the probe
// in the background. The password lives in the probe's target until the
// probe ends, and nowhere else: the kept result is redacted with it first.
func (s *Server) start(ctx context.Context, client netip.Addr, req request, overTLS bool) (*check, error) {
	p, err := s.planFor(ctx, req, overTLS)
	if err != nil {
		return nil, err
	}
	release, err := s.limits.acquire(client)
	if err != nil {
		return nil, err
	}
	c := s.store.add(probe.Redact(req.URL))
	p.opts.Status = c.progress()
	s.opts.Logger.Info("probe started", "id", c.id, "client", client.String(), "target", probe.Redact(req.URL))
	go s.run(c, p, release)
	return c, nil
}

func (s *Server) run(c *check, p plan, release func()) {
	defer release()
	ctx, cancel := context.WithTimeout(s.running, probeBudget)
	defer cancel()
	secret := p.target.Password
	out := probe.Run(ctx, p.target, p.opts)
	res := diagnose.NewResult(diagnose.Input{Tool: s.opts.Tool, Record: out.Record()})
	res = render.Redacted(res, secret)
	c.finish(res, s.opts.Now())
	s.opts.Logger.Info("probe ended", "id", c.id, "verdict", string(res.Verdict))
}

// statusOf maps the errors of start to HTTP statuses.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, errClientBusy), errors.Is(err, errClientQuota):
		return http.StatusTooManyRequests
	case errors.Is(err, errServerBusy):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
