package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsFailureTTL bounds how long an unreachable robots.txt keeps a host's
// pages off limits: long enough not to hammer a failing server, short enough
// that one bad minute does not cost an hour of articles.
const robotsFailureTTL = time.Minute

// robotsCache holds one robots.txt verdict per scheme+host. Concurrent
// lookups of the same host share a single fetch.
type robotsCache struct {
	ttl time.Duration

	mu        sync.Mutex
	entries   map[string]*robotsEntry
	lastSweep time.Time
}

type robotsEntry struct {
	ready   chan struct{} // closed once data/err are set
	data    *robotstxt.RobotsData
	err     error // why robots.txt could not be read: every path is refused
	expires time.Time
}

func newRobotsCache(ttl time.Duration) *robotsCache {
	return &robotsCache{ttl: ttl, entries: map[string]*robotsEntry{}}
}

// get returns the cached entry for key, calling load when it is missing or
// stale. Only the first caller loads; the others wait for it.
func (rc *robotsCache) get(ctx context.Context, key string, load func(context.Context) (*robotstxt.RobotsData, error)) (*robotsEntry, error) {
	for {
		now := time.Now()
		rc.mu.Lock()
		if now.Sub(rc.lastSweep) > time.Minute {
			rc.lastSweep = now
			for k, e := range rc.entries {
				if isClosed(e.ready) && now.After(e.expires) {
					delete(rc.entries, k)
				}
			}
		}
		e := rc.entries[key]
		if e != nil && isClosed(e.ready) && now.After(e.expires) {
			e = nil
		}
		if e == nil {
			e = &robotsEntry{ready: make(chan struct{})}
			rc.entries[key] = e
			rc.mu.Unlock()

			e.data, e.err = load(ctx)
			ttl := rc.ttl
			if e.err != nil {
				ttl = min(ttl, robotsFailureTTL)
			}
			e.expires = time.Now().Add(ttl)
			if ctx.Err() != nil {
				// Our caller gave up; do not cache that as the host's answer.
				rc.mu.Lock()
				delete(rc.entries, key)
				rc.mu.Unlock()
				close(e.ready)
				return nil, ctx.Err()
			}
			close(e.ready)
			return e, nil
		}
		rc.mu.Unlock()

		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// The loader's caller gave up; try again with ours.
		if errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded) {
			continue
		}
		return e, nil
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// checkRobots returns nil when u may be fetched, ErrRobotsDisallowed (with
// the reason) when not, and raises the host's spacing to its Crawl-delay.
func (c *Client) checkRobots(ctx context.Context, u *url.URL) error {
	robotsURL := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	e, err := c.robots.get(ctx, robotsURL.Scheme+"://"+hostKey(u), func(ctx context.Context) (*robotstxt.RobotsData, error) {
		data, err := c.loadRobots(ctx, robotsURL)
		if err == nil {
			// Fresh rules: tell the other workers, also that a Crawl-delay
			// is gone.
			c.shared.publish(ctx, c.hosts, hostKey(u), data.FindGroup(robotsAgent).CrawlDelay)
		}
		return data, err
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", robotsURL, err)
	}
	if e.err != nil {
		var pe *privateAddressError
		if errors.As(e.err, &pe) {
			return pe // the page is refused for the same reason
		}
		return fmt.Errorf("%w: %s could not be read, so nothing on %s is fetched for now: %w", ErrRobotsDisallowed, robotsURL, u.Host, e.err)
	}
	if d := e.data.FindGroup(robotsAgent).CrawlDelay; d != 0 {
		c.hosts.setCrawlDelay(hostKey(u), d)
	}
	if !e.data.TestAgent(u.RequestURI(), robotsAgent) {
		return fmt.Errorf("%w: %s disallows %s for %s", ErrRobotsDisallowed, robotsURL, u.RequestURI(), robotsAgent)
	}
	return nil
}

// loadRobots fetches robots.txt and applies RFC 9309: a 4xx means there are
// no rules; a 5xx, a 429 (the server is overloaded, not absent) or no answer
// at all means the site cannot be asked, so it is treated as disallowing.
func (c *Client) loadRobots(ctx context.Context, robotsURL *url.URL) (*robotstxt.RobotsData, error) {
	resp, err := c.fetch(ctx, Request{URL: robotsURL.String(), Kind: kindRobots}, maxRobotsBytes)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Status >= 400 && se.Status < 500 && se.Status != http.StatusTooManyRequests {
			return robotstxt.FromStatusAndBytes(se.Status, nil)
		}
		return nil, err
	}
	return parseRobots(resp.Status, resp.Body), nil
}

// parseRobots is lenient where the library is strict: it rejects a whole
// file for one bad line, which would turn a typo into "no rules". RFC 9309
// §2.2 says to ignore such lines instead, so they are dropped and the rest
// parsed; a file that still fails counts as absent.
func parseRobots(status int, body []byte) *robotstxt.RobotsData {
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err == nil {
		return data
	}
	if data, err := robotstxt.FromStatusAndBytes(status, dropBadRobotsLines(body)); err == nil {
		return data
	}
	data, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	return data
}

// dropBadRobotsLines removes the lines the library refuses: rules before any
// User-agent line and Crawl-delay values that are not non-negative numbers.
func dropBadRobotsLines(body []byte) []byte {
	var out bytes.Buffer
	seenAgent := false
	for line := range bytes.Lines(body) {
		content, _, _ := bytes.Cut(line, []byte("#"))
		key, value, found := bytes.Cut(content, []byte(":"))
		if !found {
			out.Write(line)
			continue
		}
		switch strings.ToLower(string(bytes.TrimSpace(key))) {
		case "user-agent", "useragent":
			seenAgent = true
		case "allow", "disallow":
			if !seenAgent {
				continue
			}
		case "crawl-delay", "crawldelay":
			d, err := strconv.ParseFloat(string(bytes.TrimSpace(value)), 64)
			if !seenAgent || err != nil || d < 0 || math.IsInf(d, 0) || math.IsNaN(d) {
				continue
			}
		}
		out.Write(line)
	}
	return out.Bytes()
}
