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
	files := map[string]bool{}
	for i, f := range feeds {
		if f.Name == "" {
			t.Errorf("%s: no name", f.Path)
		}
		// One source per outlet: a name says who, never when it was captured.
		if snapshotMark.MatchString(f.Name) {
			t.Errorf("%s: the name %q carries a capture time", f.Path, f.Name)
		}
		if len(f.Snapshots) == 0 {
			t.Errorf("%s: no snapshot", f.Path)
		}
		for _, name := range f.Snapshots {
			if files[name] {
				t.Errorf("%s: snapshot %s is served by two outlets", f.Path, name)
			}
			files[name] = true
		}
		// The front page opens on Moroccan outlets, Arabic then French.
		if i < 2 && (f.Section != "actualite" || f.Lang != []string{"ar", "fr"}[i]) {
			t.Errorf("outlet %d is %s (%s, %s), want the Moroccan outlets first, Arabic then French", i, f.Name, f.Lang, f.Section)
		}
		if i > 0 && f.Undated.IsZero() && f.Lag < feeds[0].Lag {
			t.Errorf("%s is dated closer to now than %s", f.Name, feeds[0].Name)
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
		for _, name := range f.Snapshots {
			listed["feeds/"+name] = true
		}
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
	pages, err := fs.Glob(articlePages, "pages/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pages {
		data, err := fs.ReadFile(articlePages, name)
		if err != nil {
			t.Fatal(err)
		}
		total += len(data)
	}
	if total > maxBundle {
		t.Errorf("bundle is %d bytes, over the %d budget", total, maxBundle)
	}
	t.Logf("%d feeds, %d bytes embedded", len(Feeds()), total)
}

var xmlEncoding = regexp.MustCompile(`^<\?xml[^>]*encoding=["']([^"']+)["']`)

// snapshotMark is what a capture time in a name looks like: 04:04, 11/02,
// a month.
var snapshotMark = regexp.MustCompile(`\d{1,2}[:/]\d{2}|(?i)\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b|\b20\d\d\b`)

// schedule is a demo that started at start, a minute a step, on a clock the
// test moves.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time { return c.now }

var demoStart = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T) (*httptest.Server, *testClock) {
	t.Helper()
	clock := &testClock{now: demoStart}
	srv := httptest.NewServer(Handler(Schedule{Start: demoStart, Step: time.Minute, Now: clock.Now}))
	t.Cleanup(srv.Close)
	return srv, clock
}

// withoutDates blanks the text of every date element, for comparing a
// served capture with its bundled bytes.
func withoutDates(doc []byte) []byte {
	return dateElement.ReplaceAll(doc, []byte("<$1>$2…$4</$5>"))
}

func TestEveryFeedIsServedAndCached(t *testing.T) {
	srv, _ := newTestServer(t)
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
			file, err := fs.ReadFile(bundled, "feeds/"+f.Snapshots[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(withoutDates(body), withoutDates(file)) {
				t.Errorf("served body differs from the bundled file %s beyond its dates", f.Snapshots[0])
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
	srv, _ := newTestServer(t)
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
	schedule := Schedule{Start: demoStart, Step: time.Minute}
	h, err := newHandler(fsys, "f", []Feed{{Path: "/feeds/big.xml", ContentType: "application/rss+xml; charset=UTF-8", Snapshots: []string{"big.xml"}}}, schedule)
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
		{"gzip, deflate, br", "gzip", nil},
		{"br;q=1.0, gzip;q=0.5", "gzip", nil},
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
		if tt.wantEncoding == "gzip" {
			if body, err = gunzip(body); err != nil {
				t.Errorf("Accept-Encoding %q: the body is not gzip: %v", tt.acceptEncoding, err)
			}
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != tt.wantEncoding || !bytes.Equal(withoutDates(body), withoutDates(plain)) {
			t.Errorf("Accept-Encoding %q: %s, Content-Encoding %q, %d bytes; want %q and the capture",
				tt.acceptEncoding, resp.Status, resp.Header.Get("Content-Encoding"), len(body), tt.wantEncoding)
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q, want Accept-Encoding", tt.acceptEncoding, resp.Header.Get("Vary"))
		}
		etags[resp.Header.Get("ETag")] = true
	}
	if len(etags) != 2 {
		t.Errorf("ETags %v: want one per representation (2)", etags)
	}

	if _, err := newHandler(fsys, "f", []Feed{{Path: "/feeds/missing.xml", Snapshots: []string{"missing.xml"}}}, schedule); err == nil {
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
	h := Handler(Schedule{Start: demoStart, Step: time.Minute})
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

// An outlet captured several times moves to its next capture a step after
// the previous one, with new items dated just before they are served.
func TestOutletsMoveToTheirNextCapture(t *testing.T) {
	srv, clock := newTestServer(t)
	for _, tc := range []struct {
		path string
		at   time.Duration
		want string // the bundled capture served then
	}{
		{"/feeds/hespress-ar.xml", 0, "hespress-ar-1.xml"},
		{"/feeds/hespress-ar.xml", 59 * time.Second, "hespress-ar-1.xml"},
		{"/feeds/hespress-ar.xml", time.Minute, "hespress-ar-2.xml"},
		{"/feeds/hespress-ar.xml", time.Hour, "hespress-ar-2.xml"},
		{"/feeds/aljazeera-en.xml", 0, "aljazeera-en-3.xml"},
		{"/feeds/aljazeera-en.xml", 90 * time.Second, "aljazeera-en-1.xml"},
		{"/feeds/aljazeera-en.xml", 2 * time.Minute, "aljazeera-en-2.xml"},
		{"/feeds/telquel-fr.xml", time.Hour, "telquel-fr.xml"},
	} {
		clock.now = demoStart.Add(tc.at)
		resp := get(t, srv.Client(), srv.URL+tc.path, nil)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		file, err := fs.ReadFile(bundled, "feeds/"+tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(withoutDates(body), withoutDates(file)) {
			t.Errorf("%s at +%v: not the capture %s", tc.path, tc.at, tc.want)
		}
	}
}

// Each capture's dates are moved by one amount: its newest item is dated
// Lag before the capture is served, and the spacing of items is kept.
func TestDatesAreMovedToToday(t *testing.T) {
	srv, clock := newTestServer(t)
	byPath := map[string]Feed{}
	for _, f := range Feeds() {
		byPath[f.Path] = f
	}
	for _, tc := range []struct {
		path     string
		step     int
		snapshot string
	}{
		{"/feeds/hespress-ar.xml", 0, "hespress-ar-1.xml"},
		{"/feeds/hespress-ar.xml", 1, "hespress-ar-2.xml"},
		{"/feeds/lemonde-fr.xml", 0, "lemonde-fr.xml"},
		{"/feeds/bbc-urdu-ur.xml", 0, "bbc-urdu-ur.xml"},
	} {
		f := byPath[tc.path]
		servedAt := demoStart.Add(time.Duration(tc.step) * time.Minute)
		clock.now = servedAt
		resp := get(t, srv.Client(), srv.URL+tc.path, nil)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		served, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		file, _ := fs.ReadFile(bundled, "feeds/"+tc.snapshot)
		original, err := gofeed.NewParser().Parse(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%s: %v", tc.snapshot, err)
		}
		var newest time.Time
		var shift time.Duration
		for i, it := range served.Items {
			got, was := itemDate(it), itemDate(original.Items[i])
			if got.After(newest) {
				newest = got
			}
			if i == 0 {
				shift = got.Sub(was)
			} else if got.Sub(was) != shift {
				t.Errorf("%s item %d moved by %v, item 0 by %v: the spacing changed", tc.path, i, got.Sub(was), shift)
			}
		}
		if want := servedAt.Add(-f.Lag); newest.After(want) || want.Sub(newest) > time.Hour {
			t.Errorf("%s at step %d: newest item dated %v, want about %v (%v before it is served)", tc.path, tc.step, newest, want, f.Lag)
		}
		if lm, err := http.ParseTime(resp.Header.Get("Last-Modified")); err != nil || lm.Before(newest.Truncate(time.Second)) || lm.After(servedAt) {
			t.Errorf("%s: Last-Modified %q, want between the newest item and the serving time", tc.path, resp.Header.Get("Last-Modified"))
		}
	}
	// A capture without any date keeps its text and says when it is from.
	resp := get(t, srv.Client(), srv.URL+"/feeds/dival-es.xml", nil)
	resp.Body.Close()
	if lm, err := http.ParseTime(resp.Header.Get("Last-Modified")); err != nil || !lm.Equal(byPath["/feeds/dival-es.xml"].Undated) {
		t.Errorf("the undated capture: Last-Modified %q, want its own day", resp.Header.Get("Last-Modified"))
	}
}

func itemDate(it *gofeed.Item) time.Time {
	if it.PublishedParsed != nil {
		return *it.PublishedParsed
	}
	if it.UpdatedParsed != nil {
		return *it.UpdatedParsed
	}
	return time.Time{}
}

// The demo's own publisher: every link of its summary-only feed is a page
// the demo serves, HTML in UTF-8, and every bundled page is linked.
func TestPublisherPages(t *testing.T) {
	srv, _ := newTestServer(t)
	resp := get(t, srv.Client(), srv.URL+"/feeds/selection-multi.xml", nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(articlePages, "pages/*.html.gz")
	if err != nil || len(names) == 0 || len(f.Items) != len(names) {
		t.Fatalf("%d pages bundled (%v), %d items in the feed: one item per page", len(names), err, len(f.Items))
	}
	for _, it := range f.Items {
		if len(strings.Fields(it.Description)) >= 120 {
			t.Errorf("%s: the summary has %d words; the crawler reads the page only of short ones", it.Link, len(strings.Fields(it.Description)))
		}
		page := get(t, srv.Client(), srv.URL+it.Link, nil)
		html, _ := io.ReadAll(page.Body)
		page.Body.Close()
		if page.StatusCode != http.StatusOK || page.Header.Get("Content-Type") != "text/html; charset=utf-8" || !bytes.Contains(html, []byte("<html")) {
			t.Errorf("%s: %s %q, %d bytes; want the HTML page", it.Link, page.Status, page.Header.Get("Content-Type"), len(html))
		}
	}
}
