package demo

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mmcdole/gofeed"

	"revue/internal/defaults"
)

// maxBundle keeps the binary small; the brief allows about 5 MB.
const maxBundle = 5 << 20

func TestFeedsTable(t *testing.T) {
	feeds := Feeds()
	if len(feeds) < 20 {
		t.Errorf("%d feeds bundled, want about twenty or more", len(feeds))
	}
	langs := map[string]int{}
	paths := map[string]bool{}
	for _, f := range feeds {
		if f.Name == "" {
			t.Errorf("%s: no name", f.Path)
		}
		if !strings.HasPrefix(f.Path, "/feeds/") || paths[f.Path] {
			t.Errorf("%s: path must be unique and under /feeds/", f.Path)
		}
		paths[f.Path] = true
		if !slices.Contains(defaults.Sections(), f.Section) {
			t.Errorf("%s: section %q not in %v", f.Path, f.Section, defaults.Sections())
		}
		if f.Region != "" && !slices.Contains(defaults.MoroccanRegions(), f.Region) {
			t.Errorf("%s: region %q is not a Moroccan region slug", f.Path, f.Region)
		}
		langs[f.Lang]++
	}
	// The four first-class languages, plus a right-to-left script beyond Arabic.
	for _, l := range []string{"ar", "fr", "es", "en", "ur"} {
		if langs[l] == 0 {
			t.Errorf("no bundled feed in %s", l)
		}
	}
}

// TestBundleMatchesTable checks that every embedded file is listed (a file
// nobody serves is dead weight) and that the bundle stays small.
func TestBundleMatchesTable(t *testing.T) {
	listed := map[string]bool{}
	for _, f := range Feeds() {
		listed["feeds/"+strings.TrimPrefix(f.Path, "/feeds/")] = true
	}
	total := 0
	err := fs.WalkDir(bundled, "feeds", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(bundled, name)
		if err != nil {
			return err
		}
		total += len(data)
		if !listed[strings.TrimSuffix(name, ".gz")] {
			t.Errorf("%s is embedded but not listed in Feeds", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxBundle {
		t.Errorf("bundle is %d bytes, over the %d budget", total, maxBundle)
	}
	t.Logf("%d feeds, %d bytes embedded", len(Feeds()), total)
}

var xmlEncoding = regexp.MustCompile(`^<\?xml[^>]*encoding=["']([^"']+)["']`)

func TestEveryFeedIsServedAndCached(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	client := srv.Client()

	for _, f := range Feeds() {
		t.Run(strings.TrimPrefix(f.Path, "/feeds/"), func(t *testing.T) {
			resp := get(t, client, srv.URL+f.Path, nil)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %s", f.Path, resp.Status)
			}
			file, err := fs.ReadFile(bundled, "feeds/"+strings.TrimPrefix(f.Path, "/feeds/"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, file) {
				t.Errorf("served body differs from the bundled file")
			}

			// The Content-Type names the charset exactly when the file declares one.
			if got := resp.Header.Get("Content-Type"); got != f.ContentType {
				t.Errorf("Content-Type %q, want %q", got, f.ContentType)
			}
			_, params, err := mime.ParseMediaType(f.ContentType)
			if err != nil {
				t.Fatalf("table Content-Type %q: %v", f.ContentType, err)
			}
			declared := ""
			if m := xmlEncoding.FindSubmatch(bytes.TrimPrefix(file, []byte("\xEF\xBB\xBF"))); m != nil {
				declared = string(m[1])
			}
			if params["charset"] != declared {
				t.Errorf("Content-Type charset %q, but the file declares %q", params["charset"], declared)
			}

			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed cannot parse the served feed: %v", err)
			}
			if len(feed.Items) == 0 {
				t.Fatalf("the served feed has no items")
			}
			wantType := map[string]string{"rss": "application/rss+xml", "atom": "application/atom+xml"}[feed.FeedType]
			if !strings.HasPrefix(f.ContentType, wantType+";") && f.ContentType != wantType {
				t.Errorf("Content-Type %q for a %s feed", f.ContentType, feed.FeedType)
			}

			etag := resp.Header.Get("ETag")
			lastModified := resp.Header.Get("Last-Modified")
			if etag == "" || lastModified == "" {
				t.Fatalf("ETag %q, Last-Modified %q: both are needed for conditional GET", etag, lastModified)
			}
			for name, header := range map[string]http.Header{
				"If-None-Match":     {"If-None-Match": {etag}},
				"If-Modified-Since": {"If-Modified-Since": {lastModified}},
			} {
				again := get(t, client, srv.URL+f.Path, header)
				n, _ := io.Copy(io.Discard, again.Body)
				again.Body.Close()
				if again.StatusCode != http.StatusNotModified || n != 0 {
					t.Errorf("second GET with %s: %s with %d bytes, want 304 and no body", name, again.Status, n)
				}
			}
			stale := get(t, client, srv.URL+f.Path, http.Header{"If-None-Match": {`"something-else"`}})
			stale.Body.Close()
			if stale.StatusCode != http.StatusOK {
				t.Errorf("GET with a stale ETag: %s, want 200", stale.Status)
			}
		})
	}
}

func TestHandlerRefusesOtherRequests(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/feeds/nope.xml", http.StatusNotFound},
		{http.MethodGet, "/", http.StatusNotFound},
		{http.MethodGet, "/feeds/rue89-fr.xml/", http.StatusNotFound},
		{http.MethodPost, "/feeds/rue89-fr.xml", http.StatusMethodNotAllowed},
		{http.MethodHead, "/feeds/rue89-fr.xml", http.StatusOK},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: %s, want %d", tt.method, tt.path, resp.Status, tt.want)
		}
	}
}

// TestGzipFiles covers feeds stored compressed (name.xml.gz): no shipped
// feed is, so a test file system stands in for the bundle.
func TestGzipFiles(t *testing.T) {
	plain, err := fs.ReadFile(bundled, "feeds/hespress-ar-1.xml")
	if err != nil {
		t.Fatal(err)
	}
	var compressed bytes.Buffer
	zw := gzip.NewWriter(&compressed)
	zw.Write(plain)
	zw.Close()
	fsys := fstest.MapFS{"f/big.xml.gz": {Data: compressed.Bytes(), ModTime: time.Now()}}
	h, err := newHandler(fsys, "f", []Feed{{Path: "/feeds/big.xml", ContentType: "application/rss+xml; charset=UTF-8"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := []struct {
		acceptEncoding string
		wantEncoding   string
		wantBody       []byte
	}{
		{"gzip, deflate, br", "gzip", compressed.Bytes()},
		{"br;q=1.0, gzip;q=0.5", "gzip", compressed.Bytes()},
		{"gzip;q=0", "", plain},
		{"identity", "", plain},
		{"", "", plain},
	}
	etags := map[string]bool{}
	for _, tt := range tests {
		// A Transport that asks for nothing itself, so the answer is seen as sent.
		client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		header := http.Header{}
		if tt.acceptEncoding != "" {
			header.Set("Accept-Encoding", tt.acceptEncoding)
		}
		resp := get(t, client, srv.URL+"/feeds/big.xml", header)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != tt.wantEncoding || !bytes.Equal(body, tt.wantBody) {
			t.Errorf("Accept-Encoding %q: %s, Content-Encoding %q, %d bytes; want %q and %d bytes",
				tt.acceptEncoding, resp.Status, resp.Header.Get("Content-Encoding"), len(body), tt.wantEncoding, len(tt.wantBody))
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q, want Accept-Encoding", tt.acceptEncoding, resp.Header.Get("Vary"))
		}
		etags[resp.Header.Get("ETag")] = true
	}
	if len(etags) != 2 {
		t.Errorf("ETags %v: want one per representation (2)", etags)
	}

	if _, err := newHandler(fsys, "f", []Feed{{Path: "/feeds/missing.xml"}}); err == nil {
		t.Error("newHandler accepted a feed with no file")
	}
}

func get(t *testing.T, client *http.Client, url string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func BenchmarkServeFeed(b *testing.B) {
	h := Handler()
	req := httptest.NewRequest(http.MethodGet, "/feeds/guardian-en.xml", nil)
	b.ReportAllocs()
	for range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
