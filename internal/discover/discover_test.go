package discover

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"revue/internal/fetch"
)

func testFetcher(t *testing.T) *fetch.Client {
	t.Helper()
	cfg := fetch.DefaultConfig("Revue/test (+http://127.0.0.1)")
	cfg.AllowPrivateNetworks = true
	cfg.HostDelay = 0
	c, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFind(t *testing.T) {
	feed, err := os.ReadFile(filepath.Join("..", "crawl", "testdata", "telquel-fr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	serveFeed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}
	page := func(head string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!doctype html><html><head><title>TelQuel</title>" + head + "</head><body><p>Actualité</p></body></html>"))
		}
	}
	for _, tc := range []struct {
		name     string
		routes   map[string]http.HandlerFunc
		start    string
		wantFeed string // path of the feed that must be chosen; "" = none
		wantHow  string
	}{
		{"the URL is the feed", map[string]http.HandlerFunc{"/feed.xml": serveFeed}, "/feed.xml", "/feed.xml", "the URL is a feed"},
		{"announced by <link rel=alternate>", map[string]http.HandlerFunc{
			"/":             page(`<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/actu.xml">`),
			"/rss/actu.xml": serveFeed,
		}, "/", "/rss/actu.xml", "link rel"},
		{"RSS preferred to JSON Feed, a broken candidate skipped", map[string]http.HandlerFunc{
			"/":            page(`<link rel="alternate" type="application/feed+json" href="/feed.json"><link rel="alternate" type="application/atom+xml" href="/missing.xml"><link rel="alternate" type="application/rss+xml" href="/good.xml">`),
			"/good.xml":    serveFeed,
			"/feed.json":   serveFeed,
			"/missing.xml": http.NotFound,
		}, "/", "/good.xml", "link rel"},
		{"relative to <base href>", map[string]http.HandlerFunc{
			"/fr/":              page(`<base href="/edition/"><link rel="alternate" type="application/rss+xml" href="feed.rss">`),
			"/edition/feed.rss": serveFeed,
		}, "/fr/", "/edition/feed.rss", "link rel"},
		{"the usual path /feed", map[string]http.HandlerFunc{"/": page(""), "/feed": serveFeed}, "/", "/feed", "usual path /feed"},
		{"the usual path /rss.xml", map[string]http.HandlerFunc{"/": page(""), "/rss.xml": serveFeed}, "/", "/rss.xml", "usual path /rss.xml"},
		{"nothing to find", map[string]http.HandlerFunc{"/": page("")}, "/", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			for p, h := range tc.routes {
				mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != p {
						http.NotFound(w, r)
						return
					}
					h(w, r)
				})
			}
			srv := httptest.NewServer(mux)
			defer srv.Close()
			got, err := Find(context.Background(), testFetcher(t), srv.URL+tc.start, time.Now())
			if tc.wantFeed == "" {
				if err == nil || !strings.Contains(err.Error(), "no feed found") || !strings.Contains(err.Error(), "/feed") {
					t.Fatalf("Find = %+v, %v; want an error listing what was tried", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The feed's header says "en"; nine of its ten items are French.
			if got.FeedURL != srv.URL+tc.wantFeed || !strings.Contains(got.How, tc.wantHow) || got.Items != 10 || got.Lang != "fr" {
				t.Fatalf("Find = %+v, want %s found by %q with 10 items in fr", got, tc.wantFeed, tc.wantHow)
			}
		})
	}
}

// With the guard on, discovery refuses a loopback site before any request.
func TestFindHonoursTheSSRFGuard(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
	}))
	defer srv.Close()
	c, err := fetch.New(fetch.DefaultConfig("Revue/test"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Find(context.Background(), c, srv.URL+"/", time.Now()); err == nil || !strings.Contains(err.Error(), "REVUE_ALLOW_PRIVATE_NETWORKS") {
		t.Fatalf("Find on loopback with the guard on: %v, want the guard's refusal", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Fatalf("the loopback server received %d requests, want none", hits)
	}
}

func TestFindRejectsNonHTTP(t *testing.T) {
	for _, u := range []string{"ftp://example.com/feed", "file:///etc/passwd", "not a url", "javascript:alert(1)"} {
		if _, err := Find(context.Background(), testFetcher(t), u, time.Now()); err == nil {
			t.Errorf("Find(%q) succeeded", u)
		}
	}
}
