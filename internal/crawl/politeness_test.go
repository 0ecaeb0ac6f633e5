package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"revue"
	"revue/internal/fetch"
)

// hostFarm is a set of loopback servers, each a distinct host for the
// politeness limits (hosts differ by port), recording the order in which
// feeds were requested.
type hostFarm struct {
	servers []*httptest.Server
	mu      sync.Mutex
	order   []string // "host/feed" in arrival order
}

func newHostFarm(t testing.TB, hosts int) *hostFarm {
	t.Helper()
	f := &hostFarm{}
	for h := range hosts {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.order = append(f.order, fmt.Sprintf("%d%s", h, r.URL.Path))
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>h%d</title><link>https://h%d.example/</link>`+
				`<item><guid>%d%s</guid><title>News %d%s</title><link>https://h%d.example%s</link><pubDate>Wed, 25 Mar 2026 07:00:00 GMT</pubDate></item>`+
				`</channel></rss>`, h, h, h, r.URL.Path, h, r.URL.Path, h, r.URL.Path)
		}))
		t.Cleanup(srv.Close)
		f.servers = append(f.servers, srv)
	}
	return f
}

func (f *hostFarm) arrivals() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.order...)
}

// While one host makes its requests wait, workers take sources of other
// hosts instead of queueing behind it, even when that host's sources are
// due first.
func TestWorkersDoNotWaitBehindABusyHost(t *testing.T) {
	h := newHarness(t)
	farm := newHostFarm(t, 3)
	pacer, err := fetch.New(fetch.Config{UserAgent: "Revue/test", AllowPrivateNetworks: true, HostConcurrency: 2, HostDelay: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Host 0's three sources are due first; hosts 1 and 2 have one each.
	for i := range 3 {
		h.add(t, fmt.Sprint("busy ", i), fmt.Sprintf("%s/feed-%d.xml", farm.servers[0].URL, i), "en")
		h.clock.Advance(time.Second)
	}
	h.add(t, "free 1", farm.servers[1].URL+"/feed.xml", "en")
	h.add(t, "free 2", farm.servers[2].URL+"/feed.xml", "en")
	c := h.crawlerWith(t, "w", func(cfg *Config) { cfg.Fetcher, cfg.Concurrency = pacer, 2 })
	sum, err := c.Once(context.Background(), false)
	if err != nil || sum.Sources != 5 || sum.Failed != 0 {
		t.Fatalf("pass: %+v, %v; want 5 sources fetched", sum, err)
	}
	got := farm.arrivals()
	// Host 0 serves one request per 400 ms; the free hosts must have been
	// served before its second.
	second, seen := -1, 0
	for i, a := range got {
		if strings.HasPrefix(a, "0/") {
			if seen++; seen == 2 {
				second = i
				break
			}
		}
	}
	for _, free := range []string{"1/feed.xml", "2/feed.xml"} {
		at := indexOf(got, free)
		if at < 0 || at > second {
			t.Errorf("arrival order %v: %s came after the busy host's second request", got, free)
		}
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// A Crawl-delay learned from one host's robots.txt is in the store for
// every worker; a worker that never read that robots.txt spaces its
// requests by it.
func TestCrawlDelayIsSharedThroughTheStore(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	var starts []time.Time
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/robots.txt": status(200, nil, "User-agent: *\nCrawl-delay: 1\n"),
		"/page.html":  status(200, map[string]string{"Content-Type": "text/html"}, "<html><body>page</body></html>"),
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			fixture(t, "telquel-fr.xml")(w, r)
		},
	})
	newClient := func() *fetch.Client {
		c, err := fetch.New(fetch.Config{UserAgent: "Revue/test", AllowPrivateNetworks: true, HostConcurrency: 2, CrawlDelays: h.store})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Worker one reads a page, hence robots.txt.
	if _, err := newClient().Fetch(context.Background(), fetch.Request{URL: srv.URL + "/page.html", Kind: fetch.KindPage}); err != nil {
		t.Fatal(err)
	}
	host := revue.HostOf(srv.URL)
	if d, err := h.store.HostCrawlDelay(context.Background(), host); err != nil || d != time.Second {
		t.Fatalf("stored Crawl-delay of %s: %v (%v), want 1s", host, d, err)
	}
	// Worker two, a fresh process, fetches the feed twice.
	other := newClient()
	for range 2 {
		if _, err := other.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/feed.xml", Kind: fetch.KindFeed}); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(starts) != 2 || starts[1].Sub(starts[0]) < 900*time.Millisecond {
		t.Errorf("a second worker's requests %d, %v apart; want the shared 1 s Crawl-delay between them", len(starts), starts[len(starts)-1].Sub(starts[0]))
	}
}
