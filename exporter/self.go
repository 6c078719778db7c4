package exporter

import (
	"ftpdiag/result"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// selfMetrics are the exporter's own, on /metrics beside Go's runtime.
type selfMetrics struct {
	probes   *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refusals *prometheus.CounterVec
	shared   prometheus.Counter
	inFlight prometheus.Gauge
	// backedOff counts scrapes answered from the login back-off.
	backedOff  prometheus.Counter
	reloadOK   prometheus.Gauge
	reloadTime prometheus.Gauge
	reloads    *prometheus.CounterVec
}

// probeBuckets span a loopback probe (milliseconds) to a scrape's whole
// timeout spent on dropped connections (tens of seconds).
var probeBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

func newSelfMetrics(reg *prometheus.Registry) *selfMetrics {
	m := &selfMetrics{
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ftpdiag_exporter_probes_total",
			Help: "Probe requests answered, by module and verdict (shared results counted once per request)."}, []string{"module", "verdict"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ftpdiag_exporter_probe_duration_seconds",
			Help: "How long probes took, by module.", Buckets: probeBuckets}, []string{"module"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ftpdiag_exporter_probe_failures_total",
			Help: "Probe requests answered without metrics, by HTTP status (400 bad target or module, 503 no slot in time)."}, []string{"status"}),
		shared: prometheus.NewCounter(prometheus.CounterOpts{Name: "ftpdiag_exporter_probes_shared_total",
			Help: "Probe requests that waited for a probe of the same target and module already running."}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ftpdiag_exporter_probes_in_flight",
			Help: "Probes running now."}),
		backedOff: prometheus.NewCounter(prometheus.CounterOpts{Name: "ftpdiag_exporter_login_backoff_total",
			Help: "Probe requests answered with the last result because the target refused the module's login a moment ago."}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ftpdiag_exporter_config_last_reload_successful",
			Help: "1 when the last reload of the modules file worked, 0 when it failed and the previous configuration stays in force."}),
		reloadTime: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ftpdiag_exporter_config_last_reload_success_timestamp_seconds",
			Help: "When the configuration in force was loaded, in seconds since 1970."}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ftpdiag_exporter_config_reloads_total",
			Help: "Reloads of the modules file, by outcome (success, failure)."}, []string{"outcome"}),
	}
	reg.MustRegister(m.probes, m.duration, m.refusals, m.shared, m.inFlight, m.backedOff, m.reloadOK, m.reloadTime, m.reloads)
	return m
}

func (m *selfMetrics) observe(module string, res *result.Result) {
	m.probes.WithLabelValues(module, string(res.Verdict)).Inc()
	m.duration.WithLabelValues(module).Observe(float64(res.DurationMs) / 1e3)
}

func (m *selfMetrics) refused(status int) {
	m.refusals.WithLabelValues(strconv.Itoa(status)).Inc()
}
