package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"revue"
)

type sseEvent struct {
	id, event, data string
}

// openStream connects to /events/ticker and delivers its events on a channel
// that is closed when the stream ends.
func openStream(t *testing.T, ctx context.Context, e *testEnv, header ...string) <-chan sseEvent {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.portal.URL+"/events/ticker", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("connecting to the event stream: %v", err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("event stream answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan sseEvent, 64)
	go func() {
		defer close(events)
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		var ev sseEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if ev.event != "" {
					events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return events
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func nextHeadline(t *testing.T, events <-chan sseEvent) headlineEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended before a headline came")
		}
		if ev.event != "headline" {
			t.Fatalf("event %q, want headline", ev.event)
		}
		var h headlineEvent
		if err := json.Unmarshal([]byte(ev.data), &h); err != nil {
			t.Fatalf("decoding %q: %v", ev.data, err)
		}
		if ev.id != strconv.FormatInt(h.ID, 10) {
			t.Errorf("event id %q, data id %d", ev.id, h.ID)
		}
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no headline within 10s")
	}
	panic("unreachable")
}

func runHub(t *testing.T, e *testEnv) (cancel func(), done <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.server.Run(ctx) }()
	t.Cleanup(cancel)
	return cancel, errc
}

func TestLiveTicker(t *testing.T) {
	tests := []struct {
		name string
		wake bool // the poll interval is an hour: only Wake can deliver in time
	}{
		{name: "by polling"},
		{name: "woken by NOTIFY", wake: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wake := make(chan int64, 1)
			e := newEnv(t, func(c *Config) {
				if tc.wake {
					c.LivePoll = time.Hour
					c.Wake = wake
				}
			})
			src := e.addSource(t, "Alyaoum 24", "ar")
			e.save(t, src, revue.Article{URL: "https://a.example/old", Title: "قديم", Lang: "ar", PublishedAt: testNow.Add(-time.Hour)})
			runHub(t, e)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			events := openStream(t, ctx, e)
			waitFor(t, "the subscriber and a first poll", func() bool {
				return e.server.hub.subscribers() == 1 && e.server.hub.polls.Load() > 0
			})

			saved := e.save(t, src, revue.Article{URL: "https://a.example/new", Title: arTitle, Lang: "ar", PublishedAt: testNow})[0]
			if tc.wake {
				wake <- saved.ID
			}
			h := nextHeadline(t, events)
			want := headlineEvent{ID: saved.ID, Title: arTitle, URL: ArticlePath(saved.ID, arTitle), Source: "Alyaoum 24", Lang: "ar", PublishedAt: "2021-03-16T12:00:00Z"}
			if h != want {
				t.Errorf("headline = %+v\nwant %+v", h, want)
			}
		})
	}
}

func TestLiveTickerResumesAfterLastEventID(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "Hespress", "fr")
	var saved []revue.Article
	for i := range 4 {
		saved = append(saved, e.save(t, src, revue.Article{URL: "https://h.example/" + strconv.Itoa(i), Title: "Dépêche " + strconv.Itoa(i), Lang: "fr", PublishedAt: testNow})[0])
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// No hub running: what arrives can only come from the resume.
	events := openStream(t, ctx, e, "Last-Event-ID", strconv.FormatInt(saved[1].ID, 10))
	for _, want := range saved[2:] {
		if h := nextHeadline(t, events); h.ID != want.ID {
			t.Errorf("resumed with %d, want %d", h.ID, want.ID)
		}
	}
}

func TestLiveTickerEnds(t *testing.T) {
	e := newEnv(t)
	cancelHub, done := runHub(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	events := openStream(t, ctx, e)
	waitFor(t, "the subscriber", func() bool { return e.server.hub.subscribers() == 1 })

	// A client that goes away is forgotten.
	cancel()
	for range events {
	}
	waitFor(t, "the subscriber to leave", func() bool { return e.server.hub.subscribers() == 0 })

	// Stopping the hub ends the streams still open, and Run returns.
	events = openStream(t, context.Background(), e)
	waitFor(t, "the second subscriber", func() bool { return e.server.hub.subscribers() == 1 })
	cancelHub()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	select {
	case _, ok := <-events:
		if ok {
			t.Error("an event came after shutdown")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream stayed open after the hub stopped")
	}
}

func TestLiveHeartbeat(t *testing.T) {
	e := newEnv(t)
	e.server.heartbeat = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.portal.URL+"/events/ticker", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before a heartbeat: %v", err)
		}
		if line == ": heartbeat\n" {
			return
		}
	}
}

// A source added today brings its backlog: old articles stored now are not
// news and stay out of the live ticker, while a fresh one arrives.
func TestLiveTickerSkipsBackfill(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "Le360", "fr")
	runHub(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := openStream(t, ctx, e)
	waitFor(t, "the subscriber and a first poll", func() bool {
		return e.server.hub.subscribers() == 1 && e.server.hub.polls.Load() > 0
	})
	e.save(t, src, revue.Article{URL: "https://le360.example/2016", Title: "Archive de 2016", Lang: "fr", PublishedAt: testNow.AddDate(-5, 0, 0)})
	// Undated on a first crawl: dated by estimate, however recent, it is
	// backlog, not news.
	e.save(t, src, revue.Article{URL: "https://le360.example/undated", Title: "Annonce sans date", Lang: "fr",
		PublishedAt: testNow.Add(-2 * time.Minute), DateEstimated: true})
	fresh := e.save(t, src, revue.Article{URL: "https://le360.example/today", Title: "Dépêche du jour", Lang: "fr", PublishedAt: testNow.Add(-time.Minute)})[0]
	if h := nextHeadline(t, events); h.ID != fresh.ID {
		t.Fatalf("first live headline is %d (%q), want the fresh %d", h.ID, h.Title, fresh.ID)
	}
}

// On PostgreSQL an article can become visible after one with a higher ID.
// The hub looks back below its high mark and sends such late arrivals once.
func TestLiveTickerCatchesLateCommits(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "Médias24", "fr")
	var saved []revue.Article
	for i := range 3 {
		saved = append(saved, e.save(t, src, revue.Article{URL: "https://medias24.example/" + strconv.Itoa(i), Title: "Dépêche " + strconv.Itoa(i), Lang: "fr", PublishedAt: testNow})[0])
	}
	live, unsubscribe := e.server.hub.subscribe()
	defer unsubscribe()
	// The hub has seen only the newest article: the two below it committed
	// late, as a slower transaction's would.
	seen := map[int64]bool{saved[2].ID: true}
	high := e.server.pollNew(context.Background(), saved[2].ID, seen)
	if high != saved[2].ID {
		t.Errorf("high mark %d, want %d", high, saved[2].ID)
	}
	select {
	case batch := <-live:
		if len(batch) != 2 || batch[0].ID != saved[0].ID || batch[1].ID != saved[1].ID {
			t.Fatalf("broadcast %v, want the two late articles", batch)
		}
	default:
		t.Fatal("the late articles were not broadcast")
	}
	// Polling again sends nothing twice.
	e.server.pollNew(context.Background(), high, seen)
	select {
	case batch := <-live:
		t.Fatalf("second poll broadcast %d articles again", len(batch))
	default:
	}
}

// More new articles than one store page (500) all reach the stream: the
// hub pages on instead of stalling at the store's cap.
func TestLiveTickerPagesThroughBursts(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "MAP", "fr")
	live, unsubscribe := e.server.hub.subscribe()
	defer unsubscribe()
	const n = 1234
	var batch []revue.Article
	for i := range n {
		batch = append(batch, revue.Article{URL: "https://map.example/" + strconv.Itoa(i), Title: "Dépêche " + strconv.Itoa(i), Lang: "fr", PublishedAt: testNow})
		if len(batch) == 100 || i == n-1 {
			e.save(t, src, batch...)
			batch = nil
		}
	}
	seen := map[int64]bool{}
	got := map[int64]bool{}
	var high int64
	for range 5 {
		high = e.server.pollNew(context.Background(), high, seen)
	drain:
		for {
			select {
			case b := <-live:
				for _, a := range b {
					if got[a.ID] {
						t.Fatalf("article %d broadcast twice", a.ID)
					}
					got[a.ID] = true
				}
			default:
				break drain
			}
		}
	}
	if len(got) != n {
		t.Fatalf("%d of %d articles reached the stream (high mark %d)", len(got), n, high)
	}
}
