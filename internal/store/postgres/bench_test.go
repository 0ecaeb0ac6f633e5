package postgres

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"revue"
	"revue/internal/store/storetest"
)

// fill stores storetest's n generated articles, their sources, regions and
// images (the data the SQLite benchmark reads too) with COPY, the fast path
// for a large fixture.
func fill(t testing.TB, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	var sources, articles, regions, images, links [][]any
	for _, src := range storetest.FrontPageSources() {
		sources = append(sources, []any{src.ID, src.Name, src.FeedURL, src.SiteURL, src.Lang, src.Section, src.Enabled,
			src.NextFetchAt, src.CreatedAt})
	}
	for _, img := range storetest.FrontPageSharedImageList() {
		images = append(images, []any{img.ID, img.URL})
	}
	for row := range storetest.FrontPageArticles(n) {
		a := row.Article
		articles = append(articles, []any{a.ID, a.StoryID, a.SourceID, a.GUID, a.URL, a.CanonicalURL, a.Title, a.Summary,
			a.ContentHTML, a.Byline, a.Lang, a.Section, a.PublishedAt, a.FetchedAt})
		for _, region := range a.Regions {
			regions = append(regions, []any{a.ID, region, a.PublishedAt})
		}
		for position, img := range a.Images {
			if row.NewImage {
				images = append(images, []any{img.ID, img.URL})
			}
			links = append(links, []any{a.ID, img.ID, int32(position)})
		}
	}
	for _, c := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"sources", []string{"id", "name", "feed_url", "site_url", "lang", "section", "enabled", "next_fetch_at", "created_at"}, sources},
		{"articles", []string{"id", "story_id", "source_id", "guid", "url", "canonical_url", "title", "summary",
			"content_html", "byline", "lang", "section", "published_at", "fetched_at"}, articles},
		{"article_regions", []string{"article_id", "region", "published_at"}, regions},
		{"images", []string{"id", "url"}, images},
		{"article_images", []string{"article_id", "image_id", "position"}, links},
	} {
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows)); err != nil {
			t.Fatalf("copying %d rows into %s: %v", len(c.rows), c.table, err)
		}
	}
	for _, table := range []string{"sources", "articles", "images"} {
		exec(t, s, "SELECT setval(pg_get_serial_sequence('"+table+"', 'id'), (SELECT max(id) FROM "+table+"))")
	}
	exec(t, s, "ANALYZE")
}

func explain(t testing.TB, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN: %v", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("EXPLAIN: %v", err)
	}
	return strings.Join(lines, "\n")
}

func TestListingsUseTheirIndexes(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	fill(t, s, 20000)
	cursor := revue.Cursor{PublishedAt: base.Add(time.Hour), ID: 10000}
	tests := []struct {
		name  string
		query revue.ArticleQuery
		index string
	}{
		{"front page", revue.ArticleQuery{}, "articles_published_idx"},
		{"next page", revue.ArticleQuery{Cursor: cursor}, "articles_published_idx"},
		{"language", revue.ArticleQuery{Lang: "ar", Cursor: cursor}, "articles_lang_published_idx"},
		{"source", revue.ArticleQuery{SourceID: 3}, "articles_source_published_idx"},
		{"section", revue.ArticleQuery{Section: "sport", Cursor: cursor}, "articles_section_published_idx"},
		{"story", revue.ArticleQuery{StoryID: 42}, "articles_story_published"},
		{"region", revue.ArticleQuery{Region: "oriental", Cursor: cursor}, "article_regions_region_idx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query, args := listArticlesSQL(tt.query, 50)
			plan := explain(t, s, query, args...)
			if !strings.Contains(plan, tt.index) || strings.Contains(plan, "Seq Scan on articles") {
				t.Errorf("plan does not use %s:\n%s", tt.index, plan)
			}
		})
	}
	if plan := explain(t, s, tickerSQL, base.Add(time.Hour), int64(10000), 50); !strings.Contains(plan, "articles_published_idx") {
		t.Errorf("ticker plan does not use articles_published_idx:\n%s", plan)
	}
}

// BenchmarkSaveArticles saves one feed's worth of new articles (20, each
// with an image and a region) per operation.
func BenchmarkSaveArticles(b *testing.B) {
	s := newStore(b)
	ctx := context.Background()
	src := addSource(b, s, "bench")
	const perBatch = 20
	next := 0
	for b.Loop() {
		batch := make([]revue.Article, perBatch)
		for i := range batch {
			next++
			key := strconv.Itoa(next)
			batch[i] = article(key, base.Add(time.Duration(next)*time.Second))
			batch[i].Regions = []string{"casablanca-settat"}
			batch[i].Images = []revue.Image{{URL: "https://img.example/" + key + ".jpg"}}
		}
		saved, err := newArticles(s.SaveArticles(ctx, src.ID, batch, base))
		if err != nil {
			b.Fatal(err)
		}
		if len(saved) != perBatch {
			b.Fatalf("saved %d of %d new articles", len(saved), perBatch)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(next), "ns/article")
}

// BenchmarkFrontPage measures the portal's pages (storetest.BenchmarkFrontPage)
// on a fresh database filled with the generated articles, after checking
// that the home page's plan walks its index.
func BenchmarkFrontPage(b *testing.B) {
	n := storetest.FrontPageArticleCount(b)
	s := newStore(b)
	fill(b, s, n)
	query, args := listArticlesSQL(revue.ArticleQuery{}, 50)
	if plan := explain(b, s, query, args...); !strings.Contains(plan, "articles_published_idx") {
		b.Fatalf("front page plan does not use articles_published_idx:\n%s", plan)
	}
	storetest.BenchmarkFrontPage(b, s, n)
}
