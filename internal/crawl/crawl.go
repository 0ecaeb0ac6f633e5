// Package crawl turns due sources into stored articles: it claims sources
// from the store with a lease, fetches and parses their feeds, saves the new
// items and records how the fetch went and when to come back.
//
// Several crawl processes may share one database: the store's leases make
// sure no source is fetched by two of them at once.
package crawl

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"revue"
	"revue/internal/charset"
	"revue/internal/feed"
	"revue/internal/fetch"
	"revue/internal/sanitize"
)

// Fetcher is the one door to the network (fetch.Client in production).
type Fetcher interface {
	Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Config holds what a Crawler needs. Store, Fetcher and Worker are required.
type Config struct {
	Store   revue.Store
	Fetcher Fetcher
	// Worker names this process in leases; unique per process.
	Worker string
	// Concurrency is the number of sources fetched at once (--workers).
	Concurrency int
	// Lease is how long a claimed source stays reserved for this worker.
	Lease  time.Duration
	Policy Policy
	// Idle is how long Run waits before looking for due sources again when
	// none was due.
	Idle    time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *Metrics
	// Seed makes the schedule's jitter reproducible in tests; 0 picks one.
	Seed uint64
	// SourceDone, when set, is called after each source, from the worker
	// goroutine that fetched it (progress bars, tests).
	SourceDone func(Result)
}

// Result is what crawling one source did.
type Result struct {
	Source   revue.Source
	Status   int
	New      []revue.Article
	Seen     int
	Err      error
	Duration time.Duration
}

// Summary adds up one pass.
type Summary struct {
	Sources  int
	Failed   int
	Articles int
}

// Crawler schedules and runs fetches. Create it with New.
type Crawler struct {
	cfg Config

	// sanitizer is shared by every parse: building its policy costs more
	// than parsing a small feed.
	sanitizer *sanitize.Sanitizer

	rngMu sync.Mutex
	rng   *rand.Rand
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Crawler, error) {
	if cfg.Store == nil || cfg.Fetcher == nil {
		return nil, errors.New("crawl: a store and a fetcher are required")
	}
	if cfg.Worker == "" {
		return nil, errors.New("crawl: a worker name is required for leases")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Policy == (Policy{}) {
		cfg.Policy = DefaultPolicy()
	}
	if cfg.Idle <= 0 {
		// Look again often enough that a source is fetched close to when
		// it falls due (a tenth of the shortest interval), but never in a
		// busy loop and never rarer than every 10 s.
		cfg.Idle = min(10*time.Second, max(cfg.Policy.MinInterval/10, 100*time.Millisecond))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Crawler{cfg: cfg, sanitizer: sanitize.New(), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}, nil
}

// Once crawls every due source once and returns when none is left. With
// everything, every enabled source that is not backing off is fetched once,
// whatever its schedule. One source failing never fails the pass; only a
// store that cannot be reached does.
func (c *Crawler) Once(ctx context.Context, everything bool) (Summary, error) {
	var passStart time.Time
	if everything {
		passStart = c.cfg.Now()
	}
	var (
		mu  sync.Mutex
		sum Summary
		wg  sync.WaitGroup
		// Each finished source sends one token; there are never more
		// unread tokens than sources in flight, hence never more than
		// Concurrency.
		settled  = make(chan struct{}, c.cfg.Concurrency)
		inFlight = 0
	)
	finish := func(err error) (Summary, error) {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return sum, err
	}
	for {
		for drained := false; !drained; {
			select {
			case <-settled:
				inFlight--
			default:
				drained = true
			}
		}
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
		if inFlight == c.cfg.Concurrency {
			if err := waitOne(ctx, settled); err != nil {
				return finish(err)
			}
			inFlight--
			continue
		}
		claimed, err := c.cfg.Store.ClaimDueSources(ctx, c.cfg.Worker, c.cfg.Now(), c.cfg.Lease, c.cfg.Concurrency-inFlight, passStart)
		if err != nil {
			return finish(fmt.Errorf("claiming due sources: %w", err))
		}
		if len(claimed) == 0 {
			if inFlight == 0 {
				return finish(nil)
			}
			// Another worker's lease may expire or a source of ours may
			// be retried; look again once one in flight has finished.
			if err := waitOne(ctx, settled); err != nil {
				return finish(err)
			}
			inFlight--
			continue
		}
		for _, src := range claimed {
			inFlight++
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := c.CrawlSource(ctx, src)
				mu.Lock()
				sum.Sources++
				sum.Articles += len(res.New)
				if res.Err != nil {
					sum.Failed++
				}
				mu.Unlock()
				if c.cfg.SourceDone != nil {
					c.cfg.SourceDone(res)
				}
				settled <- struct{}{}
			}()
		}
	}
}

func waitOne(ctx context.Context, settled <-chan struct{}) error {
	select {
	case <-settled:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run crawls due sources until ctx ends, resting Idle between passes that
// found nothing to do.
func (c *Crawler) Run(ctx context.Context) error {
	for {
		sum, err := c.Once(ctx, false)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			c.cfg.Logger.Error("crawl pass failed; retrying", "err", err)
		} else if sum.Sources > 0 {
			c.cfg.Logger.Info("crawl pass done", "sources", sum.Sources, "failed", sum.Failed, "articles", sum.Articles)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(c.cfg.Idle):
		}
	}
}

// CrawlSource fetches one source's feed, stores its new items and records
// the outcome. The source must be leased to this worker. The returned
// error is about the source (its feed could not be read); failing to write
// the outcome is logged and also returned.
func (c *Crawler) CrawlSource(ctx context.Context, src revue.Source) Result {
	start := c.cfg.Now()
	res := Result{Source: src}
	out := revue.FetchOutcome{SourceID: src.ID, Worker: c.cfg.Worker, At: start}

	resp, err := c.cfg.Fetcher.Fetch(ctx, fetch.Request{
		URL: src.FeedURL, Kind: fetch.KindFeed, ETag: src.ETag, LastModified: src.LastModified,
	})
	var parsed *feed.Feed
	if err == nil {
		out.Status = resp.Status
		out.ETag, out.LastModified = resp.ETag, resp.LastModified
		if resp.PermanentURL != "" && resp.PermanentURL != src.FeedURL {
			out.NewFeedURL = resp.PermanentURL
		}
		if resp.NotModified {
			out.NotModified = true
		} else {
			parsed, err = c.parse(ctx, resp, src)
		}
	}
	if err == nil && parsed != nil {
		res.Seen = len(parsed.Items)
		res.New, err = c.cfg.Store.SaveArticles(ctx, src.ID, articlesFrom(parsed, src), c.cfg.Now())
		if err != nil {
			err = fmt.Errorf("saving articles of %s: %w", src.FeedURL, err)
		}
	}
	res.Err = err
	res.Status = out.Status
	out.ItemsSeen, out.ItemsNew = res.Seen, len(res.New)
	c.schedule(&out, src, resp, parsed, err)
	end := c.cfg.Now()
	out.Duration = end.Sub(start)
	res.Duration = out.Duration

	if ctx.Err() != nil && err != nil {
		// The process is stopping, not the source failing: recording an
		// error would count against the source and push its next fetch
		// back. Its lease lapses and another worker takes it.
		c.cfg.Logger.Info("fetch abandoned while stopping", "source", src.ID, "url", src.FeedURL)
		res.Err = fmt.Errorf("abandoned while stopping: %w", ctx.Err())
		return res
	}
	// The outcome must be written even when the pass is being cancelled
	// after the fetch succeeded, or the articles would look unrecorded.
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if rerr := c.cfg.Store.RecordFetch(recordCtx, out); rerr != nil {
		c.cfg.Logger.Error("recording a fetch failed", "source", src.ID, "err", rerr)
		res.Err = errors.Join(res.Err, fmt.Errorf("recording the fetch of %s: %w", src.FeedURL, rerr))
	}
	c.cfg.Metrics.observe(res, out)
	if err != nil {
		c.cfg.Logger.Warn("source failed", "source", src.ID, "url", src.FeedURL, "err", err)
	} else {
		c.cfg.Logger.Debug("source fetched", "source", src.ID, "new", len(res.New), "seen", res.Seen, "status", out.Status)
	}
	return res
}

func (c *Crawler) parse(ctx context.Context, resp *fetch.Response, src revue.Source) (*feed.Feed, error) {
	text, _, err := charset.ToUTF8(resp.Body, resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", resp.URL, err)
	}
	parsed, err := feed.Parse(ctx, text, feed.Options{Now: c.cfg.Now(), FeedURL: resp.URL, Sanitizer: c.sanitizer, Lang: src.Lang})
	if err != nil {
		return nil, fmt.Errorf("reading the feed at %s: %w", resp.URL, err)
	}
	return parsed, nil
}

// schedule decides when the source is fetched next and fills the outcome's
// error words, back-off and health fields.
func (c *Crawler) schedule(out *revue.FetchOutcome, src revue.Source, resp *fetch.Response, parsed *feed.Feed, err error) {
	now := c.cfg.Now()
	p := c.cfg.Policy
	out.ItemsPerDay = src.ItemsPerDay
	if parsed != nil {
		dates := make([]time.Time, 0, len(parsed.Items))
		for _, it := range parsed.Items {
			dates = append(dates, it.PublishedAt)
		}
		if rate, ok := itemsPerDay(dates, now); ok {
			out.ItemsPerDay = blendRate(src.ItemsPerDay, rate)
		}
	}
	var floor time.Duration
	if resp != nil {
		floor = resp.CacheFor
	}
	if parsed != nil {
		floor = max(floor, parsed.TTL)
	}
	out.Interval = p.intervalFor(out.ItemsPerDay, floor)

	if err == nil {
		out.NextFetchAt = now.Add(c.jitter(out.Interval))
		return
	}
	out.Err = err.Error()
	failures := src.ConsecutiveFailures + 1
	wait := p.backoff(out.Interval, failures)
	var se *fetch.StatusError
	if errors.As(err, &se) {
		out.Status = se.Status
		switch {
		case se.BotProtection:
			wait = p.BotProtectionBackoff
		case se.Status == http.StatusGone:
			out.Disable = true
			out.Err = fmt.Sprintf("the feed is gone (HTTP 410); the source was disabled: %v", err)
		case se.RetryAfter > 0:
			wait = max(se.RetryAfter, p.MinInterval)
		}
	}
	out.NextFetchAt = now.Add(wait)
}

func (c *Crawler) jitter(d time.Duration) time.Duration {
	c.rngMu.Lock()
	defer c.rngMu.Unlock()
	return c.cfg.Policy.jittered(d, c.rng)
}

// articlesFrom maps parsed items to articles of src. Each item's language
// was detected by the parser with the source's setting as the hint.
func articlesFrom(f *feed.Feed, src revue.Source) []revue.Article {
	articles := make([]revue.Article, 0, len(f.Items))
	for _, it := range f.Items {
		title := it.Title
		if title == "" {
			title = firstWords(it.Summary, 12)
		}
		a := revue.Article{
			SourceID:     src.ID,
			GUID:         it.GUID,
			URL:          it.URL,
			CanonicalURL: it.CanonicalURL,
			Title:        title,
			Summary:      it.Summary,
			ContentHTML:  it.ContentHTML,
			Byline:       it.Author,
			Lang:         cmp.Or(it.Lang, src.Lang),
			Section:      src.Section,
			PublishedAt:  it.PublishedAt,
		}
		if src.Region != "" {
			a.Regions = []string{src.Region}
		}
		for _, u := range it.Images {
			a.Images = append(a.Images, revue.Image{URL: u, Status: revue.ImageOK})
		}
		articles = append(articles, a)
	}
	return articles
}

func firstWords(s string, n int) string {
	words := strings.Fields(s)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:n], " ") + "…"
}
