//go:build unix

package multiprocess

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"syscall"
	"testing"
	"time"
)

// TestThreeWorkersOnePostgres runs three `revue crawl` workers and one
// `revue serve --no-crawl` on one PostgreSQL database, over 300 loopback
// feeds whose items change every round (one polling interval). It checks
// that each source is fetched once per round and none is starved, that a
// worker killed with SIGKILL mid-round loses nothing and its leased sources
// are fetched by the others once the lease expires, that every item is
// stored exactly once, and that the portal's ticker and live stream show
// what the workers stored.
func TestThreeWorkersOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real revue processes; skipped with -short")
	}
	const (
		feeds    = 300
		perGen   = 2
		round    = 3 * time.Second // polling interval and generation period
		leaseFor = 4 * time.Second
		// jitter is ±10 %: a source fetched at t is due again in 2.7–3.3 s.
		minRefetch = 2500 * time.Millisecond
		maxDelay   = 60 * time.Millisecond
		// After its lease ends a source must be fetched again within this.
		reclaimWithin = 4 * time.Second
	)
	// A source must be fetched at least this often after warm-up: the
	// longest jittered interval (3.3 s, counted from the end of the
	// previous fetch) plus the time to fetch and save a feed and to notice
	// that it is due, on a loaded 2-core machine, where the race detector
	// makes every revue process several times slower.
	maxGap := 6 * time.Second
	if raceEnabled {
		maxGap = 8 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dsn := freshPostgres(t, ctx)
	f := newFarm(t, farmConfig{feeds: feeds, perGen: perGen, minDelay: 20 * time.Millisecond, maxDelay: maxDelay})
	env := map[string]string{
		"REVUE_DATABASE":               dsn,
		"REVUE_ALLOW_PRIVATE_NETWORKS": "1",
		// Their items link to hosts that are not served here: no pages.
		"REVUE_SHORT_TEXT":       "0",
		"REVUE_HOST_DELAY":       "0s",
		"REVUE_HOST_CONCURRENCY": "64",
		"REVUE_WORKERS":          "8",
		"REVUE_LEASE_DURATION":   leaseFor.String(),
		"REVUE_LOG_LEVEL":        "warn",
		// The portal on PostgreSQL would keep its image cache in the
		// user's cache folder.
		"REVUE_IMAGE_CACHE": t.TempDir(),
	}
	mustRunRevue(t, ctx, time.Minute, env, "sources", "import", f.writeOPML(t))
	in := openInspector(t, dsn)

	addr := freeAddress(t)
	base := "http://" + addr
	serve := startRevue(t, ctx, "revue serve", env, "serve", "--no-crawl", "--listen", addr)
	waitHealthy(t, ctx, base, serve)
	stream := openTickerStream(t, ctx, base+"/events/ticker")
	streamFrom, err := in.maxID(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var workers []*child
	for w := range 3 {
		workers = append(workers, startRevue(t, ctx, fmt.Sprintf("crawl worker %d", w), env,
			"crawl", "--min-interval", round.String(), "--max-interval", round.String()))
	}
	start := time.Now()
	rel := func(at time.Time) string { return fmt.Sprintf("+%.3fs", at.Sub(start).Seconds()) }

	bumpCtx, stopBumping := context.WithCancel(ctx)
	bumperDone := make(chan struct{})
	go func() {
		defer close(bumperDone)
		tick := time.NewTicker(round)
		defer tick.Stop()
		for {
			select {
			case <-bumpCtx.Done():
				return
			case <-tick.C:
				f.bump()
			}
		}
	}()
	defer stopBumping()

	// Warm-up: every source has been fetched once.
	if !eventually(ctx, 20*time.Second, 50*time.Millisecond, func() bool { return len(byFeed(f.requests())) == feeds }) {
		t.Fatalf("after 20 s only %d of %d feeds had been fetched by the three workers", len(byFeed(f.requests())), feeds)
	}
	warmedUp := time.Now()
	t.Logf("warm-up: every feed fetched once by %s", rel(warmedUp))

	// After three rounds, kill one worker while it holds leases. SIGSTOP
	// first, so that what it holds can be read before it dies.
	time.Sleep(time.Until(start.Add(3 * round)))
	victim := workers[1]
	var held []lease
	var killedAt time.Time
	for attempt := 0; attempt < 100 && killedAt.IsZero(); attempt++ {
		if err := syscall.Kill(victim.pid(), syscall.SIGSTOP); err != nil {
			t.Fatalf("stopping worker 1: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // let a commit already sent land
		now := time.Now()
		all, err := in.leases(ctx, ownerOf(victim.pid()))
		if err != nil {
			t.Fatal(err)
		}
		held = held[:0]
		for _, l := range all {
			if l.until.After(now) {
				held = append(held, l)
			}
		}
		if len(held) > 0 {
			if err := syscall.Kill(victim.pid(), syscall.SIGKILL); err != nil {
				t.Fatalf("killing worker 1: %v", err)
			}
			killedAt = time.Now()
			break
		}
		if err := syscall.Kill(victim.pid(), syscall.SIGCONT); err != nil {
			t.Fatalf("resuming worker 1: %v", err)
		}
		time.Sleep(time.Duration(20+attempt%5*10) * time.Millisecond)
	}
	if killedAt.IsZero() {
		t.Fatalf("worker 1 never held a lease in 100 looks at the database: it does not seem to crawl")
	}
	victim.wait(t, 10*time.Second)
	heldFeeds := map[string]lease{}
	for _, l := range held {
		heldFeeds[l.feedURL] = l
	}
	t.Logf("worker 1 (pid %d) killed at %s holding %d leases (until %s…)", victim.pid(), rel(killedAt), len(held), rel(held[0].until))

	// The portal shows what the workers store.
	checkTicker(t, ctx, base, in)

	// Two more rounds with the remaining workers, then no more changes.
	time.Sleep(time.Until(killedAt.Add(2 * round)))
	stopBumping()
	<-bumperDone
	finalGen := f.generation()
	frozenAt := time.Now()
	want := f.expected(finalGen)
	var stored int
	settled := eventually(ctx, 2*round+leaseFor, 100*time.Millisecond, func() bool {
		n, err := in.count(ctx)
		stored = n
		return err == nil && n >= len(want)
	})
	settledAt := time.Now()
	if !settled {
		t.Errorf("%s after the feeds stopped changing the database holds %d articles, want %d (generation %d)",
			settledAt.Sub(frozenAt).Round(time.Millisecond), stored, len(want), finalGen)
	} else {
		t.Logf("generation %d frozen at %s; all %d items stored by %s", finalGen, rel(frozenAt), len(want), rel(settledAt))
	}
	for _, w := range []*child{workers[0], workers[2]} {
		w.terminate(t, 15*time.Second)
	}
	stoppedAt := time.Now()

	// Every article stored after the stream opened reached it.
	var missed []int64
	delivered := eventually(ctx, 8*time.Second, 100*time.Millisecond, func() bool {
		all, err := in.articles(ctx)
		if err != nil {
			return false
		}
		got := stream.received()
		missed = missed[:0]
		for id := range all {
			if _, ok := got[id]; id > streamFrom && !ok {
				missed = append(missed, id)
			}
		}
		return len(missed) == 0
	})
	got := stream.received()
	if ended := stream.endedAt(); !ended.IsZero() {
		t.Errorf("revue serve closed /events/ticker at %s, while it was running, after %d headlines", rel(ended), len(got))
	}
	serve.terminate(t, 15*time.Second)
	if err := stream.failure(); err != nil {
		t.Errorf("/events/ticker: %v", err)
	}
	if len(got) == 0 {
		t.Errorf("/events/ticker sent no headline although the workers stored %d articles after it opened", stored)
	}
	if !delivered {
		slices.Sort(missed)
		var sample []string
		for _, id := range missed[:min(len(missed), 10)] {
			sample = append(sample, fmt.Sprint(id))
		}
		var highest int64
		for id := range got {
			highest = max(highest, id)
		}
		t.Errorf("/events/ticker sent %d headlines (highest ID %d) but never sent %d articles stored after it opened (IDs above %d), e.g. IDs %s",
			len(got), highest, len(missed), streamFrom, first(sample, 10))
	}
	all, err := in.articles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for id, h := range got {
		if a, ok := all[id]; !ok || a.title != h.Title {
			t.Errorf("/events/ticker sent headline %d %q, which the database does not hold with that title", id, h.Title)
			break
		}
	}

	// (c) nothing lost, nothing stored twice.
	checkStored(t, all, want)

	// (a) once per round, (b) nobody starved, (c) leases expire and are taken up.
	hits := f.requests()
	perFeed := byFeed(hits)
	var doubles, starved, leaseBroken, notReclaimed []string
	var gaps []time.Duration // between fetches of one feed after warm-up
	statuses := map[int]int{}
	for _, h := range hits {
		statuses[h.status]++
	}
	for i := range feeds {
		url := f.feedURL(i)
		list := perFeed[i]
		sort.Slice(list, func(a, b int) bool { return list[a].at.Before(list[b].at) })
		for k := 1; k < len(list); k++ {
			if gap := list[k].at.Sub(list[k-1].at); gap < minRefetch {
				doubles = append(doubles, fmt.Sprintf("feed %d at %s and %s (%.2f s apart)", i, rel(list[k-1].at), rel(list[k].at), gap.Seconds()))
			}
		}
		l, wasHeld := heldFeeds[url]
		if wasHeld {
			var after []time.Time
			for _, h := range list {
				if h.at.After(killedAt) {
					after = append(after, h.at)
				}
			}
			switch {
			case len(after) == 0:
				notReclaimed = append(notReclaimed, fmt.Sprintf("feed %d (lease until %s) never fetched again", i, rel(l.until)))
			case after[0].Before(l.until.Add(-10 * time.Millisecond)):
				leaseBroken = append(leaseBroken, fmt.Sprintf("feed %d fetched at %s while the dead worker's lease ran until %s", i, rel(after[0]), rel(l.until)))
			case after[0].After(l.until.Add(reclaimWithin)):
				notReclaimed = append(notReclaimed, fmt.Sprintf("feed %d fetched again only at %s, lease ended %s", i, rel(after[0]), rel(l.until)))
			}
		}
		// Gaps after warm-up, until the workers were stopped.
		marks := []time.Time{warmedUp}
		for _, h := range list {
			if h.at.After(warmedUp) && h.at.Before(stoppedAt) {
				marks = append(marks, h.at)
			}
		}
		marks = append(marks, stoppedAt)
		for k := 1; k < len(marks); k++ {
			if wasHeld && !marks[k-1].After(killedAt) && marks[k].After(killedAt) {
				continue // judged by the lease rule above
			}
			gap := marks[k].Sub(marks[k-1])
			if k < len(marks)-1 && k > 1 {
				gaps = append(gaps, gap)
			}
			if gap > maxGap {
				starved = append(starved, fmt.Sprintf("feed %d not fetched from %s to %s (%.2f s)", i, rel(marks[k-1]), rel(marks[k]), gap.Seconds()))
			}
		}
	}
	slices.Sort(gaps)
	quantile := func(q float64) string {
		if len(gaps) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fs", gaps[int(q*float64(len(gaps)-1))].Seconds())
	}
	t.Logf("%d feed requests in %s (status: count %v); %d articles stored; %d headlines streamed; "+
		"time between two fetches of a feed after warm-up: min %s, median %s, p99 %s, max %s",
		len(hits), stoppedAt.Sub(start).Round(time.Millisecond), statuses, len(all), len(got),
		quantile(0), quantile(0.5), quantile(0.99), quantile(1))
	if len(doubles) > 0 {
		t.Errorf("%d times a source was fetched twice within %s (each source should be fetched once per %s round): %s",
			len(doubles), minRefetch, round, first(doubles, 8))
	}
	if len(starved) > 0 {
		t.Errorf("%d times a source went more than %s without a fetch after warm-up (polling interval %s): %s",
			len(starved), maxGap, round, first(starved, 8))
	}
	if len(leaseBroken) > 0 {
		t.Errorf("%d sources leased by the killed worker were fetched before the lease expired: %s", len(leaseBroken), first(leaseBroken, 8))
	}
	if len(notReclaimed) > 0 {
		t.Errorf("%d of the %d sources leased by the killed worker were not fetched within %s after the lease expired: %s",
			len(notReclaimed), len(held), reclaimWithin, first(notReclaimed, 8))
	}
	if code := victim.cmd.ProcessState.ExitCode(); code != -1 {
		t.Errorf("the killed worker exited with code %d; it should have died of SIGKILL", code)
	}
}
