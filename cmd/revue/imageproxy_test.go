package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
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

// pngPicture is a real 1×1 PNG.
var pngPicture = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// imageSite is a publisher on loopback: it serves pictures, sets a
// tracking cookie, and records every request and connection.
type imageSite struct {
	*httptest.Server
	connections atomic.Int64
	mu          sync.Mutex
	requests    []*http.Request
}

func newImageSite(t *testing.T, pictures map[string][]byte) *imageSite {
	t.Helper()
	s := &imageSite{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Clone(context.Background()))
		s.mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			io.WriteString(w, "User-agent: *\nAllow: /\n")
			return
		}
		body, ok := pictures[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "tracker", Value: "reader-42", Path: "/"})
		w.Header().Set("Content-Type", "image/png")
		w.Write(body)
	}))
	s.Listener = countingListener{s.Listener, &s.connections}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// picturesAsked are the requests for anything but robots.txt.
func (s *imageSite) picturesAsked() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*http.Request
	for _, r := range s.requests {
		if r.URL.Path != "/robots.txt" {
			out = append(out, r)
		}
	}
	return out
}

// startPortal runs the portal as `revue serve --no-crawl` does, with env as
// its environment, until the test ends; it returns its URL and store.
func startPortal(t *testing.T, env map[string]string) (string, revue.Store) {
	t.Helper()
	ta := &testApp{t: t, env: env}
	a := ta.app(io.Discard, io.Discard)
	cfg, _, err := a.serveSettings(nil)
	if err != nil {
		t.Fatalf("serve's settings: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := openStore(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.runPortal(ctx, &cfg, st, ln, false, a.logger("error"), func(u string) { ready <- u }, portalVia{}); err != nil {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done; st.Close() })
	select {
	case u := <-ready:
		return u, st
	case <-done:
		t.Fatal("the portal stopped before it was ready")
	}
	return "", nil
}

// showImages stores an article showing these URLs and returns their
// proxy paths.
func showImages(t *testing.T, st revue.Store, urls ...string) []string {
	t.Helper()
	ctx := t.Context()
	src, err := st.AddSource(ctx, revue.Source{Name: "Le Matin", FeedURL: "https://lematin.example/rss", Enabled: true}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var images []revue.Image
	for _, u := range urls {
		images = append(images, revue.Image{URL: u})
	}
	res, err := st.SaveArticles(ctx, src.ID, []revue.Article{{GUID: "a", URL: "https://lematin.example/a", CanonicalURL: "https://lematin.example/a",
		Title: "Un article", Lang: "fr", PublishedAt: time.Now(), Images: images}}, time.Now())
	if err != nil || len(res.New) != 1 {
		t.Fatalf("saving the article: %+v, %v", res, err)
	}
	var paths []string
	for _, img := range res.New[0].Images {
		paths = append(paths, "/images/"+strconv.FormatInt(img.ID, 10))
	}
	return paths
}

func fetchURL(t *testing.T, url string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func portalEnv(t *testing.T, extra map[string]string) map[string]string {
	env := map[string]string{
		"REVUE_DATABASE":   filepath.Join(t.TempDir(), "revue.db"),
		"REVUE_HOST_DELAY": "0s",
		"REVUE_LOG_LEVEL":  "error",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// What the reader's browser sent is not passed on to the publisher, and
// what the publisher sets is not passed back.
func TestImageProxyPassesNoCookieOrReferrer(t *testing.T) {
	site := newImageSite(t, map[string][]byte{"/a.png": pngPicture, "/b.png": append(bytes.Clone(pngPicture), 'b')})
	base, st := startPortal(t, portalEnv(t, map[string]string{"REVUE_ALLOW_PRIVATE_NETWORKS": "1"}))
	paths := showImages(t, st, site.URL+"/a.png", site.URL+"/b.png")
	reader := []string{
		"Cookie", "session=reader-secret; tracker=reader-42",
		"Referer", base + "/articles/1-un-article",
		"Authorization", "Basic cmVhZGVyOnNlY3JldA==",
		"X-Forwarded-For", "203.0.113.9",
	}
	for _, path := range paths {
		status, header, body := fetchURL(t, base+path, reader...)
		if status != http.StatusOK || len(body) < len(pngPicture) {
			t.Fatalf("GET %s: %d, %d bytes", path, status, len(body))
		}
		if c := header.Get("Set-Cookie"); c != "" {
			t.Errorf("the publisher's cookie reached the reader: Set-Cookie %q", c)
		}
	}
	asked := site.picturesAsked()
	if len(asked) != 2 {
		t.Fatalf("the publisher was asked for %d pictures, want 2", len(asked))
	}
	for _, r := range asked {
		for _, h := range []string{"Cookie", "Referer", "Authorization", "X-Forwarded-For", "Forwarded"} {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("the publisher received %s: %q for %s", h, v, r.URL.Path)
			}
		}
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "Revue/") {
			t.Errorf("the publisher saw User-Agent %q, want Revue's own", ua)
		}
	}
}

// The production fetcher's refusals reach the reader as the blank image,
// and nothing of the refused file is kept.
func TestImageProxyRefusalsOfTheProductionFetcher(t *testing.T) {
	const imageCap = 10 << 20 // fetch.DefaultConfig's MaxImageBytes
	huge := append(bytes.Clone(pngPicture), bytes.Repeat([]byte{0}, imageCap+1-len(pngPicture))...)
	atCap := huge[:imageCap]
	tests := []struct {
		name    string
		env     map[string]string
		picture []byte
		status  int
	}{
		{"a picture at the size cap is served", map[string]string{"REVUE_ALLOW_PRIVATE_NETWORKS": "1"}, atCap, http.StatusOK},
		{"a picture over the size cap is refused", map[string]string{"REVUE_ALLOW_PRIVATE_NETWORKS": "1"}, huge, http.StatusBadGateway},
		{"a private address is refused before connecting", nil, pngPicture, http.StatusBadGateway},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newImageSite(t, map[string][]byte{"/p.png": tc.picture})
			env := portalEnv(t, tc.env)
			base, st := startPortal(t, env)
			path := showImages(t, st, site.URL+"/p.png")[0]
			status, header, body := fetchURL(t, base+path)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/images/"), 10, 64)
			img, err := st.GetImage(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			cached := filepath.Join(env["REVUE_DATABASE"]+"-images", sha256Hex(tc.picture)[:2], sha256Hex(tc.picture))
			_, statErr := os.Stat(cached)
			if tc.status == http.StatusOK {
				if !bytes.Equal(body, tc.picture) || img.Content.SHA256 != sha256Hex(tc.picture) || statErr != nil {
					t.Errorf("served %d bytes, recorded %q, cache file %v; want the picture, its hash, the file beside the database",
						len(body), img.Content.SHA256, statErr)
				}
				return
			}
			if header.Get("Content-Type") != "image/gif" || len(body) > 100 || img.Content.SHA256 != "" || statErr == nil {
				t.Errorf("answered %s, %d bytes; recorded %q; cache file %v; want the blank GIF and nothing kept",
					header.Get("Content-Type"), len(body), img.Content.SHA256, statErr)
			}
			if tc.env == nil && site.connections.Load() != 0 {
				t.Errorf("the loopback publisher accepted %d connections; the guard must refuse before connecting", site.connections.Load())
			}
		})
	}
}

// `revue serve` keeps pictures beside its SQLite database, so a restart
// does not fetch them again.
func TestImageProxyCacheSurvivesARestartOfServe(t *testing.T) {
	site := newImageSite(t, map[string][]byte{"/a.png": pngPicture})
	env := portalEnv(t, map[string]string{"REVUE_ALLOW_PRIVATE_NETWORKS": "1"})
	var path string
	for run := range 2 {
		t.Run("run "+strconv.Itoa(run+1), func(t *testing.T) {
			base, st := startPortal(t, env)
			if path == "" {
				path = showImages(t, st, site.URL+"/a.png")[0]
			}
			status, header, body := fetchURL(t, base+path)
			if status != http.StatusOK || !bytes.Equal(body, pngPicture) || header.Get("ETag") != `"`+sha256Hex(pngPicture)+`"` {
				t.Fatalf("GET %s: %d, %d bytes, ETag %q", path, status, len(body), header.Get("ETag"))
			}
		})
	}
	if n := len(site.picturesAsked()); n != 1 {
		t.Errorf("the publisher was asked %d times over two runs of the portal, want once", n)
	}
}

func TestImageCacheSettings(t *testing.T) {
	cacheHome := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cacheHome)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	notAFolder := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notAFolder, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	const pg = "postgres://revue@db.internal/revue"
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		setup    func(t *testing.T)
		wantDir  string
		wantSize int64
		wantErr  string
	}{
		{name: "beside the default SQLite database", wantDir: "revue.db-images", wantSize: 512 << 20},
		{name: "beside a SQLite database given", args: []string{"--db", "/srv/revue/news.db"}, wantDir: "/srv/revue/news.db-images", wantSize: 512 << 20},
		{name: "beside a SQLite file: URI", env: map[string]string{"REVUE_DATABASE": "file:/srv/revue/news.db?_pragma=busy_timeout(1000)"}, wantDir: "/srv/revue/news.db-images", wantSize: 512 << 20},
		{name: "PostgreSQL: the user's cache folder", env: map[string]string{"REVUE_DATABASE": pg}, wantDir: filepath.Join(cacheHome, "revue", "images"), wantSize: 512 << 20},
		{name: "PostgreSQL without a usable cache folder: the temporary folder", env: map[string]string{"REVUE_DATABASE": pg},
			setup:   func(t *testing.T) { t.Setenv("XDG_CACHE_HOME", notAFolder) },
			wantDir: filepath.Join(tmp, "revue-images-"+strconv.Itoa(os.Getuid())), wantSize: 512 << 20},
		{name: "an in-memory SQLite database", args: []string{"--db", "file::memory:?cache=shared"}, wantDir: filepath.Join(cacheHome, "revue", "images"), wantSize: 512 << 20},
		{name: "the folder and size from the environment", env: map[string]string{"REVUE_IMAGE_CACHE": "/var/cache/revue/images", "REVUE_IMAGE_CACHE_SIZE": "2GB"},
			wantDir: "/var/cache/revue/images", wantSize: 2_000_000_000},
		{name: "flags beat the environment", env: map[string]string{"REVUE_IMAGE_CACHE": "/env", "REVUE_IMAGE_CACHE_SIZE": "2GB"},
			args: []string{"--image-cache", "/flag", "--image-cache-size", "64MiB"}, wantDir: "/flag", wantSize: 64 << 20},
		{name: "a size in bytes", args: []string{"--image-cache-size", "1048576"}, wantDir: "revue.db-images", wantSize: 1 << 20},
		{name: "a size that is no size", env: map[string]string{"REVUE_IMAGE_CACHE_SIZE": "lots"}, wantErr: `"lots" is not a size`},
		{name: "a size of nothing", args: []string{"--image-cache-size", "0MiB"}, wantErr: `"0MiB" is not a size`},
		{name: "a negative size", args: []string{"--image-cache-size", "-5MiB"}, wantErr: `"-5MiB" is not a size`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			ta := &testApp{t: t, env: tc.env}
			cfg, _, err := ta.app(io.Discard, io.Discard).serveSettings(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if dir := imageCacheDir(&cfg); dir != tc.wantDir || cfg.ImageCacheSize != tc.wantSize {
				t.Errorf("image cache %q of %d bytes, want %q of %d", dir, cfg.ImageCacheSize, tc.wantDir, tc.wantSize)
			}
		})
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// The configured bound reaches the proxy: with room for less than four
// copies of the picture it is not kept, and each request fetches it.
func TestImageCacheSizeReachesThePortal(t *testing.T) {
	for _, tc := range []struct {
		size  int
		asked int
	}{{4 * len(pngPicture), 1}, {4*len(pngPicture) - 1, 3}} {
		t.Run(strconv.Itoa(tc.size)+" bytes", func(t *testing.T) {
			site := newImageSite(t, map[string][]byte{"/a.png": pngPicture})
			base, st := startPortal(t, portalEnv(t, map[string]string{
				"REVUE_ALLOW_PRIVATE_NETWORKS": "1",
				"REVUE_IMAGE_CACHE_SIZE":       strconv.Itoa(tc.size),
			}))
			path := showImages(t, st, site.URL+"/a.png")[0]
			for range 3 {
				if status, _, body := fetchURL(t, base+path); status != http.StatusOK || !bytes.Equal(body, pngPicture) {
					t.Fatalf("GET %s: %d, %d bytes", path, status, len(body))
				}
			}
			if n := len(site.picturesAsked()); n != tc.asked {
				t.Errorf("three requests reached the publisher %d times, want %d", n, tc.asked)
			}
		})
	}
}
