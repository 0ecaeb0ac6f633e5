package fetch

import (
	"fmt"
	"testing"
	"time"
)

func TestHostLimiterExpiresIdleHosts(t *testing.T) {
	l := newHostLimiter(2, 0)
	now := time.Now()
	for i := range 100 {
		release, err := l.acquire(t.Context(), fmt.Sprintf("host%d.example:443", i))
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	busy := l.slot("busy.example:443", now) // still referenced: must survive
	if n := l.size(); n != 101 {
		t.Fatalf("%d hosts tracked, want 101", n)
	}
	l.unref(l.slot("probe.example:443", now.Add(hostIdleExpiry+2*time.Minute)))
	if n := l.size(); n != 2 {
		t.Errorf("%d hosts tracked after expiry, want 2 (the busy one and the probe)", n)
	}
	l.unref(busy)
}

func TestCrawlDelayCapped(t *testing.T) {
	tests := []struct {
		crawlDelay time.Duration
		want       time.Duration
	}{
		{0, time.Second},                      // HostDelay stays
		{500 * time.Millisecond, time.Second}, // never lowers HostDelay
		{5 * time.Second, 5 * time.Second},
		{time.Hour, maxCrawlDelay},
		{-1, maxCrawlDelay}, // an overflowed huge value
	}
	for _, tt := range tests {
		l := newHostLimiter(1, time.Second)
		l.setCrawlDelay("h:80", tt.crawlDelay)
		release, err := l.acquire(t.Context(), "h:80")
		if err != nil {
			t.Fatal(err)
		}
		release()
		s := l.slot("h:80", time.Now())
		got := time.Until(s.nextStart).Round(100 * time.Millisecond)
		l.unref(s)
		if got != tt.want {
			t.Errorf("Crawl-delay %s: next start in %s, want %s", tt.crawlDelay, got, tt.want)
		}
	}
}
