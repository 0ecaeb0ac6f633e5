package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"revue"
)

func TestMigrateConcurrentlyAppliesEachMigrationOnce(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		s := openStore(t, dbURL)
		wg.Go(func() { errs <- s.Migrate(ctx) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Migrate: %v", err)
		}
	}
	s := openStore(t, dbURL)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate on an up-to-date database: %v", err)
	}
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var recorded int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != len(migrations) || len(migrations) == 0 {
		t.Errorf("schema_migrations holds %d rows, want %d (one per embedded migration)", recorded, len(migrations))
	}
}

func TestOpenReportsUnreachableServer(t *testing.T) {
	t.Parallel()
	serverURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there, so the connection is refused.
	_, err := Open(ctx, "postgres://nobody:secret@127.0.0.1:1/revue?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1/revue") || strings.Contains(err.Error(), "secret") {
		t.Errorf("error should name the server and hide the password: %v", err)
	}
}

func TestClaimDueSourcesOrderAndConcurrency(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	const n = 300
	for i := range n {
		src := addSource(t, s, fmt.Sprintf("s%03d", i))
		// Due times in reverse of creation, so order is by next_fetch_at, not ID.
		setNext(t, s, src.ID, base.Add(-time.Duration(i)*time.Second), 0)
	}
	first, err := s.ClaimDueSources(ctx, revue.ClaimRequest{Worker: "probe", Now: base, Lease: time.Nanosecond, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 3 || first[0].Name != "s299" || first[1].Name != "s298" || first[2].Name != "s297" {
		t.Fatalf("first claim = %v, want s299, s298, s297 (soonest due first)", names(first))
	}
	// The probe's lease ended a nanosecond after base: everything is free again.
	now := base.Add(time.Second)
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 16 {
		worker := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				claimed, err := s.ClaimDueSources(ctx, revue.ClaimRequest{Worker: worker, Now: now, Lease: time.Minute, Limit: 2})
				if err != nil {
					t.Error(err)
					return
				}
				if len(claimed) == 0 {
					return
				}
				mu.Lock()
				for _, c := range claimed {
					if prev, dup := seen[c.ID]; dup {
						t.Errorf("source %d leased to %s and %s", c.ID, prev, worker)
					}
					seen[c.ID] = worker
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("workers claimed %d sources, want all %d", len(seen), n)
	}
}

func exec(t testing.TB, s *Store, sql string, args ...any) {
	t.Helper()
	if _, err := s.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func setNext(t testing.TB, s *Store, id int64, next time.Time, failures int) {
	t.Helper()
	exec(t, s, "UPDATE sources SET next_fetch_at = $2, consecutive_failures = $3 WHERE id = $1", id, next, failures)
}

func names(sources []revue.Source) []string {
	var out []string
	for _, s := range sources {
		out = append(out, s.Name)
	}
	return out
}
