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
	// targetShare: one target host may hold at most a quarter of the
	// probe slots (at least one), so scrapes of a slow or hostile server
	// wait behind each other and never starve the healthy targets.
	targetShare = 4
)

// Options configure an Exporter.
type Options struct {
	Config *Config // nil: DefaultConfig
	// ConfigPath is the modules file Reload reads again; "" where the
	// configuration came from no file.
	ConfigPath    string
	MaxConcurrent int // 0: DefaultMaxConcurrent
	Tool          result.Tool
	Logger        *slog.Logger // nil: discard
	// Now is the clock of the login back-off; nil: time.Now. Tests move it.
	Now func() time.Time
}

// Exporter serves /probe, /metrics and the status page.
type Exporter struct {
	cfg      atomic.Pointer[Config]
	cfgPath  string
	tool     result.Tool
	log      *slog.Logger
	sem      chan struct{}
	perHost  int
	self     *selfMetrics
	reg      *prometheus.Registry
	recent   *recentProbes
	backoff  *backoff
	reloadMu sync.Mutex // one reload at a time

	mu       sync.Mutex
	inflight map[string]*call     // by target URL and module
	hosts    map[string]*hostSlot // probe slots held per target host
	running  atomic.Int64         // probes running now
	peak     atomic.Int64         // most probes running at once
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
	if o.Now == nil {
		o.Now = time.Now
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	e := &Exporter{cfgPath: o.ConfigPath, tool: o.Tool, log: o.Logger, sem: make(chan struct{}, o.MaxConcurrent),
		perHost: max(1, o.MaxConcurrent/targetShare), self: newSelfMetrics(reg), reg: reg, recent: newRecent(),
		backoff: newBackoff(o.Now), inflight: map[string]*call{}, hosts: map[string]*hostSlot{}}
	e.cfg.Store(o.Config)
	e.self.reloadOK.Set(1)
	e.self.reloadTime.SetToCurrentTime()
	return e
}

// Config is the configuration in force.
func (e *Exporter) Config() *Config { return e.cfg.Load() }

// Handler routes the exporter's pages.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/probe", e.serveProbe)
	mux.Handle("/metrics", promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /report/{id}", e.serveReport)
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") })
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Ready") })
	mux.HandleFunc("/-/reload", e.serveReload)
	mux.HandleFunc("GET /config", e.serveConfig)
	mux.HandleFunc("/{$}", e.serveStatus)
	return mux
}

// Errors of a /probe request, each answered with its HTTP status.
var (
	errBadRequest = errors.New("bad request")
	errBusy       = errors.New("too many probes at once")
)

func (e *Exporter) serveProbe(w http.ResponseWriter, r *http.Request) {
	t, m, err := e.parseRequest(r)
	if err == nil {
		var res *result.Result
		res, err = e.probe(r.Context(), t, m, time.Now().Add(scrapeBudget(r, m)))
		if err == nil {
			e.self.observe(m.Name, res)
			if r.URL.Query().Get("debug") == "true" {
				e.writeDebug(w, res, m)
				return
			}
			reg := probeRegistry(res)
			if wait, ok := e.backoff.waiting(backoffKey(t, m)); ok {
				backoffGauge(reg, wait)
			}
			promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
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
	// anything quotes them, and it quotes a target's parts escaped (%q).
	e.log.Warn("probe request refused", "status", status, "error", err)
	http.Error(w, err.Error(), status)
}

// probe answers from the login back-off where the target and module are
// in it, else runs (or shares) a probe.
func (e *Exporter) probe(ctx context.Context, t probe.Target, m *Module, deadline time.Time) (*result.Result, error) {
	if res, ok := e.backoff.held(backoffKey(t, m)); ok {
		e.self.backedOff.Inc()
		return res, nil
	}
	return e.probeShared(ctx, t, m, deadline)
}

// scrapeBudget is how long the probe may take: the scrape's timeout as
// Prometheus sends it, less a margin for the answer, and never more than
// the module's probe_timeout, as the blackbox exporter caps the header by
// its module's timeout: a header of 3600 is not an hour of a probe slot.
func scrapeBudget(r *http.Request, m *Module) time.Duration {
	timeout := DefaultScrapeTimeout
	if v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 && s < maxSetting.Seconds() {
			timeout = time.Duration(s * float64(time.Second))
		} else if err == nil && s > 0 {
			timeout = maxSetting
		}
	}
	budget := timeout - scrapeMargin
	if bound := orDefault(m.ProbeTimeout, DefaultProbeTimeout); budget > bound {
		budget = bound
	}
	return max(budget, minBudget)
}

// parseRequest reads target and module. The target is read by the
// probe's own parser and any error it finds is a 400, before anything
// connects; a control character anywhere in it is refused here too (it
// would end an FTP command and start another). A target with a password
// is refused: passwords belong in a module's password_file, never in a URL
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
	if err := checkControl(t); err != nil {
		return probe.Target{}, nil, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	if t.HasPass {
		return t, nil, fmt.Errorf("%w: the target URL carries a password; name a user and a password_file in a module instead", errBadRequest)
	}
	name := q.Get("module")
	if name == "" {
		name = DefaultModule
	}
	cfg := e.cfg.Load()
	m, ok := cfg.Modules[name]
	if !ok {
		return t, nil, fmt.Errorf("%w: unknown module %q (modules: %v)", errBadRequest, name, cfg.Names())
	}
	if t, err = m.target(t); err != nil {
		return t, nil, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	return t, m, nil
}

// errControl is wrapped where a target holds a control character.
var errControl = errors.New("a control character (CR, LF, NUL or another) in the target")

// checkControl refuses a target with a control character in any part, as
// curl refuses such URLs: on the control connection CR LF would end the
// command the part goes into and send what follows as a command of its own
// (issue 30: "a%0d%0aDELE%20victim.txt" deleted a file). The part is named,
// never quoted: the password is one of them.
func checkControl(t probe.Target) error {
	for _, p := range []struct{ name, value string }{{"host", t.Host}, {"user", t.User}, {"password", t.Password}, {"path", t.Path}} {
		if hasControl(p.value) {
			return fmt.Errorf("%w's %s: refused, since it would end an FTP command and start another", errControl, p.name)
		}
	}
	return nil
}
