package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ftpdiag/probe"
	"ftpdiag/result"
)

const (
	// DefaultScrapeTimeout is Prometheus's own default scrape_timeout, for
	// a request that does not say (curl, a browser).
	DefaultScrapeTimeout = 10 * time.Second
	// scrapeMargin is left of the scrape's timeout for writing the answer
	// and the network, as the blackbox exporter's default offset.
	scrapeMargin = 500 * time.Millisecond
	// minBudget is the least time a probe is started with: less cannot
	// even tell a slow network from a dropped packet.
	minBudget = 100 * time.Millisecond
	// DefaultMaxConcurrent is how many probes run at once by default:
	// each opens up to four control connections, and the machine's
	// file table and the servers' per-address limits are finite.
	DefaultMaxConcurrent = 16
)

// Options configure an Exporter.
type Options struct {
	Config        *Config // nil: DefaultConfig
	MaxConcurrent int     // 0: DefaultMaxConcurrent
	Tool          result.Tool
	Logger        *slog.Logger // nil: discard
}

// Exporter serves /probe, /metrics and the status page.
type Exporter struct {
	cfg    *Config
	tool   result.Tool
	log    *slog.Logger
	sem    chan struct{}
	self   *selfMetrics
	reg    *prometheus.Registry
	recent *recentProbes

	mu       sync.Mutex
	inflight map[string]*call // by target URL and module
	running  atomic.Int64     // probes running now
	peak     atomic.Int64     // most probes running at once
}

// call is one running probe that later requests for the same target and
// module wait for instead of starting their own.
type call struct {
	done chan struct{}
	res  *result.Result
	err  error
}

// New makes an Exporter.
func New(o Options) *Exporter {
	if o.Config == nil {
		o.Config = DefaultConfig()
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Exporter{cfg: o.Config, tool: o.Tool, log: o.Logger, sem: make(chan struct{}, o.MaxConcurrent),
		self: newSelfMetrics(reg), reg: reg, recent: newRecent(), inflight: map[string]*call{}}
}

// Handler routes the exporter's three pages.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/probe", e.serveProbe)
	mux.Handle("/metrics", promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/{$}", e.serveStatus)
	return mux
}

// Errors of a /probe request, each answered with its HTTP status.
var (
	errBadRequest = errors.New("bad request")
	errBusy       = errors.New("too many probes at once")
)

func (e *Exporter) serveProbe(w http.ResponseWriter, r *http.Request) {
	budget := scrapeBudget(r)
	deadline := time.Now().Add(budget)
	t, m, err := e.parseRequest(r)
	if err == nil {
		var res *result.Result
		res, err = e.probeShared(r.Context(), t, m, deadline)
		if err == nil {
			e.self.observe(m.Name, res)
			promhttp.HandlerFor(probeRegistry(res), promhttp.HandlerOpts{}).ServeHTTP(w, r)
			return
		}
	}
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, errBadRequest):
		status = http.StatusBadRequest
	case errors.Is(err, errBusy), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		status = http.StatusServiceUnavailable
	}
	e.self.refused(status)
	// err never holds a password: parseRequest refuses such URLs before
	// anything quotes them.
	e.log.Warn("probe request refused", "status", status, "error", err)
	http.Error(w, err.Error(), status)
}

// scrapeBudget is how long the probe may take: the scrape's timeout as
// Prometheus sends it, less a margin for the answer.
func scrapeBudget(r *http.Request) time.Duration {
	timeout := DefaultScrapeTimeout
	if v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
			timeout = time.Duration(s * float64(time.Second))
		}
	}
	return max(timeout-scrapeMargin, minBudget)
}

// parseRequest reads target and module. A target with a password is
// refused: passwords belong in a module's password_file, never in a URL
// that Prometheus shows on its targets page and logs keep.
func (e *Exporter) parseRequest(r *http.Request) (probe.Target, *Module, error) {
	q := r.URL.Query()
	raw := q.Get("target")
	if raw == "" {
		return probe.Target{}, nil, fmt.Errorf("%w: the target parameter is missing (/probe?target=ftp://host/&module=NAME)", errBadRequest)
	}
	t, err := probe.ParseTarget(raw)
	if err != nil {
		return t, nil, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	if t.HasPass {
		return t, nil, fmt.Errorf("%w: the target URL carries a password; name a user and a password_file in a module instead", errBadRequest)
	}
	name := q.Get("module")
	if name == "" {
		name = DefaultModule
	}
	m, ok := e.cfg.Modules[name]
	if !ok {
		return t, nil, fmt.Errorf("%w: unknown module %q (modules: %v)", errBadRequest, name, e.cfg.Names())
	}
	if t, err = m.target(t); err != nil {
		return t, nil, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	return t, m, nil
}
