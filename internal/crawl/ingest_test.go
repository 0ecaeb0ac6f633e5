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

	"revue"
	"revue/internal/feed"
)

// The same article from two outlets, linked with different tracking
// parameters: one article, crediting both.
func TestSameArticleFromTwoSourcesIsCredited(t *testing.T) {
	h := newHarness(t)
	item := func(guid, link, title string) string {
		return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title><link>https://outlet.example/</link>` +
			`<item><guid isPermaLink="false">` + guid + `</guid><title>` + title + `</title><link>` + link + `</link>` +
			`<pubDate>Wed, 25 Mar 2026 07:00:00 GMT</pubDate><description>La dépêche.</description></item></channel></rss>`
	}
	serve := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, body)
		}
	}
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/agency.xml": serve(item("agency-1", "https://wire.example/maroc/hopitaux?utm_source=rss&utm_medium=feed", "Maroc : 3 hôpitaux militaires de campagne")),
		"/relay.xml":  serve(item("relay-99", "https://wire.example/maroc/hopitaux?utm_campaign=relay&fbclid=abc", "Maroc: trois hôpitaux de campagne")),
	})
	agency := h.add(t, "Agence", srv.URL+"/agency.xml", "fr")
	relay := h.add(t, "Relais", srv.URL+"/relay.xml", "fr")
	var mu sync.Mutex
	results := map[int64]Result{}
	c := h.crawlerWith(t, "w", func(cfg *Config) {
		cfg.Concurrency = 1 // the agency first: sources are claimed in due order
		cfg.SourceDone = func(r Result) {
			mu.Lock()
			defer mu.Unlock()
			results[r.Source.ID] = r
		}
	})
	if _, err := c.Once(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if r := results[agency.ID]; len(r.New) != 1 || r.Credited != 0 {
		t.Fatalf("agency: %d new, %d credited; want 1 and 0", len(r.New), r.Credited)
	}
	if r := results[relay.ID]; len(r.New) != 0 || r.Credited != 1 || r.Err != nil {
		t.Fatalf("relay: %d new, %d credited (%v); want 0 and 1", len(r.New), r.Credited, r.Err)
	}
	all := h.articles(t)
	if len(all) != 1 {
		t.Fatalf("%d articles stored, want 1", len(all))
	}
	got, err := h.store.GetArticle(context.Background(), all[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SourceID != agency.ID || len(got.Credits) != 1 || got.Credits[0].SourceID != relay.ID ||
		!strings.Contains(got.Credits[0].URL, "utm_campaign=relay") {
		t.Errorf("article from %d with credits %+v; want the agency's, crediting the relay with its own link", got.SourceID, got.Credits)
	}
	if s := h.source(t, relay.ID); s.LastError != "" || s.ConsecutiveFailures != 0 {
		t.Errorf("crediting made the relay look unhealthy: %q", s.LastError)
	}
}

// A 304 that repeats no validator keeps the ones stored, and the next
// request sends them again.
func TestNotModifiedWithoutValidatorsKeepsThem(t *testing.T) {
	h := newHarness(t)
	body, err := os.ReadFile(filepath.Join("testdata", "telquel-fr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	const etag, modified = `"v1"`, "Wed, 25 Mar 2026 07:00:00 GMT"
	var mu sync.Mutex
	var sent []string
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			sent = append(sent, r.Header.Get("If-None-Match")+"|"+r.Header.Get("If-Modified-Since"))
			n := len(sent)
			mu.Unlock()
			if n == 1 {
				w.Header().Set("ETag", etag)
				w.Header().Set("Last-Modified", modified)
				w.Write(body)
				return
			}
			w.WriteHeader(http.StatusNotModified) // no ETag, no Last-Modified
		},
	})
	src := h.add(t, "TelQuel", srv.URL+"/feed.xml", "fr")
	for pass := range 3 {
		if _, err := h.crawler(t, "w").Once(context.Background(), pass > 0); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Minute)
		got := h.source(t, src.ID)
		if got.ETag != etag || got.LastModified != modified {
			t.Fatalf("after pass %d: validators %q / %q, want %q / %q kept", pass+1, got.ETag, got.LastModified, etag, modified)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"|", etag + "|" + modified, etag + "|" + modified}
	if strings.Join(sent, ", ") != strings.Join(want, ", ") {
		t.Errorf("conditional headers sent %q, want %q", sent, want)
	}
}

func TestDateUndated(t *testing.T) {
	fetched := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return fetched.Add(-time.Duration(h) * time.Hour) }
	items := func(dates ...time.Time) []feed.Item {
		out := make([]feed.Item, len(dates))
		for i, d := range dates {
			out[i] = feed.Item{Title: fmt.Sprint("item ", i), PublishedAt: d}
		}
		return out
	}
	never := time.Time{}
	readBefore := revue.Source{LastSuccessAt: at(24)}
	cases := []struct {
		name          string
		feed          feed.Feed
		src           revue.Source
		lastModified  string
		want          []time.Time
		wantEstimated []bool
	}{
		{"dated items keep their dates", feed.Feed{Items: items(at(1), at(2))}, revue.Source{}, "",
			[]time.Time{at(1), at(2)}, []bool{false, false}},
		{"between two dated neighbours: the older", feed.Feed{Items: items(at(1), never, at(5))}, revue.Source{}, "",
			[]time.Time{at(1), at(5).Add(-time.Microsecond), at(5)}, []bool{false, true, false}},
		{"at the top: the neighbour below", feed.Feed{Items: items(never, at(3))}, revue.Source{}, "",
			[]time.Time{at(3), at(3)}, []bool{true, false}},
		{"no neighbour: the channel's date", feed.Feed{Updated: at(48), Items: items(never, never)}, revue.Source{}, "",
			[]time.Time{at(48), at(48).Add(-time.Microsecond)}, []bool{true, true}},
		{"no channel date: Last-Modified", feed.Feed{Items: items(never)}, revue.Source{}, at(30).Format(http.TimeFormat),
			[]time.Time{at(30)}, []bool{true}},
		{"the older of channel date and Last-Modified", feed.Feed{Updated: at(10), Items: items(never)}, revue.Source{}, at(30).Format(http.TimeFormat),
			[]time.Time{at(30)}, []bool{true}},
		{"a neighbour newer than the channel's date is capped", feed.Feed{Updated: at(10), Items: items(at(2), never)}, revue.Source{}, "",
			[]time.Time{at(2), at(10).Add(-time.Microsecond)}, []bool{false, true}},
		{"a channel date in the future is no bound", feed.Feed{Updated: fetched.Add(time.Hour), Items: items(never)}, revue.Source{}, "",
			[]time.Time{fetched}, []bool{true}},
		{"no evidence: the fetch, flagged", feed.Feed{Items: items(never)}, revue.Source{}, "",
			[]time.Time{fetched}, []bool{true}},
		{"a source read before: first seen, news", feed.Feed{Updated: at(48), Items: items(never, at(5))}, readBefore, "",
			[]time.Time{fetched, at(5)}, []bool{false, false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dates, estimated := dateUndated(&tc.feed, tc.src, tc.lastModified, fetched)
			for i := range tc.want {
				if !dates[i].Equal(tc.want[i]) || estimated[i] != tc.wantEstimated[i] {
					t.Errorf("item %d: %v estimated=%v, want %v estimated=%v", i, dates[i], estimated[i], tc.want[i], tc.wantEstimated[i])
				}
			}
		})
	}
}
