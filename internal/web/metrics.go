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
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.streamsOpen, m.streamsRefused} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("registering the portal's metrics: %w", err)
		}
	}
	return m, nil
}
