package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"revue"
)

// Benchmarks run against a database pre-filled with REVUE_BENCH_ARTICLES
// articles (default 100 000). Filling is slow at a million, so the filled
// file is kept under os.TempDir, keyed by the article count and the schema,
// and reused by later runs.

const defaultBenchArticles = 100_000

var (
	benchRegions  = []string{"tanger-tetouan-al-hoceima", "oriental", "fes-meknes", "rabat-sale-kenitra", "beni-mellal-khenifra", "casablanca-settat", "marrakech-safi", "draa-tafilalet", "souss-massa", "guelmim-oued-noun", "laayoune-sakia-el-hamra", "dakhla-oued-ed-dahab"}
	benchLangs    = []string{"fr", "ar", "es", "en"}
	benchSections = []string{"politique", "economie", "societe", "sport", "culture", "monde", "regions", "sante"}
)

const benchSources = 500

func benchArticleCount(b *testing.B) int {
	v := os.Getenv("REVUE_BENCH_ARTICLES")
	if v == "" {
		return defaultBenchArticles
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("REVUE_BENCH_ARTICLES=%q is not a count of articles", v)
	}
	return n
}

// filledDatabase returns the path of a migrated database holding n articles,
// filling it on first use.
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
	path := filepath.Join(os.TempDir(), fmt.Sprintf("revue-bench-sqlite-%08x-%d.db", sum.Sum32(), n))
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
const fillVersion = "fill-2"

// fill writes n articles in one transaction with prepared statements,
// bypassing SaveArticles' per-article round trips. The secondary indexes are
// dropped during the load and built afterwards from their own definitions:
// building an index by sorting is several times faster than growing it row
// by row in random order.
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
	base := time.Date(2021, 3, 16, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, uint64(n)))
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
		addArticleImage := prepare(`INSERT INTO article_images (article_id, image_id, position) VALUES (?, ?, 0)`)
		if prepareErr != nil {
			return prepareErr
		}
		indexes, err := dropIndexes(ctx, tx)
		if err != nil {
			return err
		}
		for i := 1; i <= benchSources; i++ {
			if _, err := addSource.ExecContext(ctx, i, fmt.Sprintf("Source %d", i), fmt.Sprintf("https://s%d.example/feed", i),
				fmt.Sprintf("https://s%d.example/", i), benchLangs[i%len(benchLangs)], benchSections[i%len(benchSections)], micros(base), micros(base)); err != nil {
				return err
			}
		}
		const sharedImages = 1000
		for i := 1; i <= sharedImages; i++ {
			if _, err := addImage.ExecContext(ctx, i, fmt.Sprintf("https://img.example/shared/%d.jpg", i)); err != nil {
				return err
			}
		}
		nextImage := int64(sharedImages + 1)
		const twoYears = 2 * 365 * 24 * time.Hour
		for id := 1; id <= n; id++ {
			source := 1 + rng.IntN(benchSources)
			key := fmt.Sprintf("%08d-%d", id, source) // ascending: the unique indexes grow at the end
			// Whole seconds often collide: ties are part of the workload.
			published := base.Add(-time.Duration(rng.Int64N(int64(twoYears/time.Second))) * time.Second)
			lang := benchLangs[rng.IntN(len(benchLangs))]
			if _, err := addArticle.ExecContext(ctx, id, source, "urn:bench:"+key, "https://news.example/"+key+"?utm_source=rss",
				"https://news.example/"+key, "Titre de l'article "+key, "Résumé de l'article "+key,
				"<p>Texte de l'article "+key+", assez long pour ressembler à un vrai résumé de presse.</p>",
				"Rédaction", lang, benchSections[rng.IntN(len(benchSections))], id, micros(published), micros(published.Add(time.Minute))); err != nil {
				return err
			}
			if rng.IntN(3) == 0 {
				if _, err := addRegion.ExecContext(ctx, id, benchRegions[rng.IntN(len(benchRegions))], micros(published)); err != nil {
					return err
				}
			}
			imageID := int64(1 + rng.IntN(sharedImages))
			if rng.IntN(10) != 0 {
				imageID = nextImage
				nextImage++
				if _, err := addImage.ExecContext(ctx, imageID, "https://img.example/"+key+".jpg"); err != nil {
					return err
				}
			}
			if _, err := addArticleImage.ExecContext(ctx, id, imageID); err != nil {
				return err
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
	n := benchArticleCount(b)
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
	round := 0
	for b.Loop() {
		for i := range batch {
			key := fmt.Sprintf("save-%d-%d", round, i)
			batch[i] = revue.Article{
				GUID: "urn:bench:" + key, URL: "https://bench-save.example/" + key, CanonicalURL: "https://bench-save.example/" + key,
				Title: "Titre " + key, Summary: "Résumé " + key, ContentHTML: "<p>Texte " + key + "</p>", Lang: "fr", Section: "politique",
				Regions:     []string{benchRegions[i%len(benchRegions)]},
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

// BenchmarkFrontPage reads what the home page shows: the first page of 50
// articles and the 50-headline ticker.
func BenchmarkFrontPage(b *testing.B) {
	n := benchArticleCount(b)
	s := openBench(b, filledDatabase(b, n))
	ctx := context.Background()
	// The plans must hold on a full database too, not only an empty one.
	for _, tc := range planCases() {
		checkPlan(b, s.read, tc)
	}
	cases := []struct {
		name string
		q    revue.ArticleQuery
	}{
		{"home", revue.ArticleQuery{Limit: 50}},
		{"language", revue.ArticleQuery{Limit: 50, Lang: "ar"}},
		{"region", revue.ArticleQuery{Limit: 50, Region: "oriental"}},
	}
	for _, tc := range cases {
		b.Run(fmt.Sprintf("%s-%d", tc.name, n), func(b *testing.B) {
			for b.Loop() {
				page, err := s.ListArticles(ctx, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				ticker, err := s.Ticker(ctx, 50)
				if err != nil {
					b.Fatal(err)
				}
				if n >= 10_000 && (len(page.Items) != 50 || len(ticker) != 50) {
					b.Fatalf("got %d articles and %d headlines, want 50 of each", len(page.Items), len(ticker))
				}
			}
		})
	}
	b.Run(fmt.Sprintf("home-parallel-%d", n), func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.ListArticles(ctx, revue.ArticleQuery{Limit: 50}); err != nil {
					b.Error(err)
					return
				}
				if _, err := s.Ticker(ctx, 50); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
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
