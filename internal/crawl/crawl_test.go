package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revue"
	"revue/internal/fetch"
	"revue/internal/store/sqlite"
)

// clock is a settable time source shared by the crawler and the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// feedServer serves fixture feeds and canned failures on loopback and
// counts the requests each path receives.
type feedServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newFeedServer(t *testing.T, routes map[string]http.HandlerFunc) *feedServer {
	t.Helper()
	fs := &feedServer{hits: map[string]int{}}
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			fs.mu.Lock()
			fs.hits[r.URL.Path]++
			fs.mu.Unlock()
			h(w, r)
		})
	}
	fs.Server = httptest.NewServer(mux)
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) Hits(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

// fixture serves a file from testdata with an ETag, so a second fetch is
// answered 304 as a well-behaved publisher would.
func fixture(t *testing.T, name string) http.HandlerFunc {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	etag := fmt.Sprintf(`"%x"`, len(body))
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(body)
	}
}

func status(code int, header map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

type harness struct {
	store *sqlite.Store
	clock *clock
	fetch *fetch.Client
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "revue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fc, err := fetch.New(fetch.Config{
		UserAgent:            "Revue/test (+http://127.0.0.1)",
		AllowPrivateNetworks: true,
		HostConcurrency:      4,
		HostDelay:            0,
		HeaderTimeout:        2 * time.Second,
		TotalTimeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{store: st, clock: &clock{now: time.Date(2026, 3, 25, 8, 0, 0, 0, time.UTC)}, fetch: fc}
}

func (h *harness) crawler(t *testing.T, worker string) *Crawler {
	t.Helper()
	return h.crawlerWith(t, worker, nil)
}

// crawlerWith builds a crawler of the harness, its Config changed by edit.
func (h *harness) crawlerWith(t *testing.T, worker string, edit func(*Config)) *Crawler {
	t.Helper()
	cfg := Config{Store: h.store, Fetcher: h.fetch, Worker: worker, Concurrency: 4, Now: h.clock.Now, Seed: 1}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// articles lists every stored article, newest first.
func (h *harness) articles(t *testing.T) []revue.Article {
	t.Helper()
	var out []revue.Article
	q := revue.ArticleQuery{Limit: 500}
	for {
		page, err := h.store.ListArticles(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if page.Next.IsZero() {
			return out
		}
		q.Cursor = page.Next
	}
}

func (h *harness) add(t *testing.T, name, url, lang string) revue.Source {
	t.Helper()
	s, err := h.store.AddSource(context.Background(), revue.Source{Name: name, FeedURL: url, Lang: lang, Section: "actualite", Enabled: true}, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (h *harness) source(t *testing.T, id int64) revue.Source {
	t.Helper()
	s, err := h.store.GetSource(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCrawlStoresItemsOnceAndIsolatesBrokenSources(t *testing.T) {
	h := newHarness(t)
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/hespress.xml": fixture(t, "hespress-ar.xml"),
		"/telquel.xml":  fixture(t, "telquel-fr.xml"),
		"/broken.xml":   status(200, map[string]string{"Content-Type": "application/rss+xml"}, "<rss><channel><item><title>cut"),
		"/error.xml":    status(500, nil, "boom"),
	})
	hes := h.add(t, "Hespress", srv.URL+"/hespress.xml", "ar")
	tel := h.add(t, "TelQuel", srv.URL+"/telquel.xml", "fr")
	broken := h.add(t, "Broken", srv.URL+"/broken.xml", "")
	failing := h.add(t, "Failing", srv.URL+"/error.xml", "")
	ctx := context.Background()

	sum, err := h.crawler(t, "w1").Once(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sources != 4 || sum.Failed != 1 || sum.Articles != 20 {
		t.Fatalf("first pass: %+v, want 4 sources, 1 failed (the cut feed is read in part), 20 articles", sum)
	}
	for _, tc := range []struct {
		src       revue.Source
		wantErr   string
		wantCount int64
	}{
		{hes, "", 10},
		{tel, "", 10},
		{broken, "ends before its end", 0},
		{failing, "500", 0},
	} {
		got := h.source(t, tc.src.ID)
		if tc.wantErr == "" && (got.LastError != "" || got.ConsecutiveFailures != 0 || got.LastSuccessAt.IsZero()) {
			t.Errorf("%s: healthy source recorded error %q, failures %d", got.Name, got.LastError, got.ConsecutiveFailures)
		}
		wantFailures := 1
		if tc.src.ID == broken.ID {
			wantFailures = 0 // read in part: a warning, not a failure
		}
		if tc.wantErr != "" && (!strings.Contains(got.LastError, tc.wantErr) || got.ConsecutiveFailures != wantFailures) {
			t.Errorf("%s: last error %q (failures %d), want it to mention %q with %d failures", got.Name, got.LastError, got.ConsecutiveFailures, tc.wantErr, wantFailures)
		}
		if !got.NextFetchAt.After(h.clock.Now()) {
			t.Errorf("%s: next fetch %v is not in the future", got.Name, got.NextFetchAt)
		}
	}
	page, err := h.store.ListArticles(ctx, revue.ArticleQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]int{}
	for _, a := range page.Items {
		langs[a.Lang]++
		if a.Section != "actualite" || a.URL == "" || a.Title == "" {
			t.Errorf("article %d misses fields: %+v", a.ID, a)
		}
	}
	// The feed headers say "en"; the text and the source's setting win.
	// TelQuel's feed carries one English article, which must stay "en".
	if langs["ar"] != 10 || langs["fr"] != 9 || langs["en"] != 1 {
		t.Errorf("languages = %v, want 10 ar, 9 fr and TelQuel's one English article", langs)
	}

	// A second pass over everything stores nothing twice: the publisher
	// answers 304 to our conditional GET.
	h.clock.Advance(time.Minute)
	sum, err = h.crawler(t, "w1").Once(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles != 0 {
		t.Fatalf("second pass stored %d articles, want 0", sum.Articles)
	}
	// --all fetched the healthy sources again but left the failing ones
	// to their back-off.
	if srv.Hits("/hespress.xml") != 2 || srv.Hits("/error.xml") != 1 {
		t.Errorf("hits: hespress %d (want 2), error %d (want 1)", srv.Hits("/hespress.xml"), srv.Hits("/error.xml"))
	}
	if got := h.source(t, hes.ID); got.LastStatus != http.StatusNotModified || got.LastError != "" {
		t.Errorf("after 304: status %d error %q", got.LastStatus, got.LastError)
	}
}

func TestCrawlStatusHandling(t *testing.T) {
	h := newHarness(t)
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/gone.xml":    status(410, nil, "gone"),
		"/busy.xml":    status(429, map[string]string{"Retry-After": "7200"}, "slow down"),
		"/bot.xml":     status(403, map[string]string{"cf-mitigated": "challenge", "Server": "cloudflare"}, "<html><title>Just a moment...</title></html>"),
		"/old.xml":     status(301, map[string]string{"Location": "/telquel.xml"}, ""),
		"/telquel.xml": fixture(t, "telquel-fr.xml"),
	})
	gone := h.add(t, "Gone", srv.URL+"/gone.xml", "")
	busy := h.add(t, "Busy", srv.URL+"/busy.xml", "")
	bot := h.add(t, "Bot", srv.URL+"/bot.xml", "")
	moved := h.add(t, "Moved", srv.URL+"/old.xml", "fr")
	if _, err := h.crawler(t, "w1").Once(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	now := h.clock.Now()
	if got := h.source(t, gone.ID); got.Enabled || !strings.Contains(got.LastError, "410") {
		t.Errorf("410: enabled=%v error %q, want disabled with the reason", got.Enabled, got.LastError)
	}
	if got := h.source(t, busy.ID); got.NextFetchAt.Before(now.Add(2*time.Hour)) || got.LastStatus != 429 {
		t.Errorf("429 Retry-After 7200: next fetch %v (status %d), want ≥ %v", got.NextFetchAt, got.LastStatus, now.Add(2*time.Hour))
	}
	got := h.source(t, bot.ID)
	if !strings.Contains(got.LastError, "bot protection") || got.NextFetchAt.Before(now.Add(24*time.Hour)) {
		t.Errorf("bot protection: error %q next %v, want the words and a day's back-off", got.LastError, got.NextFetchAt)
	}
	if got := h.source(t, moved.ID); got.FeedURL != srv.URL+"/telquel.xml" || got.LastError != "" {
		t.Errorf("301: feed URL %q error %q, want the new URL stored", got.FeedURL, got.LastError)
	}
	// The bot-protected source is not retried in a loop: a pass over
	// everything leaves it alone.
	h.clock.Advance(time.Hour)
	if _, err := h.crawler(t, "w1").Once(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if n := srv.Hits("/bot.xml"); n != 1 {
		t.Errorf("bot-protected source fetched %d times, want 1", n)
	}
}

// Two workers crawling the same database at once never fetch a source twice.
func TestWorkersShareSourcesThroughLeases(t *testing.T) {
	h := newHarness(t)
	var inflight, most atomic.Int32
	body, err := os.ReadFile(filepath.Join("testdata", "telquel-fr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]http.HandlerFunc{}
	for i := range 40 {
		path := fmt.Sprintf("/feed-%d.xml", i)
		routes[path] = func(w http.ResponseWriter, r *http.Request) {
			n := inflight.Add(1)
			defer inflight.Add(-1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			// Each feed gets its own links so every item is new.
			w.Write([]byte(strings.ReplaceAll(string(body), "https://mobile.telquel.ma/", "https://mobile.telquel.ma"+strings.TrimSuffix(path, ".xml")+"/")))
		}
	}
	srv := newFeedServer(t, routes)
	for i := range 40 {
		h.add(t, fmt.Sprintf("Feed %d", i), fmt.Sprintf("%s/feed-%d.xml", srv.URL, i), "fr")
	}
	var wg sync.WaitGroup
	sums := make([]Summary, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := h.crawler(t, fmt.Sprintf("w%d", i)).Once(context.Background(), false)
			if err != nil {
				t.Error(err)
			}
			sums[i] = s
		}()
	}
	wg.Wait()
	for i := range 40 {
		if n := srv.Hits(fmt.Sprintf("/feed-%d.xml", i)); n != 1 {
			t.Errorf("feed %d fetched %d times, want 1", i, n)
		}
	}
	if total := sums[0].Sources + sums[1].Sources; total != 40 {
		t.Errorf("workers crawled %d sources in all, want 40", total)
	}
	if sums[0].Articles+sums[1].Articles != 400 {
		t.Errorf("stored %d articles, want 400", sums[0].Articles+sums[1].Articles)
	}
	if most.Load() > 8 {
		t.Errorf("%d fetches at once, more than the two workers' 4 each", most.Load())
	}
}

func TestScheduleLearnsFromPublishingRate(t *testing.T) {
	p := DefaultPolicy()
	now := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	every := func(n int, gap time.Duration) []time.Time {
		var ts []time.Time
		for i := range n {
			ts = append(ts, now.Add(-time.Duration(i)*gap))
		}
		return ts
	}
	for _, tc := range []struct {
		name  string
		dates []time.Time
		floor time.Duration
		want  time.Duration
	}{
		{"busy wire: clamped to the minimum", every(50, time.Minute), 0, 5 * time.Minute},
		{"one item an hour", every(24, time.Hour), 0, 0},
		{"quiet blog: clamped to the maximum", nil, 0, 24 * time.Hour},
		{"publisher's ttl is a lower bound", every(50, time.Minute), 2 * time.Hour, 2 * time.Hour},
		{"old items say nothing", every(10, 30*24*time.Hour), 0, 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rate, _ := itemsPerDay(tc.dates, now)
			got := p.intervalFor(rate, tc.floor)
			if tc.want == 0 {
				// 24 items over 23 hours to now: about one an hour.
				if got < 55*time.Minute || got > 65*time.Minute {
					t.Fatalf("interval %v, want about an hour", got)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("interval %v, want %v", got, tc.want)
			}
		})
	}
}

// Stopping lets a fetch in flight finish within the grace period and store
// its items; past it the fetch is abandoned, nothing is held against the
// source, and its lease is handed back so another worker takes it at once.
func TestStoppingFinishesOrAbandonsInFlight(t *testing.T) {
	cases := []struct {
		name      string
		answerIn  time.Duration // how long the server takes once the stop is asked
		grace     time.Duration
		wantSaved bool
	}{
		{"answer within the grace period is stored", 50 * time.Millisecond, 20 * time.Second, true},
		{"no answer within the grace period: abandoned", time.Hour, 300 * time.Millisecond, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			arrived := make(chan struct{}, 1)
			feed := fixture(t, "telquel-fr.xml")
			srv := newFeedServer(t, map[string]http.HandlerFunc{
				"/slow.xml": func(w http.ResponseWriter, r *http.Request) {
					arrived <- struct{}{}
					select {
					case <-time.After(tc.answerIn):
						feed(w, r)
					case <-r.Context().Done():
					}
				},
			})
			src := h.add(t, "Slow", srv.URL+"/slow.xml", "")
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-arrived
				cancel()
			}()
			c := h.crawlerWith(t, "w1", func(cfg *Config) { cfg.StopGrace = tc.grace })
			if _, err := c.Once(ctx, false); !errors.Is(err, context.Canceled) {
				t.Fatalf("Once = %v, want the cancellation", err)
			}
			got := h.source(t, src.ID)
			if got.ConsecutiveFailures != 0 || got.LastError != "" {
				t.Errorf("after a stop: failures %d, error %q; want none held against the source", got.ConsecutiveFailures, got.LastError)
			}
			stored := len(h.articles(t))
			if tc.wantSaved != (stored > 0) || tc.wantSaved == got.LastFetchAt.IsZero() {
				t.Errorf("after a stop: %d articles stored, last fetch %v; want stored=%v", stored, got.LastFetchAt, tc.wantSaved)
			}
			if tc.wantSaved {
				return
			}
			// The lease was released: another worker claims the source at
			// once, long before the lease would have lapsed.
			claimed, err := h.store.ClaimDueSources(context.Background(), revue.ClaimRequest{Worker: "w2", Now: h.clock.Now(), Lease: time.Minute, Limit: 10})
			if err != nil || len(claimed) != 1 || claimed[0].ID != src.ID {
				t.Errorf("another worker's claim right after the stop: %v, %v; want source %d", sourceNames(claimed), err, src.ID)
			}
		})
	}
}

func sourceNames(sources []revue.Source) []string {
	var out []string
	for _, s := range sources {
		out = append(out, s.Name)
	}
	return out
}
