package crawl

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"revue"
	"revue/internal/fetch"
)

// PageReader reads one article page already fetched: its main text and
// what it says of itself (internal/extract in production).
type PageReader func(ctx context.Context, body []byte, contentType, pageURL string, rules revue.ExtractRules) (ReadPage, error)

// ReadPage is what a PageReader found in a page.
type ReadPage struct {
	HTML   string // the main text, sanitized
	Text   string // the main text, plain
	Words  int
	Byline string
	Lang   string
	Images []revue.Image // lead first
	// PublishedAt is the page's own date, zero when it gives none.
	PublishedAt time.Time
	// The page's <meta name="robots">.
	NoArchive, NoSnippet bool
}

// Defaults of the page queue.
const (
	defaultPageWorkers = 4
	defaultShortText   = 120
	defaultPageRetries = 3
	// pageRetryBase is the wait before the first retry of a page; each
	// further one doubles it.
	pageRetryBase = 30 * time.Minute
)

func isHTTP(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// Pages reads the article pages that are due until none is left, PageWorkers
// at a time, and returns how many it read. It runs beside the feed
// crawl, on its own workers, so that pages never hold up feeds. When ctx
// ends, pages in flight get StopGrace, then are abandoned.
func (c *Crawler) Pages(ctx context.Context) (read int, err error) {
	if c.cfg.Pages == nil {
		return 0, nil
	}
	work, stopWork := c.workContext(ctx)
	defer stopWork()
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		settled  = make(chan struct{}, c.cfg.PageWorkers)
		inFlight = 0
	)
	defer wg.Wait()
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
			return read, err
		}
		if inFlight == c.cfg.PageWorkers {
			select {
			case <-settled:
				inFlight--
			case <-ctx.Done():
				return read, ctx.Err()
			}
			continue
		}
		jobs, err := c.cfg.Store.ClaimPages(ctx, c.cfg.Worker, c.cfg.Now(), c.cfg.Lease, c.cfg.PageWorkers-inFlight)
		if err != nil {
			return read, fmt.Errorf("claiming article pages: %w", err)
		}
		if len(jobs) == 0 {
			if inFlight == 0 {
				return read, nil
			}
			select {
			case <-settled:
				inFlight--
			case <-ctx.Done():
				return read, ctx.Err()
			}
			continue
		}
		for _, job := range jobs {
			inFlight++
			wg.Go(func() {
				if c.readPage(work, job) {
					mu.Lock()
					read++
					mu.Unlock()
				}
				settled <- struct{}{}
			})
		}
	}
}

// readPage fetches and reads one page and records the outcome; true when
// the page's text replaced the feed's.
func (c *Crawler) readPage(ctx context.Context, job revue.PageJob) bool {
	o := revue.PageOutcome{ArticleID: job.ArticleID, Worker: c.cfg.Worker, At: c.cfg.Now()}
	page, err := c.fetchPage(ctx, job)
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if ctx.Err() != nil && err != nil {
		// Stopping, not the page failing: no attempt is counted, and the
		// page is read by whoever holds it after its lease.
		return false
	}
	switch {
	case err != nil:
		o.Err = err.Error()
		if retryable(err) && job.Attempts+1 < c.cfg.PageRetries {
			o.RetryAt = o.At.Add(pageRetryBase << job.Attempts)
		}
	default:
		o.ContentHTML, o.Text, o.Byline, o.Lang, o.Images = page.HTML, page.Text, page.Byline, page.Lang, page.Images
		// A page in a language not followed keeps the item's, which was
		// detected among the followed ones and the source's own.
		if len(c.cfg.Languages) > 0 && !slices.Contains(c.cfg.Languages, o.Lang) {
			o.Lang = ""
		}
		// A date ahead of the crawl's clock is a page's mistake (or its
		// time zone's): the estimate is the better guess then.
		if !page.PublishedAt.After(o.At.Add(time.Hour)) {
			o.PublishedAt = page.PublishedAt
		}
		// The feed's summary was too short to say much: the page's lead,
		// read with the title as the tagger is tuned for, may name places.
		if c.cfg.Regions != nil {
			o.Regions = c.cfg.Regions.Regions(job.Title, lead(page.Text), cmp.Or(o.Lang, job.Lang))
		}
		switch {
		case page.NoSnippet:
			o.Robots = revue.RepublishTitle
		case page.NoArchive:
			o.Robots = revue.RepublishExcerpt
		}
	}
	if rerr := c.cfg.Store.RecordPage(bg, o); rerr != nil {
		c.cfg.Logger.Error("recording an article page failed", "article", job.ArticleID, "err", rerr)
		return false
	}
	c.cfg.Metrics.observePage(o)
	if o.Err != "" {
		// The article says why (PageError) and the metrics count it; a
		// source whose pages all fail would flood the log at Info.
		c.cfg.Logger.Debug("article page not read", "article", job.ArticleID, "url", job.URL, "err", o.Err, "retry", !o.RetryAt.IsZero())
		return false
	}
	return true
}

// errNoArticle is a page in which the reader found no article text.
var errNoArticle = errors.New("no article text found on the page; the feed's text is kept")

// fetchPage fetches job's page politely and reads it.
func (c *Crawler) fetchPage(ctx context.Context, job revue.PageJob) (ReadPage, error) {
	resp, err := c.cfg.Fetcher.Fetch(ctx, fetch.Request{URL: job.URL, Kind: fetch.KindPage})
	if err != nil {
		return ReadPage{}, err
	}
	if resp.NotModified || len(resp.Body) == 0 {
		return ReadPage{}, fmt.Errorf("%s: %w", job.URL, errNoArticle)
	}
	page, err := c.cfg.Pages(ctx, resp.Body, resp.ContentType, resp.URL, job.Rules)
	if err != nil {
		return ReadPage{}, fmt.Errorf("reading %s: %w", resp.URL, err)
	}
	if strings.TrimSpace(page.Text) == "" {
		return ReadPage{}, fmt.Errorf("%s: %w", resp.URL, errNoArticle)
	}
	return page, nil
}

// retryable tells a page worth asking for again (the server was down or
// slow, the reader found nothing this time) from one that will not change
// its answer soon: gone, not found, refused by robots.txt or the SSRF
// guard, not HTML.
func retryable(err error) bool {
	var se *fetch.StatusError
	switch {
	case errors.As(err, &se):
		switch se.Status {
		case http.StatusNotFound, http.StatusGone, http.StatusForbidden, http.StatusUnauthorized,
			http.StatusPaymentRequired, http.StatusUnavailableForLegalReasons:
			return false
		}
		return !se.BotProtection
	case errors.Is(err, fetch.ErrRobotsDisallowed), errors.Is(err, fetch.ErrBadURL),
		errors.Is(err, fetch.ErrPrivateAddress), errors.Is(err, fetch.ErrTooLarge):
		return false
	}
	return true
}

// leadRunes bounds an article's lead: its first paragraphs, up to about
// the length of the leads the region tagger was tuned on.
const leadRunes = 600

// lead is the first paragraphs of text (paragraphs separated by blank
// lines), as many as fit in leadRunes; at least the first, cut to
// leadRunes.
func lead(text string) string {
	var b strings.Builder
	n := 0
	for para := range strings.SplitSeq(strings.TrimSpace(text), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		runes := utf8.RuneCountInString(para)
		if n > 0 && n+runes > leadRunes {
			break
		}
		if runes > leadRunes { // a page without paragraph breaks
			para = string([]rune(para)[:leadRunes])
		}
		if n > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(para)
		n += runes
	}
	return b.String()
}
