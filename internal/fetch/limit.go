package fetch

import (
	"context"
	"sync"
	"time"
)

// maxCrawlDelay caps a robots.txt Crawl-delay: a site asking for an hour
// between requests is honoured as one minute, which is already very polite.
const maxCrawlDelay = 60 * time.Second

// hostIdleExpiry is how long a host's limiter entry outlives its last request
// start; past it the entry is dropped so the map tracks only active hosts.
const hostIdleExpiry = 5 * time.Minute

// hostLimiter spaces and bounds the requests a Client makes to each host.
type hostLimiter struct {
	concurrency int
	delay       time.Duration

	mu        sync.Mutex
	hosts     map[string]*hostSlot
	lastSweep time.Time
}

type hostSlot struct {
	sem        chan struct{} // one token per request in flight
	refs       int           // holders and waiters; guarded by hostLimiter.mu
	nextStart  time.Time     // earliest start for the next request; guarded by hostLimiter.mu
	crawlDelay time.Duration // from robots.txt; guarded by hostLimiter.mu
}

func newHostLimiter(concurrency int, delay time.Duration) *hostLimiter {
	return &hostLimiter{concurrency: concurrency, delay: delay, hosts: map[string]*hostSlot{}}
}

func (l *hostLimiter) slot(host string, now time.Time) *hostSlot {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		l.lastSweep = now
		for h, s := range l.hosts {
			if s.refs == 0 && now.Sub(s.nextStart) > hostIdleExpiry {
				delete(l.hosts, h)
			}
		}
	}
	s := l.hosts[host]
	if s == nil {
		s = &hostSlot{sem: make(chan struct{}, l.concurrency)}
		l.hosts[host] = s
	}
	s.refs++
	return s
}

func (l *hostLimiter) unref(s *hostSlot) {
	l.mu.Lock()
	s.refs--
	l.mu.Unlock()
}

// setCrawlDelay raises host's spacing to a robots.txt Crawl-delay; it never
// lowers it below the configured HostDelay.
func (l *hostLimiter) setCrawlDelay(host string, d time.Duration) {
	s := l.slot(host, time.Now())
	l.mu.Lock()
	if d < 0 { // a huge Crawl-delay overflows time.Duration
		d = maxCrawlDelay
	}
	s.crawlDelay = min(d, maxCrawlDelay)
	l.mu.Unlock()
	l.unref(s)
}

// acquire waits for a free request slot on host and for the host's delay
// since the previous request start, then returns the release function.
func (l *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	s := l.slot(host, time.Now())
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		l.unref(s)
		return nil, ctx.Err()
	}
	release = func() {
		<-s.sem
		l.unref(s)
	}

	l.mu.Lock()
	now := time.Now()
	start := now
	if s.nextStart.After(now) {
		start = s.nextStart
	}
	s.nextStart = start.Add(max(l.delay, s.crawlDelay))
	l.mu.Unlock()

	if wait := start.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// busy lists the hosts at their limit at now, and the earliest time one of
// those pausing between requests may start again.
func (l *hostLimiter) busy(now time.Time) ([]string, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var hosts []string
	var next time.Time
	for h, s := range l.hosts {
		full := len(s.sem) >= l.concurrency
		pausing := s.nextStart.After(now)
		if !full && !pausing {
			continue
		}
		hosts = append(hosts, h)
		if pausing && !full && (next.IsZero() || s.nextStart.Before(next)) {
			next = s.nextStart
		}
	}
	return hosts, next
}

// size reports how many hosts are tracked (for tests of expiry).
func (l *hostLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hosts)
}
