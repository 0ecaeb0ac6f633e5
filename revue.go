// Package revue holds the domain types shared by every stage of the
// aggregator and the Store interface that both database backends satisfy.
//
// Data flows one way: crawl fills the store through Store's write methods,
// the web reads it and writes only reports and admin changes.
package revue

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned (wrapped) by Store lookups that match nothing.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned (wrapped) when a unique value, such as a source's
// feed URL, is already taken.
var ErrDuplicate = errors.New("already exists")

// Source is a followed news feed together with its crawl state.
type Source struct {
	ID      int64
	Name    string
	FeedURL string
	SiteURL string
	Lang    string // configured language; articles may still be detected otherwise
	Section string // slug
	Region  string // region slug from the gazetteer, or empty
	Enabled bool

	// Crawl state, written only through Store.RecordFetch.
	ETag                string
	LastModified        string
	LastStatus          int    // HTTP status of the last feed fetch, 0 if none
	LastError           string // words about the last failed fetch; empty after a success
	ConsecutiveFailures int
	LastFetchAt         time.Time
	LastSuccessAt       time.Time
	NextFetchAt         time.Time
	// Interval is the learned polling interval (before jitter and back-off).
	Interval    time.Duration
	ItemsPerDay float64

	CreatedAt time.Time

	// Articles is the number of stored articles (filled by reads only).
	Articles int64
}

// ImageStatus says whether an image may be shown.
type ImageStatus string

const (
	ImageOK      ImageStatus = "ok"
	ImageBlocked ImageStatus = "blocked"
)

// Image is a picture referenced by one or more articles. It is shown only
// through the portal's image proxy, which refuses blocked images.
type Image struct {
	ID      int64
	URL     string // the original, absolute URL
	Status  ImageStatus
	Reports int // distinct reporters so far
}

// Article is one stored news item.
type Article struct {
	ID           int64
	SourceID     int64
	SourceName   string // filled by reads
	GUID         string
	URL          string // the original article, as linked by the feed (absolute)
	CanonicalURL string // normalised URL used for de-duplication
	Title        string // plain text
	Summary      string // plain text
	ContentHTML  string // sanitized HTML
	Byline       string
	Lang         string
	Section      string
	Regions      []string
	StoryID      int64
	PublishedAt  time.Time
	FetchedAt    time.Time // when Revue first saw it
	Images       []Image   // in the order the feed gave them; first is the lead image
}

// ArticleQuery selects a page of articles, newest first (by PublishedAt,
// then ID). Zero fields do not filter.
type ArticleQuery struct {
	Limit    int
	Cursor   Cursor // zero: first page
	Lang     string
	SourceID int64
	Section  string
	Region   string
	StoryID  int64
}

// ArticlePage is one page of a listing. Next is the zero Cursor on the last page.
type ArticlePage struct {
	Items []Article
	Next  Cursor
}

// FetchOutcome is what one feed fetch did, recorded by Store.RecordFetch.
type FetchOutcome struct {
	SourceID int64
	Worker   string // the lease holder; RecordFetch releases that lease
	At       time.Time
	Duration time.Duration
	Status   int    // HTTP status, 0 when no response came back
	Err      string // empty on success (including 304)

	NotModified  bool
	ETag         string
	LastModified string
	NewFeedURL   string // set after a permanent redirect
	Disable      bool   // the source is gone (410)
	ItemsSeen    int
	ItemsNew     int

	// Schedule decided by the crawler.
	NextFetchAt time.Time
	Interval    time.Duration
	ItemsPerDay float64
}

// FetchLogEntry is one row of a source's fetch history.
type FetchLogEntry struct {
	SourceID   int64
	At         time.Time
	DurationMS int64
	Status     int
	Err        string
	ItemsSeen  int
	ItemsNew   int
}

// Store is the one persistence interface. SQLite is the embedded default,
// PostgreSQL the scale-out backend; both pass internal/store/storetest.
//
// Time is always passed in: no method reads the clock.
type Store interface {
	// Migrate brings the schema up to date; safe to call from several
	// processes at once.
	Migrate(ctx context.Context) error
	Close() error

	// AddSource stores a new source (ErrDuplicate if its feed URL is taken)
	// and makes it due at now.
	AddSource(ctx context.Context, s Source, now time.Time) (Source, error)
	GetSource(ctx context.Context, id int64) (Source, error)
	// ListSources returns every source, by ID, with Articles counted.
	ListSources(ctx context.Context) ([]Source, error)
	// UpdateSource changes the configuration fields (name, URLs, lang,
	// section, region, enabled), never the crawl state.
	UpdateSource(ctx context.Context, s Source) error
	// RemoveSource deletes a source and its articles.
	RemoveSource(ctx context.Context, id int64) error

	// ClaimDueSources leases up to limit enabled sources that are due and
	// whose lease is free or expired, soonest due first. A source is due
	// when NextFetchAt <= now. When everyFetchedBefore is not zero (a
	// "crawl everything" pass started then), a source that is not backing
	// off (ConsecutiveFailures == 0) and was last fetched before it (or
	// never) is due too, whatever its NextFetchAt: Retry-After and error
	// back-off are still honoured, and a pass never fetches a source twice.
	// The lease is held by worker until now+lease or until RecordFetch; a
	// source is never leased to two workers at once.
	ClaimDueSources(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, everyFetchedBefore time.Time) ([]Source, error)
	// RecordFetch writes the outcome of one feed fetch: crawl state, fetch
	// log, and releases worker's lease.
	RecordFetch(ctx context.Context, o FetchOutcome) error
	// FetchLog returns a source's most recent fetches, newest first.
	FetchLog(ctx context.Context, sourceID int64, limit int) ([]FetchLogEntry, error)

	// SaveArticles stores new articles of one source with their images and
	// returns those actually inserted (with IDs). Re-saving is idempotent:
	// an article whose (source, GUID) or canonical URL is already stored is
	// skipped, also when several writers race.
	SaveArticles(ctx context.Context, sourceID int64, articles []Article, now time.Time) ([]Article, error)
	GetArticle(ctx context.Context, id int64) (Article, error)
	ListArticles(ctx context.Context, q ArticleQuery) (ArticlePage, error)
	// Ticker returns the limit newest headlines of all sources (Title, URL,
	// Lang, SourceID, SourceName, PublishedAt set; Images and ContentHTML
	// may be empty).
	Ticker(ctx context.Context, limit int) ([]Article, error)
	// ArticlesAfter returns articles stored after the one with ID afterID,
	// in insertion order, for live updates across processes.
	ArticlesAfter(ctx context.Context, afterID int64, limit int) ([]Article, error)
	// LatestArticleID is the highest article ID, 0 when empty.
	LatestArticleID(ctx context.Context) (int64, error)

	GetImage(ctx context.Context, id int64) (Image, error)
}
