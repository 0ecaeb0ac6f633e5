package fetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// A 304 that repeats no validator answers with the ones the request sent:
// they are still the feed's.
func TestNotModifiedKeepsTheRequestValidators(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	})
	c := newTestClient(t, nil)
	const etag, lastMod = `"v7"`, "Tue, 16 Mar 2021 10:00:00 GMT"
	resp, err := c.Fetch(ctxT(t), Request{URL: srv.URL + "/feed", Kind: KindFeed, ETag: etag, LastModified: lastMod})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.NotModified || resp.ETag != etag || resp.LastModified != lastMod {
		t.Errorf("NotModified=%v, validators %q %q; want a 304 with %q %q", resp.NotModified, resp.ETag, resp.LastModified, etag, lastMod)
	}
}

func TestConditionalGet(t *testing.T) {
	const etag = `"v1"`
	const lastMod = "Tue, 16 Mar 2021 10:00:00 GMT"
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.UserAgent() != testUA {
			http.Error(w, "wrong user agent "+r.UserAgent(), http.StatusBadRequest)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Cache-Control", "public, max-age=300")
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		io.WriteString(w, "<rss/>")
	})
	c := newTestClient(t, nil)
	tests := []struct {
		name         string
		etag, lm     string
		wantNotMod   bool
		wantBody     string
		wantCacheFor time.Duration
	}{
		{name: "first fetch", wantBody: "<rss/>", wantCacheFor: 5 * time.Minute},
		{name: "matching ETag", etag: etag, wantNotMod: true, wantCacheFor: 5 * time.Minute},
		{name: "matching Last-Modified", lm: lastMod, wantNotMod: true, wantCacheFor: 5 * time.Minute},
		{name: "stale ETag", etag: `"v0"`, wantBody: "<rss/>", wantCacheFor: 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Fetch(ctxT(t), Request{URL: srv.URL + "/feed", Kind: KindFeed, ETag: tt.etag, LastModified: tt.lm})
			if err != nil {
				t.Fatal(err)
			}
			if resp.NotModified != tt.wantNotMod || string(resp.Body) != tt.wantBody {
				t.Errorf("NotModified=%v body=%q, want %v %q", resp.NotModified, resp.Body, tt.wantNotMod, tt.wantBody)
			}
			if resp.ETag != etag || resp.LastModified != lastMod {
				t.Errorf("validators %q %q, want %q %q", resp.ETag, resp.LastModified, etag, lastMod)
			}
			if resp.CacheFor != tt.wantCacheFor {
				t.Errorf("CacheFor = %s, want %s", resp.CacheFor, tt.wantCacheFor)
			}
			if !tt.wantNotMod && resp.ContentType != "application/rss+xml; charset=utf-8" {
				t.Errorf("ContentType = %q", resp.ContentType)
			}
		})
	}
}

func TestContentEncoding(t *testing.T) {
	body := []byte(strings.Repeat("<item>Maroc : 3 hôpitaux militaires de campagne</item>\n", 200))
	gz := func() []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(body)
		w.Close()
		return b.Bytes()
	}
	zl := func() []byte {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write(body)
		w.Close()
		return b.Bytes()
	}
	raw := func() []byte {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.DefaultCompression)
		w.Write(body)
		w.Close()
		return b.Bytes()
	}
	tests := []struct {
		name, encoding string
		wire           []byte
		wantErr        bool
	}{
		{"identity", "", body, false},
		{"gzip", "gzip", gz(), false},
		{"x-gzip", "x-gzip", gz(), false},
		{"deflate zlib-wrapped", "deflate", zl(), false},
		{"deflate raw", "deflate", raw(), false},
		{"brotli not asked for", "br", body, true},
		{"corrupt gzip", "gzip", []byte("\x1f\x8b\x08\x00garbage"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("Accept-Encoding"); got != "gzip, deflate" {
					t.Errorf("Accept-Encoding = %q", got)
				}
				if tt.encoding != "" {
					w.Header().Set("Content-Encoding", tt.encoding)
				}
				w.Write(tt.wire)
			})
			resp, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed})
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, body) {
				t.Errorf("body differs: got %d bytes, want %d", len(resp.Body), len(body))
			}
		})
	}
}

// zeroDeflate returns a raw deflate stream of total zero bytes as a head, a
// segment repeated (total>>20)-1 times and a tail, built from one 1 MiB
// flushed block: the flushed compressed form of 1 MiB of zeros repeats
// exactly once the window is full of zeros. Nothing near total is allocated.
func zeroDeflate(t *testing.T, total int64) (head, segment, tail []byte, repeats int64) {
	t.Helper()
	zero := make([]byte, 1<<20)
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(zero)
	w.Flush()
	head = bytes.Clone(b.Bytes())
	w.Write(zero)
	w.Flush()
	segment = bytes.Clone(b.Bytes()[len(head):])
	mark := b.Len()
	w.Write(zero)
	w.Flush()
	if !bytes.Equal(b.Bytes()[mark:], segment) {
		t.Fatal("flushed deflate blocks of zeros do not repeat; cannot build the bomb cheaply")
	}
	mark = b.Len()
	w.Close()
	tail = bytes.Clone(b.Bytes()[mark:])
	return head, segment, tail, total>>20 - 1
}

func TestDecompressionBomb(t *testing.T) {
	const decoded = 1 << 30
	head, seg, tail, repeats := zeroDeflate(t, decoded)
	writeDeflate := func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		for range repeats {
			if _, err := w.Write(seg); err != nil {
				return err
			}
		}
		_, err := w.Write(tail)
		return err
	}
	// crc32 of 1 GiB of zeros, computed in 1 MiB steps.
	zero := make([]byte, 1<<20)
	var crc uint32
	for range decoded >> 20 {
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	tests := []struct {
		name, encoding string
		write          func(io.Writer) error
	}{
		{"gzip 1 GiB of zeros", "gzip", func(w io.Writer) error {
			w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
			if err := writeDeflate(w); err != nil {
				return err
			}
			return binary.Write(w, binary.LittleEndian, [2]uint32{crc, uint32(decoded & 0xffffffff)})
		}},
		{"raw deflate 1 GiB of zeros", "deflate", writeDeflate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", tt.encoding)
				tt.write(w)
			})
			refusedInBoundedMemory(t, newTestClient(t, nil), srv.URL)
		})
	}
}

func TestHugePlainBody(t *testing.T) {
	tests := []struct {
		name          string
		contentLength bool
	}{
		{"streamed without Content-Length", false},
		{"declared Content-Length", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.contentLength {
					w.Header().Set("Content-Length", fmt.Sprint(1<<30))
				}
				chunk := make([]byte, 1<<20)
				for range 1 << 10 {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			refusedInBoundedMemory(t, newTestClient(t, nil), srv.URL)
		})
	}
}

// refusedInBoundedMemory fetches url as a feed and requires ErrTooLarge
// with far less allocated than the 1 GiB the server offers.
func refusedInBoundedMemory(t *testing.T, c *Client, url string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.Fetch(ctxT(t), Request{URL: url, Kind: KindFeed})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	grown := after.TotalAlloc - before.TotalAlloc
	if grown > 100<<20 {
		t.Errorf("allocated %d MiB while refusing, want far under 100 MiB", grown>>20)
	}
	t.Logf("allocated %d MiB; error: %v", grown>>20, err)
}

func TestExactlyAtLimit(t *testing.T) {
	const limit = 1000
	tests := []struct {
		size    int
		wantErr bool
	}{{limit - 1, false}, {limit, false}, {limit + 1, true}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size), func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush() // no Content-Length: the cap must work while reading
				w.Write(bytes.Repeat([]byte("x"), tt.size))
			})
			c := newTestClient(t, func(cfg *Config) { cfg.MaxImageBytes = limit })
			resp, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindImage})
			if tt.wantErr != errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && len(resp.Body) != tt.size {
				t.Errorf("body %d bytes, want %d", len(resp.Body), tt.size)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error
		wantMsg string
	}{
		{
			name: "no headers",
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			want:    ErrTimeout,
			wantMsg: "no response headers within 300ms",
		},
		{
			name: "one byte every 100ms",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusOK)
				for {
					if _, err := w.Write([]byte("x")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(100 * time.Millisecond):
					}
				}
			},
			want:    ErrTooSlow,
			wantMsg: "below the minimum of 1024 bytes/s",
		},
		{
			name: "stalls after headers",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			},
			want:    ErrTooSlow,
			wantMsg: "0 bytes in 300ms",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, tt.handler)
			c := newTestClient(t, func(cfg *Config) {
				cfg.HeaderTimeout = 300 * time.Millisecond
				cfg.MinRateWindow = 300 * time.Millisecond
				cfg.TotalTimeout = 20 * time.Second // must not be what stops these
			})
			start := time.Now()
			_, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindPage})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.want, tt.wantMsg)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s: the short limit was not what ended the request", took)
			}
		})
	}
}

func TestTotalTimeout(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		// Fast enough for the rate check, never finishing.
		w.WriteHeader(http.StatusOK)
		chunk := make([]byte, 4096)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	c := newTestClient(t, func(cfg *Config) {
		cfg.TotalTimeout = 400 * time.Millisecond
		cfg.MaxPageBytes = 1 << 30
	})
	_, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindPage})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "no complete response within 400ms") {
		t.Fatalf("err = %v, want ErrTimeout for the whole request", err)
	}
}

// resetConnection hijacks the connection, optionally writes raw bytes, and
// closes it with SO_LINGER 0 so the kernel sends a TCP RST.
func resetConnection(t *testing.T, w http.ResponseWriter, raw string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	if raw != "" {
		buf.WriteString(raw)
		buf.Flush()
		time.Sleep(50 * time.Millisecond) // let the client start reading the body
	}
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

func TestConnectionReset(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		{"before headers", ""},
		{"mid-body", "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<rss><channel>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				resetConnection(t, w, tt.raw)
			})
			_, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed})
			if !errors.Is(err, ErrConnectionReset) {
				t.Fatalf("err = %v, want ErrConnectionReset", err)
			}
			if !strings.Contains(err.Error(), "reset the connection") || !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("message %q should say the server reset the connection to %s", err, srv.URL)
			}
		})
	}
}

func TestStatusErrors(t *testing.T) {
	retryDate := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name          string
		status        int
		header        map[string]string
		body          string
		wantRetry     time.Duration // checked within 5s
		wantBot       bool
		wantMsgSubstr string
	}{
		{name: "500", status: 500, wantMsgSubstr: "server answered 500 Internal Server Error"},
		{name: "404", status: 404, header: map[string]string{"Server": "cloudflare"}, wantMsgSubstr: "404 Not Found"},
		{name: "429 Retry-After seconds", status: 429, header: map[string]string{"Retry-After": "120"}, wantRetry: 2 * time.Minute, wantMsgSubstr: "retry after 2m0s"},
		{name: "429 Retry-After date", status: 429, header: map[string]string{"Retry-After": retryDate}, wantRetry: time.Hour},
		{name: "503 Retry-After", status: 503, header: map[string]string{"Retry-After": "30"}, wantRetry: 30 * time.Second},
		{name: "500 ignores Retry-After", status: 500, header: map[string]string{"Retry-After": "30"}},
		{name: "403 cf-mitigated", status: 403, header: map[string]string{"cf-mitigated": "challenge", "Server": "cloudflare"}, body: "<html>...</html>", wantBot: true,
			wantMsgSubstr: "blocked by the publisher's bot protection (HTTP 403)"},
		{name: "503 Cloudflare challenge page gzip", status: 503, header: map[string]string{"Content-Encoding": "gzip"}, body: "<!DOCTYPE html><html><head><title>Just a moment...</title>", wantBot: true},
		{name: "403 plain", status: 403, body: "Forbidden", wantMsgSubstr: "server answered 403 Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				if tt.header["Content-Encoding"] == "gzip" {
					zw := gzip.NewWriter(w)
					io.WriteString(zw, tt.body)
					zw.Close()
					return
				}
				io.WriteString(w, tt.body)
			})
			_, err := newTestClient(t, nil).Fetch(ctxT(t), Request{URL: srv.URL + "/feed", Kind: KindFeed})
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *StatusError", err)
			}
			if se.Status != tt.status || se.BotProtection != tt.wantBot || se.URL != srv.URL+"/feed" {
				t.Errorf("got %+v, want status %d bot %v", se, tt.status, tt.wantBot)
			}
			if d := se.RetryAfter - tt.wantRetry; d < -5*time.Second || d > 5*time.Second {
				t.Errorf("RetryAfter = %s, want about %s", se.RetryAfter, tt.wantRetry)
			}
			if !strings.Contains(err.Error(), tt.wantMsgSubstr) {
				t.Errorf("message %q lacks %q", err, tt.wantMsgSubstr)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	redirect := func(from, to string, status int) {
		mux.HandleFunc(from, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, status) })
	}
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "final") })
	redirect("/loop-a", "/loop-b", http.StatusFound)
	redirect("/loop-b", "/loop-a", http.StatusFound)
	redirect("/p1", "/p2", http.StatusMovedPermanently)
	redirect("/p2", "/p3", http.StatusPermanentRedirect)
	redirect("/p3", "/final", http.StatusMovedPermanently)
	redirect("/temp", "/final", http.StatusFound)
	redirect("/mixed", "/temp", http.StatusMovedPermanently)
	redirect("/see-other", "/final", http.StatusSeeOther)
	for i := range 6 { // /c0 -> /c1 ... /c5 -> /final: six redirects
		next := fmt.Sprintf("/c%d", i+1)
		if i == 5 {
			next = "/final"
		}
		redirect(fmt.Sprintf("/c%d", i), next, http.StatusMovedPermanently)
	}
	redirect("/ftp", "ftp://example.com/feed", http.StatusFound)
	srv, _ := countingServer(t, mux.ServeHTTP)

	tests := []struct {
		path          string
		wantErr       error
		wantPermanent string
	}{
		{path: "/loop-a", wantErr: ErrTooManyRedirects},
		{path: "/p1", wantPermanent: srv.URL + "/final"},
		{path: "/temp"},
		{path: "/mixed"},
		{path: "/see-other"},
		{path: "/c1", wantPermanent: srv.URL + "/final"}, // five redirects: the limit
		{path: "/c0", wantErr: ErrTooManyRedirects},      // six
		{path: "/ftp", wantErr: ErrBadURL},
	}
	c := newTestClient(t, nil)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := c.Fetch(ctxT(t), Request{URL: srv.URL + tt.path, Kind: KindFeed})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.URL != srv.URL+"/final" || string(resp.Body) != "final" {
				t.Errorf("ended at %s with %q", resp.URL, resp.Body)
			}
			if resp.PermanentURL != tt.wantPermanent {
				t.Errorf("PermanentURL = %q, want %q", resp.PermanentURL, tt.wantPermanent)
			}
		})
	}
}

func TestHostConcurrencyLimit(t *testing.T) {
	tests := []struct {
		name          string
		hostLimit     int
		globalLimit   int
		servers       int
		wantMaxInHost int // per server
		wantMaxTotal  int
	}{
		{name: "two per host", hostLimit: 2, globalLimit: 16, servers: 1, wantMaxInHost: 2, wantMaxTotal: 2},
		{name: "three in all across four hosts", hostLimit: 4, globalLimit: 3, servers: 4, wantMaxTotal: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			inHost := map[string]int{}
			maxInHost, total, maxTotal := 0, 0, 0
			var urls []string
			for range tt.servers {
				srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					inHost[r.Host]++
					total++
					maxInHost = max(maxInHost, inHost[r.Host])
					maxTotal = max(maxTotal, total)
					mu.Unlock()
					time.Sleep(30 * time.Millisecond)
					mu.Lock()
					inHost[r.Host]--
					total--
					mu.Unlock()
				})
				urls = append(urls, srv.URL)
			}
			c := newTestClient(t, func(cfg *Config) {
				cfg.HostConcurrency = tt.hostLimit
				cfg.GlobalConcurrency = tt.globalLimit
			})
			var wg sync.WaitGroup
			for i := range 24 {
				wg.Go(func() {
					if _, err := c.Fetch(ctxT(t), Request{URL: urls[i%len(urls)], Kind: KindFeed}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if maxTotal != tt.wantMaxTotal {
				t.Errorf("at most %d requests in flight in all, want exactly %d (the limit, reached)", maxTotal, tt.wantMaxTotal)
			}
			if tt.wantMaxInHost > 0 && maxInHost != tt.wantMaxInHost {
				t.Errorf("at most %d in flight to one host, want exactly %d", maxInHost, tt.wantMaxInHost)
			}
		})
	}
}

func TestHostDelaySpacing(t *testing.T) {
	const delay = 150 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
	})
	c := newTestClient(t, func(cfg *Config) {
		cfg.HostDelay = delay
		cfg.HostConcurrency = 4
	})
	began := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(starts) != 4 {
		t.Fatalf("%d requests arrived, want 4", len(starts))
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	// The i-th request cannot start before i delays have passed, so it
	// cannot arrive earlier either, however loaded the machine is (arrival
	// gaps alone can shrink when an earlier request is held up in transit).
	for i, at := range starts {
		if earliest := began.Add(time.Duration(i) * delay); at.Before(earliest) {
			t.Errorf("request %d arrived %s after the first call, want at least %s", i, at.Sub(began), time.Duration(i)*delay)
		}
	}
}

func TestWaitingRespectsCancellation(t *testing.T) {
	release := make(chan struct{})
	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
	})
	defer close(release)
	c := newTestClient(t, func(cfg *Config) { cfg.HostConcurrency = 1 })
	go c.Fetch(ctxT(t), Request{URL: srv.URL, Kind: KindFeed})
	for hits.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(ctxT(t), 100*time.Millisecond)
	defer cancel()
	_, err := c.Fetch(ctx, Request{URL: srv.URL, Kind: KindFeed})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline while waiting for the host", err)
	}
	if hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1: the waiting one must not have been sent", hits.Load())
	}
}

func TestNewRequiresUserAgent(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without a User-Agent must fail")
	}
}
