// Package discover finds the feed behind a URL a person typed: the URL may
// be the feed itself, or a site page that announces its feed with
// <link rel="alternate">, or a site whose feed sits at one of the usual
// paths.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue/internal/charset"
	"revue/internal/feed"
	"revue/internal/fetch"
)

// Fetcher is the network door (fetch.Client).
type Fetcher interface {
	Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Result is the feed that was found and how.
type Result struct {
	FeedURL string
	Title   string
	SiteURL string
	Lang    string
	Items   int
	// How says in words how the feed was found, for the person who asked.
	How string
}

// usualPaths are where publishing systems put their feed (WordPress,
// Drupal, Ghost, Hugo, Blogger, Joomla), most common first.
var usualPaths = []string{"/feed", "/rss", "/feed/", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/posts/default", "/?format=feed&type=rss"}

// Find returns the feed for rawURL.
func Find(ctx context.Context, f Fetcher, rawURL string, now time.Time) (Result, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Result{}, fmt.Errorf("%q is not an http(s) URL", rawURL)
	}
	start := u.String()
	resp, err := f.Fetch(ctx, fetch.Request{URL: start, Kind: fetch.KindFeed})
	if err != nil {
		return Result{}, fmt.Errorf("fetching %s: %w", start, err)
	}
	text, _, err := charset.ToUTF8(resp.Body, resp.ContentType)
	if err != nil {
		return Result{}, fmt.Errorf("decoding %s: %w", resp.URL, err)
	}
	if parsed, perr := feed.Parse(ctx, text, feed.Options{Now: now, FeedURL: resp.URL}); perr == nil {
		return result(resp.URL, parsed, "the URL is a feed"), nil
	}

	tried := []string{start}
	for _, cand := range alternates(text, resp.URL) {
		if r, ok := try(ctx, f, cand, now, "announced by the page's <link rel=\"alternate\">"); ok {
			return r, nil
		}
		tried = append(tried, cand)
	}
	base, _ := url.Parse(resp.URL)
	for _, p := range usualPaths {
		ref, _ := url.Parse(p)
		cand := base.ResolveReference(ref).String()
		if r, ok := try(ctx, f, cand, now, "found at the usual path "+p); ok {
			return r, nil
		}
		tried = append(tried, cand)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return Result{}, errors.New("no feed found at " + start + "; tried " + strings.Join(tried, ", "))
}

func try(ctx context.Context, f Fetcher, cand string, now time.Time, how string) (Result, bool) {
	resp, err := f.Fetch(ctx, fetch.Request{URL: cand, Kind: fetch.KindFeed})
	if err != nil {
		return Result{}, false
	}
	text, _, err := charset.ToUTF8(resp.Body, resp.ContentType)
	if err != nil {
		return Result{}, false
	}
	parsed, err := feed.Parse(ctx, text, feed.Options{Now: now, FeedURL: resp.URL})
	if err != nil {
		return Result{}, false
	}
	return result(resp.URL, parsed, how), true
}

func result(feedURL string, f *feed.Feed, how string) Result {
	return Result{FeedURL: feedURL, Title: f.Title, SiteURL: f.SiteURL, Lang: feedLang(f), Items: len(f.Items), How: how}
}

// feedLang is the language most of the feed's items are written in, as
// detected from their text; the header's <language> only breaks ties and
// speaks for item-less feeds, because CMS defaults and scrapers often
// declare "en" for Arabic or French feeds.
func feedLang(f *feed.Feed) string {
	votes := map[string]int{}
	best, most := "", 0
	for _, it := range f.Items {
		if it.Lang == "" {
			continue
		}
		votes[it.Lang]++
		if n := votes[it.Lang]; n > most || (n == most && it.Lang == primary(f.Lang)) {
			best, most = it.Lang, n
		}
	}
	if best == "" {
		return primary(f.Lang)
	}
	return best
}

func primary(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	return tag
}

// alternates lists the feeds a page announces, RSS and Atom before JSON
// Feed, in page order, made absolute (honouring <base href>).
func alternates(page []byte, pageURL string) []string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
	}
	var xmlFeeds, jsonFeeds []string
	seen := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Base:
				if href := attr(n, "href"); href != "" {
					if b, err := base.Parse(href); err == nil {
						base = b
					}
				}
			case atom.Link:
				rels := strings.Fields(strings.ToLower(attr(n, "rel")))
				typ := strings.ToLower(strings.TrimSpace(attr(n, "type")))
				href := attr(n, "href")
				if href == "" || !contains(rels, "alternate") {
					break
				}
				abs, err := base.Parse(href)
				if err != nil || (abs.Scheme != "http" && abs.Scheme != "https") || seen[abs.String()] {
					break
				}
				switch typ {
				case "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml":
					seen[abs.String()] = true
					xmlFeeds = append(xmlFeeds, abs.String())
				case "application/feed+json", "application/json":
					seen[abs.String()] = true
					jsonFeeds = append(jsonFeeds, abs.String())
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return append(xmlFeeds, jsonFeeds...)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
