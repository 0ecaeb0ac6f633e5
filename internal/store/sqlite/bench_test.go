package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"

	"revue"
	"revue/internal/defaults"
	"revue/internal/store/storetest"
)

// The front-page benchmark reads a database filled with storetest's
// generated articles (REVUE_BENCH_ARTICLES, default 100 000), the same data
// the PostgreSQL benchmark reads. Filling is slow at a million, so the
// filled file is kept under os.TempDir, keyed by the article count, the
// schema and the generator, and reused by later runs.

// filledDatabase returns the path of a migrated database holding the
// generated articles, filling it on first use.
func filledDatabase(b *testing.B, n int) string {
	b.Helper()
	ms, err := loadMigrations()
	if err != nil {
		b.Fatal(err)
	}
	sum := crc32.NewIEEE()
	for _, m := range ms {
		sum.Write([]byte(m.sql))
	}
	sum.Write([]byte(fillVersion))
	path := filepath.Join(os.TempDir(), fmt.Sprintf("revue-bench-sqlite-%08x-%s-%d.db", sum.Sum32(), storetest.FrontPageFingerprint(), n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	// Fill a scratch file and rename it into place only when complete, so an
	// interrupted fill is never mistaken for a cached one.
	scratch := fmt.Sprintf("%s.filling-%d", path, os.Getpid())
	start := time.Now()
	if err := fill(context.Background(), scratch, n); err != nil {
		removeDatabase(scratch)
		b.Fatalf("filling %s with %d articles: %v", scratch, n, err)
	}
	if err := os.Rename(scratch, path); err != nil {
		removeDatabase(scratch)
		b.Fatal(err)
	}
	b.Logf("filled %s with %d articles in %v (kept for later runs)", path, n, time.Since(start).Round(time.Millisecond))
	return path
}

func removeDatabase(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// fillVersion is part of the cache key: change it when fill changes.
const fillVersion = "fill-3"

// fill writes the n generated articles in one transaction with prepared
// statements, bypassing SaveArticles' per-article round trips. The
// secondary indexes are dropped during the load and built afterwards from
// their own definitions: building an index by sorting is several times
// faster than growing it row by row in random order.
func fill(ctx context.Context, path string, n int) error {
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return err
	}
	// A big page cache for the fill only: the connection goes with Close.
	if _, err := s.write.ExecContext(ctx, `PRAGMA cache_size = -524288`); err != nil {
		s.Close()
		return err
	}
	err = s.inWriteTx(ctx, func(tx *sql.Tx) error {
		var prepareErr error
		prepare := func(q string) *sql.Stmt {
			st, err := tx.PrepareContext(ctx, q)
			prepareErr = errors.Join(prepareErr, err)
			return st
		}
		addSource := prepare(`INSERT INTO sources (id, name, feed_url, site_url, lang, section, enabled, next_fetch_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`)
		addArticle := prepare(`INSERT INTO articles (id, source_id, guid, url, canonical_url, title, summary, content_html, byline, lang, section, story_id, published_at, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		addRegion := prepare(`INSERT INTO article_regions (article_id, region, published_at) VALUES (?, ?, ?)`)
		addImage := prepare(`INSERT INTO images (id, url) VALUES (?, ?)`)
		addArticleImage := prepare(`INSERT INTO article_images (article_id, image_id, position) VALUES (?, ?, ?)`)
		if prepareErr != nil {
			return prepareErr
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
		for _, img := range storetest.FrontPageSharedImageList() {
			if _, err := addImage.ExecContext(ctx, img.ID, img.URL); err != nil {
				return err
			}
		}
		for row := range storetest.FrontPageArticles(n) {
			a := row.Article
			if _, err := addArticle.ExecContext(ctx, a.ID, a.SourceID, a.GUID, a.URL, a.CanonicalURL, a.Title, a.Summary,
				a.ContentHTML, a.Byline, a.Lang, a.Section, a.StoryID, micros(a.PublishedAt), micros(a.FetchedAt)); err != nil {
				return err
			}
			for _, region := range a.Regions {
				if _, err := addRegion.ExecContext(ctx, a.ID, region, micros(a.PublishedAt)); err != nil {
					return err
				}
			}
			for position, img := range a.Images {
				if row.NewImage {
					if _, err := addImage.ExecContext(ctx, img.ID, img.URL); err != nil {
						return err
					}
				}
				if _, err := addArticleImage.ExecContext(ctx, a.ID, img.ID, position); err != nil {
					return err
				}
			}
		}
		for _, index := range indexes {
			if _, err := tx.ExecContext(ctx, index); err != nil {
				return fmt.Errorf("rebuilding index: %s: %w", index, err)
			}
		}
		return nil
	})
	return errors.Join(err, s.Close())
}

func openBench(b *testing.B, path string) *Store {
	b.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkSaveArticles saves batches of 50 new articles (two images each,
// one shared by the batch, one region) through SaveArticles.
func BenchmarkSaveArticles(b *testing.B) {
	n := storetest.FrontPageArticleCount(b)
	b.Run("empty", func(b *testing.B) {
		benchmarkSave(b, openBench(b, filepath.Join(b.TempDir(), "empty.db")))
	})
	b.Run(fmt.Sprintf("filled-%d", n), func(b *testing.B) {
		s := openBench(b, filledDatabase(b, n))
		benchmarkSave(b, s)
	})
}

func benchmarkSave(b *testing.B, s *Store) {
	ctx := context.Background()
	const feed = "https://bench-save.example/feed"
	// Leave the cached database as it was found, even after an interrupted run.
	removeBenchSource := func() {
		sources, err := s.ListSources(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, src := range sources {
			if src.FeedURL == feed {
				if err := s.RemoveSource(ctx, src.ID); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	removeBenchSource()
	b.Cleanup(removeBenchSource)
	src, err := s.AddSource(ctx, revue.Source{Name: "Bench", FeedURL: feed, Enabled: true}, time.Unix(1_600_000_000, 0))
	if err != nil {
		b.Fatal(err)
	}
	const batchSize = 50
	now := time.Date(2021, 3, 16, 12, 0, 0, 0, time.UTC)
	batch := make([]revue.Article, batchSize)
	regions := defaults.MoroccanRegions()
	round := 0
	for b.Loop() {
		for i := range batch {
			key := fmt.Sprintf("save-%d-%d", round, i)
			batch[i] = revue.Article{
				GUID: "urn:bench:" + key, URL: "https://bench-save.example/" + key, CanonicalURL: "https://bench-save.example/" + key,
				Title: "Titre " + key, Summary: "Résumé " + key, ContentHTML: "<p>Texte " + key + "</p>", Lang: "fr", Section: "politique",
				Regions:     []string{regions[i%len(regions)]},
				PublishedAt: now.Add(-time.Duration(i) * time.Minute),
				Images:      []revue.Image{{URL: fmt.Sprintf("https://img.example/bench-%d.jpg", round)}, {URL: "https://img.example/" + key + ".jpg"}},
			}
		}
		saved, err := newArticles(s.SaveArticles(ctx, src.ID, batch, now))
		if err != nil {
			b.Fatal(err)
		}
		if len(saved) != batchSize {
			b.Fatalf("saved %d of %d articles", len(saved), batchSize)
		}
		round++
	}
	b.ReportMetric(float64(round*batchSize)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkFrontPage measures the portal's pages (storetest.BenchmarkFrontPage)
// on the generated database, after checking that each listing's plan
// walks its index on the full database too, not only on an empty one.
func BenchmarkFrontPage(b *testing.B) {
	n := storetest.FrontPageArticleCount(b)
	s := openBench(b, filledDatabase(b, n))
	for _, tc := range planCases() {
		checkPlan(b, s.read, tc)
	}
	storetest.BenchmarkFrontPage(b, s, n)
}

// dropIndexes drops the articles' and regions' explicit indexes and returns
// the statements that recreate them.
func dropIndexes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('articles', 'article_regions')`)
	if err != nil {
		return nil, err
	}
	var names, statements []string
	for rows.Next() {
		var name, statement string
		if err := rows.Scan(&name, &statement); err != nil {
			rows.Close()
			return nil, err
		}
		names, statements = append(names, name), append(statements, statement)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, err
		}
	}
	return statements, nil
}
