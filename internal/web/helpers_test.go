package web

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"revue"
	"revue/internal/store/sqlite"
)

// testNow is the injected clock: the reference page's date.
var testNow = time.Date(2021, 3, 16, 12, 0, 0, 0, time.UTC)

// httpImageFetcher is the simplest real ImageFetcher: a GET on loopback.
type httpImageFetcher struct {
	client *http.Client
	calls  atomic.Int64
}

func (f *httpImageFetcher) FetchImage(ctx context.Context, url string) (string, []byte, error) {
	f.calls.Add(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("fetching %s: server answered %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 5<<20))
	return resp.Header.Get("Content-Type"), body, err
}

// pngPixel is a real 1×1 PNG.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// otherPNG is another real picture: a 2×1 PNG, a distinct content hash.
var otherPNG = func() []byte {
	img := image.NewGray(image.Rect(0, 0, 2, 1))
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// newOrigin serves the "source websites": images of several kinds.
func newOrigin(t testing.TB) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/img/{name}", func(w http.ResponseWriter, r *http.Request) {
		switch name := r.PathValue("name"); {
		case strings.HasPrefix(name, "other") && strings.HasSuffix(name, ".png"):
			w.Header().Set("Content-Type", "image/png")
			w.Write(otherPNG)
		case strings.HasSuffix(name, ".png"):
			w.Header().Set("Content-Type", "image/png")
			w.Write(pngPixel)
		case name == "page.html": // an "image" URL that answers with a web page
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<html><script>alert(1)</script></html>"))
		case name == "lying.jpg": // HTML that claims to be a JPEG
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<html><script>alert(1)</script></html>"))
		case name == "vector.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type testEnv struct {
	store   *sqlite.Store
	dbPath  string
	server  *Server
	portal  *httptest.Server
	origin  *httptest.Server
	fetcher *httpImageFetcher
}

func newEnv(t testing.TB, mutate ...func(*Config)) *testEnv {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "revue.db")
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	origin := newOrigin(t)
	fetcher := &httpImageFetcher{client: origin.Client()}
	e := &testEnv{store: st, dbPath: dbPath, origin: origin, fetcher: fetcher}
	// The portal's base URL is only known once it listens; the handler is
	// swapped in after New.
	var handler atomic.Value
	e.portal = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(e.portal.Close)
	cfg := Config{
		Store:    st,
		BaseURL:  e.portal.URL,
		Images:   fetcher,
		Now:      func() time.Time { return testNow },
		LivePoll: 20 * time.Millisecond,
		// The image proxy's disk cache.
		ImageCacheDir: filepath.Join(t.TempDir(), "images"),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.server = srv
	handler.Store(srv.Handler())
	return e
}

func (e *testEnv) addSource(t testing.TB, name, lang string) revue.Source {
	t.Helper()
	src, err := e.store.AddSource(context.Background(), revue.Source{
		Name:    name,
		FeedURL: "https://" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example/feed",
		SiteURL: "https://" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example/",
		Lang:    lang,
		Enabled: true,
	}, testNow)
	if err != nil {
		t.Fatalf("adding source %s: %v", name, err)
	}
	return src
}

func (e *testEnv) save(t testing.TB, src revue.Source, articles ...revue.Article) []revue.Article {
	t.Helper()
	for i := range articles {
		if articles[i].GUID == "" {
			articles[i].GUID = articles[i].URL
		}
		if articles[i].CanonicalURL == "" {
			articles[i].CanonicalURL = articles[i].URL
		}
	}
	res, err := e.store.SaveArticles(context.Background(), src.ID, articles, testNow)
	if err != nil {
		t.Fatalf("saving articles: %v", err)
	}
	saved := res.New
	if len(saved) != len(articles) {
		t.Fatalf("saved %d of %d articles", len(saved), len(articles))
	}
	return saved
}

// blockImage sets an image's status the way moderation will, straight in
// the database: the Store interface has no method for it yet.
func (e *testEnv) blockImage(t *testing.T, id int64) {
	t.Helper()
	db, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`PRAGMA busy_timeout = 5000`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE images SET status = 'blocked' WHERE id = ?`, id); err != nil {
		t.Fatalf("blocking image %d: %v", id, err)
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

// get fetches path without following redirects.
func (e *testEnv) get(t *testing.T, path string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.portal.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading GET %s: %v", path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing HTML: %v", err)
	}
	return doc
}

// visibleText is the page's text with whitespace collapsed, as a reader sees it.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}
