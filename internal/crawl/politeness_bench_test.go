package crawl

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"revue"
	"revue/internal/fetch"
)

// BenchmarkPolitePasses measures how close crawl passes come to the
// politeness floor: with H hosts each serving N/H feeds, at most
// --host-concurrency requests at once and --host-delay between request
// starts to one host, no pass can take less than (N/H - 1) × delay. The
// first pass finds every source due at once; later passes find them due in
// the jittered order of their schedules, the case where workers used to sit
// behind one host's delay while other hosts idled.
//
// Defaults follow the scenario and production politeness: 1,000
// feeds over 40 hosts, 2 requests at once and 1 s apart per host, 16 workers
// (REVUE_BENCH_FEEDS, REVUE_BENCH_HOSTS, REVUE_BENCH_HOST_DELAY to change).
// Run it once: go test -run '^$' -bench PolitePasses -benchtime 1x ./internal/crawl/
//
// Metrics: s/first and s/later are the wall-clock seconds of the first pass
// and the slowest of two later passes; floor_s is the politeness floor;
// later/floor is the slowest later pass over the floor (goal ≤ 1.10).
// "workers=2" runs two crawl processes' worth of crawlers on one database;
// each keeps its own per-host limits, so their floor is half as long.
func BenchmarkPolitePasses(b *testing.B) {
	feeds := envInt(b, "REVUE_BENCH_FEEDS", 1000)
	hosts := envInt(b, "REVUE_BENCH_HOSTS", 40)
	delay := time.Second
	if v := os.Getenv("REVUE_BENCH_HOST_DELAY"); v != "" {
		var err error
		if delay, err = time.ParseDuration(v); err != nil {
			b.Fatalf("REVUE_BENCH_HOST_DELAY: %v", err)
		}
	}
	for _, backend := range []struct {
		name      string
		open      func(b *testing.B) func(b *testing.B) revue.Store
		workers   []int
		hostBlind bool
	}{
		{"sqlite", sqliteDatabase, []int{1}, false},
		{"postgres", postgresDatabase, []int{1, 2}, false},
		// For comparison: claims in due order, blind to busy hosts, as
		// before host-aware claims (the fetcher's pacing is hidden).
		{"sqlite-host-blind", sqliteDatabase, []int{1}, true},
	} {
		for _, workers := range backend.workers {
			b.Run(fmt.Sprintf("%s/workers=%d", backend.name, workers), func(b *testing.B) {
				for b.Loop() {
					benchmarkPolitePasses(b, backend.open(b), workers, feeds, hosts, delay, backend.hostBlind)
				}
			})
		}
	}
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q is not a positive number", name, v)
	}
	return n
}

// hostBlind hides a fetcher's HostPacer, so the crawler claims host-blind.
type hostBlind struct{ f Fetcher }

func (h hostBlind) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	return h.f.Fetch(ctx, r)
}

func benchmarkPolitePasses(b *testing.B, openStore func(b *testing.B) revue.Store, workers, feeds, hosts int, delay time.Duration, blind bool) {
	ctx := context.Background()
	farm := newHostFarm(b, hosts)
	passClock := &clock{now: time.Date(2026, 3, 25, 8, 0, 0, 0, time.UTC)}
	stores := make([]revue.Store, workers)
	for i := range stores {
		stores[i] = openStore(b)
	}
	// Sources in a shuffled host order, as an imported OPML file gives them.
	rng := rand.New(rand.NewPCG(1, 2))
	perHost := make([]int, hosts)
	for f := range feeds {
		perHost[f%hosts]++
	}
	order := rng.Perm(feeds)
	for _, f := range order {
		h := f % hosts
		if _, err := stores[0].AddSource(ctx, revue.Source{Name: fmt.Sprint("Feed ", f),
			FeedURL: fmt.Sprintf("%s/feed-%d.xml", farm.servers[h].URL, f), Lang: "en", Enabled: true}, passClock.Now()); err != nil {
			b.Fatal(err)
		}
	}
	most := 0
	for _, n := range perHost {
		most = max(most, n)
	}
	floor := time.Duration((most+workers-1)/workers-1) * delay

	crawlers := make([]*Crawler, workers)
	for i := range crawlers {
		cfg := fetch.DefaultConfig("Revue/bench (+http://127.0.0.1)")
		cfg.AllowPrivateNetworks = true
		cfg.HostDelay = delay
		fc, err := fetch.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		var f Fetcher = fc
		if blind {
			f = hostBlind{fc}
		}
		crawlers[i], err = New(Config{Store: stores[i], Fetcher: f, Worker: fmt.Sprint("polite-", i),
			Concurrency: 16, Now: passClock.Now, Seed: uint64(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
	}
	pass := func() time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		sums := make([]Summary, workers)
		for i, c := range crawlers {
			wg.Go(func() {
				var err error
				if sums[i], err = c.Once(ctx, false); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		total := 0
		for _, s := range sums {
			total += s.Sources
			if s.Failed > 0 {
				b.Errorf("%d sources failed", s.Failed)
			}
		}
		if total != feeds {
			b.Errorf("a pass fetched %d sources, want %d", total, feeds)
		}
		return took
	}
	first := pass()
	var later time.Duration
	for range 2 {
		// Two days on, every source is due, in the jittered order of its
		// schedule.
		passClock.Advance(48 * time.Hour)
		later = max(later, pass())
	}
	b.ReportMetric(first.Seconds(), "s/first")
	b.ReportMetric(later.Seconds(), "s/later")
	b.ReportMetric(floor.Seconds(), "floor_s")
	b.ReportMetric(later.Seconds()/floor.Seconds(), "later/floor")
}
