//go:build unix

package multiprocess

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"revue/internal/testenv"
)

// itemKey names one stored item: the source's feed URL and the item's GUID.
type itemKey struct {
	feedURL string
	guid    string
}

// storedArticle is the part of an article row the tests compare.
type storedArticle struct {
	id        int64
	key       itemKey
	title     string
	url       string
	published int64 // microseconds since the epoch
}

// lease is a source leased to a worker.
type lease struct {
	sourceID int64
	feedURL  string
	owner    string
	until    time.Time
}

// inspector reads a Revue database directly, beside the processes under
// test, with SQL of its own so that it does not depend on the code it checks.
type inspector struct {
	db       *sql.DB
	postgres bool
}

func openInspector(t *testing.T, dsn string) *inspector {
	t.Helper()
	in := &inspector{postgres: strings.HasPrefix(dsn, "postgres://")}
	var err error
	if in.postgres {
		in.db, err = sql.Open("pgx", dsn)
	} else {
		// Read-only and patient: the file is written by other processes.
		in.db, err = sql.Open("sqlite", dsn+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	}
	if err != nil {
		t.Fatalf("opening %s to inspect it: %v", dsn, err)
	}
	t.Cleanup(func() { in.db.Close() })
	return in
}

// micros is an SQL expression giving a time column in microseconds.
func (in *inspector) micros(col string) string {
	if in.postgres {
		return fmt.Sprintf("CAST(EXTRACT(EPOCH FROM %s) * 1000000 AS bigint)", col)
	}
	return col // SQLite stores microseconds
}

func (in *inspector) count(ctx context.Context) (int, error) {
	var n int
	err := in.db.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n)
	return n, err
}

// articles returns every stored article by ID.
func (in *inspector) articles(ctx context.Context) (map[int64]storedArticle, error) {
	rows, err := in.db.QueryContext(ctx, `SELECT a.id, s.feed_url, a.guid, a.title, a.url, `+in.micros("a.published_at")+`
		FROM articles a JOIN sources s ON s.id = a.source_id`)
	if err != nil {
		return nil, fmt.Errorf("reading articles: %w", err)
	}
	defer rows.Close()
	out := map[int64]storedArticle{}
	for rows.Next() {
		var a storedArticle
		if err := rows.Scan(&a.id, &a.key.feedURL, &a.key.guid, &a.title, &a.url, &a.published); err != nil {
			return nil, fmt.Errorf("reading articles: %w", err)
		}
		out[a.id] = a
	}
	return out, rows.Err()
}

// leases returns the sources leased now, or whose lease has not been
// released, with owner matching ownerLike (an SQL LIKE pattern).
func (in *inspector) leases(ctx context.Context, ownerLike string) ([]lease, error) {
	rows, err := in.db.QueryContext(ctx, `SELECT id, feed_url, lease_owner, `+in.micros("lease_until")+`
		FROM sources WHERE lease_owner LIKE $1 AND lease_until IS NOT NULL ORDER BY id`, ownerLike)
	if err != nil {
		return nil, fmt.Errorf("reading leases: %w", err)
	}
	defer rows.Close()
	var out []lease
	for rows.Next() {
		var l lease
		var until int64
		if err := rows.Scan(&l.sourceID, &l.feedURL, &l.owner, &until); err != nil {
			return nil, fmt.Errorf("reading leases: %w", err)
		}
		l.until = time.UnixMicro(until)
		out = append(out, l)
	}
	return out, rows.Err()
}

// ownerOf is the LIKE pattern of the lease owner names of the process pid:
// cmd/revue names workers host/pid/random.
func ownerOf(pid int) string { return fmt.Sprintf("%%/%d/%%", pid) }

// checkStored compares the stored articles with the items the farm
// published: every expected item exactly once, nothing else.
func checkStored(t *testing.T, stored map[int64]storedArticle, want map[itemKey]bool) {
	t.Helper()
	seen := map[itemKey][]int64{}
	for _, a := range stored {
		seen[a.key] = append(seen[a.key], a.id)
	}
	var dups, extra, missing []string
	for k, ids := range seen {
		switch {
		case !want[k]:
			extra = append(extra, fmt.Sprintf("%s %s (ids %v)", k.feedURL, k.guid, ids))
		case len(ids) > 1:
			dups = append(dups, fmt.Sprintf("%s %s stored %d times (ids %v)", k.feedURL, k.guid, len(ids), ids))
		}
	}
	for k := range want {
		if len(seen[k]) == 0 {
			missing = append(missing, k.feedURL+" "+k.guid)
		}
	}
	if len(stored) != len(want) || len(dups)+len(extra)+len(missing) > 0 {
		t.Errorf("the database holds %d articles, want exactly %d (one per published item):\n"+
			"  %d items stored more than once: %s\n  %d items never published: %s\n  %d published items missing: %s",
			len(stored), len(want), len(dups), first(dups, 5), len(extra), first(extra, 5), len(missing), first(missing, 5))
	}
}

func first(list []string, n int) string {
	if len(list) == 0 {
		return "none"
	}
	if len(list) > n {
		return strings.Join(list[:n], "; ") + fmt.Sprintf("; … (%d more)", len(list)-n)
	}
	return strings.Join(list, "; ")
}

// freshPostgres creates an empty database on the server named by
// REVUE_TEST_POSTGRES and returns its URL; it is dropped after the test.
// The test is skipped when the variable is unset.
func freshPostgres(t *testing.T, ctx context.Context) string {
	t.Helper()
	server := os.Getenv("REVUE_TEST_POSTGRES")
	if server == "" {
		testenv.Missing(t, "REVUE_TEST_POSTGRES is not set: no PostgreSQL server to run several processes against "+
			"(scripts/test starts a throwaway cluster and sets it)")
	}
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connecting to REVUE_TEST_POSTGRES: %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("revue_multiprocess_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Logf("dropping database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("reading REVUE_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// maxID is the highest article ID, 0 when there is none.
func (in *inspector) maxID(ctx context.Context) (int64, error) {
	var id int64
	err := in.db.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) FROM articles").Scan(&id)
	return id, err
}
