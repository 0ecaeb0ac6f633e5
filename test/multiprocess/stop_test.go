//go:build unix

package multiprocess

import (
	"context"
	"testing"
	"time"
)

// TestStopReleasesLeasesAtOnce stops a `revue crawl` worker with SIGTERM
// while every one of its fetches hangs: it exits within its grace period,
// hands its leases back at once (not when they would lapse, minutes later)
// and holds nothing against the sources it was fetching.
func TestStopReleasesLeasesAtOnce(t *testing.T) {
	const feeds, workers = 12, 8
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dsn := freshPostgres(t, ctx)
	f := newFarm(t, farmConfig{feeds: feeds, perGen: 2, minDelay: time.Hour, maxDelay: time.Hour})
	env := map[string]string{
		"REVUE_DATABASE":               dsn,
		"REVUE_ALLOW_PRIVATE_NETWORKS": "1",
		// Their items link to hosts that are not served here: no pages.
		"REVUE_SHORT_TEXT":       "0",
		"REVUE_HOST_DELAY":       "0s",
		"REVUE_HOST_CONCURRENCY": "64",
		"REVUE_WORKERS":          "8",
		"REVUE_LEASE_DURATION":   "10m",
		"REVUE_LOG_LEVEL":        "warn",
	}
	mustRunRevue(t, ctx, time.Minute, env, "sources", "import", f.writeOPML(t))
	in := openInspector(t, dsn)

	worker := startRevue(t, ctx, "crawl worker", env, "crawl")
	owner := ownerOf(worker.pid())
	deadline := time.Now().Add(30 * time.Second)
	for {
		held, err := in.leases(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if len(held) == workers {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker holds %d leases after 30 s, want %d fetches in flight", len(held), workers)
		}
		time.Sleep(50 * time.Millisecond)
	}

	asked := time.Now()
	// The grace period for fetches in flight is 10 s; they never answer.
	worker.terminate(t, 25*time.Second)
	if took := time.Since(asked); took < 9*time.Second || took > 20*time.Second {
		t.Errorf("the worker stopped %s after SIGTERM, want after its 10 s grace period and soon after", took.Round(time.Millisecond))
	}
	if held, err := in.leases(ctx, owner); err != nil || len(held) != 0 {
		t.Errorf("after the stop the worker still holds %d leases (%v), want none", len(held), err)
	}
	var failing, fetched int
	if err := in.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE consecutive_failures > 0 OR last_error <> ''),
		count(*) FILTER (WHERE last_fetch_at IS NOT NULL) FROM sources`).Scan(&failing, &fetched); err != nil {
		t.Fatal(err)
	}
	if failing != 0 || fetched != 0 {
		t.Errorf("after the stop %d sources count a failure and %d a fetch, want none: abandoning is not their fault", failing, fetched)
	}
}
