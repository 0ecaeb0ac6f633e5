package crawl

import (
	"testing"
	"time"
)

// Tests written to kill the mutants scripts/mutation found alive.

// TestNewDefaults: zero and negative settings take the defaults, positive
// ones are kept.
func TestNewDefaults(t *testing.T) {
	h := newHarness(t)
	type settings struct {
		concurrency, pageWorkers, shortText, pageRetries int
		lease, idle, stopGrace                           time.Duration
	}
	tests := []struct {
		name string
		set  settings
		want settings
	}{
		{"zero", settings{}, settings{16, defaultPageWorkers, defaultShortText, defaultPageRetries, 5 * time.Minute, 10 * time.Second, 10 * time.Second}},
		{"negative", settings{-1, -1, -1, -1, -1, -1, -1}, settings{16, defaultPageWorkers, defaultShortText, defaultPageRetries, 5 * time.Minute, 10 * time.Second, 10 * time.Second}},
		{"one", settings{1, 1, 1, 1, 1, 1, 1}, settings{1, 1, 1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		c, err := New(Config{Store: h.store, Fetcher: h.fetch, Worker: "w",
			Concurrency: tt.set.concurrency, PageWorkers: tt.set.pageWorkers, ShortText: tt.set.shortText, PageRetries: tt.set.pageRetries,
			Lease: tt.set.lease, Idle: tt.set.idle, StopGrace: tt.set.stopGrace})
		if err != nil {
			t.Fatal(err)
		}
		got := settings{c.cfg.Concurrency, c.cfg.PageWorkers, c.cfg.ShortText, c.cfg.PageRetries, c.cfg.Lease, c.cfg.Idle, c.cfg.StopGrace}
		if got != tt.want {
			t.Errorf("%s: settings %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// The idle wait is a tenth of the shortest interval, between 100 ms and 10 s.
func TestNewIdleFollowsThePolicy(t *testing.T) {
	h := newHarness(t)
	for minInterval, want := range map[time.Duration]time.Duration{
		5 * time.Minute:        10 * time.Second,
		20 * time.Second:       2 * time.Second,
		500 * time.Millisecond: 100 * time.Millisecond,
	} {
		policy := DefaultPolicy()
		policy.MinInterval = minInterval
		c, err := New(Config{Store: h.store, Fetcher: h.fetch, Worker: "w", Policy: policy})
		if err != nil {
			t.Fatal(err)
		}
		if c.cfg.Idle != want {
			t.Errorf("MinInterval %v: Idle = %v, want %v", minInterval, c.cfg.Idle, want)
		}
	}
}
