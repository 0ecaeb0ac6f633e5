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
	"slices"
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

// HostPacer is implemented by a Fetcher that spaces its requests per host
// (fetch.Client). The crawler asks it which hosts are at their limit before
// claiming sources, and claims from the others: a worker given a source on
// a busy host would only wait while other hosts are free.
type HostPacer interface {
	// BusyHosts lists the hosts (revue.HostOf form) a request would wait
	// for now, and the earliest time one of them is free again (zero when
	// unknown).
	BusyHosts() (busy []string, next time.Time)
	// HostBurst is how many requests may start at once on a free host: one
	// when requests to a host are spaced out, else its concurrency.
	HostBurst() int
}

// RegionTagger tells which regions an article is about, as slugs
// (internal/tag's Tagger).
type RegionTagger interface {
	Regions(title, text, lang string) []string
}

// SectionTagger files an article under a section slug (internal/tag's
// SectionTagger): from its feed categories, its source's section and the
// words of its title and summary.
type SectionTagger interface {
	Section(src revue.Source, categories []string, title, summary, lang string) string
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
	Idle time.Duration
	// StopGrace is how long fetches in flight may go on once the crawl is
	// told to stop; past it they are abandoned and their leases released,
	// so another worker takes those sources at once.
	StopGrace time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
	Metrics   *Metrics
	// Seed makes the schedule's jitter reproducible in tests; 0 picks one.
	Seed uint64
	// Pages reads the article pages of items whose feed text is short
	// (under ShortText words); nil leaves the feed's text as it is.
	Pages PageReader
	// PageWorkers is how many pages are fetched at once, beside the feeds.
	PageWorkers int
	// ShortText is the number of words under which an item's own text is
	// too short to stand for the article.
	ShortText int
	// Languages are the languages articles are detected among (with each
	// source's own); empty allows any.
	Languages []string
	// Regions places each new article in the regions its title and text
	// are about (beside its source's configured region); nil places none.
	Regions RegionTagger
	// Sections files each new article under a section; nil files it under
	// its source's section.
	Sections SectionTagger
	// PageRetries bounds the attempts at a page that fails for a reason
	// that may pass (server errors, timeouts, nothing found).
	PageRetries int
	// SourceDone, when set, is called after each source, from the worker
	// goroutine that fetched it (progress bars, tests).
	SourceDone func(Result)
}

// Result is what crawling one source did.
type Result struct {
	Source   revue.Source
	Status   int
	New      []revue.Article
	Credited int // items already stored under another article, credited to it
	Seen     int
	Err      error
	Warning  string // the feed was read only in part or repaired
	Duration time.Duration
}

// Summary adds up one pass.
type Summary struct {
	Sources  int
	Failed   int
	Articles int
	Pages    int // article pages read (OnceWithPages)
}

// Crawler schedules and runs fetches. Create it with New.
type Crawler struct {
	cfg Config

	// sanitizer is shared by every parse: building its policy costs more
	// than parsing a small feed.
	sanitizer *sanitize.Sanitizer

	rngMu sync.Mutex
	rng   *rand.Rand

	// pagesDue wakes the page loop when a feed brought articles whose page
	// is wanted.
	pagesDue chan struct{}
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
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = 10 * time.Second
	}
	if cfg.PageWorkers <= 0 {
		cfg.PageWorkers = defaultPageWorkers
	}
	if cfg.ShortText <= 0 {
		cfg.ShortText = defaultShortText
	}
	if cfg.PageRetries <= 0 {
		cfg.PageRetries = defaultPageRetries
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Crawler{cfg: cfg, sanitizer: sanitize.New(), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		pagesDue: make(chan struct{}, 1)}, nil
}

// Once crawls every due source once and returns when none is left. With
// everything, every enabled source that is not backing off is fetched once,
// whatever its schedule. One source failing never fails the pass; only a
// store that cannot be reached does.
//
// Sources are claimed host by host: while a host is at its politeness
// limit, its sources stay unclaimed and the workers take sources of free
// hosts. When ctx ends, no more sources are claimed; fetches in flight get
// StopGrace to finish, then are abandoned and their leases released.
func (c *Crawler) Once(ctx context.Context, everything bool) (Summary, error) {
	var passStart time.Time
	if everything {
		passStart = c.cfg.Now()
	}
	work, stopWork := c.workContext(ctx)
	defer stopWork()
	var (
		mu  sync.Mutex
		sum Summary
		wg  sync.WaitGroup
		// Each finished source sends its host; there are never more unread
		// ones than sources in flight, hence never more than Concurrency.
		settled  = make(chan string, c.cfg.Concurrency)
		inFlight = 0
		perHost  = map[string]int{}
		// fetching are the sources this pass is fetching now (under mu).
		// A fetch that outlasts its lease lets the store offer the source
		// again, to us too: we must not fetch it a second time.
		fetching = map[int64]bool{}
	)
	finish := func(err error) (Summary, error) {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return sum, err
	}
	done := func(host string) {
		inFlight--
		if perHost[host]--; perHost[host] <= 0 {
			delete(perHost, host)
		}
	}
	for {
		for drained := false; !drained; {
			select {
			case host := <-settled:
				done(host)
			default:
				drained = true
			}
		}
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
		if inFlight == c.cfg.Concurrency {
			host, err := waitOne(ctx, settled, time.Time{})
			if err != nil {
				return finish(err)
			}
			done(host)
			continue
		}
		busy, burst, freeAt := c.busyHosts()
		req := revue.ClaimRequest{Worker: c.cfg.Worker, Now: c.cfg.Now(), Lease: c.cfg.Lease,
			Limit: c.cfg.Concurrency - inFlight, EveryFetchedBefore: passStart,
			SkipHosts: busy, PerHost: burst}
		claimed, err := c.cfg.Store.ClaimDueSources(ctx, req)
		if err == nil && len(claimed) == 0 && inFlight == 0 && len(busy) > 0 {
			// Nothing due on a free host and no fetch of ours running: if
			// anything is due at all, it is on a busy host; take one and
			// let it wait for its turn there.
			req.SkipHosts, req.Limit = nil, 1
			claimed, err = c.cfg.Store.ClaimDueSources(ctx, req)
		}
		if err != nil {
			return finish(fmt.Errorf("claiming due sources: %w", err))
		}
		if len(claimed) == 0 {
			if inFlight == 0 {
				return finish(nil)
			}
			// Due sources may wait on busy hosts: look again when one of
			// ours finishes or a pausing host is free.
			host, err := waitOne(ctx, settled, freeAt)
			if err != nil {
				return finish(err)
			}
			if host != "" {
				done(host)
			}
			continue
		}
		started := 0
		for _, src := range claimed {
			mu.Lock()
			again := fetching[src.ID]
			fetching[src.ID] = true
			mu.Unlock()
			if again {
				// Claiming it renewed our lease; the fetch under way
				// records it and releases the lease.
				continue
			}
			started++
			host := cmp.Or(src.Host, revue.HostOf(src.FeedURL))
			inFlight++
			perHost[host]++
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := c.CrawlSource(work, src)
				mu.Lock()
				sum.Sources++
				sum.Articles += len(res.New)
				if res.Err != nil {
					sum.Failed++
				}
				delete(fetching, src.ID)
				mu.Unlock()
				if c.cfg.SourceDone != nil {
					c.cfg.SourceDone(res)
				}
				settled <- host
			}()
		}
		if started == 0 {
			// Everything claimed is already being fetched here: wait for
			// a fetch to end rather than claim it again at once.
			host, err := waitOne(ctx, settled, freeAt)
			if err != nil {
				return finish(err)
			}
			if host != "" {
				done(host)
			}
		}
	}
}

// busyHosts asks the fetcher which hosts are at their limit and how many
// requests a free host takes at once; nothing when the fetcher does not
// pace hosts (then every claim is host-blind).
func (c *Crawler) busyHosts() (busy []string, burst int, next time.Time) {
	pacer, ok := c.cfg.Fetcher.(HostPacer)
	if !ok {
		return nil, 0, time.Time{}
	}
	busy, next = pacer.BusyHosts()
	return busy, pacer.HostBurst(), next
}

// workContext is the context fetches run in: it outlives ctx by StopGrace,
// so a stop lets fetches in flight finish but never waits for long.
func (c *Crawler) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(c.cfg.StopGrace, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	return work, func() {
		stop()
		cancel()
	}
}

// waitOne waits for a source of ours to finish (its host), for ctx to end,
// or, when wakeAt is set, until then ("" and nil).
func waitOne(ctx context.Context, settled <-chan string, wakeAt time.Time) (string, error) {
	var wake <-chan time.Time
	if !wakeAt.IsZero() {
		t := time.NewTimer(max(time.Until(wakeAt), time.Millisecond))
		defer t.Stop()
		wake = t.C
	}
	select {
	case host := <-settled:
		return host, nil
	case <-wake:
		return "", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Run crawls due sources until ctx ends, resting Idle between passes that
// found nothing to do, and beside them reads the article pages that are
// due, on workers of their own.
func (c *Crawler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	if c.cfg.Pages != nil {
		wg.Go(func() { c.runPages(ctx, nil) })
	}
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

// OnceWithPages is Once, with the pages of the articles it stores (and any
// others due) read beside it; it returns when both are done. It is
// `revue crawl --once`.
func (c *Crawler) OnceWithPages(ctx context.Context, everything bool) (Summary, error) {
	if c.cfg.Pages == nil {
		return c.Once(ctx, everything)
	}
	feedsDone := make(chan struct{})
	var pages int
	var wg sync.WaitGroup
	wg.Go(func() { pages = c.runPages(ctx, feedsDone) })
	sum, err := c.Once(ctx, everything)
	close(feedsDone)
	wg.Wait()
	sum.Pages = pages
	return sum, err
}

// runPages reads due pages whenever a feed brings some, or every Idle,
// until ctx ends, or, when until is given, until it is closed and no page
// is due any more. It returns how many pages it read.
func (c *Crawler) runPages(ctx context.Context, until <-chan struct{}) int {
	total := 0
	for {
		read, err := c.Pages(ctx)
		total += read
		if ctx.Err() != nil {
			return total
		}
		if err != nil {
			c.cfg.Logger.Error("reading article pages failed; retrying", "err", err)
		}
		select {
		case <-until:
			if until != nil {
				read, _ := c.Pages(ctx) // what the last feeds brought
				return total + read
			}
		case <-c.pagesDue:
		case <-ctx.Done():
			return total
		case <-time.After(c.cfg.Idle):
		}
	}
}

func (c *Crawler) nudgePages() {
	select {
	case c.pagesDue <- struct{}{}:
	default:
	}
}

// CrawlSource fetches one source's feed, stores its new items and records
// the outcome. The source must be leased to this worker. The returned
// error is about the source (its feed could not be read); failing to write
// the outcome is logged and also returned. When ctx ends mid-fetch the
// fetch is abandoned without counting against the source, and the lease is
// released for another worker.
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
		var articles []revue.Article
		var notes []string
		articles, notes = articlesFrom(parsed, src, resp.LastModified, start, c.cfg.Regions, c.cfg.Sections)
		for i := range articles {
			if c.wantsPage(articles[i].URL, articles[i].Summary, articles[i].ContentHTML) {
				articles[i].Page = revue.PagePending
			}
		}
		res.Warning = strings.Join(append(slices.Clone(parsed.Notes), notes...), "; ")
		var saved revue.SaveResult
		saved, err = c.cfg.Store.SaveArticles(ctx, src.ID, articles, c.cfg.Now())
		if err != nil {
			err = fmt.Errorf("saving articles of %s: %w", src.FeedURL, err)
		}
		res.New, res.Credited = saved.New, len(saved.Credited)
		for _, a := range saved.New {
			if a.Page == revue.PagePending {
				c.nudgePages()
				break
			}
		}
	}
	res.Err = err
	res.Status = out.Status
	out.ItemsSeen, out.ItemsNew = res.Seen, len(res.New)
	out.Warning = res.Warning
	c.schedule(&out, src, resp, parsed, err)
	end := c.cfg.Now()
	out.Duration = end.Sub(start)
	res.Duration = out.Duration

	// Past this point the work is written whatever happens to ctx: the
	// outcome must be recorded after a fetch that succeeded, or its
	// articles would look unrecorded.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if ctx.Err() != nil && err != nil {
		// The process is stopping, not the source failing: recording an
		// error would count against the source and push its next fetch
		// back. Its lease is handed back so another worker takes it now.
		c.cfg.Logger.Info("fetch abandoned while stopping; lease released", "source", src.ID, "url", src.FeedURL)
		res.Err = fmt.Errorf("abandoned while stopping: %w", ctx.Err())
		if rerr := c.cfg.Store.ReleaseLease(bg, c.cfg.Worker, src.ID); rerr != nil {
			c.cfg.Logger.Error("releasing a lease failed; it will lapse", "source", src.ID, "err", rerr)
		}
		return res
	}
	if rerr := c.cfg.Store.RecordFetch(bg, out); rerr != nil {
		c.cfg.Logger.Error("recording a fetch failed", "source", src.ID, "err", rerr)
		res.Err = errors.Join(res.Err, fmt.Errorf("recording the fetch of %s: %w", src.FeedURL, rerr))
	}
	c.cfg.Metrics.observe(res, out)
	switch {
	case err != nil:
		c.cfg.Logger.Warn("source failed", "source", src.ID, "url", src.FeedURL, "err", err)
	case res.Warning != "":
		c.cfg.Logger.Warn("source read in part", "source", src.ID, "url", src.FeedURL, "warning", res.Warning,
			"new", len(res.New), "credited", res.Credited)
	default:
		c.cfg.Logger.Debug("source fetched", "source", src.ID, "new", len(res.New), "credited", res.Credited,
			"seen", res.Seen, "status", out.Status)
	}
	return res
}

func (c *Crawler) parse(ctx context.Context, resp *fetch.Response, src revue.Source) (*feed.Feed, error) {
	text, _, err := charset.ToUTF8(resp.Body, resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", resp.URL, err)
	}
	parsed, err := feed.Parse(ctx, text, feed.Options{Now: c.cfg.Now(), FeedURL: resp.URL, Sanitizer: c.sanitizer, Lang: src.Lang, Languages: c.cfg.Languages})
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
		// Only the feed's own dates say how fast it publishes.
		dates := make([]time.Time, 0, len(parsed.Items))
		for _, it := range parsed.Items {
			if !it.PublishedAt.IsZero() {
				dates = append(dates, it.PublishedAt)
			}
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
	base := out.Interval
	if src.LastSuccessAt.IsZero() {
		// A source never read has no known rate: its interval is the
		// longest one, and backing off from there would leave a source
		// added today alone for a day after one hiccup.
		base = p.MinInterval
	}
	wait := p.backoff(base, failures)
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

// articlesFrom maps the showable items of f to articles of src, each item's
// language detected by the parser with the source's setting as the hint,
// places each in its regions and its section, and dates the undated ones (see
// dateUndated). It returns notes about items left out.
func articlesFrom(f *feed.Feed, src revue.Source, lastModified string, fetched time.Time, regions RegionTagger, sections SectionTagger) ([]revue.Article, []string) {
	dates, estimated := dateUndated(f, src, lastModified, fetched)
	articles := make([]revue.Article, 0, len(f.Items))
	hidden := 0
	for i, it := range f.Items {
		if it.Cut {
			continue // the feed's notes say so; the next fetch brings it whole
		}
		if !it.Showable() {
			hidden++
			continue
		}
		title := it.Title
		if title == "" {
			title = cmp.Or(firstWords(it.Summary, 12), it.URL)
		}
		a := revue.Article{
			SourceID:      src.ID,
			GUID:          it.GUID,
			URL:           it.URL,
			CanonicalURL:  it.CanonicalURL,
			Title:         title,
			Summary:       it.Summary,
			ContentHTML:   it.ContentHTML,
			Byline:        it.Author,
			Lang:          cmp.Or(it.Lang, src.Lang),
			Section:       src.Section,
			PublishedAt:   dates[i],
			DateEstimated: estimated[i],
		}
		if regions != nil {
			a.Regions = regions.Regions(a.Title, it.Summary, a.Lang)
		}
		if sections != nil {
			a.Section = sections.Section(src, it.Categories, a.Title, it.Summary, a.Lang)
		}
		if src.Region != "" && !slices.Contains(a.Regions, src.Region) {
			a.Regions = append(a.Regions, src.Region)
		}
		for _, u := range it.Images {
			a.Images = append(a.Images, revue.Image{URL: u, Status: revue.ImageOK})
		}
		articles = append(articles, a)
	}
	var notes []string
	if hidden > 0 {
		notes = append(notes, fmt.Sprintf("%d %s with neither title, link, text nor image left out", hidden, plural(hidden, "item", "items")))
	}
	return articles, notes
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// wantsPage reports whether an item's own text is too short to stand for
// the article, so that its page is worth fetching: the longer of its
// summary and content decides (feeds often repeat one in the other).
func (c *Crawler) wantsPage(url, summary, contentHTML string) bool {
	if c.cfg.Pages == nil || !isHTTP(url) {
		return false
	}
	words := max(len(strings.Fields(summary)), len(strings.Fields(stripTags(contentHTML))))
	return words < c.cfg.ShortText
}

// stripTags is the text of an HTML fragment, enough to count its words.
func stripTags(html string) string {
	var b strings.Builder
	inTag := false
	for _, r := range html {
		switch {
		case r == '<':
			inTag = true
			b.WriteByte(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func firstWords(s string, n int) string {
	words := strings.Fields(s)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:n], " ") + "…"
}
