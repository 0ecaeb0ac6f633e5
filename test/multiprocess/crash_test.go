//go:build unix

package multiprocess

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"revue/internal/store/sqlite"
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
		feeds  = 200
		items  = 25
		lease  = 3 * time.Second
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
				"REVUE_HOST_DELAY":             "0s",
				"REVUE_HOST_CONCURRENCY":       "64",
				"REVUE_WORKERS":                "8",
				"REVUE_LEASE_DURATION":         lease.String(),
				"REVUE_LOG_LEVEL":              "warn",
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

// checkSQLiteIntegrity runs the store's own check and, when the sqlite3
// program is installed, SQLite's reference implementation on the file.
func checkSQLiteIntegrity(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("opening %s with the SQLite store: %v", path, err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck after the crash and restart: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("closing %s: %v", path, err)
	}
	cli, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Log("sqlite3 is not installed; only the store's IntegrityCheck was run")
		return
	}
	out, err := exec.CommandContext(ctx, cli, path, "PRAGMA integrity_check").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("sqlite3 %s 'PRAGMA integrity_check' said %q (%v), want \"ok\"", path, strings.TrimSpace(string(out)), err)
	}
}
