package crawl

import (
	"github.com/prometheus/client_golang/prometheus"

	"revue"
)

// Metrics are the crawler's Prometheus series. A nil *Metrics records
// nothing, so tests and one-shot commands need not set it up.
type Metrics struct {
	fetches  *prometheus.CounterVec
	articles prometheus.Counter
	credited prometheus.Counter
	partial  prometheus.Counter
	pages    *prometheus.CounterVec
	duration prometheus.Histogram
}

// NewMetrics registers the crawler's series with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revue_feed_fetches_total",
			Help: "Feed fetches by outcome: ok, not_modified or error.",
		}, []string{"outcome"}),
		articles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "revue_articles_stored_total",
			Help: "New articles stored by this process.",
		}),
		credited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "revue_articles_credited_total",
			Help: "Items already stored under another article (another outlet's, or re-sent), credited to it.",
		}),
		partial: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "revue_feed_partial_reads_total",
			Help: "Feed fetches read only in part or repaired (cut off, malformed XML recovered, items left out).",
		}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "revue_article_pages_total",
			Help: "Article pages fetched for their full text, by outcome: read, retry (failed, asked again later) or failed (given up; the feed's text stays).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "revue_feed_fetch_seconds",
			Help:    "Time to fetch, parse and store one feed.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 10),
		}),
	}
	for _, c := range []prometheus.Collector{m.fetches, m.articles, m.credited, m.partial, m.pages, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observe(res Result, out revue.FetchOutcome) {
	if m == nil {
		return
	}
	outcome := "ok"
	switch {
	case res.Err != nil:
		outcome = "error"
	case out.NotModified:
		outcome = "not_modified"
	}
	m.fetches.WithLabelValues(outcome).Inc()
	m.articles.Add(float64(len(res.New)))
	m.credited.Add(float64(res.Credited))
	if res.Warning != "" {
		m.partial.Inc()
	}
	m.duration.Observe(res.Duration.Seconds())
}

func (m *Metrics) observePage(o revue.PageOutcome) {
	if m == nil {
		return
	}
	outcome := "read"
	switch {
	case o.Err != "" && !o.RetryAt.IsZero():
		outcome = "retry"
	case o.Err != "":
		outcome = "failed"
	}
	m.pages.WithLabelValues(outcome).Inc()
}
