package crawl

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"revue"
	"revue/internal/fetch"
)

// TestScheduleAfterErrors drives the scheduler with each kind of failure on
// sources whose learned interval is short, with a policy whose caps all
// differ, so that each branch gives a wait no other branch gives.
func TestScheduleAfterErrors(t *testing.T) {
	policy := Policy{
		MinInterval:          5 * time.Minute,
		MaxInterval:          24 * time.Hour,
		MaxBackoff:           6 * time.Hour,
		BotProtectionBackoff: 24 * time.Hour,
		Jitter:               0.1,
	}
	now := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	// A busy source: read before, about one item every ten minutes.
	known := revue.Source{ID: 1, FeedURL: "https://busy.example/rss", ItemsPerDay: 144, Interval: 10 * time.Minute,
		LastSuccessAt: now.Add(-10 * time.Minute)}
	// A source added today whose first fetch fails: no rate known yet.
	fresh := revue.Source{ID: 2, FeedURL: "https://new.example/rss"}
	statusErr := func(code int, retryAfter time.Duration, bot bool) error {
		return fmt.Errorf("fetching: %w", &fetch.StatusError{URL: "https://x.example/rss", Status: code, RetryAfter: retryAfter, BotProtection: bot})
	}
	withFailures := func(s revue.Source, n int) revue.Source {
		s.ConsecutiveFailures = n
		return s
	}
	cases := []struct {
		name        string
		src         revue.Source
		err         error
		wantWait    time.Duration
		wantDisable bool
	}{
		{"Retry-After of 2 h on a busy source: exactly 2 h", known, statusErr(429, 2*time.Hour, false), 2 * time.Hour, false},
		{"Retry-After under the minimum interval: the minimum", known, statusErr(503, 30*time.Second, false), 5 * time.Minute, false},
		{"Retry-After beyond the back-off cap is still honoured", known, statusErr(503, 9*time.Hour, false), 9 * time.Hour, false},
		{"bot protection: its own wait, not the capped back-off", known, statusErr(403, 0, true), 24 * time.Hour, false},
		{"bot protection wins over a Retry-After", known, statusErr(503, time.Hour, true), 24 * time.Hour, false},
		{"first failure of a busy source: twice its interval", known, errors.New("connection refused"), 20 * time.Minute, false},
		{"third failure: eight times", withFailures(known, 2), errors.New("connection refused"), 80 * time.Minute, false},
		{"many failures: the cap", withFailures(known, 12), statusErr(500, 0, false), 6 * time.Hour, false},
		{"a thousand failures: the cap, no overflow", withFailures(known, 1000), statusErr(500, 0, false), 6 * time.Hour, false},
		{"a new source failing once is retried within minutes", fresh, statusErr(500, 0, false), 10 * time.Minute, false},
		{"a new source failing twice: twenty minutes", withFailures(fresh, 1), statusErr(500, 0, false), 20 * time.Minute, false},
		{"gone: disabled", known, statusErr(http.StatusGone, 0, false), 20 * time.Minute, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			c := h.crawlerWith(t, "w", func(cfg *Config) {
				cfg.Policy = policy
				cfg.Now = func() time.Time { return now }
			})
			var out revue.FetchOutcome
			c.schedule(&out, tc.src, nil, nil, tc.err)
			if got := out.NextFetchAt.Sub(now); got != tc.wantWait {
				t.Errorf("next fetch in %v, want %v", got, tc.wantWait)
			}
			if out.Disable != tc.wantDisable || out.Err == "" {
				t.Errorf("disable %v, error %q; want disable %v and the error in words", out.Disable, out.Err, tc.wantDisable)
			}
		})
	}
}

// TestJitterSpreadsFetches: jittered intervals stay within ±10 % and really
// vary; a schedule without jitter (every wait the same) fails.
func TestJitterSpreadsFetches(t *testing.T) {
	h := newHarness(t)
	c := h.crawler(t, "w")
	const n = 2000
	var sum, sumSq float64
	low, high := 0, 0
	for range n {
		d := c.jitter(time.Hour)
		if d < 54*time.Minute || d > 66*time.Minute {
			t.Fatalf("jittered hour = %v, outside ±10%%", d)
		}
		m := d.Minutes()
		sum += m
		sumSq += m * m
		switch {
		case d < 57*time.Minute:
			low++
		case d > 63*time.Minute:
			high++
		}
	}
	mean := sum / n
	sd := math.Sqrt(sumSq/n - mean*mean)
	// Uniform over ±6 min: mean 60, standard deviation 6/√3 ≈ 3.46, a
	// quarter of the draws in each outer band.
	if math.Abs(mean-60) > 0.5 || sd < 3 || sd > 4 {
		t.Errorf("jitter mean %.2f min, standard deviation %.2f; want about 60 and 3.5 (uniform ±10 %%)", mean, sd)
	}
	if low < n/5 || high < n/5 {
		t.Errorf("%d draws under 57 min and %d over 63 min out of %d; want about a quarter each", low, high, n)
	}
}

// TestSuccessesAreJittered: after a success the next fetch is the learned
// interval with jitter, not the bare interval, so sources added together
// drift apart.
func TestSuccessesAreJittered(t *testing.T) {
	now := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	h := newHarness(t)
	c := h.crawlerWith(t, "w", func(cfg *Config) { cfg.Now = func() time.Time { return now } })
	src := revue.Source{ID: 1, ItemsPerDay: 24, LastSuccessAt: now.Add(-time.Hour)}
	waits := map[time.Duration]bool{}
	for range 50 {
		var out revue.FetchOutcome
		c.schedule(&out, src, nil, nil, nil)
		wait := out.NextFetchAt.Sub(now)
		if wait < 54*time.Minute || wait > 66*time.Minute || out.Interval != time.Hour {
			t.Fatalf("next fetch in %v (interval %v), want an hour ±10 %%", wait, out.Interval)
		}
		waits[wait] = true
	}
	if len(waits) < 40 {
		t.Errorf("50 successes gave %d distinct waits: the schedule is not jittered", len(waits))
	}
}
