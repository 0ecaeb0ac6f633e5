package postgres

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"revue"
)

// fill stores n articles over 50 sources with COPY, the fast path for a
// large fixture: every fifth has a region, every second an image, and
// publication times are shuffled against IDs as in a real crawl.
func fill(t testing.TB, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	var sources []revue.Source
	for i := range 50 {
		sources = append(sources, addSource(t, s, fmt.Sprintf("source%02d", i)))
	}
	langs := []string{"fr", "ar", "es", "en"}
	sections := []string{"politique", "economie", "sport", "culture", "societe", "monde"}
	var articles, regions, images, links [][]any
	for i := 1; i <= n; i++ {
		published := base.Add(time.Duration((i*7919)%n) * time.Second).UTC()
		articles = append(articles, []any{int64(i), int64(i), sources[i%len(sources)].ID,
			"guid-" + strconv.Itoa(i), "https://news.example/" + strconv.Itoa(i) + "?from=rss",
			"https://news.example/" + strconv.Itoa(i),
			"Maroc : 3 hôpitaux militaires de campagne " + strconv.Itoa(i),
			"Marruecos: 3 hospitales militares de campaña", "<p>texte</p>", "MAP",
			langs[i%len(langs)], sections[i%len(sections)], published, published})
		if i%5 == 0 {
			regions = append(regions, []any{int64(i), "oriental"})
		}
		if i%2 == 0 {
			images = append(images, []any{int64(i), "https://img.example/" + strconv.Itoa(i) + ".jpg"})
			links = append(links, []any{int64(i), int64(i), int32(0)})
		}
	}
	for _, c := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"articles", []string{"id", "story_id", "source_id", "guid", "url", "canonical_url", "title", "summary",
			"content_html", "byline", "lang", "section", "published_at", "fetched_at"}, articles},
		{"article_regions", []string{"article_id", "region"}, regions},
		{"images", []string{"id", "url"}, images},
		{"article_images", []string{"article_id", "image_id", "position"}, links},
	} {
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows)); err != nil {
			t.Fatalf("copying %d rows into %s: %v", len(c.rows), c.table, err)
		}
	}
	exec(t, s, "SELECT setval(pg_get_serial_sequence('articles', 'id'), $1)", n)
	exec(t, s, "SELECT setval(pg_get_serial_sequence('images', 'id'), $1)", n)
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
		{"story", revue.ArticleQuery{StoryID: 42}, "articles_story_idx"},
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
	if plan := explain(t, s, tickerSQL, 50); !strings.Contains(plan, "articles_published_idx") {
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

// BenchmarkFrontPage is what the home page reads: 50 articles with their
// regions and images, and the 50-headline ticker, over REVUE_BENCH_ARTICLES
// stored articles (default 100000).
func BenchmarkFrontPage(b *testing.B) {
	n := 100000
	if v := os.Getenv("REVUE_BENCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("REVUE_BENCH_ARTICLES=%q: want a number of articles, at least 100", v)
		}
	}
	s := newStore(b)
	fill(b, s, n)
	query, args := listArticlesSQL(revue.ArticleQuery{}, 50)
	if plan := explain(b, s, query, args...); !strings.Contains(plan, "articles_published_idx") {
		b.Fatalf("front page plan does not use articles_published_idx:\n%s", plan)
	}
	ctx := context.Background()
	for b.Loop() {
		page, err := s.ListArticles(ctx, revue.ArticleQuery{Limit: 50})
		if err != nil {
			b.Fatal(err)
		}
		ticker, err := s.Ticker(ctx, 50)
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Items) != 50 || len(ticker) != 50 {
			b.Fatalf("front page has %d articles and %d headlines, want 50 and 50", len(page.Items), len(ticker))
		}
	}
}
