package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"ftpdiag/render"
	"ftpdiag/result"
)

// ProbeBack is what a self-test asks a check service to do: probe the
// address the request comes from, on this port.
type ProbeBack struct {
	Port int
	Mode string // "both" (""), "passive" or "active"
	TLS  string // "auto" (""), "require", "off", "implicit"
}

// maxAnswer bounds the check service's answer: a result with its
// transcript is some tens of kilobytes; a service that sends more is not
// one to believe.
const maxAnswer = 8 << 20

// AskProbeBack asks the check service at base (https://check.example.org)
// to probe this machine back, and returns its result and the address it saw
// the request come from. No password crosses: the self-test's server lets
// the outside log in anonymously.
func AskProbeBack(ctx context.Context, hc *http.Client, base string, pb ProbeBack) (*result.Result, string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/") + "/api/v1/probe-me-back")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("--from %q is not an http(s) URL of an ftpdiag web service", base)
	}
	body, _ := json.Marshal(request{Port: pb.Port, Mode: pb.Mode, TLS: pb.TLS})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, "", fmt.Errorf("asking %s: %w", u.Host, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("asking %s to probe this machine: %w", u.Host, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, "", fmt.Errorf("reading the answer of %s: %w", u.Host, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = http.StatusText(resp.StatusCode)
		}
		return nil, "", fmt.Errorf("%s refused to probe this machine (%d): %s", u.Host, resp.StatusCode, e.Error)
	}
	res, err := render.Load(bytes.NewReader(b))
	if err != nil {
		return nil, "", fmt.Errorf("the answer of %s is not an ftpdiag result: %w", u.Host, err)
	}
	seen := resp.Header.Get("Ftpdiag-Seen-As")
	if seen == "" {
		seen = res.Target.Host
	}
	return res, seen, nil
}
