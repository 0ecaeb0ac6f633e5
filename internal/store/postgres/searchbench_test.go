package postgres

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"revue/internal/search"
	"revue/internal/store/storetest"
)

// BenchmarkSearch times SearchArticles on REVUE_BENCH_SEARCH_ARTICLES
// (default 100 000) synthetic articles (storetest.BenchmarkSearch), the
// data the SQLite benchmark reads, in a scratch database.
//
//	REVUE_BENCH_SEARCH_ARTICLES=1000000 go test -run '^$' -bench Search -benchtime 1x ./internal/store/postgres
func BenchmarkSearch(b *testing.B) {
	n := 100_000
	if v := os.Getenv("REVUE_BENCH_SEARCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("REVUE_BENCH_SEARCH_ARTICLES=%q: want a number of articles, at least 1", v)
		}
	}
	corpus := storetest.LoadSearchCorpus(b)
	corpus.CheckSearchRows(b, 2000)
	s := openStore(b, newDatabase(b))
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	fillSearch(b, s, corpus, n)
	b.Logf("filled with %d articles in %v", n, time.Since(start).Round(time.Second))
	storetest.BenchmarkSearch(b, s, corpus, n)
}

// fillSearch copies the synthetic articles into a staging table, then
// moves them into articles with their tsvectors (COPY's binary format has
// no tsvector encoder in pgx), the GIN index rebuilt afterwards.
func fillSearch(b *testing.B, s *Store, corpus *storetest.SearchCorpus, n int) {
	b.Helper()
	ctx := context.Background()
	var sources [][]any
	for _, src := range storetest.FrontPageSources() {
		sources = append(sources, []any{src.ID, src.Name, src.FeedURL, src.SiteURL, src.Lang, src.Section, src.Enabled,
			src.NextFetchAt, src.CreatedAt})
	}
	if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"sources"}, []string{"id", "name", "feed_url", "site_url", "lang", "section",
		"enabled", "next_fetch_at", "created_at"}, pgx.CopyFromRows(sources)); err != nil {
		b.Fatal(err)
	}
	exec(b, s, `CREATE UNLOGGED TABLE search_staging (id bigint, source_id bigint, guid text, url text, title text, summary text,
		lang text, section text, published_at timestamptz, search text, search_terms text)`)
	exec(b, s, `DROP INDEX article_search_words`)
	exec(b, s, `DROP INDEX article_search_ids`)
	var rows [][]any
	flush := func() {
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"search_staging"}, []string{"id", "source_id", "guid", "url", "title",
			"summary", "lang", "section", "published_at", "search", "search_terms"}, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	for row := range corpus.Articles(n) {
		a := row.Article
		rows = append(rows, []any{a.ID, a.SourceID, a.GUID, a.URL, a.Title, a.Summary, a.Lang, a.Section, a.PublishedAt,
			tsvectorLiteral(row.Doc, search.Facets{Lang: a.Lang, SourceID: a.SourceID, Section: a.Section, Regions: a.Regions}), termsText(row.Doc)})
		if len(rows) == 50_000 {
			flush()
		}
	}
	flush()
	exec(b, s, `INSERT INTO articles (id, story_id, source_id, guid, url, title, summary, lang, section, published_at, fetched_at, search_terms)
		SELECT id, id, source_id, guid, url, title, summary, lang, section, published_at, published_at, search_terms
		FROM search_staging ORDER BY id`)
	exec(b, s, `INSERT INTO article_search (article_id, search) SELECT id, search::tsvector FROM search_staging ORDER BY id`)
	exec(b, s, `DROP TABLE search_staging`)
	exec(b, s, `SET maintenance_work_mem = '512MB'`)
	exec(b, s, `CREATE INDEX article_search_words ON article_search USING gin (search)`)
	exec(b, s, `CREATE INDEX article_search_ids ON article_search USING brin (article_id)`)
	exec(b, s, "SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles))")
	exec(b, s, `VACUUM ANALYZE articles`)
	exec(b, s, `VACUUM ANALYZE article_search`)
}
