package web

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the portal's Prometheus series. They count whether or not
// they are registered, so the handlers need no checks.
type metrics struct {
	streamsOpen    prometheus.Gauge
	streamsRefused prometheus.Counter
	// reports counts readers' reports by outcome: counted, or a repeat
	// by a reader who had reported the picture before.
	reports *prometheus.CounterVec
	// refused counts requests refused by route (report, admin, login) and
	// reason (csrf, rate_limit).
	refused *prometheus.CounterVec
	// blocked counts image records blocked, by who: reports or moderator.
	blocked *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		streamsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "revue_live_streams",
			Help: "Live ticker streams (/events/ticker) open now.",
		}),
		streamsRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "revue_live_streams_refused_total",
			Help: "Live ticker streams refused with 429 because the client already held as many as it may at once.",
		}),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revue_image_reports_total",
			Help: "Readers' image reports taken, by outcome: counted, or repeat (the reader had reported the picture before).",
		}, []string{"outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revue_requests_refused_total",
			Help: "Requests refused, by route (report, login, admin) and reason (csrf: not from a page of the portal; rate_limit).",
		}, []string{"route", "reason"}),
		blocked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revue_images_blocked_total",
			Help: "Image records blocked by this process, by who blocked them: reports (readers' reports reached the threshold) or moderator.",
		}, []string{"by"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.streamsOpen, m.streamsRefused, m.reports, m.refused, m.blocked} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("registering the portal's metrics: %w", err)
		}
	}
	return m, nil
}
