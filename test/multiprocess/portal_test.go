//go:build unix

package multiprocess

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// freeAddress returns a loopback address nothing listens on right now.
func freeAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy waits until the portal at base answers /healthz with 200.
func waitHealthy(t *testing.T, ctx context.Context, base string, serve *child) {
	t.Helper()
	var last string
	ok := eventually(ctx, 30*time.Second, 50*time.Millisecond, func() bool {
		if !serve.running() {
			return true
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			last = err.Error()
			return false
		}
		resp.Body.Close()
		last = resp.Status
		return resp.StatusCode == http.StatusOK
	})
	if !serve.running() {
		t.Fatalf("revue serve exited before it answered /healthz: %v\nstderr:\n%s", serve.waitErr, tail(serve.stderr.String(), 30))
	}
	if !ok {
		t.Fatalf("revue serve did not answer %s/healthz with 200 OK within 30 s; last answer: %s", base, last)
	}
}

// headline is one `event: headline` of /events/ticker.
type headline struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// tickerStream reads /events/ticker in the background.
type tickerStream struct {
	mu     sync.Mutex
	events map[int64]headline
	order  []int64
	err    error
	// ended is when the stream ended; zero while it is open.
	ended time.Time
}

// openTickerStream connects to the SSE stream and returns once the portal
// has said it is connected (the subscription exists then).
func openTickerStream(t *testing.T, ctx context.Context, url string) *tickerStream {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		resp.Body.Close()
		t.Fatalf("GET %s: %s, Content-Type %q, want 200 and text/event-stream; body: %s", url, resp.Status, resp.Header.Get("Content-Type"), body)
	}
	s := &tickerStream{events: map[int64]headline{}}
	connected := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer resp.Body.Close()
		s.read(resp.Body, connected)
	}()
	t.Cleanup(func() {
		resp.Body.Close()
		<-finished
	})
	select {
	case <-connected:
	case <-finished:
		t.Fatalf("the stream %s ended before saying it was connected: %v", url, s.failure())
	case <-time.After(10 * time.Second):
		t.Fatalf("the stream %s sent no \": connected\" comment within 10 s", url)
	}
	return s
}

func (s *tickerStream) read(body io.Reader, connected chan<- struct{}) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var event, data string
	announced := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, ":"):
			if !announced && strings.Contains(line, "connected") {
				announced = true
				close(connected)
			}
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		case line == "":
			if event == "headline" {
				var h headline
				if err := json.Unmarshal([]byte(data), &h); err != nil {
					s.fail(fmt.Errorf("a headline event's data is not JSON (%v): %s", err, data))
				} else {
					s.add(h)
				}
			}
			event, data = "", ""
		}
	}
	if err := sc.Err(); err != nil {
		s.fail(err)
	}
	s.mu.Lock()
	s.ended = time.Now()
	s.mu.Unlock()
}

// endedAt is when the stream ended, zero while it is open.
func (s *tickerStream) endedAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

func (s *tickerStream) add(h headline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.events[h.ID]; dup {
		s.err = fmt.Errorf("headline %d was sent twice", h.ID)
	}
	s.events[h.ID] = h
	s.order = append(s.order, h.ID)
}

func (s *tickerStream) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *tickerStream) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *tickerStream) received() map[int64]headline {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int64]headline, len(s.events))
	for id, h := range s.events {
		out[id] = h
	}
	return out
}

// apiTicker reads /api/v1/ticker.
func apiTicker(ctx context.Context, base string) ([]struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at"`
}, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/ticker", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET /api/v1/ticker: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET /api/v1/ticker: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/ticker: %s: %s", resp.Status, clip(string(body), 500))
	}
	var page struct {
		Items []struct {
			ID          int64  `json:"id"`
			Title       string `json:"title"`
			URL         string `json:"url"`
			PublishedAt string `json:"published_at"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("GET /api/v1/ticker answered something that is not the ticker JSON (%v): %s", err, clip(string(body), 500))
	}
	return page.Items, nil
}

// checkTicker compares /api/v1/ticker with the database: every headline
// is a stored article with its title and original link, newest first.
func checkTicker(t *testing.T, ctx context.Context, base string, in *inspector) {
	t.Helper()
	items, err := apiTicker(ctx, base)
	if err != nil {
		t.Error(err)
		return
	}
	stored, err := in.articles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 {
		t.Errorf("/api/v1/ticker is empty while the database holds %d articles stored by the crawl processes", len(stored))
		return
	}
	var previous time.Time
	for i, it := range items {
		a, ok := stored[it.ID]
		switch {
		case !ok:
			t.Errorf("/api/v1/ticker item %d: article %d (%q) is not in the database", i, it.ID, it.Title)
		case a.title != it.Title || a.url != it.URL:
			t.Errorf("/api/v1/ticker item %d: article %d is %q <%s>, the database says %q <%s>", i, it.ID, it.Title, it.URL, a.title, a.url)
		}
		at, err := time.Parse(time.RFC3339, it.PublishedAt)
		if err != nil {
			t.Errorf("/api/v1/ticker item %d: published_at %q is not RFC 3339", i, it.PublishedAt)
			continue
		}
		if i > 0 && at.After(previous) {
			t.Errorf("/api/v1/ticker is not newest first: item %d (%s) is newer than item %d (%s)", i, at, i-1, previous)
		}
		previous = at
	}
}
