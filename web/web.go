// Package web is ftpdiag's self-hosted check page and API: a form that
// probes an FTP server and shows the HTML report while it grows, a JSON API
// beside it, and a "probe me back" call that probes only the caller's own
// address. It is built to face the internet: it refuses private targets,
// limits probes per client, keeps passwords out of URLs and logs, and sends
// the usual security headers on every response.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"ftpdiag/probe"
	"ftpdiag/result"
)

// Defaults of a web service. A public check page serves strangers: the
// numbers keep one visitor from using it as a scanner and keep the machine's
// file table and memory bounded.
const (
	// DefaultKeep is how long a finished report stays at its address.
	DefaultKeep = 24 * time.Hour
	// DefaultMaxConcurrent probes run at once over all clients; each
	// opens up to four control connections and some data connections.
	DefaultMaxConcurrent = 8
	// DefaultPerClient probes of one client address may run at once.
	DefaultPerClient = 2
	// DefaultPerClientHour probes one client address may start in an hour.
	DefaultPerClientHour = 30
	// DefaultMaxReports bounds the reports kept in memory; the oldest go
	// first when it is reached.
	DefaultMaxReports = 1000
	// probeBudget bounds a whole probe started from the web: about the
	// worst case of the plan with the timeouts below, so a visitor always
	// gets an answer.
	probeBudget = 90 * time.Second
	// maxBody bounds a request's body: a form or a JSON request is small.
	maxBody = 16 << 10
)

// Options configure a Server.
type Options struct {
	Tool result.Tool
	// AllowPrivate lets targets (and probe-me-back callers) in private,
	// loopback, link-local, shared and unique-local ranges be probed: for a
	// check page inside one network, never for one on the internet.
	AllowPrivate bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; nobody else's are.
	TrustedProxies []netip.Prefix
	MaxConcurrent  int           // 0: DefaultMaxConcurrent
	PerClient      int           // 0: DefaultPerClient
	PerClientHour  int           // 0: DefaultPerClientHour
	Keep           time.Duration // 0: DefaultKeep
	MaxReports     int           // 0: DefaultMaxReports
	// Probe carries the timeouts of every probe (zero: the probe's
	// defaults); its Resolver looks names up before the range check, and
	// the probe is then pinned to the addresses that passed it.
	Probe  probe.Options
	Logger *slog.Logger
	// Now is the clock (tests pin it); nil: time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxConcurrent, DefaultMaxConcurrent)
	def(&o.PerClient, DefaultPerClient)
	def(&o.PerClientHour, DefaultPerClientHour)
	def(&o.MaxReports, DefaultMaxReports)
	if o.Keep <= 0 {
		o.Keep = DefaultKeep
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server is the web service.
type Server struct {
	opts    Options
	store   *store
	limits  *limiter
	running context.Context // ends when Close is called: every probe stops
	stop    context.CancelFunc
}

// New makes a Server; Close stops the probes it started.
func New(o Options) *Server {
	o = o.withDefaults()
	ctx, stop := context.WithCancel(context.Background())
	return &Server{opts: o, store: newStore(o.MaxReports, o.Keep, o.Now),
		limits: newLimiter(o.MaxConcurrent, o.PerClient, o.PerClientHour, o.Now), running: ctx, stop: stop}
}

// Close stops every probe still running.
func (s *Server) Close() { s.stop() }

// Handler routes the pages, the API and the static files, each response
// with the security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveForm)
	mux.HandleFunc("POST /check", s.serveCheckForm)
	mux.HandleFunc("GET /r/{id}", s.serveReportPage)
	mux.HandleFunc("GET /r/{id}/report.html", s.serveReportHTML)
	mux.HandleFunc("GET /r/{id}/result.json", s.serveReportJSON)
	mux.HandleFunc("GET /r/{id}/email.txt", s.serveReportEmail)
	mux.HandleFunc("GET /r/{id}/status", s.serveStatus)
	mux.HandleFunc("POST /api/v1/probe", s.serveAPIProbe)
	mux.HandleFunc("POST /api/v1/probe-me-back", s.serveAPIProbeMeBack)
	mux.HandleFunc("GET /static/{name}", serveStatic)
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return secure(mux)
}

// pageCSP lets the pages load their own script and style and nothing else:
// no inline script anywhere, no framing by other sites.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'"

// secure sets the headers every response carries. A handler may tighten
// the CSP for its own response (the report's inline style, by hash).
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", pageCSP)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "SAMEORIGIN")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r)
	})
}
