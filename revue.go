// Package revue holds the domain types shared by every stage of the
// aggregator and the Store interface that both database backends satisfy.
//
// Data flows one way: crawl fills the store through Store's write methods,
// the web reads it and writes only reports and admin changes.
package revue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"revue/internal/textproc"
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
	// Host is the feed's host:port (HostOf(FeedURL)), kept by the store so
	// that claims can skip hosts at their politeness limit.
	Host    string
	SiteURL string
	Lang    string // configured language; articles may still be detected otherwise
	Section string // slug
	Region  string // region slug from the gazetteer, or empty
	Enabled bool
	// Rules are CSS selectors for article pages the extractor gets wrong.
	Rules ExtractRules
	// Republish is how much of this source's articles the portal shows:
	// RepublishFull, RepublishExcerpt, or "" for the portal's default.
	Republish string

	// Crawl state, written only through Store.RecordFetch.
	ETag         string
	LastModified string
	LastStatus   int // HTTP status of the last feed fetch, 0 if none
	// LastError is words about the last fetch: why it failed, or what was
	// wrong with a feed that was read only in part or repaired (a warning
	// that does not count as a failure). Empty after a clean success.
	LastError           string
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

// ExtractRules are a source's own selectors for its article pages: Body
// picks the main text, Drop removes elements from it. Zero: the extractor
// decides alone.
type ExtractRules struct {
	Body string
	Drop []string
}

// IsZero reports whether r sets nothing.
func (r ExtractRules) IsZero() bool { return r.Body == "" && len(r.Drop) == 0 }

// How much of an article the portal republishes.
const (
	RepublishFull    = "full"    // the whole text, with the link to the original
	RepublishExcerpt = "excerpt" // the first paragraphs, with the link
	RepublishTitle   = "title"   // the headline and the link only
)

// PageState is where fetching an article's own page stands.
type PageState string

const (
	// PageNone: the page was never asked for; the feed's text is the text.
	PageNone PageState = ""
	// PagePending: the feed's text is short; the page is to be fetched.
	PagePending PageState = "pending"
	// PageDone: the page's text replaced the feed's.
	PageDone PageState = "done"
	// PageFailed: the page gave nothing after every attempt; the feed's
	// text stays, and PageError says why.
	PageFailed PageState = "failed"
)

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
	// What the page or feed says of it, when it does: alternative text and
	// size. Kept from the first article that gave them.
	Alt           string
	Width, Height int
	// Content is what the image proxy last fetched from URL; zero until
	// then. Filled by GetImage only (article reads leave it zero).
	Content ImageContent
	// Moderation is filled by GetImage and the moderation queue only.
	Moderation ImageModeration
}

// ImageContent describes the bytes the image proxy fetched for an image.
type ImageContent struct {
	// SHA256 is the lower-case hex SHA-256 of the bytes: one picture has
	// one SHA256 whatever its URL, so moderation can find every copy.
	SHA256    string
	Type      string // the raster image type served, e.g. image/jpeg
	FetchedAt time.Time
}

// Article is one stored news item.
type Article struct {
	ID         int64
	SourceID   int64
	SourceName string // filled by reads
	// SourceRepublish is the source's republishing mode (Source.Republish),
	// filled by reads of whole articles.
	SourceRepublish string
	GUID            string
	URL             string // the original article, as linked by the feed (absolute)
	// CanonicalURL is the normalised link used for de-duplication across
	// sources. Empty when the item has no link, and for an item whose link
	// another article of the same source already holds (episodes of one show,
	// updates of one live page): within a source, distinct GUIDs are
	// distinct articles.
	CanonicalURL string
	Title        string // plain text
	Summary      string // plain text
	ContentHTML  string // sanitized HTML
	// Text is the article's whole text, plain, when its page was read
	// (Page == PageDone); empty otherwise.
	Text    string
	Byline  string
	Lang    string
	Section string
	Regions []string
	StoryID int64
	// DuplicateOf is the other outlet's article this one reprints (the
	// same text, maybe retitled or lightly edited); 0 when none. Listings
	// leave duplicates out: the article they reprint credits them.
	DuplicateOf int64
	// GroupSeq is when grouping placed the article in its story (see
	// StoryMember.Seq); 0 before that, and for articles stored before
	// grouping existed.
	GroupSeq    int64
	PublishedAt time.Time
	// Page is where fetching the article's own page stands; PageError says
	// why it gave nothing (kept after a success too, from earlier tries).
	Page      PageState
	PageError string
	// Robots is what the page's <meta name="robots"> forbids Revue to show:
	// RepublishExcerpt (noarchive), RepublishTitle (nosnippet), or "".
	Robots string
	// DateEstimated is set when the feed gave the item no date and
	// PublishedAt was estimated on a source's first crawl (from the
	// channel's date, the HTTP Last-Modified or neighbouring items): such
	// backlog is listed but never enters the live ticker.
	DateEstimated bool
	FetchedAt     time.Time // when Revue first saw it
	Images        []Image   // in the order the feed gave them; first is the lead image
	// Credits are the other publications of this same article: the same
	// canonical URL from another source, or the item sent again under a new
	// GUID, oldest first. Filled by reads.
	Credits []Credit
}

// Credit records that a source published an article already stored under
// another (source, GUID): the item is not stored twice, and the article
// credits every outlet that carried it.
type Credit struct {
	ArticleID  int64
	SourceID   int64
	SourceName string // filled by reads
	GUID       string
	URL        string // the link as this source gave it
	SeenAt     time.Time
}

// SaveResult is what SaveArticles did with one batch of a source's items.
type SaveResult struct {
	// New are the articles inserted, with IDs, StoryID and images.
	New []Article
	// Credited are items already stored under another article (another
	// source's, or this source's under another GUID), newly credited to it.
	Credited []Credit
}

// ArticleQuery selects a page of articles, newest first (by PublishedAt,
// then ID). Zero fields do not filter.
type ArticleQuery struct {
	Limit  int
	Cursor Cursor // zero: first page
	Lang   string
	// Langs, when not empty, keeps only articles whose Lang is one of
	// them: the article languages a reader chose to see in listings.
	Langs    []string
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
	// Warning is words about a feed read only in part or repaired (cut off,
	// malformed XML recovered, items dropped). It becomes the source's
	// LastError but, unlike Err, is no failure: the source is not backed off.
	Warning string

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
	Warning    string
	ItemsSeen  int
	ItemsNew   int
}

// PageJob is an article whose own page is to be fetched and read.
type PageJob struct {
	ArticleID int64
	SourceID  int64
	URL       string
	// Title and Lang are the article's, for what the page is read with
	// (its regions are found from its title and its page's lead).
	Title, Lang string
	Attempts    int // attempts before this one
	Rules       ExtractRules
}

// PageOutcome is what fetching and reading an article's page did, recorded
// by Store.RecordPage.
type PageOutcome struct {
	ArticleID int64
	Worker    string // the lease holder; RecordPage releases that lease
	At        time.Time
	// Err is why nothing was taken from the page (refused, 404, robots.txt,
	// no article found); empty on success.
	Err string
	// RetryAt is when to try again after Err; zero gives up: the article
	// keeps its feed's text for good.
	RetryAt time.Time

	// On success, what replaces or completes the feed's fields. Empty
	// fields leave the article's as they are.
	ContentHTML string // sanitized
	Text        string
	Byline      string
	Lang        string
	Images      []Image // the page's, lead first; added after the feed's
	Robots      string  // see Article.Robots
	// PublishedAt is the page's own date (article:published_time, JSON-LD,
	// <time>). It replaces the article's only when that was estimated
	// (Article.DateEstimated: the feed gave none), never a feed's date.
	PublishedAt time.Time
	// Regions are those the page places the article in; they are added
	// to the article's, never put in their place.
	Regions []string
}

// ClaimRequest asks Store.ClaimDueSources for sources to fetch.
type ClaimRequest struct {
	Worker string // the lease holder, unique per process
	Now    time.Time
	Lease  time.Duration // the lease lasts until Now+Lease or RecordFetch/ReleaseLease
	Limit  int
	// EveryFetchedBefore, when not zero (a "crawl everything" pass started
	// then), makes a source that is not backing off (ConsecutiveFailures ==
	// 0) and was last fetched before it (or never) due too, whatever its
	// NextFetchAt: Retry-After and error back-off are still honoured, and a
	// pass never fetches a source twice.
	EveryFetchedBefore time.Time
	// SkipHosts are hosts the caller cannot fetch from now (at their
	// politeness limit): their sources stay unclaimed for other workers or
	// a later claim, instead of holding a worker that would only wait.
	SkipHosts []string
	// PerHost caps the sources of one host in one claim (0: no cap), so a
	// claim spreads over hosts instead of taking the first due host's
	// backlog.
	PerHost int
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

	// ClaimDueSources leases up to r.Limit enabled sources that are due and
	// whose lease is free or expired, soonest due first, leaving out
	// r.SkipHosts and taking at most r.PerHost of one host. A source is due
	// when NextFetchAt <= r.Now (see ClaimRequest for passes over every
	// source). A source is never leased to two workers at once.
	ClaimDueSources(ctx context.Context, r ClaimRequest) ([]Source, error)
	// RecordFetch writes the outcome of one feed fetch: crawl state, fetch
	// log, and releases worker's lease.
	RecordFetch(ctx context.Context, o FetchOutcome) error
	// ReleaseLease gives up worker's lease on a source without recording a
	// fetch (a worker stopping mid-fetch), so another worker may take it at
	// once; its schedule is unchanged. Releasing a lease worker does not
	// hold does nothing.
	ReleaseLease(ctx context.Context, worker string, sourceID int64) error

	// ClaimPages leases up to limit articles whose page is due to be
	// fetched (PagePending, retry time reached, lease free or expired), the
	// most recently published first: today's news before yesterday's.
	ClaimPages(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]PageJob, error)
	// RecordPage writes what reading an article's page gave, or why it
	// gave nothing, and releases worker's lease.
	RecordPage(ctx context.Context, o PageOutcome) error

	// HostCrawlDelay is the robots.txt Crawl-delay last seen for host
	// (HostOf form), 0 when none; shared by every worker and kept across
	// restarts.
	HostCrawlDelay(ctx context.Context, host string) (time.Duration, error)
	// SetHostCrawlDelay records host's Crawl-delay; 0 forgets it.
	SetHostCrawlDelay(ctx context.Context, host string, delay time.Duration, now time.Time) error
	// FetchLog returns a source's most recent fetches, newest first.
	FetchLog(ctx context.Context, sourceID int64, limit int) ([]FetchLogEntry, error)

	// SaveArticles stores new articles of one source with their images.
	// Within the source, a (source, GUID) already stored, as an article or
	// as a credit, is skipped: re-saving is idempotent. An item whose
	// canonical URL another source's article holds, or which repeats one of
	// this source's articles (same canonical URL and title) under a new
	// GUID, is not stored again but credited to that article. Items of one
	// source sharing a link with distinct GUIDs and titles are distinct
	// articles. All of this holds when several writers race.
	SaveArticles(ctx context.Context, sourceID int64, articles []Article, now time.Time) (SaveResult, error)
	GetArticle(ctx context.Context, id int64) (Article, error)
	ListArticles(ctx context.Context, q ArticleQuery) (ArticlePage, error)
	// Ticker returns the limit newest headlines of all sources (Title, URL,
	// Lang, SourceID, SourceName, PublishedAt set; Images and ContentHTML
	// may be empty), one per story (its newest version), leaving out
	// articles whose date was estimated and reprints.
	Ticker(ctx context.Context, limit int) ([]Article, error)
	// ArticlesAfter returns articles stored after the one with ID afterID,
	// in insertion order, for live updates across processes.
	ArticlesAfter(ctx context.Context, afterID int64, limit int) ([]Article, error)
	// LatestArticleID is the highest article ID, 0 when empty.
	LatestArticleID(ctx context.Context) (int64, error)

	GetImage(ctx context.Context, id int64) (Image, error)
	// RecordImageContent records what the image proxy fetched for image
	// id, replacing what an earlier fetch recorded; ErrNotFound when there
	// is no such image. c.SHA256 must be 64 lower-case hex digits. When
	// that picture is blocked under another record, this record is blocked
	// with it; the status returned is the record's after recording.
	RecordImageContent(ctx context.Context, id int64, c ImageContent) (ImageStatus, error)
	// ImagesBySHA256 lists, by ID, the images whose recorded content has
	// this SHA-256 (lower-case hex): every copy of one picture. Empty for
	// "" (images never fetched are not copies of each other).
	ImagesBySHA256(ctx context.Context, sum string) ([]int64, error)

	// Readers' reports and moderation. A picture is an image record and
	// its copies, the records whose content has the same SHA-256 (one URL
	// is one record): reports count over all of them, and a block, a
	// restore or a confirmation changes all of them at once.

	// ReportImage records r unless r.Reporter already reported the picture
	// (in any wave: a restored picture is never blocked again by the same
	// readers). When the picture's distinct reporters in the current wave
	// reach threshold while it is shown, every copy is blocked in the same
	// transaction and ActionAutoBlock is logged: among any number of
	// concurrent reports exactly one blocks. ErrNotFound when there is no
	// such image.
	ReportImage(ctx context.Context, r ImageReport, threshold int) (ReportResult, error)
	// ModerateImage applies a moderator's action to the picture of
	// a.ImageID and logs it; it returns the IDs of the records it covered.
	// Confirming a picture that is not blocked is ErrConflict; ErrNotFound
	// when there is no such image.
	ModerateImage(ctx context.Context, a ModerationAction) ([]int64, error)
	// ModerationQueue lists pictures for moderators, those awaiting one
	// first, then by their latest report, newest first.
	ModerationQueue(ctx context.Context, q ModerationQuery) ([]ModerationItem, error)
	// ModerationLog returns the latest limit entries, newest first; of one
	// picture's records when imageID is not 0.
	ModerationLog(ctx context.Context, imageID int64, limit int) ([]ModerationEntry, error)
	// CountImages counts the pictures awaiting a moderator and the image
	// records blocked, over the whole store (every replica's doing).
	CountImages(ctx context.Context) (ImageCounts, error)

	// Secret returns the installation's secret called name, storing fresh
	// first when there is none yet, so that every process of a deployment
	// uses the one created first.
	Secret(ctx context.Context, name string, fresh []byte, now time.Time) ([]byte, error)
	// CountHit counts one hit on (bucket, key) and returns the hits in the
	// current window, this one included. A window starts at a key's first
	// hit and lasts window; the next hit after it starts a new one.
	CountHit(ctx context.Context, bucket, key string, now time.Time, window time.Duration) (int, error)

	// SetAdminPassword creates the administrator name or changes their
	// password hash, and ends their sessions.
	SetAdminPassword(ctx context.Context, name, passwordHash string, now time.Time) error
	// AdminPasswordHash is name's password hash; ErrNotFound for no such
	// administrator.
	AdminPasswordHash(ctx context.Context, name string) (string, error)
	// CreateSession stores a new session (and forgets expired ones).
	CreateSession(ctx context.Context, s AdminSession) error
	// Session returns the session with this ID unless it expired by now;
	// ErrNotFound otherwise.
	Session(ctx context.Context, id string, now time.Time) (AdminSession, error)
	// DeleteSession ends a session; ending one that does not exist does
	// nothing.
	DeleteSession(ctx context.Context, id string) error

	// DailyArticles counts each source's articles published per UTC day
	// in [from, to), by day then source ID.
	DailyArticles(ctx context.Context, from, to time.Time) ([]SourceDay, error)
	// DailyFetches counts feed fetches and failed ones per UTC day in
	// [from, to), by day; days without fetches are left out.
	DailyFetches(ctx context.Context, from, to time.Time) ([]FetchDay, error)

	// RegionVolumes counts each region's articles published per UTC day in
	// [from, to), by region slug then day; an article in two regions counts
	// in both. Articles whose date was estimated are left out: their day is
	// a guess (a dateless feed's backlog all lands on its first crawl), and
	// a map of what was published when must not show it as a burst.
	// Regions and days without articles are left out.
	RegionVolumes(ctx context.Context, from, to time.Time) ([]RegionDay, error)

	// SearchArticles returns the page q asks for of the articles whose
	// title or text (the page's text when it was read, else the feed's
	// summary) matches q.Query, best first. Only the SearchCandidates
	// newest matches (by ID) that pass the filters are ranked.
	SearchArticles(ctx context.Context, q SearchQuery) (SearchPage, error)

	// Stories. Grouping runs in every crawl process; the store serialises
	// it and keeps the log of what was decided, so that each process's
	// grouper replays the others' decisions instead of racing them.

	// GroupStories runs one round of story grouping under a store-wide
	// lock, so that no two rounds of any processes overlap: it reads the
	// members recorded after r.AfterSeq whose article was published at or
	// after r.Since, by Seq, and up to r.Limit articles not yet grouped,
	// oldest first, hands both to assign, and records the members assign
	// returns (story, duplicate, signature; Seq is set here) in the same
	// transaction. A member for an article that is already grouped or no
	// longer exists is skipped. It returns the highest Seq read or
	// recorded, r.AfterSeq when there was none.
	GroupStories(ctx context.Context, r GroupRequest, assign func(GroupRound) ([]StoryMember, error)) (int64, error)
	// TopStories returns the stories with an article published in
	// [q.Since, q.Now], the heaviest first (StoryWeight), each with its
	// versions newest first. Duplicates of another outlet's article are
	// not versions: they credit it.
	TopStories(ctx context.Context, q StoryQuery) ([]StorySummary, error)
	// ArticlesGroupedAfter returns the articles grouped after the member
	// with Seq afterSeq, by Seq (GroupSeq set): live updates that carry
	// each article's story. Duplicates are left out.
	ArticlesGroupedAfter(ctx context.Context, afterSeq int64, limit int) ([]Article, error)
	// LatestGroupSeq is the highest member Seq, 0 when none.
	LatestGroupSeq(ctx context.Context) (int64, error)
}

// StoryPart is what a store counts of one story's articles in one
// language over a window, for HeaviestStories.
type StoryPart struct {
	StoryID     int64
	Lang        string
	Articles    int // reprints left out
	First, Last time.Time
	Sources     []int64 // reprints' outlets included
}

// HeaviestStories merges a window's parts into stories and returns the
// limit heaviest (StoryWeight at now; ties to the newest, then the highest
// ID), without versions. Both stores rank through it, so they agree.
func HeaviestStories(parts []StoryPart, now time.Time, limit int) []StorySummary {
	type tally struct {
		summary StorySummary
		sources map[int64]bool
		langs   map[string]int
	}
	byID := map[int64]*tally{}
	for _, p := range parts {
		t := byID[p.StoryID]
		if t == nil {
			t = &tally{summary: StorySummary{ID: p.StoryID, First: p.First, Last: p.Last},
				sources: map[int64]bool{}, langs: map[string]int{}}
			byID[p.StoryID] = t
		}
		t.summary.Articles += p.Articles
		if p.First.Before(t.summary.First) {
			t.summary.First = p.First
		}
		if p.Last.After(t.summary.Last) {
			t.summary.Last = p.Last
		}
		for _, id := range p.Sources {
			t.sources[id] = true
		}
		if p.Articles > 0 {
			t.langs[p.Lang] += p.Articles
		}
	}
	out := make([]StorySummary, 0, len(byID))
	for _, t := range byID {
		if t.summary.Articles == 0 {
			continue // only reprints of articles outside the window
		}
		t.summary.Sources = len(t.sources)
		for l := range t.langs {
			t.summary.Langs = append(t.summary.Langs, l)
		}
		slices.SortFunc(t.summary.Langs, func(a, b string) int {
			if c := cmp.Compare(t.langs[b], t.langs[a]); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		out = append(out, t.summary)
	}
	weights := make(map[int64]float64, len(out))
	for _, s := range out {
		weights[s.ID] = StoryWeight(s, now)
	}
	slices.SortFunc(out, func(a, b StorySummary) int {
		if c := cmp.Compare(weights[b.ID], weights[a.ID]); c != 0 {
			return c
		}
		if c := b.Last.Compare(a.Last); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out[:min(limit, len(out))]
}

// ParseIDList reads a comma-separated list of IDs, as SQL aggregates give
// them.
func ParseIDList(list string) ([]int64, error) {
	if list == "" {
		return nil, nil
	}
	fields := strings.Split(list, ",")
	out := make([]int64, 0, len(fields))
	for _, f := range fields {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("reading ID list %q: %w", list, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// OnePerStory gathers up to limit headlines, the first of each story, from
// pages of headlines newest first that page reads (at most n after the
// cursor; the zero cursor for the first): the stores' Ticker, which must
// look past a big story's many versions without reading the whole table.
func OnePerStory(limit int, page func(after Cursor, n int) ([]Article, error)) ([]Article, error) {
	out := make([]Article, 0, limit)
	seen := make(map[int64]bool, limit)
	var after Cursor
	for range 8 {
		want := 2*(limit-len(out)) + 8
		batch, err := page(after, want)
		if err != nil {
			return nil, err
		}
		for _, a := range batch {
			after = Cursor{PublishedAt: a.PublishedAt, ID: a.ID}
			if seen[a.StoryID] {
				continue
			}
			seen[a.StoryID] = true
			if out = append(out, a); len(out) == limit {
				return out, nil
			}
		}
		if len(batch) < want {
			break
		}
	}
	return out, nil
}

// GroupRequest asks Store.GroupStories for one round.
type GroupRequest struct {
	// AfterSeq is the last member the caller's grouper has seen.
	AfterSeq int64
	// Since is the start of the grouping window: older members are not
	// replayed.
	Since time.Time
	// Limit caps the articles waiting for a story handed over in one
	// round (default 200), bounding how long the lock is held.
	Limit int
}

// GroupRound is what one round of GroupStories hands its callback.
type GroupRound struct {
	// Caught are the members recorded since the caller's last round, by
	// anyone, by Seq: the caller's grouper replays them first.
	Caught []StoryMember
	// Pending are the articles waiting for a story, oldest first.
	Pending []GroupArticle
}

// GroupArticle is what grouping reads of an article waiting for its story.
type GroupArticle struct {
	ID           int64
	SourceID     int64
	Lang         string
	Title        string
	Text         string // the page's text when it was read, else the summary
	CanonicalURL string
	PublishedAt  time.Time
}

// StoryMember is one article's place among the stories, as decided once
// by a grouper and replayed by the others.
type StoryMember struct {
	Seq          int64 // set by the store, in the order members are recorded
	ArticleID    int64
	StoryID      int64 // the ID of the story's first article
	DuplicateOf  int64 // the other outlet's article this one reprints, 0 when none
	SourceID     int64
	Lang         string
	CanonicalURL string
	PublishedAt  time.Time
	// Signature is the grouper's encoding of the article's features, so
	// that replaying a member needs no text.
	Signature []byte
}

// StoryQuery selects stories for the front page. Zero fields do not
// filter; Since and Now are required.
type StoryQuery struct {
	Since, Now time.Time
	Limit      int // default 20
	// Versions caps the versions returned per story (default 12); the
	// counts are over all of them.
	Versions int
	// Langs keeps only versions in these languages (the reader's choice
	// of article languages).
	Langs   []string
	Section string
	Region  string
}

// StorySummary is one story as the front page shows it.
type StorySummary struct {
	ID       int64
	Articles int // versions, duplicates left out
	// Sources counts the outlets that told it, reprints included.
	Sources     int
	Langs       []string // its versions' languages, the most used first
	First, Last time.Time
	// Versions are its articles, newest first (Title, URL, Lang, Section,
	// SourceID, SourceName, PublishedAt, StoryID and Images set).
	Versions []Article
}

// StoryWeight orders stories on the front page: outlets and languages
// count more than freshness, so a story told by five outlets in three
// languages this morning stays above a lone item published a minute ago,
// while age wears every story down (half its weight after 12 hours).
func StoryWeight(s StorySummary, now time.Time) float64 {
	size := 1 + math.Log(float64(max(s.Sources, 1))) + 0.5*float64(max(len(s.Langs)-1, 0)) +
		0.25*math.Log(float64(max(s.Articles, 1)))
	age := max(now.Sub(s.Last).Hours(), 0)
	return size / (1 + age/12)
}

// RegionDay counts one region's articles published on one day.
type RegionDay struct {
	Region   string    // gazetteer slug
	Day      time.Time // midnight UTC
	Articles int
}

// SearchCandidates is how many of the newest matching articles a search
// ranks. Ranking every match of a common word would read a large part of
// the index on each query; news readers want recent articles, so beyond
// these no result is offered. Both stores use it, so both find the same.
const SearchCandidates = 1000

// SearchQuery is a search as the stores run it. The text the reader typed
// is analyzed by the caller (textproc.AnalyzeQuery), so both stores match
// exactly the same terms. Zero fields do not filter.
type SearchQuery struct {
	Query    textproc.Query
	Lang     string
	SourceID int64
	Section  string
	Region   string
	// From and To bound PublishedAt: From <= PublishedAt < To.
	From, To time.Time
	Limit    int
	Offset   int
	// Now is the time recency is counted from.
	Now time.Time
}

// SearchHit is one result of a search.
type SearchHit struct {
	Article Article
	// Score is the relevance (BM25-like, higher is better) times the
	// recency boost; comparable only within one search.
	Score float64
}

// SearchPage is one page of search results.
type SearchPage struct {
	Hits []SearchHit
	// HasMore tells whether another page follows.
	HasMore bool
}

// HostOf is the politeness key of a URL: its lower-cased host and port,
// the default port filled in ("example.com:443"). Requests to one key share
// the per-host limits; "" when rawURL has no host.
func HostOf(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return ""
	}
	return HostKey(u)
}

// HostKey is HostOf for a parsed URL.
func HostKey(u *url.URL) string {
	if u.Hostname() == "" {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// ArticleHolder is the stored article that holds a canonical URL, as a
// store reads it when an item with that URL arrives.
type ArticleHolder struct {
	ID       int64
	SourceID int64
	GUID     string
	Title    string
}

// IsRepublication reports whether item a of source sourceID is the article
// h published again, to be credited to h rather than stored: the same link
// from another source, or the same link and title from the same source
// under a new GUID (a re-sent item). The same link with another title from
// the same source is another article (episodes of one show, updates of a
// live page).
func IsRepublication(h ArticleHolder, sourceID int64, a Article) bool {
	return h.SourceID != sourceID || sameWords(h.Title, a.Title)
}

func sameWords(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
