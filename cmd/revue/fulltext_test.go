package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"revue"
	"revue/internal/extract"
	"revue/internal/store"
)

// TestCrawlReadsFullText: a summary-only feed on loopback links to real
// article pages (a French one in UTF-8, a French one in Latin-1, an Arabic
// one in windows-1256); `revue crawl --once` stores each with the text of
// its page, and keeps the summary of a page that cannot be had.
func TestCrawlReadsFullText(t *testing.T) {
	pages := map[string]struct{ file, contentType string }{
		"/2012/10/27/ayrault":   {"fr-liberation.html.gz", "text/html; charset=utf-8"},
		"/economie/alternative": {"fr-latin1-alternatives-economiques.html.gz", "text/html"},
		"/ar/1256":              {"ar-windows-1256.html", "text/html"},
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.xml" {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Sélection</title><link>`+srv.URL+`/</link>`)
			for i, path := range []string{"/2012/10/27/ayrault", "/economie/alternative", "/ar/1256", "/missing"} {
				fmt.Fprintf(w, `<item><title>Article %d</title><link>%s%s</link><guid>a%d</guid>`+
					`<pubDate>Wed, 25 Mar 2026 0%d:00:00 GMT</pubDate><description>Un résumé de quelques mots.</description></item>`, i, srv.URL, path, i, i+1)
			}
			fmt.Fprint(w, `</channel></rss>`)
			return
		}
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body := readFixture(t, filepath.Join("..", "..", "internal", "extract", "testdata", p.file))
		w.Header().Set("Content-Type", p.contentType)
		w.Write(body)
	}))
	defer srv.Close()

	ta := newTestApp(t)
	ta.env["REVUE_SHORT_TEXT"] = "120"
	ta.mustRun("sources", "add", srv.URL+"/feed.xml", "--no-check", "--name", "Sélection", "--lang", "fr")
	out := ta.mustRun("crawl", "--once")
	if !strings.Contains(out, "4 new articles, 3 full texts read from article pages") {
		t.Fatalf("crawl said %q", out)
	}
	st, err := store.Open(context.Background(), ta.env["REVUE_DATABASE"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.ListArticles(context.Background(), revue.ArticleQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]revue.Article{}
	for _, a := range page.Items {
		full, err := st.GetArticle(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		byPath[strings.TrimPrefix(a.URL, srv.URL)] = full
	}
	for path, want := range map[string]struct {
		words []string
		lang  string
	}{
		"/2012/10/27/ayrault":   {[]string{"Ayrault", "Toulouse"}, "fr"},
		"/economie/alternative": {[]string{"é"}, "fr"},
		"/ar/1256":              {[]string{"ال"}, "ar"},
	} {
		a := byPath[path]
		if a.Page != revue.PageDone || len(strings.Fields(a.Text)) < 20 || a.Lang != want.lang {
			t.Errorf("%s: page %q (%s), %d words of text, lang %q; want the page's text in %s", path, a.Page, a.PageError, len(strings.Fields(a.Text)), a.Lang, want.lang)
		}
		for _, w := range want.words {
			if !strings.Contains(a.Text, w) {
				t.Errorf("%s: the text lacks %q (charset decoded wrong?): %.200q", path, w, a.Text)
			}
		}
		if strings.Contains(a.ContentHTML, "<script") || !strings.Contains(a.ContentHTML, "<p>") {
			t.Errorf("%s: content HTML not sanitized paragraphs: %.200q", path, a.ContentHTML)
		}
	}
	if a := byPath["/missing"]; a.Page != revue.PageFailed || !strings.Contains(a.PageError, "404") || a.Summary != "Un résumé de quelques mots." {
		t.Errorf("/missing: page %q, error %q, summary %q; want failed with the feed's summary kept", a.Page, a.PageError, a.Summary)
	}
}

// readFixture reads a file, gunzipping it when its name ends in .gz.
func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The crawler's page reader passes on what the extractor found that the
// store keeps: here the page's own date, which dates an undated item.
func TestPageReaderKeepsThePagesDate(t *testing.T) {
	page := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Inondations à Safi</title>
<meta property="article:published_time" content="2026-11-30T07:45:00+01:00"></head>
<body><article><h1>Inondations à Safi</h1><p>` + strings.Repeat("Les pluies diluviennes ont frappé la ville de Safi dimanche matin. ", 12) + `</p>
<p>` + strings.Repeat("Les services de secours sont intervenus dans plusieurs quartiers inondés. ", 10) + `</p></article></body></html>`
	read, err := pageReader(extract.New())(context.Background(), []byte(page), "text/html; charset=utf-8", "https://news.example/safi", revue.ExtractRules{})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 6, 45, 0, 0, time.UTC); !read.PublishedAt.Equal(want) {
		t.Errorf("the page's date: %v, want %v", read.PublishedAt, want)
	}
	if !strings.Contains(read.Text, "Safi") || read.Lang != "fr" {
		t.Errorf("the page read: lang %q, text %.80q", read.Lang, read.Text)
	}
}
