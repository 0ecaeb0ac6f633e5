package fetch

// Tests written for the mutants scripts/mutation left alive: each holds in
// place a comparison or a constant that no other test noticed changing.

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/temoto/robotstxt"
)

func TestDefaultConfigIsTheDocumentedOne(t *testing.T) {
	want := Config{
		UserAgent:         testUA,
		HostConcurrency:   2,
		HostDelay:         time.Second,
		GlobalConcurrency: 16,
		ConnectTimeout:    10 * time.Second,
		HeaderTimeout:     20 * time.Second,
		TotalTimeout:      time.Minute,
		MinBytesPerSecond: 1024,
		MinRateWindow:     10 * time.Second,
		MaxFeedBytes:      16 << 20,
		MaxPageBytes:      8 << 20,
		MaxImageBytes:     10 << 20,
		MaxRedirects:      5,
		RobotsTTL:         time.Hour,
	}
	if got := DefaultConfig(testUA); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultConfig =\n%+v\nwant the values Config's comments promise:\n%+v", got, want)
	}
}

func TestZeroAndNegativeSettingsTakeTheDefaults(t *testing.T) {
	want := DefaultConfig(testUA)
	want.HostDelay = 0 // the one field where 0 means "none"
	tests := []struct {
		name string
		cfg  Config
	}{
		{"zero", Config{UserAgent: testUA}},
		{"negative durations", Config{
			UserAgent: testUA, HostDelay: -time.Second,
			ConnectTimeout: -1, HeaderTimeout: -1, TotalTimeout: -1, MinRateWindow: -1, RobotsTTL: -1,
		}},
	}
	for _, tt := range tests {
		if got := tt.cfg.withDefaults(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: withDefaults =\n%+v\nwant\n%+v", tt.name, got, want)
		}
	}
}

// Every request in flight can leave its connection idle for the next one,
// and idle connections are closed eventually.
func TestTransportKeepsEnoughIdleConnections(t *testing.T) {
	c := newTestClient(t, func(cfg *Config) { cfg.GlobalConcurrency = 16; cfg.HostConcurrency = 3 })
	tr := c.http.Transport.(*http.Transport)
	if tr.MaxIdleConns < 16 || tr.MaxIdleConnsPerHost < 3 {
		t.Errorf("MaxIdleConns %d, MaxIdleConnsPerHost %d: fewer idle connections than requests in flight (16, 3)", tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}
	if tr.IdleConnTimeout <= 0 {
		t.Errorf("IdleConnTimeout %s: idle connections would never be closed", tr.IdleConnTimeout)
	}
}

func TestStatusErrorWithoutRetryAfter(t *testing.T) {
	err := &StatusError{URL: "https://example.com/feed", Status: 503}
	if want := "https://example.com/feed: server answered 503 Service Unavailable"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestNoRedirectNoPermanentURL(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "feed") })
	resp, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: srv.URL + "/feed", Kind: KindFeed})
	if err != nil {
		t.Fatal(err)
	}
	if resp.PermanentURL != "" {
		t.Errorf("PermanentURL = %q after no redirect, want empty (nothing to replace)", resp.PermanentURL)
	}
}

// A 429 is read for the marks of bot protection as a 403 and a 503 are.
func TestBotProtection429ByItsPage(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, "<!DOCTYPE html><html><head><title>Just a moment...</title>")
	})
	_, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed})
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 429 || !se.BotProtection {
		t.Errorf("err = %v (%+v), want a 429 recognised as bot protection", err, se)
	}
}

// The size limit is on the decoded body: a declared Content-Length refuses
// early only when no Content-Encoding can make the body smaller or larger.
func TestContentLengthAgainstTheLimit(t *testing.T) {
	const limit = 1000
	noise := make([]byte, limit)
	rand.NewChaCha8([32]byte{}).Read(noise) // incompressible: gzip makes it longer
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(noise)
	zw.Close()
	if gz.Len() <= limit {
		t.Fatalf("gzip of %d random bytes is %d bytes; the case needs it above the limit", limit, gz.Len())
	}
	tests := []struct {
		name, encoding string
		wire           []byte
		wantErr        string // "" = accepted
	}{
		{"plain, exactly the limit", "", bytes.Repeat([]byte("x"), limit), ""},
		{"plain, one byte over", "", bytes.Repeat([]byte("x"), limit+1), "(Content-Length 1001)"},
		{"gzip longer than the limit, decoding to it", "gzip", gz.Bytes(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(tt.wire)))
				if tt.encoding != "" {
					w.Header().Set("Content-Encoding", tt.encoding)
				}
				w.Write(tt.wire)
			})
			c := newTestClient(t, func(cfg *Config) { cfg.MaxImageBytes = limit })
			resp, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindImage})
			if tt.wantErr == "" {
				if err != nil || len(resp.Body) != limit {
					t.Fatalf("err = %v, want the %d-byte body accepted", err, limit)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want ErrTooLarge mentioning %q", err, tt.wantErr)
			}
		})
	}
}

// emptyBlocksDeflate is a raw deflate stream of exactly total bytes that
// decodes to almost nothing: empty stored blocks (5 bytes each, no output)
// and a final stored block carrying the remainder. A server dripping such a
// stream is stopped by the cap on compressed bytes, not the decoded limit.
func emptyBlocksDeflate(total int) []byte {
	n := (total - 5) % 5
	var b bytes.Buffer
	for range (total - 5 - n) / 5 {
		b.Write([]byte{0x00, 0x00, 0x00, 0xff, 0xff})
	}
	b.Write([]byte{0x01, byte(n), 0x00, ^byte(n), 0xff})
	b.Write(bytes.Repeat([]byte("x"), n))
	return b.Bytes()
}

func TestCompressedBytesCap(t *testing.T) {
	const limit = 1 << 10
	const compressedLimit = limit + limit/64 + 64<<10 // as documented in readBody
	tests := []struct {
		wire    int
		wantErr bool
	}{{compressedLimit, false}, {compressedLimit + 1, true}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.wire), func(t *testing.T) {
			wire := emptyBlocksDeflate(tt.wire)
			if len(wire) != tt.wire {
				t.Fatalf("built %d bytes, want %d", len(wire), tt.wire)
			}
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "deflate")
				w.Write(wire)
			})
			c := newTestClient(t, func(cfg *Config) { cfg.MaxFeedBytes = limit })
			_, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed})
			if !tt.wantErr && err != nil {
				t.Fatalf("%d compressed bytes (the cap): err = %v, want accepted", tt.wire, err)
			}
			if tt.wantErr && (!errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "compressed bytes")) {
				t.Fatalf("%d compressed bytes: err = %v, want ErrTooLarge for compressed bytes", tt.wire, err)
			}
		})
	}
}

func TestCapReader(t *testing.T) {
	errCap := errors.New("over the cap")
	tests := []struct {
		source    string
		wantBytes string
		wantErr   error
	}{
		{"abc", "abc", io.EOF},
		{"abcdef", "abc", errCap},
	}
	for _, tt := range tests {
		cr := &capReader{r: strings.NewReader(tt.source), left: 3, err: errCap}
		buf := make([]byte, 10)
		n, err := cr.Read(buf)
		if string(buf[:n]) != tt.wantBytes || err != nil {
			t.Errorf("%q: first Read = %q, %v; want %q, nil", tt.source, buf[:n], err, tt.wantBytes)
		}
		if n, err := cr.Read(buf); n != 0 || err != tt.wantErr {
			t.Errorf("%q: Read at the cap = %d, %v; want 0, %v", tt.source, n, err, tt.wantErr)
		}
	}
}

// readCapped allocates once when it can (the Content-Length, or the limit
// when that is small) and never holds much more than limit+1 bytes.
func TestReadCappedBuffer(t *testing.T) {
	errTooLarge := errors.New("too large")
	tests := []struct {
		name            string
		limit, sizeHint int64
		body            int
		wantErr         bool
		wantCap         int // 0: only bounded by the limit
	}{
		{"limit 0, empty", 0, 0, 0, false, 1},
		{"limit 0, one byte", 0, 0, 1, true, 0},
		{"no hint, small limit", 10, 0, 5, false, 11},
		{"no hint, large limit", 1 << 20, 0, 5, false, 32 << 10},
		{"exact hint", 1000, 5, 5, false, 6},
		{"hint beyond the limit", 100, 1 << 40, 50, false, 101},
		{"hint too small", 1000, 5, 20, false, 0},
		{"hint too small, body at the limit", 16, 7, 16, false, 0},
		{"no hint, exactly a 64 KiB limit", 64 << 10, 0, 64 << 10, false, 0},
		{"no hint, one byte over 64 KiB", 64 << 10, 0, 64<<10 + 1, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf, err := readCapped(bytes.NewReader(bytes.Repeat([]byte("x"), tt.body)), tt.limit, tt.sizeHint, errTooLarge)
			if tt.wantErr {
				if err != errTooLarge {
					t.Fatalf("err = %v, want the too-large error", err)
				}
				return
			}
			if err != nil || len(buf) != tt.body {
				t.Fatalf("got %d bytes, %v; want %d", len(buf), err, tt.body)
			}
			if tt.wantCap != 0 && cap(buf) != tt.wantCap {
				t.Errorf("buffer capacity %d, want %d (allocated once)", cap(buf), tt.wantCap)
			}
			// Small buffers double; a large one grows to limit+1, not to
			// twice that.
			if tt.limit >= 32<<10 && int64(cap(buf)) > (tt.limit+1)*3/2 {
				t.Errorf("buffer capacity %d for a limit of %d", cap(buf), tt.limit)
			}
		})
	}
}

// The watchdog measures each window on its own: 1000 bytes in the first
// window meet a minimum of exactly 1000 per window, and the empty second
// window ends the transfer.
func TestWatchRateWindows(t *testing.T) {
	counter := &countingReader{r: strings.NewReader("")}
	counter.n.Store(1000)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	start := time.Now()
	stop := watchRate(counter, 4000, 250*time.Millisecond, cancel) // 1000 bytes per 250 ms window
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("an empty window did not stop the transfer")
	}
	cause := context.Cause(ctx)
	if !errors.Is(cause, ErrTooSlow) || !strings.Contains(cause.Error(), "0 bytes in 250ms") {
		t.Errorf("cause = %v, want ErrTooSlow for 0 bytes in the second window", cause)
	}
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Errorf("stopped after %s, before the second window ended", took)
	}
}

// A zlib-wrapped deflate body is checked against its Adler-32, so a damaged
// body is an error rather than text.
func TestDeflateZlibChecksum(t *testing.T) {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	io.WriteString(zw, "<rss><channel><title>Hespress</title></channel></rss>")
	zw.Close()
	wire := b.Bytes()
	wire[len(wire)-1] ^= 0xff
	r, err := decodedBody(bytes.NewReader(wire), "deflate")
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if !errors.Is(err, zlib.ErrChecksum) {
		t.Errorf("err = %v, want %v", err, zlib.ErrChecksum)
	}
}

// When the first allowed address does not answer, the next one is tried.
func TestGuardedDialerTriesTheNextAddress(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	var dialed []string
	c := newTestClient(t, func(cfg *Config) {
		cfg.Resolver = stubResolver{"two.example": {"192.0.2.1", "127.0.0.1"}}
		cfg.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dialed = append(dialed, addr)
			if strings.HasPrefix(addr, "192.0.2.1:") {
				return nil, errStubDial
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
	})
	resp, err := c.Fetch(ctxT(t), Request{URL: "http://two.example:" + port + "/", Kind: KindFeed})
	if err != nil || string(resp.Body) != "ok" {
		t.Fatalf("err = %v, dialed %v; want the second address to answer", err, dialed)
	}
	if want := fmt.Sprint([]string{"192.0.2.1:" + port, "127.0.0.1:" + port}); fmt.Sprint(dialed) != want {
		t.Errorf("dialed %v, want %s", dialed, want)
	}
}

func TestCacheForFirstMaxAge(t *testing.T) {
	now := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"the first max-age counts", http.Header{"Cache-Control": {"max-age=0, max-age=60"}}, 0},
		{"max-age=0 wins over Expires", http.Header{"Cache-Control": {"max-age=0"}, "Expires": {"Tue, 16 Mar 2021 12:00:00 GMT"}}, 0},
	}
	for _, tt := range tests {
		if got := cacheFor(tt.header, now); got != tt.want {
			t.Errorf("%s: cacheFor = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestOrdinaryCookieIsNotBotProtection(t *testing.T) {
	h := http.Header{"Set-Cookie": {"PHPSESSID=abc; path=/"}}
	if isBotProtection(http.StatusForbidden, h, []byte("<h1>Forbidden</h1>")) {
		t.Error("a 403 setting a session cookie counted as bot protection")
	}
}

// The limiter sweeps only once more than a minute has passed since its last
// sweep, and drops only hosts idle for more than hostIdleExpiry.
func TestHostLimiterSweepBoundaries(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		idleFrom time.Time // the idle host's last request start
		at       time.Time // when the next request comes
		wantKept bool
	}{
		{"a minute after the last sweep", t0.Add(-time.Hour), t0.Add(time.Minute), true},
		{"just over a minute after it", t0.Add(-time.Hour), t0.Add(time.Minute + time.Nanosecond), false},
		{"idle for exactly hostIdleExpiry", t0, t0.Add(hostIdleExpiry), true},
		{"idle for just longer", t0, t0.Add(hostIdleExpiry + time.Nanosecond), false},
	}
	for _, tt := range tests {
		l := newHostLimiter(1, 0)
		s := l.slot("idle.example:443", t0) // the first call sweeps: lastSweep = t0
		s.nextStart = tt.idleFrom
		l.unref(s)
		l.unref(l.slot("probe.example:443", tt.at))
		l.mu.Lock()
		_, kept := l.hosts["idle.example:443"]
		l.mu.Unlock()
		if kept != tt.wantKept {
			t.Errorf("%s: idle host kept = %v, want %v", tt.name, kept, tt.wantKept)
		}
	}
}

// The robots.txt cache drops expired verdicts when more than a minute has
// passed since its last sweep, and not sooner.
func TestRobotsCacheSweep(t *testing.T) {
	closed := make(chan struct{})
	close(closed)
	load := func(context.Context) (*robotstxt.RobotsData, error) { return parseRobots(200, nil), nil }
	tests := []struct {
		sinceSweep time.Duration
		wantKept   bool
	}{{2 * time.Minute, false}, {30 * time.Second, true}}
	for _, tt := range tests {
		rc := newRobotsCache(time.Hour)
		rc.entries["https://stale.example:443"] = &robotsEntry{ready: closed, expires: time.Now().Add(-time.Second)}
		rc.lastSweep = time.Now().Add(-tt.sinceSweep)
		if _, err := rc.get(t.Context(), "https://other.example:443", load); err != nil {
			t.Fatal(err)
		}
		if _, kept := rc.entries["https://stale.example:443"]; kept != tt.wantKept {
			t.Errorf("%s after the last sweep: expired entry kept = %v, want %v", tt.sinceSweep, kept, tt.wantKept)
		}
	}
}

// An unreadable robots.txt keeps a host's pages off limits for at most
// robotsFailureTTL; rules that were read last the whole TTL.
func TestRobotsVerdictLifetime(t *testing.T) {
	tests := []struct {
		name string
		load func(context.Context) (*robotstxt.RobotsData, error)
		want time.Duration
	}{
		{"read", func(context.Context) (*robotstxt.RobotsData, error) { return parseRobots(200, nil), nil }, time.Hour},
		{"unreadable", func(context.Context) (*robotstxt.RobotsData, error) { return nil, errors.New("503") }, robotsFailureTTL},
	}
	for _, tt := range tests {
		rc := newRobotsCache(time.Hour)
		start := time.Now()
		e, err := rc.get(t.Context(), "https://site.example:443", tt.load)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.expires.Sub(start); got < tt.want || got > tt.want+5*time.Second {
			t.Errorf("%s: kept for %s, want %s", tt.name, got, tt.want)
		}
	}
}

// The limiter forgets an idle host after hostIdleExpiry, the robots.txt
// cache keeps its rules for RobotsTTL: the Crawl-delay must come back from
// the cached rules.
func TestCrawlDelayOutlivesTheLimiterEntry(t *testing.T) {
	site, base := newRobotsSite(t, 200, "User-agent: Revue\nCrawl-delay: 2\n")
	c := newTestClient(t, nil)
	if _, err := c.Fetch(ctxT(t), Request{URL: base + "/a", Kind: KindPage}); err != nil {
		t.Fatal(err)
	}
	// A request an idle-expiry later sweeps the host away.
	c.hosts.unref(c.hosts.slot("sweeper.example:80", time.Now().Add(hostIdleExpiry+time.Minute+2*time.Second)))
	if _, err := c.Fetch(ctxT(t), Request{URL: base + "/b", Kind: KindPage}); err != nil {
		t.Fatal(err)
	}
	if n := site.count("/robots.txt"); n != 1 {
		t.Fatalf("robots.txt fetched %d times, want 1 (cached)", n)
	}
	u := strings.TrimPrefix(base, "http://")
	s := c.hosts.slot(strings.ToLower(u), time.Now())
	defer c.hosts.unref(s)
	c.hosts.mu.Lock()
	got := s.crawlDelay
	c.hosts.mu.Unlock()
	if got != 2*time.Second {
		t.Errorf("Crawl-delay after the limiter forgot the host: %s, want 2s from the cached robots.txt", got)
	}
}

// RFC 9309: a 4xx robots.txt (400 included) means no rules; a 5xx (500
// included) means the site cannot be asked, and the refusal says so.
func TestRobotsStatusBoundaries(t *testing.T) {
	tests := []struct {
		status  int
		wantErr string // "" = the page is fetched
	}{
		{400, ""},
		{499, ""},
		{500, "robots.txt could not be read"},
	}
	for _, tt := range tests {
		_, base := newRobotsSite(t, tt.status, "")
		_, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: base + "/article", Kind: KindPage})
		if tt.wantErr == "" && err != nil {
			t.Errorf("robots.txt %d: err = %v, want the page fetched", tt.status, err)
		}
		if tt.wantErr != "" && (!errors.Is(err, ErrRobotsDisallowed) || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("robots.txt %d: err = %v, want ErrRobotsDisallowed saying %q", tt.status, err, tt.wantErr)
		}
	}
}

// The lenient re-parse keeps a valid Crawl-delay and drops a negative one,
// keeping the rest of the group either way.
func TestLenientRobotsCrawlDelay(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		delay time.Duration
	}{
		{"valid delay beside a stray rule", "Disallow: /early\nUser-agent: *\nCrawl-delay: 3\nDisallow: /private\n", 3 * time.Second},
		{"negative delay dropped", "User-agent: *\nCrawl-delay: -1\nDisallow: /private\n", 0},
	}
	for _, tt := range tests {
		data := parseRobots(200, []byte(tt.body))
		if got := data.FindGroup(robotsAgent).CrawlDelay; got != tt.delay {
			t.Errorf("%s: Crawl-delay %s, want %s", tt.name, got, tt.delay)
		}
		if data.TestAgent("/private/x", robotsAgent) {
			t.Errorf("%s: /private allowed, want the Disallow kept", tt.name)
		}
	}
}

// Over HTTP/2 the transport reports a cancelled request as
// context.Canceled, not as the cause it was cancelled with: describe must
// recover ErrTimeout and ErrTooSlow from the hop's context.
func TestHTTP2TimeoutsKeepTheirCause(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error
		wantMsg string
	}{
		{"no headers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			ErrTimeout, "no response headers within 300ms"},
		{"stalls after headers", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, ErrTooSlow, "0 bytes in 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var proto atomic.Value
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				proto.Store(r.Proto)
				tt.handler(w, r)
			}))
			srv.EnableHTTP2 = true
			srv.StartTLS()
			t.Cleanup(srv.Close)
			c := newTestClient(t, func(cfg *Config) {
				cfg.HeaderTimeout = 300 * time.Millisecond
				cfg.MinRateWindow = 300 * time.Millisecond
				cfg.TotalTimeout = 20 * time.Second
			})
			// Trust the test server's certificate; set before the first
			// request, when the transport configures HTTP/2.
			c.http.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
			_, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed})
			if p := proto.Load(); p != "HTTP/2.0" {
				t.Fatalf("request arrived as %v, want HTTP/2.0", p)
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.want, tt.wantMsg)
			}
		})
	}
}
