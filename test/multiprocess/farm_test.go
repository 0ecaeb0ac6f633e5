//go:build unix

package multiprocess

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revue/internal/opml"
)

// brokenKind makes one farm feed fail in a chosen way.
type brokenKind int

const (
	healthy    brokenKind = iota
	serverFail            // answers 500
	invalidXML            // answers 200 with a truncated document
)

// hit is one request the farm answered.
type hit struct {
	feed   int
	at     time.Time // when the request arrived
	gen    int       // generation served (or confirmed by a 304)
	status int
}

// farm serves N RSS feeds on loopback at /feed/{i}.xml. Feed i at
// generation g lists items n = 0 … (g+1)·perGen−1, newest first, with the
// link https://news{i%7}.example/{i}/{n}; every feed moves to the next
// generation together (bump). Each generation has its own ETag, so a
// conditional request for an unchanged feed is answered 304.
type farm struct {
	srv      *httptest.Server
	feeds    int
	perGen   int
	minDelay time.Duration
	maxDelay time.Duration
	broken   map[int]brokenKind
	// published is the date of item 0; item n is n minutes later. It is
	// recent, because the portal's live ticker leaves out old news.
	published time.Time

	gen atomic.Int64

	mu   sync.Mutex
	hits []hit
}

type farmConfig struct {
	feeds              int
	perGen             int
	minDelay, maxDelay time.Duration // spread over the feeds
	broken             map[int]brokenKind
}

func newFarm(t *testing.T, cfg farmConfig) *farm {
	t.Helper()
	f := &farm{
		feeds: cfg.feeds, perGen: cfg.perGen, minDelay: cfg.minDelay, maxDelay: cfg.maxDelay,
		broken:    cfg.broken,
		published: time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC(),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed/{name}", f.serveFeed)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *farm) feedURL(i int) string { return fmt.Sprintf("%s/feed/%d.xml", f.srv.URL, i) }

func itemLink(feed, n int) string {
	return fmt.Sprintf("https://news%d.example/%d/%d", feed%7, feed, n)
}

func itemGUID(feed, n int) string { return fmt.Sprintf("revue-multiprocess:%d:%d", feed, n) }

func itemTitle(feed, n int) string {
	return fmt.Sprintf("Harbour news %d from the city desk of feed %d", n, feed)
}

// itemsAt is how many items every healthy feed lists at generation g.
func (f *farm) itemsAt(g int) int { return (g + 1) * f.perGen }

func (f *farm) bump() int { return int(f.gen.Add(1)) }

func (f *farm) generation() int { return int(f.gen.Load()) }

// delay spreads response times over the feeds deterministically.
func (f *farm) delay(i int) time.Duration {
	span := f.maxDelay - f.minDelay
	if span <= 0 {
		return f.minDelay
	}
	return f.minDelay + time.Duration(i*7919%1000)*span/1000
}

func (f *farm) serveFeed(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	i, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("name"), ".xml"))
	if err != nil || i < 0 || i >= f.feeds || !strings.HasSuffix(r.PathValue("name"), ".xml") {
		http.NotFound(w, r)
		return
	}
	g := f.generation()
	status := f.answer(w, r, i, g)
	f.mu.Lock()
	f.hits = append(f.hits, hit{feed: i, at: arrived, gen: g, status: status})
	f.mu.Unlock()
}

func (f *farm) answer(w http.ResponseWriter, r *http.Request, i, g int) int {
	select {
	case <-time.After(f.delay(i)):
	case <-r.Context().Done():
		return 0
	}
	switch f.broken[i] {
	case serverFail:
		http.Error(w, "the feed generator crashed", http.StatusInternalServerError)
		return http.StatusInternalServerError
	case invalidXML:
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title><item><title>never closed`, i)
		return http.StatusOK
	}
	etag := fmt.Sprintf(`"feed%d-gen%d"`, i, g)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(f.render(i, g))
	return http.StatusOK
}

func (f *farm) render(i, g int) []byte {
	var b bytes.Buffer
	site := fmt.Sprintf("https://news%d.example/%d/", i%7, i)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Feed %d</title><link>%s</link><description>Loopback feed %d</description><language>en</language>
`, i, site, i)
	for n := f.itemsAt(g) - 1; n >= 0; n-- {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><description>%s</description></item>
`, html.EscapeString(itemTitle(i, n)), itemLink(i, n), itemGUID(i, n),
			f.published.Add(time.Duration(n)*time.Minute).Format(time.RFC1123Z),
			html.EscapeString(fmt.Sprintf("The harbour of city %d reopened after the storm; item %d of the loopback feed.", i, n)))
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// requests returns a copy of every request answered so far.
func (f *farm) requests() []hit {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]hit(nil), f.hits...)
}

// byFeed groups hits by feed, in arrival order.
func byFeed(hits []hit) map[int][]hit {
	out := map[int][]hit{}
	for _, h := range hits {
		out[h.feed] = append(out[h.feed], h)
	}
	return out
}

// expected is the (feed URL, GUID) of every item the healthy feeds list at
// generation g.
func (f *farm) expected(g int) map[itemKey]bool {
	out := map[itemKey]bool{}
	for i := range f.feeds {
		if f.broken[i] != healthy {
			continue
		}
		for n := range f.itemsAt(g) {
			out[itemKey{feedURL: f.feedURL(i), guid: itemGUID(i, n)}] = true
		}
	}
	return out
}

// writeOPML writes an OPML file following every feed of the farm.
func (f *farm) writeOPML(t *testing.T) string {
	t.Helper()
	outlines := make([]opml.Outline, 0, f.feeds)
	for i := range f.feeds {
		outlines = append(outlines, opml.Outline{
			Title: fmt.Sprintf("Feed %d", i), FeedURL: f.feedURL(i),
			SiteURL: fmt.Sprintf("https://news%d.example/%d/", i%7, i), Lang: "en",
		})
	}
	path := filepath.Join(t.TempDir(), "farm.opml")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if err := opml.Write(file, "Loopback farm", outlines, time.Now()); err != nil {
		t.Fatalf("writing the farm's OPML: %v", err)
	}
	return path
}
