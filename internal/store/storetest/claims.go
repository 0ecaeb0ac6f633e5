package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"revue"
)

var claimTests = []storeTest{
	{"due and not due", testClaimDue},
	{"a crawl-everything pass", testClaimEverything},
	{"limit and order", testClaimLimitOrder},
	{"leases are exclusive under concurrency", testClaimExclusive},
	{"a source fetched meanwhile is not claimed again", testClaimAfterRecordRace},
	{"an expired lease is taken over", testClaimLeaseExpiry},
	{"RecordFetch releases only its worker's lease", testRecordReleasesLease},
}

const lease = 5 * time.Minute

// never is "no crawl-everything pass": the zero time.
var never time.Time

func claim(t *testing.T, st revue.Store, worker string, now time.Time, limit int, everyFetchedBefore time.Time) []int64 {
	t.Helper()
	got, err := st.ClaimDueSources(t.Context(), revue.ClaimRequest{Worker: worker, Now: now, Lease: lease, Limit: limit, EveryFetchedBefore: everyFetchedBefore})
	if err != nil {
		t.Fatalf("ClaimDueSources(%s at %v): %v", worker, now, err)
	}
	return sourceIDs(got)
}

// fetched records a fetch by worker at at, due again at next.
func fetched(t *testing.T, st revue.Store, id int64, worker string, at, next time.Time, failed bool) {
	t.Helper()
	o := revue.FetchOutcome{SourceID: id, Worker: worker, At: at, Status: 200, NextFetchAt: next, Interval: time.Hour}
	if failed {
		o.Status, o.Err = 503, "server answered 503 Service Unavailable"
	}
	if err := st.RecordFetch(t.Context(), o); err != nil {
		t.Fatalf("RecordFetch(source %d): %v", id, err)
	}
}

func checkClaimed(t *testing.T, what string, got []int64, want ...int64) {
	t.Helper()
	if want == nil {
		want = []int64{}
	}
	if got == nil {
		got = []int64{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s claimed %v, want %v", what, got, want)
	}
}

func testClaimDue(t *testing.T, st revue.Store) {
	a := mustAddSource(t, st, "A", t0)
	b := mustAddSource(t, st, "B", t0.Add(time.Minute)) // due a minute later
	c := mustAddSource(t, st, "C", t0)
	c.Enabled = false
	if err := st.UpdateSource(t.Context(), c); err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	checkClaimed(t, "a claim before anything is due", claim(t, st, "w1", t0.Add(-time.Second), 10, never))
	checkClaimed(t, "a claim at t0", claim(t, st, "w1", t0, 10, never), a.ID)
	fetched(t, st, a.ID, "w1", t0, t0.Add(time.Hour), false)
	checkClaimed(t, "a claim at t0+1m", claim(t, st, "w2", t0.Add(time.Minute), 10, never), b.ID)
	fetched(t, st, b.ID, "w2", t0.Add(time.Minute), t0.Add(2*time.Hour), false)
	checkClaimed(t, "a claim at t0+59m", claim(t, st, "w3", t0.Add(59*time.Minute), 10, never))
	checkClaimed(t, "a claim at t0+1h", claim(t, st, "w3", t0.Add(time.Hour), 10, never), a.ID)
	// A's lease from t0+1h has expired; the disabled C is never due.
	checkClaimed(t, "a claim at t0+3h", claim(t, st, "w4", t0.Add(3*time.Hour), 10, never), a.ID, b.ID)
	checkClaimed(t, "a limit of 0", claim(t, st, "w5", t0.Add(9*time.Hour), 0, never))
}

func testClaimEverything(t *testing.T, st revue.Store) {
	a := mustAddSource(t, st, "A", t0)
	b := mustAddSource(t, st, "B", t0)
	backingOff := mustAddSource(t, st, "Backing off", t0)
	disabled := mustAddSource(t, st, "Disabled", t0)
	checkClaimed(t, "the first claim", claim(t, st, "w", t0, 10, never), a.ID, b.ID, backingOff.ID, disabled.ID)
	fetched(t, st, a.ID, "w", t0.Add(time.Minute), t0.Add(time.Hour), false)
	fetched(t, st, b.ID, "w", t0.Add(time.Minute), t0.Add(50*time.Minute), false)
	fetched(t, st, backingOff.ID, "w", t0.Add(time.Minute), t0.Add(time.Hour), true)
	fetched(t, st, disabled.ID, "w", t0.Add(time.Minute), t0.Add(time.Hour), false)
	disabledSrc, _ := st.GetSource(t.Context(), disabled.ID)
	disabledSrc.Enabled = false
	if err := st.UpdateSource(t.Context(), disabledSrc); err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}

	pass := t0.Add(30 * time.Minute)
	checkClaimed(t, "an ordinary claim at t0+30m", claim(t, st, "w", pass, 10, never))
	// B is due sooner (t0+50m), so it comes first.
	checkClaimed(t, "a crawl-everything claim", claim(t, st, "w", pass, 10, pass), b.ID, a.ID)
	fetched(t, st, a.ID, "w", pass.Add(time.Minute), t0.Add(time.Hour), false)
	fetched(t, st, b.ID, "w", pass.Add(time.Minute), t0.Add(50*time.Minute), false)
	checkClaimed(t, "the same pass again", claim(t, st, "w", pass.Add(2*time.Minute), 10, pass))
	late := mustAddSource(t, st, "Added during the pass", pass.Add(3*time.Minute))
	checkClaimed(t, "the pass after a source was added", claim(t, st, "w", pass.Add(3*time.Minute), 10, pass), late.ID)
	// Once its back-off delay has passed the failing source is due as usual;
	// the late source's lease has expired and it was never fetched.
	checkClaimed(t, "an ordinary claim at t0+1h", claim(t, st, "w", t0.Add(time.Hour), 10, never), late.ID, b.ID, a.ID, backingOff.ID)
}

func testClaimLimitOrder(t *testing.T, st revue.Store) {
	var sources []revue.Source
	for i := range 6 {
		sources = append(sources, mustAddSource(t, st, fmt.Sprintf("S%d", i), t0))
	}
	checkClaimed(t, "the first claim", claim(t, st, "setup", t0, 10, never), sourceIDs(sources)...)
	// Due again in the order 3, 1, 4 (tied with 1 at t0+10m: ID breaks it), 0, 5, 2.
	next := []time.Duration{20, 10, 40, 5, 10, 30}
	for i, s := range sources {
		fetched(t, st, s.ID, "setup", t0, t0.Add(next[i]*time.Minute), false)
	}
	now := t0.Add(time.Hour)
	id := func(i int) int64 { return sources[i].ID }
	checkClaimed(t, "a claim of 2", claim(t, st, "w1", now, 2, never), id(3), id(1))
	checkClaimed(t, "a claim of 3", claim(t, st, "w2", now, 3, never), id(4), id(0), id(5))
	checkClaimed(t, "a claim of 10", claim(t, st, "w3", now, 10, never), id(2))
	checkClaimed(t, "a claim with everything leased", claim(t, st, "w4", now, 10, now))
}

func testClaimExclusive(t *testing.T, st revue.Store) {
	const n, workers = 60, 8
	want := map[int64]bool{}
	for i := range n {
		want[mustAddSource(t, st, fmt.Sprintf("S%d", i), t0).ID] = true
	}
	var mu sync.Mutex
	owner := map[int64]int{}
	runConcurrently(t, workers, func(w int) error {
		for {
			got, err := st.ClaimDueSources(t.Context(), revue.ClaimRequest{Worker: fmt.Sprintf("worker-%d", w), Now: t0, Lease: lease, Limit: 3, EveryFetchedBefore: t0})
			if err != nil {
				return err
			}
			if len(got) == 0 {
				return nil
			}
			mu.Lock()
			for _, s := range got {
				if prev, taken := owner[s.ID]; taken {
					mu.Unlock()
					return fmt.Errorf("source %d leased to worker %d and worker %d", s.ID, prev, w)
				}
				owner[s.ID] = w
			}
			mu.Unlock()
		}
	})
	if len(owner) != n {
		t.Errorf("%d of %d sources were claimed", len(owner), n)
	}
	for id := range want {
		if _, ok := owner[id]; !ok {
			t.Errorf("source %d was never claimed", id)
		}
	}
}

func testClaimLeaseExpiry(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "A", t0)
	checkClaimed(t, "worker A at t", claim(t, st, "A", t0, 10, never), src.ID)
	checkClaimed(t, "worker B during the lease", claim(t, st, "B", t0.Add(lease-time.Second), 10, never))
	checkClaimed(t, "worker B during the lease, crawling everything", claim(t, st, "B", t0.Add(time.Minute), 10, t0.Add(time.Minute)))
	checkClaimed(t, "worker B after the lease", claim(t, st, "B", t0.Add(lease+time.Second), 10, never), src.ID)
	checkClaimed(t, "worker C during B's lease", claim(t, st, "C", t0.Add(lease+2*time.Second), 10, never))
}

func testRecordReleasesLease(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "A", t0)
	checkClaimed(t, "worker A", claim(t, st, "A", t0, 10, never), src.ID)
	// A stranger's outcome (say a worker whose lease expired) keeps A's lease.
	fetched(t, st, src.ID, "stranger", t0.Add(time.Second), t0, false)
	checkClaimed(t, "worker B after a stranger's RecordFetch", claim(t, st, "B", t0.Add(2*time.Second), 10, never))
	fetched(t, st, src.ID, "A", t0.Add(3*time.Second), t0, false)
	checkClaimed(t, "worker B after A's RecordFetch", claim(t, st, "B", t0.Add(4*time.Second), 10, never), src.ID)
}

// Workers that claim, record the fetch at once and claim again, racing:
// a source whose fetch another worker recorded since a claim began (lease
// released, due tomorrow) is not due any more and must not be claimed.
func testClaimAfterRecordRace(t *testing.T, st revue.Store) {
	const n, workers = 80, 6
	for i := range n {
		mustAddSource(t, st, fmt.Sprintf("S%d", i), t0)
	}
	var mu sync.Mutex
	fetchedBy := map[int64]string{}
	runConcurrently(t, workers, func(w int) error {
		worker := fmt.Sprintf("worker-%d", w)
		for {
			got, err := st.ClaimDueSources(t.Context(), revue.ClaimRequest{Worker: worker, Now: t0, Lease: lease, Limit: 2, PerHost: 1})
			if err != nil {
				return err
			}
			if len(got) == 0 {
				return nil
			}
			for _, s := range got {
				mu.Lock()
				prev, twice := fetchedBy[s.ID]
				fetchedBy[s.ID] = worker
				mu.Unlock()
				if twice {
					return fmt.Errorf("source %d claimed by %s after %s had fetched it", s.ID, worker, prev)
				}
				if err := st.RecordFetch(t.Context(), revue.FetchOutcome{SourceID: s.ID, Worker: worker, At: t0, Status: 200,
					NextFetchAt: t0.Add(24 * time.Hour), Interval: 24 * time.Hour}); err != nil {
					return err
				}
			}
		}
	})
	if len(fetchedBy) != n {
		t.Errorf("%d of %d sources were fetched", len(fetchedBy), n)
	}
}
