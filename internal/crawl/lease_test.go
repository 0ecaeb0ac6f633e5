package crawl

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"revue"
)

// A fetch that outlasts its lease lets the store offer the source again,
// to the very process fetching it: one pass must still fetch it once.
func TestFetchOutlastingItsLeaseIsNotRepeated(t *testing.T) {
	h := newHarness(t)
	const lease = time.Minute
	slowArrived := make(chan struct{})
	fastDone := make(chan struct{})
	var once sync.Once
	feed := func(w http.ResponseWriter, title string) {
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>`+
			`<item><title>%s</title><link>http://example.org/%s</link><pubDate>Wed, 25 Mar 2026 07:00:00 GMT</pubDate></item></channel></rss>`, title, title, title)
	}
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/slow.xml": func(w http.ResponseWriter, r *http.Request) {
			first := false
			once.Do(func() { first = true })
			if first {
				// The lease runs out while this fetch goes on, and the
				// other source's end makes the crawler claim again.
				h.clock.Advance(2 * lease)
				close(slowArrived)
				<-fastDone
				time.Sleep(300 * time.Millisecond)
			}
			feed(w, "slow")
		},
		"/fast.xml": func(w http.ResponseWriter, r *http.Request) {
			<-slowArrived
			feed(w, "fast")
		},
	})
	for _, name := range []string{"slow", "fast"} {
		if _, err := h.store.AddSource(context.Background(), revue.Source{Name: name, FeedURL: srv.URL + "/" + name + ".xml", Lang: "en", Enabled: true}, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	c := h.crawlerWith(t, "w", func(cfg *Config) {
		cfg.Lease = lease
		cfg.SourceDone = func(res Result) {
			if res.Source.Name == "fast" {
				close(fastDone)
			}
		}
	})
	sum, err := c.Once(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Hits("/slow.xml"); got != 1 {
		t.Errorf("the slow feed was fetched %d times in one pass, want once", got)
	}
	if sum.Sources != 2 {
		t.Errorf("the pass fetched %d sources, want 2", sum.Sources)
	}
}
