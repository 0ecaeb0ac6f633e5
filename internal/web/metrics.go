package web

import (
	"context"
	"fmt"
	"time"

	"revue"

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

func newMetrics(reg prometheus.Registerer, st revue.Store) (*metrics, error) {
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
	for _, c := range []prometheus.Collector{m.streamsOpen, m.streamsRefused, m.reports, m.refused, m.blocked, imageCounts{st}} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("registering the portal's metrics: %w", err)
		}
	}
	return m, nil
}

// imageCounts reports the store's moderation state at each scrape, so
// every replica gives the same figures whichever of them blocked what.
type imageCounts struct{ store revue.Store }

var (
	imagesPendingDesc = prometheus.NewDesc("revue_images_pending",
		"Pictures awaiting a moderator (reported since a moderator last acted, or blocked by readers and not confirmed), in the whole store.", nil, nil)
	imagesBlockedDesc = prometheus.NewDesc("revue_images_blocked",
		"Image records blocked, in the whole store (each copy of a picture counts).", nil, nil)
)

// scrapeTimeout bounds the store query of one scrape.
const scrapeTimeout = 5 * time.Second

func (imageCounts) Describe(ch chan<- *prometheus.Desc) {
	ch <- imagesPendingDesc
	ch <- imagesBlockedDesc
}

func (c imageCounts) Collect(ch chan<- prometheus.Metric) {
	// A scrape carries no context of its own.
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	n, err := c.store.CountImages(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(imagesPendingDesc, err)
		ch <- prometheus.NewInvalidMetric(imagesBlockedDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(imagesPendingDesc, prometheus.GaugeValue, float64(n.Pending))
	ch <- prometheus.MustNewConstMetric(imagesBlockedDesc, prometheus.GaugeValue, float64(n.Blocked))
}
