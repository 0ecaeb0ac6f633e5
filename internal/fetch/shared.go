package fetch

import (
	"context"
	"sync"
	"time"
)

// sharedDelayTTL is how long a Crawl-delay read from the shared store is
// trusted before it is read again: other workers may have learned a new one.
const sharedDelayTTL = 5 * time.Minute

// sharedDelays mirrors the shared store's Crawl-delays into this process's
// host limiter. A store that cannot be read leaves the limiter as it is: the
// configured pause (and any Crawl-delay this process learned) still holds.
type sharedDelays struct {
	store CrawlDelays

	mu     sync.Mutex
	loaded map[string]time.Time // host → when its Crawl-delay was last read
}

func newSharedDelays(store CrawlDelays) *sharedDelays {
	if store == nil {
		return nil
	}
	return &sharedDelays{store: store, loaded: map[string]time.Time{}}
}

// refresh reads host's Crawl-delay from the store when this process has not
// read it lately, and applies it to limiter.
func (sd *sharedDelays) refresh(ctx context.Context, limiter *hostLimiter, host string) {
	if sd == nil {
		return
	}
	now := time.Now()
	sd.mu.Lock()
	if at, ok := sd.loaded[host]; ok && now.Sub(at) < sharedDelayTTL {
		sd.mu.Unlock()
		return
	}
	sd.loaded[host] = now
	for h, at := range sd.loaded {
		if now.Sub(at) > 2*sharedDelayTTL {
			delete(sd.loaded, h)
		}
	}
	sd.mu.Unlock()
	d, err := sd.store.HostCrawlDelay(ctx, host)
	if err != nil {
		sd.mu.Lock()
		delete(sd.loaded, host) // try again next time
		sd.mu.Unlock()
		return
	}
	limiter.setCrawlDelay(host, d)
}

// publish records a Crawl-delay just read from robots.txt, for this process
// and the others.
func (sd *sharedDelays) publish(ctx context.Context, limiter *hostLimiter, host string, d time.Duration) {
	limiter.setCrawlDelay(host, d)
	if sd == nil {
		return
	}
	d = min(max(d, 0), maxCrawlDelay)
	// A store that cannot be written only costs the other workers this
	// Crawl-delay until they read robots.txt themselves.
	_ = sd.store.SetHostCrawlDelay(context.WithoutCancel(ctx), host, d, time.Now())
	sd.mu.Lock()
	sd.loaded[host] = time.Now()
	sd.mu.Unlock()
}
