// Package storetest is the conformance suite every revue.Store passes. It
// speaks only through the revue.Store interface, so one suite holds both the
// SQLite and the PostgreSQL backends to the same semantics.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"revue"
)

// Run runs every conformance test. open must return a fresh, migrated, empty
// store on each call and register its cleanup with t.
func Run(t *testing.T, open func(t *testing.T) revue.Store) {
	groups := []struct {
		name  string
		tests []storeTest
	}{
		{"Sources", sourceTests},
		{"Articles", articleTests},
		{"Listing", listingTests},
		{"Claims", claimTests},
		{"Fetches", fetchTests},
		{"Lossless", losslessTests},
		{"Politeness", politenessTests},
		{"Pages", pageTests},
		{"Images", imageTests},
		{"Reports", reportTests},
		{"Moderation", moderationTests},
		{"Admin", adminTests},
		{"RegionVolumes", regionVolumeTests},
		{"Langs", langsTests},
		{"Search", searchTests},
		{"Stories", storyTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, open(t))
				})
			}
		})
	}
}

type storeTest struct {
	name string
	run  func(t *testing.T, st revue.Store)
}

// t0 is the suite's "now": nanoseconds and a non-UTC zone on purpose, so a
// store that keeps either (or reads its own clock) is caught.
var t0 = time.Date(2021, 3, 16, 10, 20, 30, 123456789, time.FixedZone("Casablanca", 3600))

// stored is what a time must look like after a round trip: microseconds, UTC.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Microsecond).UTC()
}

func checkTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	want = stored(want)
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	if !got.IsZero() && got.Location() != time.UTC {
		t.Errorf("%s = %v comes back in %v, want UTC", what, got, got.Location())
	}
}

func mustAddSource(t *testing.T, st revue.Store, name string, now time.Time) revue.Source {
	t.Helper()
	src, err := st.AddSource(t.Context(), revue.Source{
		Name:    name,
		FeedURL: "https://" + slug(name) + ".example/feed.xml",
		SiteURL: "https://" + slug(name) + ".example/",
		Lang:    "fr",
		Section: "politique",
		Enabled: true,
	}, now)
	if err != nil {
		t.Fatalf("AddSource(%s): %v", name, err)
	}
	return src
}

func slug(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", "-"))
}

// newArticle builds an article whose identity (GUID, URLs) derives from key.
func newArticle(key string, published time.Time) revue.Article {
	return revue.Article{
		GUID:         "urn:revue-test:" + key,
		URL:          "https://news.example/articles/" + key + "?utm_source=rss",
		CanonicalURL: "https://news.example/articles/" + key,
		Title:        "Maroc : 3 hôpitaux militaires de campagne " + key,
		Summary:      "Résumé " + key,
		ContentHTML:  "<p>Texte de l'article " + key + ".</p>",
		Byline:       "Par Leïla Benali",
		Lang:         "fr",
		Section:      "politique",
		PublishedAt:  published,
	}
}

func mustSave(t *testing.T, st revue.Store, sourceID int64, articles []revue.Article, now time.Time) []revue.Article {
	t.Helper()
	res, err := st.SaveArticles(t.Context(), sourceID, articles, now)
	if err != nil {
		t.Fatalf("SaveArticles(source %d, %d articles): %v", sourceID, len(articles), err)
	}
	return res.New
}

// normArticle makes two articles comparable with reflect.DeepEqual: times
// in one representation, regions as a sorted set, empty slices as nil.
func normArticle(a revue.Article) revue.Article {
	a.PublishedAt = a.PublishedAt.UTC()
	a.FetchedAt = a.FetchedAt.UTC()
	a.Regions = slices.Clone(a.Regions)
	slices.Sort(a.Regions)
	if len(a.Regions) == 0 {
		a.Regions = nil
	}
	if len(a.Images) == 0 {
		a.Images = nil
	}
	return a
}

func normSource(s revue.Source) revue.Source {
	s.LastFetchAt = s.LastFetchAt.UTC()
	s.LastSuccessAt = s.LastSuccessAt.UTC()
	s.NextFetchAt = s.NextFetchAt.UTC()
	s.CreatedAt = s.CreatedAt.UTC()
	return s
}

func checkSameArticle(t *testing.T, what string, got, want revue.Article) {
	t.Helper()
	if g, w := normArticle(got), normArticle(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func ids(articles []revue.Article) []int64 {
	out := make([]int64, len(articles))
	for i, a := range articles {
		out[i] = a.ID
	}
	return out
}

func sourceIDs(sources []revue.Source) []int64 {
	out := make([]int64, len(sources))
	for i, s := range sources {
		out[i] = s.ID
	}
	return out
}

// newestFirst sorts articles in listing order.
func newestFirst(articles []revue.Article) []revue.Article {
	out := slices.Clone(articles)
	slices.SortFunc(out, func(a, b revue.Article) int {
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	return out
}

func checkNewestFirst(t *testing.T, what string, articles []revue.Article) {
	t.Helper()
	for i := 1; i < len(articles); i++ {
		prev, cur := articles[i-1], articles[i]
		if !(prev.PublishedAt.After(cur.PublishedAt) || (prev.PublishedAt.Equal(cur.PublishedAt) && prev.ID > cur.ID)) {
			t.Fatalf("%s: item %d (id %d, %v) does not come strictly after item %d (id %d, %v) in newest-first order",
				what, i, cur.ID, cur.PublishedAt, i-1, prev.ID, prev.PublishedAt)
		}
	}
}

// walk reads every page of q, passing each Next cursor through its string
// form as a client would, and checks the page contract on the way.
func walk(t *testing.T, st revue.Store, q revue.ArticleQuery) []revue.Article {
	t.Helper()
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var all []revue.Article
	for page := 1; ; page++ {
		if page > 100000 {
			t.Fatalf("walking %+v: more than 100000 pages; the cursor does not advance", q)
		}
		p, err := st.ListArticles(t.Context(), q)
		if err != nil {
			t.Fatalf("ListArticles(%+v) page %d: %v", q, page, err)
		}
		if len(p.Items) > limit {
			t.Fatalf("page %d has %d items, more than the limit %d", page, len(p.Items), limit)
		}
		if len(p.Items) == 0 && page > 1 {
			t.Fatalf("page %d is empty: the previous page's Next should have been zero", page)
		}
		all = append(all, p.Items...)
		if p.Next.IsZero() {
			break
		}
		if len(p.Items) != limit {
			t.Fatalf("page %d has %d items and a Next cursor; only the last page may be short of the limit %d", page, len(p.Items), limit)
		}
		last := p.Items[len(p.Items)-1]
		if p.Next.ID != last.ID || !p.Next.PublishedAt.Equal(last.PublishedAt) {
			t.Fatalf("page %d: Next = %+v, want the last item's (%v, %d)", page, p.Next, last.PublishedAt, last.ID)
		}
		token := p.Next.String()
		c, err := revue.ParseCursor(token)
		if err != nil {
			t.Fatalf("ParseCursor(%q) of page %d's Next: %v", token, page, err)
		}
		if c.ID != p.Next.ID || !c.PublishedAt.Equal(p.Next.PublishedAt) {
			t.Fatalf("cursor %+v does not survive its string form %q: got %+v", p.Next, token, c)
		}
		q.Cursor = c
	}
	checkNewestFirst(t, fmt.Sprintf("walk %+v", q), all)
	return all
}

// runConcurrently starts n goroutines running fn(i) at once and waits for
// them; their errors are reported together.
func runConcurrently(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent calls failed: %v", err)
	}
}

// countdownContext is cancelled by the n-th look at it (Done or Err), so a
// loop over n cancels a call at every point where it consults its context,
// including between the statements of one transaction.
type countdownContext struct {
	context.Context
	mu   sync.Mutex
	left int
	done chan struct{}
}

func newCountdownContext(parent context.Context, n int) *countdownContext {
	return &countdownContext{Context: parent, left: n, done: make(chan struct{})}
}

func (c *countdownContext) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left > 0 {
		c.left--
		if c.left == 0 {
			close(c.done)
		}
	}
}

func (c *countdownContext) Deadline() (time.Time, bool) { return time.Time{}, false }

func (c *countdownContext) Done() <-chan struct{} {
	c.tick()
	return c.done
}

func (c *countdownContext) Err() error {
	c.tick()
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}
