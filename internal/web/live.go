package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"revue"
)

const (
	// liveBatch is how many new articles one store query fetches beyond
	// the overlap.
	liveBatch = 200
	// liveMaxBatches bounds one poll, so a burst of imports cannot keep
	// the hub busy; the rest comes at the next tick.
	liveMaxBatches = 10
	// subscriberBuffer is how many batches a slow client may fall behind
	// before it is dropped (its EventSource reconnects with Last-Event-ID).
	subscriberBuffer = 16
	// resumeLimit bounds what a reconnecting client is sent from the store.
	resumeLimit = 500
	// liveOverlap is how far below its high mark each poll looks again.
	// PostgreSQL hands out IDs before commit, so an article can become
	// visible after one with a higher ID stored by a faster transaction.
	// liveOverlap+liveBatch stays within the stores' 500-row page.
	liveOverlap = 300
	// liveWindow is how old a headline may be and still be news: a source
	// added today brings its backlog, which belongs in listings, not at the
	// top of the live ticker.
	liveWindow = 48 * time.Hour
	// streamRetryAfter is when a client refused a stream may ask again;
	// ticker.js waits as long before it does.
	streamRetryAfter = 30 * time.Second
)

// hub fans new headlines out to the SSE subscribers of this process.
type hub struct {
	mu     sync.Mutex
	subs   map[chan []revue.Article]struct{}
	closed bool
	// polls counts finished store polls, so tests can wait for one.
	polls atomic.Int64
}

func newHub() *hub { return &hub{subs: map[chan []revue.Article]struct{}{}} }

// subscribe returns a channel of new-article batches; it is closed when
// the hub stops or the subscriber falls too far behind.
func (h *hub) subscribe() (<-chan []revue.Article, func()) {
	ch := make(chan []revue.Article, subscriberBuffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	h.subs[ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			close(ch)
		}
	}
}

func (h *hub) broadcast(batch []revue.Article) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- batch:
		default:
			delete(h.subs, ch)
			close(ch)
		}
	}
}

func (h *hub) subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}

// Run is the live ticker hub: it asks the store for articles newer than
// the last it saw, every LivePoll or when Wake fires, and sends them to
// the SSE subscribers. It returns nil when ctx ends, after closing every
// live stream.
func (s *Server) Run(ctx context.Context) error {
	defer s.hub.close()
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	lastID := int64(-1) // unknown until the store first answers
	seen := map[int64]bool{}
	for {
		if lastID < 0 {
			id, err := s.store.LatestArticleID(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "live ticker: reading the latest article ID", "err", err)
			} else if err == nil {
				lastID = id
				// What is already stored is not news; only what comes
				// after, including late commits below the mark, is.
				backlog, err := s.store.ArticlesAfter(ctx, max(id-liveOverlap, 0), liveOverlap)
				if err == nil {
					for _, a := range backlog {
						seen[a.ID] = true
					}
				}
			}
		} else {
			lastID = s.pollNew(ctx, lastID, seen)
		}
		s.hub.polls.Add(1)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-s.wake: // a nil channel never fires
		}
	}
}

// pollNew broadcasts the articles that became visible since the last poll
// and returns the new high mark. seen holds the IDs already handled in the
// overlap window; pollNew prunes it.
func (s *Server) pollNew(ctx context.Context, lastID int64, seen map[int64]bool) int64 {
	from := max(lastID-liveOverlap, 0)
	for range liveMaxBatches {
		batch, err := s.store.ArticlesAfter(ctx, from, liveOverlap+liveBatch)
		if err != nil {
			if ctx.Err() == nil {
				s.log.WarnContext(ctx, "live ticker: reading new articles", "after", from, "err", err)
			}
			return lastID
		}
		recent := s.now().Add(-liveWindow)
		var fresh []revue.Article
		for _, a := range batch {
			from = max(from, a.ID)
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			lastID = max(lastID, a.ID)
			if isNews(a, recent) {
				fresh = append(fresh, a)
			}
		}
		if len(fresh) > 0 {
			s.hub.broadcast(fresh)
		}
		if len(batch) < liveOverlap+liveBatch {
			break
		}
	}
	for id := range seen {
		if id <= lastID-liveOverlap {
			delete(seen, id)
		}
	}
	return lastID
}

// isNews reports whether a stored article belongs in the live ticker:
// published since recent, with a date of its own. An undated backlog,
// dated by estimate on a source's first crawl, is listed, never streamed.
func isNews(a revue.Article, recent time.Time) bool {
	return !a.DateEstimated && !a.PublishedAt.Before(recent)
}

// headlineEvent is the data of one `event: headline`.
type headlineEvent struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Source      string `json:"source"`
	Lang        string `json:"lang"`
	PublishedAt string `json:"published_at"`
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	client := clientNetwork(s.clients.of(r))
	release, ok := s.streams.acquire(client)
	if !ok {
		s.metrics.streamsRefused.Inc()
		s.refuseStream(w, r, client)
		return
	}
	defer release()
	s.metrics.streamsOpen.Inc()
	defer s.metrics.streamsOpen.Dec()

	rc := http.NewResponseController(w)
	// A live stream outlives any server-wide write timeout.
	_ = rc.SetWriteDeadline(time.Time{})

	live, cancel := s.hub.subscribe()
	defer cancel()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // keep reverse proxies from buffering the stream
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 5000\n: connected\n\n"); err != nil {
		return
	}

	// sent holds what this stream was given from the store on resuming,
	// which the hub may broadcast again.
	sent := map[int64]bool{}
	if resume := lastEventID(r); resume > 0 {
		backlog, err := s.store.ArticlesAfter(ctx, resume, resumeLimit)
		if err != nil {
			s.log.WarnContext(ctx, "live ticker: resuming a stream", "after", resume, "err", err)
		}
		recent := s.now().Add(-liveWindow)
		backlog = slices.DeleteFunc(backlog, func(a revue.Article) bool { return !isNews(a, recent) })
		if err := s.writeHeadlines(w, backlog, sent, true); err != nil {
			return
		}
	}
	if err := rc.Flush(); err != nil {
		return
	}

	heartbeat := time.NewTicker(s.heartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-heartbeat.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return
			}
		case batch, ok := <-live:
			if !ok {
				return
			}
			if err := s.writeHeadlines(w, batch, sent, false); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// refuseStream answers a client past its stream bound at once, so neither
// side holds a connection for nothing.
func (s *Server) refuseStream(w http.ResponseWriter, r *http.Request, client netip.Prefix) {
	s.log.DebugContext(r.Context(), "live ticker: refused a stream past the per-client bound", "client", client)
	wait := int(streamRetryAfter / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, fmt.Sprintf("Too many live ticker streams from your address; close a tab or try again in %d seconds.", wait),
		http.StatusTooManyRequests)
}

// writeHeadlines sends the articles not in sent. With remember, it adds
// them to sent: only a resumed backlog needs remembering, because the hub
// broadcasts each article once, so sent stays as small as the backlog.
func (s *Server) writeHeadlines(w http.ResponseWriter, batch []revue.Article, sent map[int64]bool, remember bool) error {
	for _, a := range batch {
		if sent[a.ID] {
			continue
		}
		if remember {
			sent[a.ID] = true
		}
		data, err := json.Marshal(headlineEvent{
			ID:          a.ID,
			Title:       a.Title,
			URL:         ArticlePath(a.ID, a.Title),
			Source:      a.SourceName,
			Lang:        a.Lang,
			PublishedAt: rfc3339(a.PublishedAt),
		})
		if err != nil {
			return fmt.Errorf("encoding headline %d: %w", a.ID, err)
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: headline\ndata: %s\n\n", a.ID, data); err != nil {
			return fmt.Errorf("writing headline %d: %w", a.ID, err)
		}
	}
	return nil
}

// lastEventID is where a reconnecting EventSource left off (header), or
// where a page's ticker ends (?after=, so a page loaded between polls
// misses nothing).
func lastEventID(r *http.Request) int64 {
	v := strings.TrimSpace(r.Header.Get("Last-Event-ID"))
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}
