package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"revue"
	"revue/internal/fetch"
)

// hostileClient is the production client with the timing limits scaled
// down so the whole farm is crawled in seconds; the size limits are the
// real ones.
func hostileClient(t *testing.T, allowPrivate bool) *fetch.Client {
	t.Helper()
	cfg := fetch.DefaultConfig("Revue/test (+http://127.0.0.1)")
	cfg.AllowPrivateNetworks = allowPrivate
	cfg.HostDelay = 0
	cfg.HostConcurrency = 32
	cfg.HeaderTimeout = time.Second
	cfg.TotalTimeout = 4 * time.Second
	cfg.MinRateWindow = time.Second
	c, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCrawlSurvivesHostileSources crawls good feeds among every kind of
// hostile answer at once: the pass ends in bounded time and memory, each
// hostile source records why in words, and the good ones are stored.
func TestCrawlSurvivesHostileSources(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "telquel-fr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	arabic, err := os.ReadFile(filepath.Join("testdata", "hespress-ar.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// A windows-1256 feed behind a server that claims UTF-8 for everything.
	cp1256, err := charmap.Windows1256.NewEncoder().Bytes(bytes.Replace(arabic, []byte("encoding='UTF-8'"), []byte("encoding='windows-1256'"), 1))
	if err != nil {
		t.Fatal(err)
	}
	// 64 MiB of zeros compressed to about 64 KiB: four times the feed cap.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zero)
	}
	zw.Close()

	stop := make(chan struct{})
	defer close(stop)
	hold := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}
	rss := func(body []byte, contentType string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.Write(body)
		}
	}
	linked := func(prefix string) []byte {
		return bytes.ReplaceAll(good, []byte("https://mobile.telquel.ma/"), []byte("https://mobile.telquel.ma/"+prefix+"/"))
	}
	routes := map[string]http.HandlerFunc{
		"/good-1.xml":  rss(linked("one"), "application/rss+xml; charset=utf-8"),
		"/good-2.xml":  rss(linked("two"), "application/rss+xml; charset=utf-8"),
		"/charset.xml": rss(cp1256, "application/rss+xml; charset=utf-8"),
		"/hang.xml":    hold,
		"/drip.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.WriteHeader(200)
			for i := 0; ; i++ {
				if _, err := w.Write([]byte{"<rss>"[i%5]}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-time.After(500 * time.Millisecond):
				case <-r.Context().Done():
					return
				case <-stop:
					return
				}
			}
		},
		"/reset.xml": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		},
		"/500.xml": status(500, nil, "internal error"),
		"/429.xml": status(429, map[string]string{"Retry-After": "3600"}, "slow down"),
		"/loop.xml": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop.xml?n="+fmt.Sprint(len(r.URL.RawQuery)), http.StatusFound)
		},
		"/huge.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			chunk := bytes.Repeat([]byte("<item><title>x</title></item>"), 1<<15)
			for sent := 0; sent < 1<<30; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
		"/bomb.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		},
		"/truncated.xml": rss([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title><item><title>Half an ite`), "application/rss+xml"),
		"/page.xml":      rss([]byte(`<!doctype html><html><head><title>Accueil</title></head><body><p>Bienvenue</p></body></html>`), "text/html; charset=utf-8"),
		"/empty.xml":     rss(nil, "application/rss+xml"),
	}
	srv := newFeedServer(t, routes)
	wantErr := map[string]string{
		"/hang.xml":  "timed out",
		"/drip.xml":  "too slowly",
		"/reset.xml": "reset",
		"/500.xml":   "500",
		"/429.xml":   "429",
		"/loop.xml":  "redirects",
		"/huge.xml":  "larger than allowed: more than 16 mib",
		"/bomb.xml":  "larger than allowed: more than 16 mib",
		"/page.xml":  "not a feed",
		"/empty.xml": "empty",
	}

	h := newHarness(t)
	h.fetch = hostileClient(t, true)
	ids := map[string]int64{}
	for path := range routes {
		ids[path] = h.add(t, path, srv.URL+path, "").ID
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	sum, err := h.crawler(t, "hostile").Once(context.Background(), false)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pass over %d sources took %s, %d failed, allocated %d MiB", sum.Sources, elapsed.Round(time.Millisecond), sum.Failed, (after.TotalAlloc-before.TotalAlloc)>>20)
	if elapsed > 30*time.Second {
		t.Errorf("the pass took %s; every limit should have cut it far shorter", elapsed)
	}
	// A 1 GiB body and a 64 MiB bomb must not be read whole.
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 400<<20 {
		t.Errorf("the pass allocated %d MiB; bodies are not capped", grown>>20)
	}
	if sum.Sources != len(routes) || sum.Failed != len(wantErr) {
		t.Errorf("pass: %+v, want %d sources of which %d failed", sum, len(routes), len(wantErr))
	}
	for path, words := range wantErr {
		src := h.source(t, ids[path])
		if !strings.Contains(strings.ToLower(src.LastError), words) || src.ConsecutiveFailures != 1 {
			t.Errorf("%s: last error %q (failures %d), want one saying %q", path, src.LastError, src.ConsecutiveFailures, words)
		}
	}
	// A feed cut inside its first item is read in part: nothing to keep,
	// said in words, and not a failure that backs the source off.
	if src := h.source(t, ids["/truncated.xml"]); !strings.Contains(src.LastError, "ends before its end") || src.ConsecutiveFailures != 0 {
		t.Errorf("/truncated.xml: last error %q (failures %d), want the cut said and no failure", src.LastError, src.ConsecutiveFailures)
	}
	for _, path := range []string{"/good-1.xml", "/good-2.xml", "/charset.xml"} {
		page, err := h.store.ListArticles(context.Background(), revue.ArticleQuery{SourceID: ids[path], Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 10 {
			t.Errorf("%s: %d articles stored, want 10", path, len(page.Items))
		}
		if path == "/charset.xml" && len(page.Items) > 0 {
			if !strings.Contains(page.Items[len(page.Items)-1].Title+page.Items[0].Title, "ال") {
				t.Errorf("%s: the windows-1256 titles came out garbled: %q", path, page.Items[0].Title)
			}
		}
	}
}

// With the SSRF guard on, a feed on this machine's loopback address is
// refused before any connection, with words saying how to allow it.
func TestCrawlGuardRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	defer srv.Close()
	h := newHarness(t)
	h.fetch = hostileClient(t, false)
	src := h.add(t, "Internal", srv.URL+"/feed.xml", "")
	localhost := h.add(t, "Localhost", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/feed.xml", "")
	if _, err := h.crawler(t, "guarded").Once(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback server received %d requests with the guard on", n)
	}
	for _, id := range []int64{src.ID, localhost.ID} {
		got := h.source(t, id)
		if !strings.Contains(got.LastError, "REVUE_ALLOW_PRIVATE_NETWORKS") || got.LastStatus != 0 {
			t.Errorf("%s: last error %q (status %d), want the guard's refusal", got.Name, got.LastError, got.LastStatus)
		}
	}
}
