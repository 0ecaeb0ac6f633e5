package crawl

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A real radio feed: 15 episodes without <guid>, all linking to the show's
// page. Each is an article.
func TestEpisodesSharingALinkAreAllStored(t *testing.T) {
	h := newHarness(t)
	srv := newFeedServer(t, map[string]http.HandlerFunc{"/rsr.xml": fixture(t, "rsr-fr.xml")})
	h.add(t, "RSR", srv.URL+"/rsr.xml", "fr")
	sum, err := h.crawler(t, "w").Once(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles != 15 {
		t.Errorf("stored %d of the feed's 15 episodes", sum.Articles)
	}
	titles := map[string]bool{}
	for _, a := range h.articles(t) {
		titles[a.Title] = true
	}
	if len(titles) != sum.Articles {
		t.Errorf("%d distinct titles among %d articles", len(titles), sum.Articles)
	}
	// The next pass finds them all stored.
	h.clock.Advance(time.Hour)
	if sum, err := h.crawler(t, "w").Once(context.Background(), true); err != nil || sum.Articles != 0 {
		t.Errorf("second pass: %+v, %v; want nothing new", sum, err)
	}
}

// A feed cut off in the middle is kept as far as it goes, and the source
// says so without being backed off.
func TestCutOffFeedIsAWarningNotAFailure(t *testing.T) {
	h := newHarness(t)
	body, err := os.ReadFile(filepath.Join("testdata", "telquel-fr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// Cut inside the third item.
	items := strings.SplitAfter(string(body), "</item>")
	cut := items[0] + items[1] + items[2][:len(items[2])/2]
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/cut.xml": status(200, map[string]string{"Content-Type": "application/rss+xml; charset=utf-8"}, cut),
	})
	src := h.add(t, "Cut", srv.URL+"/cut.xml", "fr")
	var res Result
	c := h.crawlerWith(t, "w", func(cfg *Config) { cfg.SourceDone = func(r Result) { res = r } })
	if _, err := c.Once(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if res.Err != nil || len(res.New) != 2 || res.Warning == "" {
		t.Fatalf("result: %d new, error %v, warning %q; want the 2 whole items and a warning", len(res.New), res.Err, res.Warning)
	}
	got := h.source(t, src.ID)
	if !strings.Contains(got.LastError, "ends before its end") || !strings.Contains(got.LastError, "2 whole items kept") {
		t.Errorf("last error %q, want words saying the feed was cut and 2 items were kept", got.LastError)
	}
	if got.ConsecutiveFailures != 0 || got.LastSuccessAt.IsZero() {
		t.Errorf("failures %d, last success %v: a partial read must not count as a failure", got.ConsecutiveFailures, got.LastSuccessAt)
	}
	if wait := got.NextFetchAt.Sub(h.clock.Now()); wait > 26*time.Hour || wait < 4*time.Minute {
		t.Errorf("next fetch in %v, want the ordinary schedule", wait)
	}
	log, err := h.store.FetchLog(context.Background(), src.ID, 1)
	if err != nil || len(log) != 1 || log[0].Warning == "" || log[0].Err != "" {
		t.Errorf("fetch log %+v (%v): want the warning, and no error", log, err)
	}
}

// Undated items of a new source are backlog: dated from the evidence, kept
// out of the ticker. Undated items seen later are news.
func TestUndatedItems(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	extra := ""
	doc := func() string {
		mu.Lock()
		defer mu.Unlock()
		return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Annonces</title>
<link>https://annonces.example/</link><lastBuildDate>Fri, 14 May 2021 09:00:00 GMT</lastBuildDate>` + extra + `
<item><title>Offre d'emploi 17/17</title><link>https://annonces.example/17</link><description>Publié en mai.</description></item>
<item><title>Offre d'emploi 16/17</title><link>https://annonces.example/16</link><description>Publié en avril.</description></item>
</channel></rss>`
	}
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/annonces.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Header().Set("Last-Modified", "Sat, 15 May 2021 10:00:00 GMT")
			fmt.Fprint(w, doc())
		},
	})
	h.add(t, "Annonces", srv.URL+"/annonces.xml", "fr")
	if _, err := h.crawler(t, "w").Once(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	lastBuild := time.Date(2021, 5, 14, 9, 0, 0, 0, time.UTC)
	backlog := h.articles(t)
	if len(backlog) != 2 {
		t.Fatalf("%d articles, want 2", len(backlog))
	}
	for _, a := range backlog {
		if !a.DateEstimated || a.PublishedAt.After(lastBuild) || lastBuild.Sub(a.PublishedAt) > time.Second {
			t.Errorf("%q dated %v (estimated %v), want the channel's date %v, flagged", a.Title, a.PublishedAt, a.DateEstimated, lastBuild)
		}
	}
	if backlog[0].Title != "Offre d'emploi 17/17" {
		t.Errorf("newest first is %q, want the feed's first item", backlog[0].Title)
	}
	if ticker, err := h.store.Ticker(context.Background(), 10); err != nil || len(ticker) != 0 {
		t.Errorf("ticker %v (%v), want no undated backlog", ticker, err)
	}

	mu.Lock()
	extra = `<item><title>Offre d'emploi 18/17</title><link>https://annonces.example/18</link><description>Nouveau.</description></item>`
	mu.Unlock()
	h.clock.Advance(time.Hour)
	seen := h.clock.Now()
	if _, err := h.crawler(t, "w").Once(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	ticker, err := h.store.Ticker(context.Background(), 10)
	if err != nil || len(ticker) != 1 || ticker[0].Title != "Offre d'emploi 18/17" || !ticker[0].PublishedAt.Equal(seen) {
		t.Errorf("ticker after a later fetch: %+v (%v); want the new item dated when it was first seen, %v", ticker, err, seen)
	}
}
