package storetest

import (
	"context"
	"fmt"
	"hash/crc32"
	"iter"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"revue"
	"revue/internal/defaults"
)

// The front-page benchmark of every backend reads a database filled from
// the same generator below and measures the same cases, so that the SQLite
// and PostgreSQL figures compare like with like. Each backend writes the
// rows its own fast way (prepared inserts, COPY); what it writes is the
// same.

// DefaultFrontPageArticles is the article count when REVUE_BENCH_ARTICLES
// is unset.
const DefaultFrontPageArticles = 100_000

// FrontPageSourceCount and FrontPageSharedImages size the generated data:
// articles are spread over the sources at random, and one in ten reuses one
// of the shared images (an outlet's logo) instead of a picture of its own.
const (
	FrontPageSourceCount  = 500
	FrontPageSharedImages = 1000
)

// frontPageVersion names the generator's output; change it whenever the
// generator changes so that cached fills are not reused.
const frontPageVersion = "frontpage-1"

// frontPageNewest is the newest publication time; articles spread over
// the two years before it.
func frontPageNewest() time.Time { return time.Date(2021, 3, 16, 12, 0, 0, 0, time.UTC) }

func frontPageLangs() []string { return []string{"fr", "ar", "es", "en"} }

func frontPageSections() []string {
	return []string{"politique", "economie", "societe", "sport", "culture", "monde", "regions", "sante"}
}

// FrontPageArticleCount is REVUE_BENCH_ARTICLES, or the default.
func FrontPageArticleCount(tb testing.TB) int {
	tb.Helper()
	v := os.Getenv("REVUE_BENCH_ARTICLES")
	if v == "" {
		return DefaultFrontPageArticles
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("REVUE_BENCH_ARTICLES=%q: want a number of articles, at least 1", v)
	}
	return n
}

// FrontPageFingerprint identifies the data FrontPageArticles makes, for a
// backend that caches a filled database between runs.
func FrontPageFingerprint() string {
	sum := crc32.NewIEEE()
	for _, list := range [][]string{{frontPageVersion}, frontPageLangs(), frontPageSections(), defaults.MoroccanRegions()} {
		sum.Write([]byte(strings.Join(list, ",") + ";"))
	}
	return fmt.Sprintf("%s-%08x", frontPageVersion, sum.Sum32())
}

// FrontPageSources returns the sources, with IDs 1…FrontPageSourceCount.
func FrontPageSources() []revue.Source {
	langs, sections := frontPageLangs(), frontPageSections()
	out := make([]revue.Source, FrontPageSourceCount)
	for i := range out {
		id := i + 1
		out[i] = revue.Source{
			ID: int64(id), Name: fmt.Sprintf("Source %d", id),
			FeedURL: fmt.Sprintf("https://s%d.example/feed", id), SiteURL: fmt.Sprintf("https://s%d.example/", id),
			Lang: langs[id%len(langs)], Section: sections[id%len(sections)], Enabled: true,
			NextFetchAt: frontPageNewest(), CreatedAt: frontPageNewest(),
		}
	}
	return out
}

// FrontPageSharedImageList returns the shared images, IDs 1…FrontPageSharedImages.
func FrontPageSharedImageList() []revue.Image {
	out := make([]revue.Image, FrontPageSharedImages)
	for i := range out {
		out[i] = revue.Image{ID: int64(i + 1), URL: fmt.Sprintf("https://img.example/shared/%d.jpg", i+1)}
	}
	return out
}

// FrontPageRow is one generated article.
type FrontPageRow struct {
	// Article has its ID (1…n, also its StoryID), SourceID, text fields,
	// Lang, Section, PublishedAt, FetchedAt, zero or one region, and exactly
	// one image with its ID.
	Article revue.Article
	// NewImage is set when Article.Images[0] appears here for the first
	// time and must be stored; otherwise it is a shared image.
	NewImage bool
}

// FrontPageArticles yields the n articles in ID order. Publication times are
// random over two years in whole seconds (ties are part of the workload)
// and unrelated to IDs, as in a real crawl; a third of the articles have a
// region; the same n always gives the same rows.
func FrontPageArticles(n int) iter.Seq[FrontPageRow] {
	return func(yield func(FrontPageRow) bool) {
		langs, sections, regions := frontPageLangs(), frontPageSections(), defaults.MoroccanRegions()
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		nextImage := int64(FrontPageSharedImages + 1)
		newest := frontPageNewest()
		const twoYears = 2 * 365 * 24 * time.Hour
		for id := 1; id <= n; id++ {
			source := 1 + rng.IntN(FrontPageSourceCount)
			key := fmt.Sprintf("%08d-%d", id, source) // ascending: the unique indexes grow at the end
			published := newest.Add(-time.Duration(rng.Int64N(int64(twoYears/time.Second))) * time.Second)
			a := revue.Article{
				ID: int64(id), SourceID: int64(source), StoryID: int64(id),
				GUID: "urn:bench:" + key, URL: "https://news.example/" + key + "?utm_source=rss",
				CanonicalURL: "https://news.example/" + key,
				Title:        "Titre de l'article " + key, Summary: "Résumé de l'article " + key,
				ContentHTML: "<p>Texte de l'article " + key + ", assez long pour ressembler à un vrai résumé de presse.</p>",
				Byline:      "Rédaction", Lang: langs[rng.IntN(len(langs))], Section: sections[rng.IntN(len(sections))],
				PublishedAt: published, FetchedAt: published.Add(time.Minute),
			}
			if rng.IntN(3) == 0 {
				a.Regions = []string{regions[rng.IntN(len(regions))]}
			}
			row := FrontPageRow{Article: a}
			shared := int64(1 + rng.IntN(FrontPageSharedImages))
			if rng.IntN(10) == 0 {
				row.Article.Images = []revue.Image{{ID: shared, URL: fmt.Sprintf("https://img.example/shared/%d.jpg", shared)}}
			} else {
				row.Article.Images = []revue.Image{{ID: nextImage, URL: "https://img.example/" + key + ".jpg"}}
				row.NewImage = true
				nextImage++
			}
			if !yield(row) {
				return
			}
		}
	}
}

// frontPageCase is one page of the portal: what it reads from the store is
// its listing of 50, the 50-headline ticker every page shows, and the
// latest article ID its live ticker resumes from.
type frontPageCase struct {
	name  string
	query revue.ArticleQuery
	// matches says whether a generated article belongs to the listing, to
	// know how many items the page must have.
	matches func(revue.Article) bool
}

func frontPageCases() []frontPageCase {
	all := func(revue.Article) bool { return true }
	return []frontPageCase{
		{"home", revue.ArticleQuery{Limit: 50}, all},
		{"home-page-2", revue.ArticleQuery{Limit: 50}, all}, // the cursor is filled in from page 1
		{"source", revue.ArticleQuery{Limit: 50, SourceID: 7}, func(a revue.Article) bool { return a.SourceID == 7 }},
		{"language", revue.ArticleQuery{Limit: 50, Lang: "ar"}, func(a revue.Article) bool { return a.Lang == "ar" }},
		{"section", revue.ArticleQuery{Limit: 50, Section: "economie"}, func(a revue.Article) bool { return a.Section == "economie" }},
		{"region", revue.ArticleQuery{Limit: 50, Region: "oriental"}, func(a revue.Article) bool {
			return len(a.Regions) > 0 && a.Regions[0] == "oriental"
		}},
	}
}

// BenchmarkFrontPage measures the portal's pages on st, which holds exactly
// FrontPageArticles(n) (and FrontPageSources, FrontPageSharedImageList).
// One operation is one page: ListArticles(50, the page's filter),
// Ticker(50) and LatestArticleID. "home-parallel" is the home page read by
// GOMAXPROCS goroutines at once (ns/op is then per page, all goroutines
// together).
func BenchmarkFrontPage(b *testing.B, st revue.Store, n int) {
	ctx := context.Background()
	cases := frontPageCases()
	want := make([]int, len(cases))
	for row := range FrontPageArticles(n) {
		for i, c := range cases {
			if c.matches(row.Article) {
				want[i]++
			}
		}
	}
	first, err := st.ListArticles(ctx, revue.ArticleQuery{Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	cases[1].query.Cursor = first.Next
	want[1] = max(0, want[1]-50)

	page := func(q revue.ArticleQuery) (int, error) {
		list, err := st.ListArticles(ctx, q)
		if err != nil {
			return 0, err
		}
		ticker, err := st.Ticker(ctx, 50)
		if err != nil {
			return 0, err
		}
		if len(ticker) != min(50, n) {
			return 0, fmt.Errorf("the ticker has %d headlines, want %d", len(ticker), min(50, n))
		}
		if _, err := st.LatestArticleID(ctx); err != nil {
			return 0, err
		}
		return len(list.Items), nil
	}
	b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
		for i, c := range cases {
			b.Run(c.name, func(b *testing.B) {
				for b.Loop() {
					got, err := page(c.query)
					if err != nil {
						b.Fatal(err)
					}
					if got != min(50, want[i]) {
						b.Fatalf("the page lists %d articles, want %d", got, min(50, want[i]))
					}
				}
			})
		}
		b.Run("home-parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := page(revue.ArticleQuery{Limit: 50}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	})
}
