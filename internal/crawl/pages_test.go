package crawl

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"revue"
	"revue/internal/fetch"
	"revue/internal/tag"
)

// articleReader stands in for the extractor: the text of the page's
// <article>, its byline in <address>, its lead image, its robots meta.
func articleReader(calls *atomic.Int32) PageReader {
	body := regexp.MustCompile(`(?s)<article>(.*?)</article>`)
	byline := regexp.MustCompile(`<address>(.*?)</address>`)
	img := regexp.MustCompile(`<img src="([^"]+)" alt="([^"]*)"`)
	return func(ctx context.Context, page []byte, contentType, pageURL string, rules revue.ExtractRules) (ReadPage, error) {
		calls.Add(1)
		var r ReadPage
		if m := body.FindSubmatch(page); m != nil {
			r.Text = strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(m[1]), ""))
			r.HTML = "<p>" + r.Text + "</p>"
			r.Words = len(strings.Fields(r.Text))
		}
		if m := byline.FindSubmatch(page); m != nil {
			r.Byline = string(m[1])
		}
		if m := img.FindSubmatch(page); m != nil {
			r.Images = []revue.Image{{URL: string(m[1]), Alt: string(m[2]), Width: 800, Height: 450}}
		}
		if m := regexp.MustCompile(`<time datetime="([^"]+)"`).FindSubmatch(page); m != nil {
			r.PublishedAt, _ = time.Parse(time.RFC3339, string(m[1]))
		}
		r.NoArchive = strings.Contains(string(page), `content="noarchive"`)
		r.Lang = "fr"
		if m := regexp.MustCompile(`<html lang="([a-z]+)"`).FindSubmatch(page); m != nil {
			r.Lang = string(m[1])
		}
		return r, nil
	}
}

func summaryFeed(base string, items ...[2]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Le360</title><link>` + base + `/</link>`)
	for i, it := range items {
		fmt.Fprintf(&b, `<item><title>Titre %d</title><link>%s%s</link><guid>g%d</guid><pubDate>Wed, 25 Mar 2026 0%d:00:00 GMT</pubDate>`+
			`<description>%s</description></item>`, i, base, it[0], i, i+1, it[1])
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func TestShortItemsGetTheirPagesText(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Le texte du flux est déjà complet. ", 30)
	var srvURL string
	var calls atomic.Int32
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/robots.txt": status(200, nil, "User-agent: *\nDisallow: /prive/\n"),
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, summaryFeed(srvURL,
				[2]string{"/a/full", "Un court résumé."},
				[2]string{"/a/long", long},
				[2]string{"/a/gone", "Court."},
				[2]string{"/a/busy", "Court aussi."},
				[2]string{"/prive/x", "Court, mais interdit."},
				[2]string{"/a/noarchive", "Encore court."},
			))
		},
		"/a/full": status(200, map[string]string{"Content-Type": "text/html; charset=utf-8"},
			`<html><body><nav>Menu</nav><article>Le texte entier de l'article, bien plus long que son résumé.</article>`+
				`<address>Leïla Benali</address><img src="/img/lead.jpg" alt="Le port de Tanger"></body></html>`),
		"/a/gone":      status(404, nil, "not here"),
		"/a/busy":      status(503, nil, "try later"),
		"/a/noarchive": status(200, nil, `<html><head><meta name="robots" content="noarchive"></head><body><article>Texte protégé.</article></body></html>`),
	})
	srvURL = srv.URL
	src := h.add(t, "Le360", srv.URL+"/feed.xml", "fr")
	c := h.crawlerWith(t, "w", func(cfg *Config) { cfg.Pages = articleReader(&calls) })
	sum, err := c.OnceWithPages(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles != 6 || sum.Pages != 2 {
		t.Errorf("pass: %+v, want 6 articles and 2 pages read", sum)
	}
	byPath := map[string]revue.Article{}
	for _, a := range h.articles(t) {
		full, err := h.store.GetArticle(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		byPath[strings.TrimPrefix(a.URL, srv.URL)] = full
	}
	checks := []struct {
		path    string
		page    revue.PageState
		text    string // wanted in Text; "" wants none
		errWord string
	}{
		{"/a/full", revue.PageDone, "Le texte entier", ""},
		{"/a/long", revue.PageNone, "", ""},
		{"/a/gone", revue.PageFailed, "", "404"},
		{"/a/busy", revue.PagePending, "", "503"},
		{"/prive/x", revue.PageFailed, "", "robots.txt"},
		{"/a/noarchive", revue.PageDone, "Texte protégé", ""},
	}
	for _, tc := range checks {
		a := byPath[tc.path]
		if a.Page != tc.page || (tc.text == "") != (a.Text == "") || !strings.Contains(a.Text, tc.text) || !strings.Contains(a.PageError, tc.errWord) {
			t.Errorf("%s: page %q, text %q, error %q; want %q, text with %q, error with %q", tc.path, a.Page, a.Text, a.PageError, tc.page, tc.text, tc.errWord)
		}
		if a.Page != revue.PageDone && a.Summary == "" {
			t.Errorf("%s: the feed's summary was lost", tc.path)
		}
	}
	full := byPath["/a/full"]
	if full.Byline != "Leïla Benali" || full.ContentHTML != "<p>Le texte entier de l'article, bien plus long que son résumé.</p>" ||
		len(full.Images) != 1 || full.Images[0].Alt != "Le port de Tanger" || full.Images[0].Width != 800 {
		t.Errorf("the page read: byline %q, content %q, images %+v", full.Byline, full.ContentHTML, full.Images)
	}
	if byPath["/a/noarchive"].Robots != revue.RepublishExcerpt {
		t.Errorf("noarchive page: robots %q, want excerpt", byPath["/a/noarchive"].Robots)
	}
	if srv.Hits("/prive/x") != 0 || srv.Hits("/a/long") != 0 {
		t.Errorf("fetched a page robots.txt forbids (%d) or one not needed (%d)", srv.Hits("/prive/x"), srv.Hits("/a/long"))
	}
	if got := h.source(t, src.ID); got.LastError != "" || got.ConsecutiveFailures != 0 {
		t.Errorf("page failures reached the source's health: %q", got.LastError)
	}

	// The busy page is retried later, a bounded number of times.
	for attempt := 2; attempt <= 4; attempt++ {
		h.clock.Advance(24 * time.Hour)
		if _, err := c.Pages(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Hits("/a/busy"); n != defaultPageRetries {
		t.Errorf("the busy page was asked %d times, want %d", n, defaultPageRetries)
	}
	busy, _ := h.store.GetArticle(context.Background(), byPath["/a/busy"].ID)
	if busy.Page != revue.PageFailed || busy.Summary == "" {
		t.Errorf("after its retries the busy page is %q (summary %q), want failed with the feed's text kept", busy.Page, busy.Summary)
	}
}

// An item whose feed gives no date is dated by the crawler's estimate;
// its page's own date, once read, replaces the estimate, unless it lies
// ahead of the crawl's clock.
func TestUndatedItemsTakeTheirPagesDate(t *testing.T) {
	h := newHarness(t)
	var srvURL string
	var calls atomic.Int32
	item := func(path string) string {
		return `<item><title>` + path + `</title><link>` + srvURL + path + `</link><description>Court.</description></item>`
	}
	page := func(date string) http.HandlerFunc {
		return status(200, map[string]string{"Content-Type": "text/html; charset=utf-8"},
			`<html><body><time datetime="`+date+`">date</time><article>Le texte entier de l'article.</article></body></html>`)
	}
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Valencia</title><link>`+srvURL+`/</link>`+
				item("/a/dated-page")+item("/a/future-page")+`</channel></rss>`)
		},
		"/a/dated-page":  page("2026-03-20T08:00:00Z"),
		"/a/future-page": page("2099-01-01T00:00:00Z"),
	})
	srvURL = srv.URL
	h.add(t, "Valencia", srv.URL+"/feed.xml", "es")
	c := h.crawlerWith(t, "w", func(cfg *Config) { cfg.Pages = articleReader(&calls) })
	if sum, err := c.OnceWithPages(context.Background(), false); err != nil || sum.Pages != 2 {
		t.Fatalf("pass: %+v, %v; want 2 pages read", sum, err)
	}
	for _, a := range h.articles(t) {
		got, err := h.store.GetArticle(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch strings.TrimPrefix(got.URL, srv.URL) {
		case "/a/dated-page":
			if want := time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC); !got.PublishedAt.Equal(want) || got.DateEstimated {
				t.Errorf("dated page: published %v (estimated %v), want the page's %v", got.PublishedAt, got.DateEstimated, want)
			}
		case "/a/future-page":
			if !got.DateEstimated || got.PublishedAt.Year() == 2099 {
				t.Errorf("a page dated ahead of the clock: published %v (estimated %v), want the estimate kept", got.PublishedAt, got.DateEstimated)
			}
		default:
			t.Errorf("unexpected article %s", got.URL)
		}
	}
}

// A page's language counts when it is one of the followed languages;
// otherwise the item keeps its own, detected among them and the source's.
func TestPagesLanguageAmongTheFollowed(t *testing.T) {
	h := newHarness(t)
	var srvURL string
	var calls atomic.Int32
	page := func(lang string) http.HandlerFunc {
		return status(200, map[string]string{"Content-Type": "text/html; charset=utf-8"},
			`<html lang="`+lang+`"><body><article>El texto entero del artículo.</article></body></html>`)
	}
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, summaryFeed(srvURL, [2]string{"/a/it", "Corto."}, [2]string{"/a/en", "Corto."}))
		},
		"/a/it": page("it"),
		"/a/en": page("en"),
	})
	srvURL = srv.URL
	h.add(t, "El País", srv.URL+"/feed.xml", "es")
	c := h.crawlerWith(t, "w", func(cfg *Config) {
		cfg.Pages = articleReader(&calls)
		cfg.Languages = []string{"fr", "ar", "es", "en"}
	})
	if sum, err := c.OnceWithPages(context.Background(), false); err != nil || sum.Pages != 2 {
		t.Fatalf("pass: %+v, %v; want 2 pages read", sum, err)
	}
	want := map[string]string{"/a/it": "es", "/a/en": "en"}
	for _, a := range h.articles(t) {
		got, _ := h.store.GetArticle(context.Background(), a.ID)
		if path := strings.TrimPrefix(got.URL, srv.URL); got.Lang != want[path] {
			t.Errorf("%s: language %q, want %q", path, got.Lang, want[path])
		}
	}
}

func TestRetryable(t *testing.T) {
	h := newHarness(t)
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/404": status(404, nil, ""), "/410": status(410, nil, ""), "/500": status(500, nil, ""), "/503": status(503, nil, ""),
		"/429": status(429, nil, ""), "/403": status(403, nil, ""),
	})
	for path, want := range map[string]bool{"/404": false, "/410": false, "/403": false, "/500": true, "/503": true, "/429": true} {
		_, err := h.fetch.Fetch(context.Background(), fetchPageRequest(srv.URL+path))
		if err == nil {
			t.Fatalf("%s: no error", path)
		}
		if got := retryable(err); got != want {
			t.Errorf("%s: retryable = %v, want %v (%v)", path, got, want, err)
		}
	}
	if retryable(errNoArticle) != true {
		t.Errorf("a page with no article found this time is worth asking again")
	}
}

func fetchPageRequest(url string) fetch.Request { return fetch.Request{URL: url, Kind: fetch.KindPage} }

// A running crawler reads the page of an article as soon as its feed is
// stored, not at its next idle wake-up.
func TestRunReadsPagesAsTheyArrive(t *testing.T) {
	h := newHarness(t)
	var srvURL string
	var calls atomic.Int32
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, summaryFeed(srvURL, [2]string{"/a/1", "Court."}))
		},
		"/a/1": status(200, nil, `<html><body><article>Le texte entier.</article></body></html>`),
	})
	srvURL = srv.URL
	h.add(t, "Le360", srv.URL+"/feed.xml", "fr")
	c := h.crawlerWith(t, "w", func(cfg *Config) {
		cfg.Pages = articleReader(&calls)
		cfg.Idle = time.Hour
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if all := h.articles(t); len(all) == 1 {
			if a, _ := h.store.GetArticle(context.Background(), all[0].ID); a.Page == revue.PageDone {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page was not read 15 s after its feed (the idle wait is an hour)")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLead(t *testing.T) {
	long := strings.Repeat("mot ", 200)
	tests := []struct{ text, want string }{
		{"", ""},
		{"Un seul paragraphe.", "Un seul paragraphe."},
		{"Premier.\n\nDeuxième.\n\n", "Premier.\n\nDeuxième."},
		{"Premier.\n\n" + long, "Premier."},
		{long + "\n\nSuite.", long[:leadRunes]},
	}
	for _, tc := range tests {
		if got := lead(tc.text); got != tc.want {
			t.Errorf("lead(%.30q…) = %.40q…, want %.40q…", tc.text, got, tc.want)
		}
	}
}

// A page's lead can place an article its feed's short summary did not:
// its regions are added to the article's.
func TestPagesLeadAddsRegions(t *testing.T) {
	h := newHarness(t)
	var srvURL string
	var calls atomic.Int32
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, summaryFeed(srvURL, [2]string{"/a/quake", "Le bilan s'alourdit."}))
		},
		"/a/quake": status(200, map[string]string{"Content-Type": "text/html; charset=utf-8"},
			`<html><body><article>Les secours poursuivent leurs recherches dans la province d'Al Haouz et à Taroudant.</article></body></html>`),
	})
	srvURL = srv.URL
	h.add(t, "Le Matin", srv.URL+"/feed.xml", "fr")
	regions, err := tag.New(tag.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := h.crawlerWith(t, "w", func(cfg *Config) {
		cfg.Pages = articleReader(&calls)
		cfg.Regions = regions
	})
	if sum, err := c.OnceWithPages(context.Background(), false); err != nil || sum.Pages != 1 {
		t.Fatalf("pass: %+v, %v; want 1 page read", sum, err)
	}
	a := h.articles(t)[0]
	got, _ := h.store.GetArticle(context.Background(), a.ID)
	if want := []string{"marrakech-safi", "souss-massa"}; !slices.Equal(got.Regions, want) {
		t.Errorf("regions after the page: %q, want %q", got.Regions, want)
	}
}
