//go:build unix

package multiprocess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCrashDuringCrawlLosesNothing kills `revue crawl --once --all` with
// SIGKILL while it stores the articles of 200 feeds, restarts it once the
// dead process's leases have expired, and checks that every article stored
// before the kill is still there unchanged, that the farm's items are all
// stored exactly once, and that the database is sound.
func TestCrashDuringCrawlLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real revue processes; skipped with -short")
	}
	const (
		feeds = 200
		items = 25
		// Longer than a claimed source's fetch and save take on a loaded
		// 2-core machine (at 3 s, a load of 12 let one lease lapse
		// mid-fetch, and the source was fetched twice in the pass).
		lease  = 5 * time.Second
		killAt = 3 // kill once 1/killAt of the articles are stored
	)
	backends := []struct {
		name string
		dsn  func(t *testing.T, ctx context.Context) string
	}{
		{"sqlite", func(t *testing.T, _ context.Context) string { return filepath.Join(t.TempDir(), "revue.db") }},
		{"postgres", freshPostgres},
	}
	for _, backend := range backends {
		t.Run(backend.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			dsn := backend.dsn(t, ctx)
			f := newFarm(t, farmConfig{feeds: feeds, perGen: items, minDelay: 20 * time.Millisecond, maxDelay: 50 * time.Millisecond})
			env := map[string]string{
				"REVUE_DATABASE":               dsn,
				"REVUE_ALLOW_PRIVATE_NETWORKS": "1",
				// Their items link to hosts that are not served here: no pages.
				"REVUE_SHORT_TEXT":       "0",
				"REVUE_HOST_DELAY":       "0s",
				"REVUE_HOST_CONCURRENCY": "64",
				"REVUE_WORKERS":          "8",
				"REVUE_LEASE_DURATION":   lease.String(),
				"REVUE_LOG_LEVEL":        "warn",
			}
			mustRunRevue(t, ctx, time.Minute, env, "sources", "import", f.writeOPML(t))
			in := openInspector(t, dsn)
			want := f.expected(0)

			crawler := startRevue(t, ctx, "crawl to be killed", env, "crawl", "--once", "--all")
			var atKill int
			reached := eventually(ctx, time.Minute, 5*time.Millisecond, func() bool {
				n, err := in.count(ctx)
				if err != nil {
					t.Logf("counting articles: %v", err)
					return false
				}
				atKill = n
				return n >= len(want)/killAt || !crawler.running()
			})
			if !crawler.running() {
				t.Fatalf("the crawl finished (exit %d, %d of %d articles stored) before it could be killed: slow the farm down; stderr:\n%s",
					crawler.cmd.ProcessState.ExitCode(), atKill, len(want), tail(crawler.stderr.String(), 20))
			}
			if !reached {
				t.Fatalf("only %d of %d articles were stored after a minute; the crawl is stuck. stderr:\n%s", atKill, len(want), tail(crawler.stderr.String(), 20))
			}
			if err := crawler.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("killing the crawl: %v", err)
			}
			killedAt := time.Now()
			crawler.wait(t, 10*time.Second)

			before, err := in.articles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held, err := in.leases(ctx, ownerOf(crawler.pid()))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("killed at %d articles (seen %d at the last count before the kill), the dead process held %d leases",
				len(before), atKill, len(held))
			if len(before) == 0 || len(before) >= len(want) {
				t.Fatalf("%d of %d articles stored when the crawl was killed: the kill did not land mid-crawl", len(before), len(want))
			}
			// Leases the dead process held keep their sources from the next
			// pass until they expire; restart after that, not before.
			expiry := killedAt
			for _, l := range held {
				if l.until.After(expiry) {
					expiry = l.until
				}
			}
			if wait := time.Until(expiry); wait > 0 {
				if wait > lease+time.Second {
					t.Errorf("a lease held by the dead process runs until %s, %s after the kill; want at most the lease duration %s",
						expiry.Format(time.RFC3339Nano), expiry.Sub(killedAt), lease)
				}
				time.Sleep(wait + 50*time.Millisecond)
			}

			out := mustRunRevue(t, ctx, 2*time.Minute, env, "crawl", "--once", "--all")
			wantSummary := fmt.Sprintf("%d sources fetched, 0 failed, %d new articles", feeds, len(want)-len(before))
			if !strings.Contains(out, wantSummary) {
				t.Errorf("the restarted crawl said %q, want %q", strings.TrimSpace(out), wantSummary)
			}

			after, err := in.articles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var changed []string
			for id, a := range before {
				if b, ok := after[id]; !ok {
					changed = append(changed, fmt.Sprintf("article %d (%s %s) is gone", id, a.key.feedURL, a.key.guid))
				} else if b != a {
					changed = append(changed, fmt.Sprintf("article %d changed from %+v to %+v", id, a, b))
				}
			}
			if len(changed) > 0 {
				t.Errorf("%d of the %d articles stored before the kill were lost or changed by the restart: %s",
					len(changed), len(before), first(changed, 5))
			}
			checkStored(t, after, want)
			if left, err := in.leases(ctx, "%"); err != nil {
				t.Error(err)
			} else if len(left) > 0 {
				t.Errorf("%d sources are still leased after a completed crawl, e.g. source %d to %s until %s",
					len(left), left[0].sourceID, left[0].owner, left[0].until.Format(time.RFC3339Nano))
			}
			if backend.name == "sqlite" {
				checkSQLiteIntegrity(t, ctx, dsn)
			}
		})
	}
}

// checkSQLiteIntegrity fails t unless SQLite's own checks find the file
// sound: PRAGMA integrity_check answers "ok" and PRAGMA foreign_key_check
// finds no row pointing at a missing parent. It runs them through the
// database/sql driver the project uses, so it needs no sqlite3 program and
// never passes by being unable to look.
func checkSQLiteIntegrity(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	problems, err := sqliteProblems(ctx, path)
	if err != nil {
		t.Errorf("checking the integrity of %s: %v", path, err)
		return
	}
	if len(problems) > 0 {
		t.Errorf("%s is damaged after the crash and restart: %d problems: %s", path, len(problems), first(problems, 10))
	}
}

// sqliteProblems returns what integrity_check and foreign_key_check report
// about the SQLite database at path: nothing when it is sound.
func sqliteProblems(ctx context.Context, path string) ([]string, error) {
	// A connection of its own, reading only: whatever the processes under
	// test left in the file and its WAL is what gets checked.
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer db.Close()
	var problems []string
	lines, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("PRAGMA integrity_check: %w", err)
	}
	answered := false
	for lines.Next() {
		var line string
		if err := lines.Scan(&line); err != nil {
			lines.Close()
			return nil, fmt.Errorf("PRAGMA integrity_check: %w", err)
		}
		answered = true
		if line != "ok" {
			problems = append(problems, "integrity_check: "+line)
		}
	}
	if err := errors.Join(lines.Err(), lines.Close()); err != nil {
		return nil, fmt.Errorf("PRAGMA integrity_check: %w", err)
	}
	if !answered {
		return nil, errors.New("PRAGMA integrity_check returned no row; it always answers at least \"ok\"")
	}

	orphans, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, fmt.Errorf("PRAGMA foreign_key_check: %w", err)
	}
	for orphans.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var constraint int64
		if err := orphans.Scan(&table, &rowid, &parent, &constraint); err != nil {
			orphans.Close()
			return nil, fmt.Errorf("PRAGMA foreign_key_check: %w", err)
		}
		problems = append(problems, fmt.Sprintf("foreign_key_check: row %d of %s points to a missing row of %s (foreign key %d)",
			rowid.Int64, table, parent, constraint))
	}
	if err := errors.Join(orphans.Err(), orphans.Close()); err != nil {
		return nil, fmt.Errorf("PRAGMA foreign_key_check: %w", err)
	}
	return problems, nil
}
