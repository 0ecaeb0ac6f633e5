package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"revue"
)

// Kind says what is being fetched; it picks the size limit, the Accept
// header and whether robots.txt is consulted.
type Kind int

const (
	KindFeed Kind = iota
	KindPage
	KindImage
	kindRobots // robots.txt, fetched internally
)

func (k Kind) String() string {
	switch k {
	case KindFeed:
		return "feed"
	case KindPage:
		return "page"
	case KindImage:
		return "image"
	case kindRobots:
		return "robots.txt"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// maxRobotsBytes follows RFC 9309 §2.5: crawlers must read at least 500 KiB.
const maxRobotsBytes = 500 << 10

// robotsAgent is the product token matched against robots.txt User-agent lines.
const robotsAgent = "Revue"

// Config sets the identity and limits of a Client. Zero fields take the
// values of DefaultConfig, except HostDelay, where 0 means no pause.
type Config struct {
	UserAgent            string        // required; e.g. "Revue/1.0 (+https://portal.example)"
	AllowPrivateNetworks bool          // REVUE_ALLOW_PRIVATE_NETWORKS; false keeps the SSRF guard on
	HostConcurrency      int           // requests at once to one host (2)
	HostDelay            time.Duration // pause between request starts to one host (1s in DefaultConfig; 0 = none)
	GlobalConcurrency    int           // requests at once in all (16)
	ConnectTimeout       time.Duration // DNS, TCP and TLS (10s)
	HeaderTimeout        time.Duration // from sending to response headers (20s)
	TotalTimeout         time.Duration // one request and its body, per redirect hop (60s)
	MinBytesPerSecond    int64         // averaged over MinRateWindow (1024); negative disables
	MinRateWindow        time.Duration // (10s)
	MaxFeedBytes         int64         // decompressed (16 MiB)
	MaxPageBytes         int64         // decompressed (8 MiB)
	MaxImageBytes        int64         // decompressed (10 MiB)
	MaxRedirects         int           // (5); negative follows none
	RobotsTTL            time.Duration // robots.txt cache per scheme+host (1h)

	// CrawlDelays, when set, keeps each host's robots.txt Crawl-delay where
	// every worker process sees it and restarts find it (the store): a
	// Crawl-delay learned by one worker spaces the requests of all.
	CrawlDelays CrawlDelays

	// Test seams (nil = real): the SSRF guard can be unit-tested with stubs
	// without sending any traffic.
	Resolver Resolver
	Dial     DialFunc
}

// DefaultConfig returns the production limits for userAgent.
func DefaultConfig(userAgent string) Config {
	return Config{
		UserAgent:         userAgent,
		HostConcurrency:   2,
		HostDelay:         time.Second,
		GlobalConcurrency: 16,
		ConnectTimeout:    10 * time.Second,
		HeaderTimeout:     20 * time.Second,
		TotalTimeout:      60 * time.Second,
		MinBytesPerSecond: 1024,
		MinRateWindow:     10 * time.Second,
		MaxFeedBytes:      16 << 20,
		MaxPageBytes:      8 << 20,
		MaxImageBytes:     10 << 20,
		MaxRedirects:      5,
		RobotsTTL:         time.Hour,
	}
}

func (cfg Config) withDefaults() Config {
	d := DefaultConfig(cfg.UserAgent)
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	set64 := func(v *int64, def int64) {
		if *v == 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&cfg.HostConcurrency, d.HostConcurrency)
	set(&cfg.GlobalConcurrency, d.GlobalConcurrency)
	set(&cfg.MaxRedirects, d.MaxRedirects)
	setDur(&cfg.ConnectTimeout, d.ConnectTimeout)
	setDur(&cfg.HeaderTimeout, d.HeaderTimeout)
	setDur(&cfg.TotalTimeout, d.TotalTimeout)
	setDur(&cfg.MinRateWindow, d.MinRateWindow)
	setDur(&cfg.RobotsTTL, d.RobotsTTL)
	set64(&cfg.MinBytesPerSecond, d.MinBytesPerSecond)
	set64(&cfg.MaxFeedBytes, d.MaxFeedBytes)
	set64(&cfg.MaxPageBytes, d.MaxPageBytes)
	set64(&cfg.MaxImageBytes, d.MaxImageBytes)
	cfg.HostDelay = max(cfg.HostDelay, 0)
	cfg.MaxRedirects = max(cfg.MaxRedirects, 0)
	return cfg
}

// CrawlDelays keeps robots.txt Crawl-delays per host (revue.HostOf form);
// revue.Store implements it.
type CrawlDelays interface {
	HostCrawlDelay(ctx context.Context, host string) (time.Duration, error)
	SetHostCrawlDelay(ctx context.Context, host string, delay time.Duration, now time.Time) error
}

// Client is safe for concurrent use; share one per process so that the
// per-host limits hold across all callers.
type Client struct {
	cfg    Config
	http   *http.Client
	hosts  *hostLimiter
	global chan struct{}
	robots *robotsCache
	shared *sharedDelays // nil without Config.CrawlDelays
}

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.UserAgent) == "" {
		return nil, errors.New("fetch: Config.UserAgent is required: Revue always says who it is")
	}
	if cfg.HostConcurrency < 0 || cfg.GlobalConcurrency < 0 {
		return nil, fmt.Errorf("fetch: concurrency must be positive (host %d, global %d)", cfg.HostConcurrency, cfg.GlobalConcurrency)
	}
	cfg = cfg.withDefaults()

	dialer := &guardedDialer{resolver: cfg.Resolver, dial: cfg.Dial}
	if dialer.resolver == nil {
		dialer.resolver = net.DefaultResolver
	}
	if !cfg.AllowPrivateNetworks {
		dialer.guard = newGuardian()
	}
	if dialer.dial == nil {
		nd := &net.Dialer{}
		if dialer.guard != nil {
			// Belt and braces: the socket-level check sees the address
			// actually connected to, whatever happened above it.
			nd.Control = dialer.guard.Safe
		}
		dialer.dial = nd.DialContext
	}
	connectTimeout := cfg.ConnectTimeout
	dialer.connectLimit = func(ctx context.Context) (context.Context, context.CancelFunc) {
		return context.WithTimeoutCause(ctx, connectTimeout,
			fmt.Errorf("%w: could not connect within %s", ErrTimeout, connectTimeout))
	}

	transport := &http.Transport{
		Proxy:                  nil, // a proxy would dial on our behalf, past the guard
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    cfg.ConnectTimeout,
		DisableCompression:     true, // decompressed here, under a size cap
		MaxIdleConns:           cfg.GlobalConcurrency * 2,
		MaxIdleConnsPerHost:    cfg.HostConcurrency,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	return &Client{
		cfg: cfg,
		http: &http.Client{
			Transport: transport,
			// Redirects are followed by Fetch, hop by hop, so that each
			// hop passes the limiter and robots.txt and is counted.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		hosts:  newHostLimiter(cfg.HostConcurrency, cfg.HostDelay),
		global: make(chan struct{}, cfg.GlobalConcurrency),
		robots: newRobotsCache(cfg.RobotsTTL),
		shared: newSharedDelays(cfg.CrawlDelays),
	}, nil
}

// BusyHosts lists the hosts (revue.HostOf form) a request would wait for
// now: as many requests in flight as allowed, or their pause since the
// last request not over. next is the earliest time one of the pausing hosts
// is free again (zero when none is pausing). A crawler asks this before
// claiming work, so that no worker sits behind one host's pause while other
// hosts are free.
func (c *Client) BusyHosts() (busy []string, next time.Time) {
	return c.hosts.busy(time.Now())
}

// HostBurst is how many requests may start at once on a free host: one when
// requests to a host are spaced (HostDelay), else HostConcurrency.
func (c *Client) HostBurst() int {
	if c.cfg.HostDelay > 0 {
		return 1
	}
	return c.cfg.HostConcurrency
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Request is one fetch. ETag and LastModified come from the previous
// response for the same URL and make the request conditional.
type Request struct {
	URL                string
	Kind               Kind
	ETag, LastModified string
}

// Response is a successful (2xx) or not-modified (304) answer.
type Response struct {
	URL          string // final URL after redirects
	Status       int
	Header       http.Header
	ContentType  string
	Body         []byte // decompressed, not charset-decoded
	NotModified  bool   // 304
	ETag         string
	LastModified string
	// PermanentURL is set when every redirect from Request.URL was permanent
	// (301/308): the URL to store instead of Request.URL.
	PermanentURL string
	// CacheFor is the freshness lifetime from Cache-Control max-age or Expires.
	CacheFor time.Duration
}

func (c *Client) maxBytes(k Kind) (int64, error) {
	switch k {
	case KindFeed:
		return c.cfg.MaxFeedBytes, nil
	case KindPage:
		return c.cfg.MaxPageBytes, nil
	case KindImage:
		return c.cfg.MaxImageBytes, nil
	case kindRobots:
		return maxRobotsBytes, nil
	}
	return 0, fmt.Errorf("fetch: unknown kind %d", int(k))
}

// Fetch GETs r.URL politely and within limits; see the package doc.
func (c *Client) Fetch(ctx context.Context, r Request) (*Response, error) {
	limit, err := c.maxBytes(r.Kind)
	if err != nil {
		return nil, err
	}
	if r.Kind == kindRobots {
		return nil, errors.New("fetch: robots.txt is fetched internally")
	}
	return c.fetch(ctx, r, limit)
}

func (c *Client) fetch(ctx context.Context, r Request, limit int64) (*Response, error) {
	u, err := url.Parse(strings.TrimSpace(r.URL))
	if err != nil {
		return nil, fmt.Errorf("fetching %q: %w: %w", r.URL, ErrBadURL, err)
	}
	if err := checkURL(u); err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u.Redacted(), err)
	}
	allPermanent := true
	for redirects := 0; ; redirects++ {
		if r.Kind == KindPage || r.Kind == KindImage {
			if err := c.checkRobots(ctx, u); err != nil {
				return nil, fmt.Errorf("fetching %s: %w", u.Redacted(), err)
			}
		}
		resp, next, err := c.hop(ctx, u, r, limit)
		if err != nil {
			return nil, err
		}
		if next == nil {
			if redirects > 0 && allPermanent {
				resp.PermanentURL = resp.URL
			}
			return resp, nil
		}
		if redirects >= c.cfg.MaxRedirects {
			return nil, fmt.Errorf("fetching %s: %w: more than %d (the last one to %s)", r.URL, ErrTooManyRedirects, c.cfg.MaxRedirects, next.Redacted())
		}
		allPermanent = allPermanent && (resp.Status == http.StatusMovedPermanently || resp.Status == http.StatusPermanentRedirect)
		u = next
	}
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// hop sends one request. For a redirect it returns the status in resp and
// the validated target in next.
func (c *Client) hop(ctx context.Context, u *url.URL, r Request, limit int64) (resp *Response, next *url.URL, err error) {
	target := u.Redacted()
	c.shared.refresh(ctx, c.hosts, hostKey(u))
	release, err := c.hosts.acquire(ctx, hostKey(u))
	if err != nil {
		return nil, nil, fmt.Errorf("fetching %s: waiting for a turn at %s: %w", target, u.Host, err)
	}
	defer release()
	select {
	case c.global <- struct{}{}:
		defer func() { <-c.global }()
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("fetching %s: waiting for a free connection: %w", target, ctx.Err())
	}

	total := c.cfg.TotalTimeout
	hopCtx, cancelTotal := context.WithTimeoutCause(ctx, total, fmt.Errorf("%w: no complete response within %s", ErrTimeout, total))
	defer cancelTotal()
	hopCtx, cancel := context.WithCancelCause(hopCtx)
	defer cancel(nil)

	req, err := http.NewRequestWithContext(hopCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("fetching %s: %w: %w", target, ErrBadURL, err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", acceptFor(r.Kind))
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}

	headerTimeout := c.cfg.HeaderTimeout
	headerTimer := time.AfterFunc(headerTimeout, func() {
		cancel(fmt.Errorf("%w: no response headers within %s", ErrTimeout, headerTimeout))
	})
	hr, err := c.http.Do(req)
	headerTimer.Stop()
	if err != nil {
		return nil, nil, c.describe(ctx, hopCtx, target, err)
	}
	defer hr.Body.Close()

	now := time.Now()
	resp = &Response{
		URL:          u.String(),
		Status:       hr.StatusCode,
		Header:       hr.Header,
		ContentType:  hr.Header.Get("Content-Type"),
		ETag:         hr.Header.Get("ETag"),
		LastModified: hr.Header.Get("Last-Modified"),
		CacheFor:     cacheFor(hr.Header, now),
	}

	switch {
	case isRedirect(hr.StatusCode) && hr.Header.Get("Location") != "":
		next, err := u.Parse(hr.Header.Get("Location"))
		if err != nil {
			return nil, nil, fmt.Errorf("fetching %s: redirected to an unreadable Location %q: %w", target, hr.Header.Get("Location"), err)
		}
		if err := checkURL(next); err != nil {
			return nil, nil, fmt.Errorf("fetching %s: redirected to %s: %w", target, next.Redacted(), err)
		}
		// Draining a little lets the connection be reused for the next hop.
		_, _ = io.CopyN(io.Discard, hr.Body, 4<<10)
		return resp, next, nil

	case hr.StatusCode == http.StatusNotModified:
		resp.NotModified = true
		if resp.ETag == "" {
			resp.ETag = r.ETag
		}
		if resp.LastModified == "" {
			resp.LastModified = r.LastModified
		}
		return resp, nil, nil

	case hr.StatusCode >= 200 && hr.StatusCode < 300:
		body, err := c.readBody(ctx, hopCtx, cancel, hr, r.Kind, limit, target)
		if err != nil {
			return nil, nil, err
		}
		resp.Body = body
		return resp, nil, nil
	}

	se := &StatusError{URL: target, Status: hr.StatusCode}
	if hr.StatusCode == http.StatusTooManyRequests || hr.StatusCode == http.StatusServiceUnavailable {
		se.RetryAfter = parseRetryAfter(hr.Header.Get("Retry-After"), now)
	}
	if hr.StatusCode == http.StatusForbidden || hr.StatusCode == http.StatusTooManyRequests || hr.StatusCode == http.StatusServiceUnavailable {
		// The error page is only read to recognise bot protection; a failed
		// or short read just means fewer clues.
		sniff := c.sniffBody(hr, cancel)
		se.BotProtection = isBotProtection(hr.StatusCode, hr.Header, sniff)
	}
	return nil, nil, se
}

func (c *Client) readBody(parent, hopCtx context.Context, cancel context.CancelCauseFunc, hr *http.Response, kind Kind, limit int64, target string) ([]byte, error) {
	encoding := hr.Header.Get("Content-Encoding")
	tooLarge := fmt.Errorf("%w: more than %s, the limit for a %s", ErrTooLarge, byteSize(limit), kind)
	if hr.ContentLength > limit && (encoding == "" || strings.EqualFold(encoding, "identity")) {
		return nil, fmt.Errorf("fetching %s: %w (Content-Length %d)", target, tooLarge, hr.ContentLength)
	}
	counter := &countingReader{r: hr.Body}
	if c.cfg.MinBytesPerSecond > 0 {
		stop := watchRate(counter, c.cfg.MinBytesPerSecond, c.cfg.MinRateWindow, cancel)
		defer stop()
	}
	// Compressed data is never meaningfully larger than what it decodes to,
	// so the same cap plus framing slack bounds the bytes taken off the wire.
	compressedLimit := limit + limit/64 + 64<<10
	wire := &capReader{r: counter, left: compressedLimit, err: fmt.Errorf("%w: more than %d compressed bytes, the limit for a %s", ErrTooLarge, compressedLimit, kind)}
	decoded, err := decodedBody(wire, encoding)
	if err != nil {
		return nil, c.describe(parent, hopCtx, target, err)
	}
	body, err := readCapped(decoded, limit, hr.ContentLength, tooLarge)
	if err != nil {
		return nil, c.describe(parent, hopCtx, target, err)
	}
	return body, nil
}

// sniffBody returns the start of an error page, read only to recognise bot
// protection: a failed, slow or short read just means fewer clues.
func (c *Client) sniffBody(hr *http.Response, cancel context.CancelCauseFunc) []byte {
	giveUp := time.AfterFunc(c.cfg.MinRateWindow, func() { cancel(errors.New("gave up reading the error page")) })
	defer giveUp.Stop()
	decoded, err := decodedBody(io.LimitReader(hr.Body, botSniffBytes), hr.Header.Get("Content-Encoding"))
	if err != nil {
		return nil
	}
	sniff, _ := io.ReadAll(io.LimitReader(decoded, botSniffBytes))
	return sniff
}

// describe turns a transport error into one sentence about what went wrong,
// keeping the sentinel for errors.Is.
func (c *Client) describe(parent, hopCtx context.Context, target string, err error) error {
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("fetching %s: %w", target, err)
	}
	if parent.Err() != nil {
		return fmt.Errorf("fetching %s: %w", target, context.Cause(parent))
	}
	if cause := context.Cause(hopCtx); cause != nil && (errors.Is(cause, ErrTimeout) || errors.Is(cause, ErrTooSlow)) {
		return fmt.Errorf("fetching %s: %w", target, cause)
	}
	var pe *privateAddressError
	if errors.As(err, &pe) {
		return fmt.Errorf("fetching %s: %w", target, pe)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("fetching %s: %w (%w)", target, ErrConnectionReset, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("fetching %s: the server closed the connection before the response was complete: %w", target, err)
	case errors.Is(err, ErrTimeout):
		return fmt.Errorf("fetching %s: %w", target, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("fetching %s: %w (%w)", target, ErrTimeout, err)
	}
	return fmt.Errorf("fetching %s: %w", target, err)
}

func acceptFor(k Kind) string {
	switch k {
	case KindFeed:
		return "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
	case KindPage:
		return "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
	case KindImage:
		return "image/avif, image/webp, image/png, image/jpeg, image/gif, image/*;q=0.8, */*;q=0.5"
	}
	return "text/plain, */*;q=0.5"
}

// hostKey names a host for the politeness limits: lower-case, explicit port,
// so example.com and example.com:443 share one limiter.
func hostKey(u *url.URL) string { return revue.HostKey(u) }

// byteSize writes a limit the way a person reads it: 16 MiB, 500 KiB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
