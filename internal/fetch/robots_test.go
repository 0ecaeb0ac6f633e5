package fetch

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// robotsSite serves robots.txt (status and body given) and counts hits per path.
type robotsSite struct {
	mu       sync.Mutex
	hits     map[string]int
	robotsUA atomic.Value
}

func newRobotsSite(t *testing.T, status int, robots string) (*robotsSite, string) {
	site := &robotsSite{hits: map[string]int{}}
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		site.mu.Lock()
		site.hits[r.URL.Path]++
		site.mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			site.robotsUA.Store(r.UserAgent())
			w.WriteHeader(status)
			io.WriteString(w, robots)
			return
		}
		io.WriteString(w, "<html>ok</html>")
	})
	return site, srv.URL
}

func (s *robotsSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

const robotsRules = `# Everyone else is kept out entirely.
User-agent: *
Disallow: /

User-agent: Revue
Disallow: /private
Allow: /private/open
`

func TestRobots(t *testing.T) {
	tests := []struct {
		name   string
		status int
		robots string
		path   string
		kind   Kind
		want   error // nil = fetched
	}{
		{name: "our group allows", status: 200, robots: robotsRules, path: "/news/1", kind: KindPage},
		{name: "our group disallows", status: 200, robots: robotsRules, path: "/private/x", kind: KindPage, want: ErrRobotsDisallowed},
		{name: "longest rule wins", status: 200, robots: robotsRules, path: "/private/open/x", kind: KindPage},
		{name: "images are checked", status: 200, robots: robotsRules, path: "/private/a.jpg", kind: KindImage, want: ErrRobotsDisallowed},
		{name: "feeds are not checked", status: 200, robots: robotsRules, path: "/private/feed", kind: KindFeed},
		{name: "star group when none for Revue", status: 200, robots: "User-agent: *\nDisallow: /", path: "/x", kind: KindPage, want: ErrRobotsDisallowed},
		{name: "query matters", status: 200, robots: "User-agent: *\nDisallow: /*?print=", path: "/a?print=1", kind: KindPage, want: ErrRobotsDisallowed},
		{name: "404 allows all", status: 404, robots: "User-agent: *\nDisallow: /", path: "/x", kind: KindPage},
		{name: "403 allows all", status: 403, path: "/x", kind: KindPage},
		{name: "500 disallows", status: 500, path: "/x", kind: KindPage, want: ErrRobotsDisallowed},
		{name: "429 disallows", status: 429, path: "/x", kind: KindPage, want: ErrRobotsDisallowed},
		{name: "one bad line keeps the rest", status: 200, robots: "Disallow: /early\nUser-agent: *\nCrawl-delay: soon\nDisallow: /x", path: "/x", kind: KindPage, want: ErrRobotsDisallowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, base := newRobotsSite(t, tt.status, tt.robots)
			_, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: base + tt.path, Kind: tt.kind})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			fetched := site.count(strings.SplitN(tt.path, "?", 2)[0])
			if tt.want != nil && fetched != 0 {
				t.Errorf("disallowed %s was requested %d times", tt.path, fetched)
			}
			if tt.want == nil && fetched != 1 {
				t.Errorf("%s was requested %d times, want 1", tt.path, fetched)
			}
			wantRobots := 1
			if tt.kind == KindFeed {
				wantRobots = 0
			}
			if n := site.count("/robots.txt"); n != wantRobots {
				t.Errorf("robots.txt requested %d times, want %d", n, wantRobots)
			}
			if wantRobots > 0 && site.robotsUA.Load() != testUA {
				t.Errorf("robots.txt fetched as %q, want %q", site.robotsUA.Load(), testUA)
			}
		})
	}
}

func TestRobotsUnreachableSaysSo(t *testing.T) {
	site, base := newRobotsSite(t, 503, "")
	_ = site
	_, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: base + "/article", Kind: KindPage})
	if !errors.Is(err, ErrRobotsDisallowed) || !strings.Contains(err.Error(), "robots.txt could not be read") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want a robots refusal that names the 503", err)
	}
}

func TestRobotsCache(t *testing.T) {
	tests := []struct {
		name       string
		ttl        time.Duration
		wait       time.Duration
		wantRobots int
	}{
		{name: "fetched once for many pages", ttl: time.Hour, wantRobots: 1},
		{name: "fetched again after the TTL", ttl: 50 * time.Millisecond, wait: 80 * time.Millisecond, wantRobots: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, base := newRobotsSite(t, 200, robotsRules)
			c := newTestClient(t, func(cfg *Config) { cfg.RobotsTTL = tt.ttl })
			var wg sync.WaitGroup
			for _, p := range []string{"/a", "/b", "/c", "/d", "/e"} {
				wg.Go(func() {
					if _, err := c.Fetch(ctxT(t), Request{URL: base + p, Kind: KindPage}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			time.Sleep(tt.wait)
			if _, err := c.Fetch(ctxT(t), Request{URL: base + "/f", Kind: KindPage}); err != nil {
				t.Fatal(err)
			}
			if n := site.count("/robots.txt"); n != tt.wantRobots {
				t.Errorf("robots.txt fetched %d times for 6 pages, want %d", n, tt.wantRobots)
			}
		})
	}
}

func TestRobotsCrawlDelay(t *testing.T) {
	const crawlDelay = 300 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			io.WriteString(w, "User-agent: Revue\nCrawl-delay: 0.3\nDisallow: /private\n")
			return
		}
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
	})
	c := newTestClient(t, func(cfg *Config) { cfg.HostConcurrency = 3 })
	var wg sync.WaitGroup
	for _, p := range []string{"/a", "/b", "/c"} {
		wg.Go(func() {
			if _, err := c.Fetch(ctxT(t), Request{URL: srv.URL + p, Kind: KindPage}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(starts) != 3 {
		t.Fatalf("%d pages fetched, want 3", len(starts))
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < crawlDelay-30*time.Millisecond {
			t.Errorf("pages %d and %d fetched %s apart, want at least the Crawl-delay %s", i-1, i, gap, crawlDelay)
		}
	}
}
