package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"revue/internal/search"
	"revue/internal/store/storetest"
)

// searchArticleCount is REVUE_BENCH_SEARCH_ARTICLES, default 100 000.
func searchArticleCount(tb testing.TB) int {
	tb.Helper()
	v := os.Getenv("REVUE_BENCH_SEARCH_ARTICLES")
	if v == "" {
		return 100_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("REVUE_BENCH_SEARCH_ARTICLES=%q: want a number of articles, at least 1", v)
	}
	return n
}

// BenchmarkSearch times SearchArticles on n synthetic articles
// (storetest.BenchmarkSearch). The filled database is kept under
// os.TempDir, keyed by the schema, the generator and n.
//
//	REVUE_BENCH_SEARCH_ARTICLES=1000000 go test -run '^$' -bench Search -benchtime 1x ./internal/store/sqlite
func BenchmarkSearch(b *testing.B) {
	n := searchArticleCount(b)
	corpus := storetest.LoadSearchCorpus(b)
	corpus.CheckSearchRows(b, 2000)
	ms, err := loadMigrations()
	if err != nil {
		b.Fatal(err)
	}
	sum := crc32.NewIEEE()
	for _, m := range ms {
		sum.Write([]byte(m.sql))
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("revue-bench-search-%08x-%s-%d.db", sum.Sum32(), corpus.Fingerprint(), n))
	if _, err := os.Stat(path); err != nil {
		scratch := fmt.Sprintf("%s.filling-%d", path, os.Getpid())
		start := time.Now()
		if err := fillSearch(context.Background(), scratch, corpus, n); err != nil {
			removeDatabase(scratch)
			b.Fatalf("filling %s: %v", scratch, err)
		}
		if err := os.Rename(scratch, path); err != nil {
			removeDatabase(scratch)
			b.Fatal(err)
		}
		b.Logf("filled %s with %d articles in %v (kept for later runs)", path, n, time.Since(start).Round(time.Second))
	}
	storetest.BenchmarkSearch(b, openBench(b, path), corpus, n)
}

// fillSearch writes the synthetic articles and their search terms with
// prepared statements in one transaction, the articles' indexes rebuilt
// afterwards.
func fillSearch(ctx context.Context, path string, corpus *storetest.SearchCorpus, n int) error {
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return err
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA cache_size = -524288`); err != nil {
		s.Close()
		return err
	}
	err = s.inWriteTx(ctx, func(tx *sql.Tx) error {
		addSource, err := tx.PrepareContext(ctx, `INSERT INTO sources (id, name, feed_url, site_url, lang, section, enabled, next_fetch_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`)
		if err != nil {
			return err
		}
		addArticle, err := tx.PrepareContext(ctx, `INSERT INTO articles (id, source_id, guid, url, title, summary, lang, section, story_id, published_at, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		addTerms, err := tx.PrepareContext(ctx, `INSERT INTO article_search (rowid, title, body, facets) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		addRankTerms, err := tx.PrepareContext(ctx, `INSERT INTO article_terms (article_id, title, body) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		indexes, err := dropIndexes(ctx, tx)
		if err != nil {
			return err
		}
		for _, src := range storetest.FrontPageSources() {
			if _, err := addSource.ExecContext(ctx, src.ID, src.Name, src.FeedURL, src.SiteURL, src.Lang, src.Section,
				micros(src.NextFetchAt), micros(src.CreatedAt)); err != nil {
				return err
			}
		}
		for row := range corpus.Articles(n) {
			a := row.Article
			if _, err := addArticle.ExecContext(ctx, a.ID, a.SourceID, a.GUID, a.URL, a.Title, a.Summary, a.Lang, a.Section,
				a.StoryID, micros(a.PublishedAt), micros(a.FetchedAt)); err != nil {
				return err
			}
			title, body := strings.Join(row.Doc.Title, " "), strings.Join(row.Doc.Body, " ")
			facets := search.Facets{Lang: a.Lang, SourceID: a.SourceID, Section: a.Section, Regions: a.Regions}
			if _, err := addTerms.ExecContext(ctx, a.ID, title, body, strings.Join(facets.Terms(), " ")); err != nil {
				return err
			}
			if _, err := addRankTerms.ExecContext(ctx, a.ID, title, body); err != nil {
				return err
			}
		}
		for _, index := range indexes {
			if _, err := tx.ExecContext(ctx, index); err != nil {
				return fmt.Errorf("rebuilding index: %s: %w", index, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO article_search (article_search) VALUES ('optimize')`)
		return err
	})
	return errors.Join(err, s.Close())
}
