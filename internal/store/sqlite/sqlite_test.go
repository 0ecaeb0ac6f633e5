package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"revue"
	"revue/internal/store/storetest"
)

// openTemp opens and migrates a store in a new temporary file.
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "revue.db"))
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) revue.Store {
		s := openTemp(t)
		t.Cleanup(func() {
			// Every conformance test must leave a sound database behind.
			if err := s.IntegrityCheck(context.Background()); err != nil {
				t.Errorf("after the test: %v", err)
			}
		})
		return s
	})
}

func TestOpenSettings(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	cases := []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", fmt.Sprint(busyTimeout.Milliseconds())},
	}
	pools := []struct {
		name string
		db   *sql.DB
	}{{"writer", s.write}, {"reader", s.read}}
	for _, tc := range cases {
		for _, pool := range pools {
			var got string
			if err := pool.db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", pool.name, tc.pragma, err)
			}
			if got != tc.want {
				t.Errorf("%s connection: PRAGMA %s = %s, want %s", pool.name, tc.pragma, got, tc.want)
			}
		}
	}
	if _, err := s.read.ExecContext(ctx, `DELETE FROM sources`); err == nil {
		t.Errorf("a write through the reader pool succeeded; readers should be query_only")
	}
}

func TestOpenFileURI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uri.db")
	s := openAt(t, "file:"+path+"?cache=private")
	if _, err := s.AddSource(t.Context(), revue.Source{Name: "x", FeedURL: "https://x.example/feed", Enabled: true}, time.Unix(0, 0)); err != nil {
		t.Fatalf("AddSource through a file: URI: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the file: URI did not create %s: %v", path, err)
	}
}

func TestIntegrityCheck(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	src, err := s.AddSource(ctx, revue.Source{Name: "x", FeedURL: "https://x.example/feed", Enabled: true}, time.Unix(0, 0))
	if err != nil {
		t.Fatalf("AddSource: %v", err)
	}
	if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{{GUID: "g", URL: "https://x.example/a", CanonicalURL: "https://x.example/a",
		Images: []revue.Image{{URL: "https://x.example/i.jpg"}}, Regions: []string{"oriental"}}}, time.Unix(0, 0)); err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatalf("IntegrityCheck of a sound database: %v", err)
	}

	// Break a foreign key behind the store's back; the check must see it.
	conn, err := s.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{`PRAGMA foreign_keys = OFF`, `DELETE FROM sources`, `PRAGMA foreign_keys = ON`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err = s.IntegrityCheck(ctx)
	if err == nil || !strings.Contains(err.Error(), "articles") {
		t.Errorf("IntegrityCheck with an orphaned article: %v, want an error naming articles", err)
	}
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	schema := func() string {
		var b strings.Builder
		rows, err := s.read.QueryContext(ctx, `SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			b.WriteString(line + "\n")
		}
		return b.String()
	}
	var applied int
	countApplied := func() int {
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		return applied
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	before, n := schema(), countApplied()
	if n != len(ms) {
		t.Fatalf("%d migrations recorded, want %d", n, len(ms))
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if after := schema(); after != before {
		t.Errorf("a second Migrate changed the schema:\n%s\nbecame\n%s", before, after)
	}
	if got := countApplied(); got != n {
		t.Errorf("a second Migrate recorded %d migrations, want %d", got, n)
	}
}

// TestTwoStoresOneFile opens one file twice, as two processes would, then
// migrates and writes through both at once.
func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := t.Context()
	var stores [2]*Store
	for i := range stores {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i, err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, s := range stores {
		wg.Go(func() { errs <- s.Migrate(ctx) })
	}
	wg.Wait()

	base := time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)
	sources := make([]revue.Source, 4)
	for i := range sources {
		src, err := stores[i%2].AddSource(ctx, revue.Source{Name: fmt.Sprint(i), FeedURL: fmt.Sprintf("https://s%d.example/feed", i), Enabled: true}, base)
		if err != nil {
			t.Fatalf("AddSource: %v", err)
		}
		sources[i] = src
	}
	const perWriter, batches = 20, 5
	for w := range 8 {
		s := stores[w%2]
		wg.Go(func() {
			for b := range batches {
				var batch []revue.Article
				for i := range perWriter {
					// Writers 0-3 and 4-7 save the same articles through different stores.
					key := fmt.Sprintf("w%d-b%d-%d", w%4, b, i)
					batch = append(batch, revue.Article{GUID: key, URL: "https://n.example/" + key, CanonicalURL: "https://n.example/" + key,
						Title: key, PublishedAt: base.Add(time.Duration(i) * time.Minute), Images: []revue.Image{{URL: "https://n.example/shared.jpg"}}})
				}
				if _, err := s.SaveArticles(ctx, sources[w%4].ID, batch, base); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
				if _, err := s.ClaimDueSources(ctx, revue.ClaimRequest{Worker: fmt.Sprint("worker-", w), Now: base, Lease: time.Minute, Limit: 1}); err != nil {
					errs <- fmt.Errorf("worker %d: %w", w, err)
					return
				}
				if _, err := s.ListArticles(ctx, revue.ArticleQuery{Limit: 20}); err != nil {
					errs <- fmt.Errorf("reader %d: %w", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for i, s := range stores {
		latest, err := s.LatestArticleID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var count int
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles`).Scan(&count); err != nil {
			t.Fatal(err)
		}
		if count != 4*batches*perWriter || latest < int64(count) {
			t.Errorf("store %d sees %d articles (latest ID %d), want %d", i, count, latest, 4*batches*perWriter)
		}
		if err := s.IntegrityCheck(ctx); err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
}

func TestOpenNamesAMissingFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-folder", "revue.db")
	_, err := Open(context.Background(), missing)
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "no-such-folder") {
		t.Fatalf("Open(%s) = %v, want an error naming the missing folder", missing, err)
	}
}

// newArticles keeps what SaveArticles inserted.
func newArticles(res revue.SaveResult, err error) ([]revue.Article, error) { return res.New, err }

// TestSearchRelevance measures the relevance set (storetest.RunRelevance)
// on SQLite; the floors are the measured figures less a margin.
func TestSearchRelevance(t *testing.T) {
	storetest.RunRelevance(t, openTemp(t), storetest.RelevanceFloors{NDCG10: 0.55, MRR: 0.9})
}
