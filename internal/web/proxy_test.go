package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revue"
)

// originFile is what the test origin answers for one path.
type originFile struct {
	status      int // 0: 200
	contentType string
	body        []byte
}

// imageOrigin is a source website on loopback that counts what reaches it
// and keeps the request headers it saw.
type imageOrigin struct {
	*httptest.Server
	mu      sync.Mutex
	files   map[string]originFile
	hits    map[string]int
	headers []http.Header
	// gate, when set, holds every request until it is closed.
	gate chan struct{}
}

func newImageOrigin(t testing.TB, files map[string]originFile) *imageOrigin {
	t.Helper()
	o := &imageOrigin{files: files, hits: map[string]int{}}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hits[r.URL.Path]++
		o.headers = append(o.headers, r.Header.Clone())
		f, ok := o.files[r.URL.Path]
		gate := o.gate
		o.mu.Unlock()
		if gate != nil {
			<-gate
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		if f.contentType != "" {
			w.Header().Set("Content-Type", f.contentType)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing by net/http either
		}
		w.WriteHeader(cmpOr(f.status, http.StatusOK))
		w.Write(f.body)
	}))
	t.Cleanup(o.Close)
	return o
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (o *imageOrigin) hitsOf(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path]
}

func (o *imageOrigin) set(path string, f originFile) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files[path] = f
}

// proxyEnv is a portal whose image proxy fetches from an imageOrigin.
type proxyEnv struct {
	*testEnv
	origin *imageOrigin
	cfg    Config // as given to New, so a test can start the portal again
	clock  atomic.Pointer[time.Time]
}

func newProxyEnv(t *testing.T, files map[string]originFile, mutate ...func(*Config)) *proxyEnv {
	t.Helper()
	p := &proxyEnv{origin: newImageOrigin(t, files)}
	p.clock.Store(&testNow)
	p.testEnv = newEnv(t, append([]func(*Config){func(c *Config) {
		c.Images = &httpImageFetcher{client: &http.Client{}}
		c.Now = func() time.Time { return *p.clock.Load() }
	}}, append(mutate, func(c *Config) { p.cfg = *c })...)...)
	return p
}

// images stores an article showing the origin's paths and returns the
// proxy's path of each, in order.
func (p *proxyEnv) images(t *testing.T, paths ...string) ([]string, []revue.Image) {
	t.Helper()
	src := p.addSource(t, "Hespress", "fr")
	var imgs []revue.Image
	for _, path := range paths {
		imgs = append(imgs, revue.Image{URL: p.origin.URL + path})
	}
	a := p.save(t, src, revue.Article{URL: "https://www.hespress.com/" + strconv.Itoa(len(paths)), Title: "Images",
		Lang: "fr", PublishedAt: testNow, Images: imgs})[0]
	var proxied []string
	for _, img := range a.Images {
		proxied = append(proxied, imagePath(img.ID))
	}
	return proxied, a.Images
}

// restart starts another portal on the same store and cache folder, as
// after a restart of `revue serve`, and returns its URL.
func (p *proxyEnv) restart(t *testing.T) string {
	t.Helper()
	srv, err := New(p.cfg)
	if err != nil {
		t.Fatalf("starting the portal again: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// request sends method to url with header pairs, without following redirects.
func request(t *testing.T, method, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func sameContent(a, b revue.ImageContent) bool {
	return a.SHA256 == b.SHA256 && a.Type == b.Type && a.FetchedAt.Equal(b.FetchedAt)
}

func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// encoded is a real picture written by Go's own encoder.
func encoded(t testing.TB, encode func(io.Writer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		img.Set(x, x%6, color.RGBA{R: 200, G: uint8(30 * x), B: 40, A: 255})
	}
	var b bytes.Buffer
	if err := encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegPicture(t testing.TB) []byte {
	return encoded(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) })
}

func gifPicture(t testing.TB) []byte {
	return encoded(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkServed checks a 200 of the proxy: the origin's bytes, typed, with
// the headers a browser and a shared cache need.
func checkServed(t *testing.T, res response, body []byte, contentType string, fetched time.Time) {
	t.Helper()
	if res.status != http.StatusOK {
		t.Fatalf("status %d, want 200 (%q)", res.status, res.body)
	}
	if res.body != string(body) {
		t.Errorf("the body (%d bytes) is not the origin's picture (%d bytes)", len(res.body), len(body))
	}
	for key, want := range map[string]string{
		"Content-Type":            contentType,
		"Content-Length":          strconv.Itoa(len(body)),
		"ETag":                    `"` + sumHex(body) + `"`,
		"Last-Modified":           fetched.UTC().Format(http.TimeFormat),
		"Cache-Control":           "public, max-age=604800, s-maxage=3600",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'",
	} {
		if got := res.header.Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if res.header.Get("Set-Cookie") != "" {
		t.Errorf("the proxy sets a cookie: %q", res.header.Get("Set-Cookie"))
	}
}

// checkRefused checks that an answer carries nothing of the origin's and
// is never kept by a cache.
func checkRefused(t *testing.T, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d (%q)", res.status, status, res.body)
	}
	if cc := res.header.Get("Cache-Control"); status != http.StatusNotFound && cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if res.header.Get("ETag") != "" {
		t.Errorf("a refusal has an ETag %q", res.header.Get("ETag"))
	}
	ct := res.header.Get("Content-Type")
	switch {
	case status == http.StatusBadGateway && (ct != "image/gif" || res.body != string(blankGIF)):
		// An unavailable picture is a blank GIF, so pages show no broken icon.
		t.Errorf("502 answered %s %q, want the blank GIF", ct, res.body)
	case status != http.StatusBadGateway && strings.HasPrefix(ct, "image/"):
		t.Errorf("a refusal (%d) answered as %s", status, ct)
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("X-Content-Type-Options %q, want nosniff", res.header.Get("X-Content-Type-Options"))
	}
}

func TestImageProxyServesOnlyRasterImages(t *testing.T) {
	jpg, gf := jpegPicture(t), gifPicture(t)
	avif := []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf")
	svg := readTestdata(t, "svg-xss-green-triangle.svg")
	svgCDATA := readTestdata(t, "svg-xss-cdata.svg")
	page := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
	p := newProxyEnv(t, map[string]originFile{
		"/photo.png":              {contentType: "image/png", body: pngPixel},
		"/photo.jpg":              {contentType: "image/jpeg", body: jpg},
		"/anim.gif":               {contentType: "image/gif", body: gf},
		"/photo.avif":             {contentType: "image/avif", body: avif},
		"/png-with-params":        {contentType: "image/png; name=photo.png", body: pngPixel},
		"/jpeg-declared-png":      {contentType: "image/png", body: jpg},
		"/page.html":              {contentType: "text/html; charset=utf-8", body: page},
		"/png-as-html":            {contentType: "text/html", body: pngPixel},
		"/png-undeclared":         {body: pngPixel},
		"/png-as-octets":          {contentType: "application/octet-stream", body: pngPixel},
		"/html-as-jpeg":           {contentType: "image/jpeg", body: page},
		"/vector.svg":             {contentType: "image/svg+xml", body: svg},
		"/vector-cdata.svg":       {contentType: "image/svg+xml", body: svgCDATA},
		"/svg-as-png":             {contentType: "image/png", body: svg},
		"/avif-brand-only":        {contentType: "image/avif", body: page},
		"/empty.png":              {contentType: "image/png", body: nil},
		"/gone.png":               {status: http.StatusNotFound, contentType: "image/png", body: pngPixel},
		"/broken.png":             {status: http.StatusInternalServerError, contentType: "image/png", body: pngPixel},
		"/blocked-from-start.png": {contentType: "image/png", body: pngPixel},
	})
	paths := []string{"/photo.png", "/photo.jpg", "/anim.gif", "/photo.avif", "/png-with-params", "/jpeg-declared-png",
		"/page.html", "/png-as-html", "/png-undeclared", "/png-as-octets", "/html-as-jpeg", "/vector.svg", "/vector-cdata.svg",
		"/svg-as-png", "/avif-brand-only", "/empty.png", "/gone.png", "/broken.png", "/blocked-from-start.png"}
	proxied, records := p.images(t, paths...)
	at := map[string]int{}
	for i, path := range paths {
		at[path] = i
	}
	p.blockImage(t, records[at["/blocked-from-start.png"]].ID)

	tests := []struct {
		origin string
		status int
		body   []byte // on 200
		ct     string
	}{
		{"/photo.png", 200, pngPixel, "image/png"},
		{"/photo.jpg", 200, jpg, "image/jpeg"},
		{"/anim.gif", 200, gf, "image/gif"},
		{"/photo.avif", 200, avif, "image/avif"},
		{"/png-with-params", 200, pngPixel, "image/png"},
		// The bytes decide the type served, not what the source declared.
		{"/jpeg-declared-png", 200, jpg, "image/jpeg"},
		{"/page.html", 502, nil, ""},
		{"/png-as-html", 502, nil, ""},
		{"/png-undeclared", 502, nil, ""},
		{"/png-as-octets", 502, nil, ""},
		{"/html-as-jpeg", 502, nil, ""},
		{"/vector.svg", 502, nil, ""},
		{"/vector-cdata.svg", 502, nil, ""},
		{"/svg-as-png", 502, nil, ""},
		{"/avif-brand-only", 502, nil, ""},
		{"/empty.png", 502, nil, ""},
		{"/gone.png", 502, nil, ""},
		{"/broken.png", 502, nil, ""},
		{"/blocked-from-start.png", 410, nil, ""},
	}
	for _, tc := range tests {
		t.Run(strings.TrimPrefix(tc.origin, "/"), func(t *testing.T) {
			path := proxied[at[tc.origin]]
			res := p.get(t, path)
			img, err := p.store.GetImage(t.Context(), records[at[tc.origin]].ID)
			if err != nil {
				t.Fatal(err)
			}
			if tc.status == 200 {
				checkServed(t, res, tc.body, tc.ct, testNow)
				want := revue.ImageContent{SHA256: sumHex(tc.body), Type: tc.ct, FetchedAt: testNow}
				if !sameContent(img.Content, want) {
					t.Errorf("the store recorded %+v, want %+v", img.Content, want)
				}
				return
			}
			checkRefused(t, res, tc.status)
			for _, origin := range [][]byte{pngPixel, jpg, svg, page} {
				if strings.Contains(res.body, string(origin[:8])) {
					t.Errorf("the refusal carries the origin's bytes: %q", res.body)
				}
			}
			if !sameContent(img.Content, revue.ImageContent{}) {
				t.Errorf("a refused picture was recorded: %+v", img.Content)
			}
		})
	}
	if n := p.origin.hitsOf("/blocked-from-start.png"); n != 0 {
		t.Errorf("a blocked image was fetched %d times", n)
	}
	for _, tc := range []struct{ path, name string }{{"/images/99999", "unknown"}, {"/images/abc", "malformed"}, {"/images/-1", "negative"}} {
		checkRefused(t, p.get(t, tc.path), http.StatusNotFound)
	}
}

// The origin is not reached again for a picture on disk: not by the same
// portal, not after a restart on the same folder; a block still applies.
func TestImageProxyCachesOnDisk(t *testing.T) {
	jpg := jpegPicture(t)
	p := newProxyEnv(t, map[string]originFile{
		"/photo.jpg": {contentType: "image/jpeg", body: jpg},
		"/other.png": {contentType: "image/png", body: pngPixel},
	})
	proxied, records := p.images(t, "/photo.jpg", "/other.png")

	checkServed(t, p.get(t, proxied[0]), jpg, "image/jpeg", testNow)
	for range 3 {
		checkServed(t, p.get(t, proxied[0]), jpg, "image/jpeg", testNow)
	}
	if n := p.origin.hitsOf("/photo.jpg"); n != 1 {
		t.Errorf("four requests reached the origin %d times, want once", n)
	}
	file := filepath.Join(p.cfg.ImageCacheDir, sumHex(jpg)[:2], sumHex(jpg))
	if b, err := os.ReadFile(file); err != nil || !bytes.Equal(b, jpg) {
		t.Errorf("the picture is not on disk as %s: %d bytes, %v", file, len(b), err)
	}

	restarted := p.restart(t)
	checkServed(t, request(t, http.MethodGet, restarted+proxied[0]), jpg, "image/jpeg", testNow)
	if n := p.origin.hitsOf("/photo.jpg"); n != 1 {
		t.Errorf("after a restart on the same folder the origin was reached again (%d requests in all)", n)
	}

	// Blocked after it was cached: never served again, by either portal,
	// nor after another restart, and the origin is not asked.
	p.blockImage(t, records[0].ID)
	for name, base := range map[string]string{"the first portal": p.portal.URL, "the restarted portal": restarted, "a third start": p.restart(t)} {
		t.Run(name, func(t *testing.T) {
			res := request(t, http.MethodGet, base+proxied[0])
			checkRefused(t, res, http.StatusGone)
			if strings.Contains(res.body, string(jpg[:4])) {
				t.Errorf("the blocked picture's bytes were served")
			}
		})
	}
	if n := p.origin.hitsOf("/photo.jpg"); n != 1 {
		t.Errorf("a blocked picture was fetched again (%d requests in all)", n)
	}
	// The other picture of the article is unaffected.
	checkServed(t, p.get(t, proxied[1]), pngPixel, "image/png", testNow)
}

// A cache file that no longer matches its hash is never served: the
// picture is fetched again, or, with the origin down, the blank image.
func TestImageProxyNeverServesACorruptCacheFile(t *testing.T) {
	jpg := jpegPicture(t)
	tests := []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"emptied", func([]byte) []byte { return nil }},
		{"one byte flipped", func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 0x40; return b }},
		{"replaced by a web page", func([]byte) []byte { return []byte("<html><script>alert(1)</script></html>") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newProxyEnv(t, map[string]originFile{"/photo.jpg": {contentType: "image/jpeg", body: jpg}})
			proxied, _ := p.images(t, "/photo.jpg")
			checkServed(t, p.get(t, proxied[0]), jpg, "image/jpeg", testNow)
			file := filepath.Join(p.cfg.ImageCacheDir, sumHex(jpg)[:2], sumHex(jpg))
			if err := os.WriteFile(file, tc.corrupt(jpg), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, restart := range []bool{false, true} {
				base := p.portal.URL
				if restart {
					base = p.restart(t)
				}
				checkServed(t, request(t, http.MethodGet, base+proxied[0]), jpg, "image/jpeg", testNow)
				if err := os.WriteFile(file, tc.corrupt(jpg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if n := p.origin.hitsOf("/photo.jpg"); n != 3 {
				t.Errorf("the origin was asked %d times, want 3 (first fetch, then once per corruption)", n)
			}
			// With the origin down, the corrupt file is still not served.
			p.origin.Close()
			checkRefused(t, request(t, http.MethodGet, p.restart(t)+proxied[0]), http.StatusBadGateway)
		})
	}
}

// However many pictures pass through, the folder stays within its bounds.
func TestImageProxyCacheStaysWithinItsBounds(t *testing.T) {
	const pictures = 12
	files := map[string]originFile{}
	var paths []string
	var bodies [][]byte
	for i := range pictures {
		body := append(bytes.Clone(pngPixel), bytes.Repeat([]byte{byte(i)}, 1000)...) // a PNG with trailing bytes
		path := fmt.Sprintf("/p%d.png", i)
		files[path] = originFile{contentType: "image/png", body: body}
		paths = append(paths, path)
		bodies = append(bodies, body)
	}
	for _, tc := range []struct {
		name     string
		maxBytes int64
		maxFiles int
	}{
		{"bytes", int64(4*len(bodies[0]) + 10), 1000},
		{"files", 1 << 20, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProxyEnv(t, files, func(c *Config) {
				c.ImageCacheBytes = tc.maxBytes
				c.ImageCacheFiles = tc.maxFiles
			})
			proxied, _ := p.images(t, paths...)
			for i, path := range proxied {
				checkServed(t, p.get(t, path), bodies[i], "image/png", testNow)
				n, size := 0, int64(0)
				err := filepath.WalkDir(p.cfg.ImageCacheDir, func(_ string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					info, err := d.Info()
					n, size = n+1, size+info.Size()
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if size > tc.maxBytes || n > tc.maxFiles || n == 0 {
					t.Fatalf("after %d pictures the folder holds %d files, %d bytes; bounds %d files, %d bytes",
						i+1, n, size, tc.maxFiles, tc.maxBytes)
				}
			}
			// The newest picture is still served from disk.
			before := p.origin.hitsOf(paths[pictures-1])
			checkServed(t, p.get(t, proxied[pictures-1]), bodies[pictures-1], "image/png", testNow)
			if p.origin.hitsOf(paths[pictures-1]) != before {
				t.Errorf("the most recent picture was evicted")
			}
		})
	}
}

// Readers asking at once for a picture not yet cached cause one fetch.
func TestImageProxyFetchesOncePerPicture(t *testing.T) {
	jpg := jpegPicture(t)
	p := newProxyEnv(t, map[string]originFile{"/photo.jpg": {contentType: "image/jpeg", body: jpg}})
	proxied, _ := p.images(t, "/photo.jpg")
	gate := make(chan struct{})
	p.origin.mu.Lock()
	p.origin.gate = gate
	p.origin.mu.Unlock()

	const readers = 8
	results := make(chan response, readers)
	for range readers {
		go func() { results <- request(t, http.MethodGet, p.portal.URL+proxied[0]) }()
	}
	// Let every reader reach the proxy before the origin answers.
	deadline := time.Now().Add(10 * time.Second)
	for p.origin.hitsOf("/photo.jpg") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	close(gate)
	for range readers {
		checkServed(t, <-results, jpg, "image/jpeg", testNow)
	}
	if n := p.origin.hitsOf("/photo.jpg"); n != 1 {
		t.Errorf("%d readers at once reached the origin %d times, want once", readers, n)
	}
}

// A reader who leaves does not cancel the fetch the others wait for.
func TestImageProxyFetchOutlivesAReaderWhoLeaves(t *testing.T) {
	jpg := jpegPicture(t)
	p := newProxyEnv(t, map[string]originFile{"/photo.jpg": {contentType: "image/jpeg", body: jpg}})
	proxied, _ := p.images(t, "/photo.jpg")
	gate := make(chan struct{})
	p.origin.mu.Lock()
	p.origin.gate = gate
	p.origin.mu.Unlock()

	ctx, leave := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.portal.URL+proxied[0], nil)
	left := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		left <- err
	}()
	for p.origin.hitsOf("/photo.jpg") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	leave()
	if err := <-left; !errors.Is(err, context.Canceled) {
		t.Fatalf("the leaving reader got %v", err)
	}
	stayed := make(chan response, 1)
	go func() { stayed <- request(t, http.MethodGet, p.portal.URL+proxied[0]) }()
	time.Sleep(100 * time.Millisecond)
	close(gate)
	checkServed(t, <-stayed, jpg, "image/jpeg", testNow)
	if n := p.origin.hitsOf("/photo.jpg"); n != 1 {
		t.Errorf("the origin was asked %d times, want once", n)
	}
}

func TestImageProxyRevalidation(t *testing.T) {
	jpg := jpegPicture(t)
	p := newProxyEnv(t, map[string]originFile{"/photo.jpg": {contentType: "image/jpeg", body: jpg}})
	proxied, _ := p.images(t, "/photo.jpg")
	url := p.portal.URL + proxied[0]
	checkServed(t, request(t, http.MethodGet, url), jpg, "image/jpeg", testNow)
	etag := `"` + sumHex(jpg) + `"`
	date := testNow.UTC().Format(http.TimeFormat)

	tests := []struct {
		name   string
		method string
		header []string
		status int
	}{
		{"If-None-Match with the ETag", "GET", []string{"If-None-Match", etag}, 304},
		{"If-None-Match, weak", "GET", []string{"If-None-Match", "W/" + etag}, 304},
		{"If-None-Match among others", "GET", []string{"If-None-Match", `"0123", ` + etag}, 304},
		{"If-None-Match: *", "GET", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match with another ETag", "GET", []string{"If-None-Match", `"` + sumHex(pngPixel) + `"`}, 200},
		{"If-Modified-Since the fetch", "GET", []string{"If-Modified-Since", date}, 304},
		{"If-Modified-Since later", "GET", []string{"If-Modified-Since", testNow.Add(time.Hour).UTC().Format(http.TimeFormat)}, 304},
		{"If-Modified-Since before the fetch", "GET", []string{"If-Modified-Since", testNow.Add(-time.Hour).UTC().Format(http.TimeFormat)}, 200},
		{"another ETag wins over the date", "GET", []string{"If-None-Match", `"0123"`, "If-Modified-Since", date}, 200},
		{"HEAD", "HEAD", nil, 200},
		{"HEAD revalidated", "HEAD", []string{"If-None-Match", etag}, 304},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := request(t, tc.method, url, tc.header...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d", res.status, tc.status)
			}
			if tc.status == 200 && tc.method == "GET" {
				checkServed(t, res, jpg, "image/jpeg", testNow)
				return
			}
			if res.body != "" {
				t.Errorf("a %s %d has a body of %d bytes", tc.method, tc.status, len(res.body))
			}
			// A 304 carries what refreshes the cached copy (RFC 9110
			// 15.4.5); with an ETag, Last-Modified adds nothing.
			want := map[string]string{"ETag": etag, "Cache-Control": imageCacheControl}
			if tc.status == 200 { // HEAD
				want["Content-Length"] = strconv.Itoa(len(jpg))
				want["Content-Type"] = "image/jpeg"
				want["Last-Modified"] = date
			}
			for key, v := range want {
				if got := res.header.Get(key); got != v {
					t.Errorf("%s = %q, want %q", key, got, v)
				}
			}
		})
	}
	if n := p.origin.hitsOf("/photo.jpg"); n != 1 {
		t.Errorf("revalidations reached the origin: %d requests in all, want 1", n)
	}
}

// When the cache lost a picture, fetching it again keeps its date if the
// source still has the same bytes, and gives a new ETag if it changed.
func TestImageProxyRefetch(t *testing.T) {
	jpg := jpegPicture(t)
	p := newProxyEnv(t, map[string]originFile{"/photo.jpg": {contentType: "image/jpeg", body: jpg}})
	proxied, records := p.images(t, "/photo.jpg")
	checkServed(t, p.get(t, proxied[0]), jpg, "image/jpeg", testNow)
	lose := func() {
		t.Helper()
		if err := os.RemoveAll(p.cfg.ImageCacheDir); err != nil {
			t.Fatal(err)
		}
	}

	later := testNow.Add(48 * time.Hour)
	p.clock.Store(&later)
	lose()
	checkServed(t, request(t, http.MethodGet, p.restart(t)+proxied[0]), jpg, "image/jpeg", testNow)
	if n := p.origin.hitsOf("/photo.jpg"); n != 2 {
		t.Fatalf("the origin was asked %d times, want 2", n)
	}

	p.origin.set("/photo.jpg", originFile{contentType: "image/gif", body: gifPicture(t)})
	lose()
	res := request(t, http.MethodGet, p.restart(t)+proxied[0], "If-None-Match", `"`+sumHex(jpg)+`"`)
	checkServed(t, res, gifPicture(t), "image/gif", later)
	img, err := p.store.GetImage(t.Context(), records[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (revue.ImageContent{SHA256: sumHex(gifPicture(t)), Type: "image/gif", FetchedAt: later}); !sameContent(img.Content, want) {
		t.Errorf("after the source changed its picture the store holds %+v, want %+v", img.Content, want)
	}
}

func TestNewRequiresAnImageCacheFolder(t *testing.T) {
	e := newEnv(t)
	if _, err := New(Config{Store: e.store, Images: e.fetcher}); err == nil || !strings.Contains(err.Error(), "ImageCacheDir") {
		t.Errorf("New without an image cache folder: %v, want an error naming ImageCacheDir", err)
	}
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Store: e.store, Images: e.fetcher, ImageCacheDir: file}); err == nil {
		t.Error("New with a file for the image cache folder succeeded")
	}
}
