package crawl

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"revue"
	"revue/internal/fetch"
	"revue/internal/store/postgres"
	"revue/internal/store/sqlite"
)

// The farm is sized so one iteration ingests 10 000 articles: big enough
// that per-pass overheads (claims, robots.txt) are amortised, small enough
// that an iteration stays within a few seconds on two cores.
const (
	ingestFeeds        = 200
	ingestItemsPerFeed = 50
	ingestConcurrency  = 8 // per worker, as `revue crawl --workers 8`
)

// BenchmarkIngest measures end-to-end crawl throughput: loopback HTTP fetch,
// charset decoding, feed parsing, language detection, SaveArticles and
// RecordFetch, for 1, 2 and 4 crawl workers sharing one database.
//
// Each worker is a Crawler with its own name, its own fetch.Client and its
// own Store handle on the shared database, as a separate `revue crawl`
// process would have; they divide the sources between them through the
// store's leases. Every iteration publishes a new generation of items, so
// every item fetched is new and is written.
//
// Metrics: articles/s is new articles stored per wall-clock second;
// ms/feed is wall-clock time per feed (the inverse of feed throughput, not
// the latency of one fetch).
func BenchmarkIngest(b *testing.B) {
	templates := ingestTemplates(b)
	for _, backend := range []struct {
		name string
		open func(b *testing.B) func(b *testing.B) revue.Store
	}{
		{"sqlite", sqliteDatabase},
		{"postgres", postgresDatabase},
	} {
		for _, workers := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%s/workers=%d", backend.name, workers), func(b *testing.B) {
				benchmarkIngest(b, backend.open(b), workers, templates)
			})
		}
	}
}

func benchmarkIngest(b *testing.B, openStore func(b *testing.B) revue.Store, workers int, templates map[string][]itemTemplate) {
	ctx := context.Background()
	passClock := &clock{now: time.Date(2026, 3, 25, 8, 0, 0, 0, time.UTC)}
	farm := newIngestFarm(b)

	stores := make([]revue.Store, workers)
	for i := range stores {
		stores[i] = openStore(b)
	}
	for f := range ingestFeeds {
		lang := feedLang(f)
		_, err := stores[0].AddSource(ctx, revue.Source{
			Name: fmt.Sprintf("Feed %03d (%s)", f, lang), FeedURL: farm.feedURL(f),
			SiteURL: farm.server.URL, Lang: lang, Section: "actualite", Enabled: true,
		}, passClock.Now())
		if err != nil {
			b.Fatalf("adding feed %d: %v", f, err)
		}
	}
	crawlers := make([]*Crawler, workers)
	for i := range crawlers {
		cfg := fetch.DefaultConfig("Revue/bench (+http://127.0.0.1)")
		cfg.AllowPrivateNetworks = true
		cfg.HostDelay = 0
		cfg.HostConcurrency = 64
		cfg.GlobalConcurrency = 64
		fc, err := fetch.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		crawlers[i], err = New(Config{
			Store: stores[i], Fetcher: fc, Worker: fmt.Sprintf("bench-worker-%d", i+1),
			Concurrency: ingestConcurrency, Now: passClock.Now, Seed: uint64(i + 1),
		})
		if err != nil {
			b.Fatal(err)
		}
	}

	stored := storedArticles(b, stores[0])
	var (
		generation int
		elapsed    time.Duration
		ingested   int
		feeds      int
	)
	for b.Loop() {
		b.StopTimer()
		generation++
		// The clock stands still during a pass and jumps between passes,
		// so every source was last fetched before the new pass began (and
		// is due for an everything-pass) and no lease expires mid-pass.
		passClock.Advance(time.Hour)
		farm.publish(renderGeneration(farm, templates, generation, passClock.Now()))
		b.StartTimer()

		start := time.Now()
		sums := make([]Summary, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for i, c := range crawlers {
			wg.Go(func() { sums[i], errs[i] = c.Once(ctx, true) })
		}
		wg.Wait()
		elapsed += time.Since(start)

		b.StopTimer()
		var total Summary
		for i, s := range sums {
			if errs[i] != nil {
				b.Fatalf("worker %d: %v", i+1, errs[i])
			}
			total.Sources += s.Sources
			total.Failed += s.Failed
			total.Articles += s.Articles
		}
		if total.Sources != ingestFeeds || total.Failed != 0 {
			b.Fatalf("generation %d: workers fetched %d sources (%d failed), want each of the %d exactly once without failure",
				generation, total.Sources, total.Failed, ingestFeeds)
		}
		now := storedArticles(b, stores[0])
		if grew, want := now-stored, int64(ingestFeeds*ingestItemsPerFeed); grew != want || total.Articles != int(want) {
			b.Fatalf("generation %d: the store grew by %d articles and the workers reported %d new, want %d (%d feeds × %d items)",
				generation, grew, total.Articles, want, ingestFeeds, ingestItemsPerFeed)
		}
		stored = now
		ingested += total.Articles
		feeds += total.Sources
		b.StartTimer()
	}
	b.ReportMetric(float64(ingested)/elapsed.Seconds(), "articles/s")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(feeds), "ms/feed")
}

// storedArticles counts every stored article through the Store interface.
func storedArticles(b *testing.B, s revue.Store) int64 {
	b.Helper()
	sources, err := s.ListSources(context.Background())
	if err != nil {
		b.Fatalf("counting stored articles: %v", err)
	}
	var n int64
	for _, src := range sources {
		n += src.Articles
	}
	return n
}

// sqliteDatabase makes a fresh, migrated SQLite file and returns a function
// opening one more handle on it per worker.
func sqliteDatabase(b *testing.B) func(b *testing.B) revue.Store {
	path := filepath.Join(b.TempDir(), "ingest.db")
	migrated := false
	return func(b *testing.B) revue.Store {
		ctx := context.Background()
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		if !migrated {
			if err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			migrated = true
		}
		return s
	}
}

// postgresDatabase creates a database of its own on REVUE_TEST_POSTGRES,
// dropped at cleanup, and returns a function opening one more pool on it per
// worker.
func postgresDatabase(b *testing.B) func(b *testing.B) revue.Store {
	server := os.Getenv("REVUE_TEST_POSTGRES")
	if server == "" {
		b.Skip("REVUE_TEST_POSTGRES is not set: set it to a postgres:// URL of a server where benchmarks may create databases, or run scripts/test, which starts one")
	}
	ctx := context.Background()
	suffix := make([]byte, 6)
	rand.Read(suffix)
	name := "revue_bench_" + hex.EncodeToString(suffix)
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		b.Fatalf("connecting to the PostgreSQL server in REVUE_TEST_POSTGRES: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		b.Fatalf("creating database %s: %v", name, err)
	}
	// Registered before any pool is opened, so it runs after they close.
	b.Cleanup(func() {
		admin, err := pgx.Connect(ctx, server)
		if err != nil {
			b.Errorf("connecting to drop database %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			b.Errorf("dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		b.Fatalf("REVUE_TEST_POSTGRES is not a URL: %v", err)
	}
	u.Path = "/" + name
	migrated := false
	return func(b *testing.B) revue.Store {
		s, err := postgres.Open(ctx, u.String())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		if !migrated {
			if err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			migrated = true
		}
		return s
	}
}

// ingestFarm serves the current generation of every feed on loopback.
type ingestFarm struct {
	server *httptest.Server
	bodies atomic.Pointer[[][]byte]
	gen    atomic.Int64
}

func newIngestFarm(b *testing.B) *ingestFarm {
	farm := &ingestFarm{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
	})
	mux.HandleFunc("GET /feeds/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("n"), ".xml"))
		bodies := farm.bodies.Load()
		if err != nil || bodies == nil || n < 0 || n >= len(*bodies) {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"g%d-f%d"`, farm.gen.Load(), n)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write((*bodies)[n])
	})
	farm.server = httptest.NewServer(mux)
	b.Cleanup(farm.server.Close)
	return farm
}

func (f *ingestFarm) feedURL(n int) string {
	return fmt.Sprintf("%s/feeds/%d.xml", f.server.URL, n)
}

func (f *ingestFarm) publish(bodies [][]byte) {
	f.bodies.Store(&bodies)
	f.gen.Add(1)
}

// feedLang alternates Arabic (Hespress items) and French (TelQuel items).
func feedLang(feed int) string {
	if feed%2 == 0 {
		return "ar"
	}
	return "fr"
}

// itemTemplate is a real item from the crawl fixtures; generated items keep
// its words and take new links.
type itemTemplate struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	Description string `xml:"description"`
	Enclosure   struct {
		URL  string `xml:"url,attr"`
		Type string `xml:"type,attr"`
	} `xml:"enclosure"`
}

// ingestTemplates reads the real items of the fixtures, by language.
func ingestTemplates(b *testing.B) map[string][]itemTemplate {
	b.Helper()
	out := map[string][]itemTemplate{}
	for lang, name := range map[string]string{"ar": "hespress-ar.xml", "fr": "telquel-fr.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		var doc struct {
			Items []itemTemplate `xml:"channel>item"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			b.Fatalf("reading the items of testdata/%s: %v", name, err)
		}
		if len(doc.Items) == 0 {
			b.Fatalf("testdata/%s has no items to use as templates", name)
		}
		out[lang] = doc.Items
	}
	return out
}

// renderGeneration writes every feed of one generation: items with links
// no earlier generation used, published over the hour before now.
func renderGeneration(farm *ingestFarm, templates map[string][]itemTemplate, gen int, now time.Time) [][]byte {
	bodies := make([][]byte, ingestFeeds)
	for f := range bodies {
		lang := feedLang(f)
		pool := templates[lang]
		var buf bytes.Buffer
		buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">` + "\n<channel>\n")
		fmt.Fprintf(&buf, "<title>Feed %03d</title>\n<link>%s</link>\n<description>Revue ingest benchmark feed</description>\n<language>%s</language>\n<lastBuildDate>%s</lastBuildDate>\n",
			f, farm.server.URL, lang, now.Format(time.RFC1123Z))
		for i := range ingestItemsPerFeed {
			t := pool[(f+i)%len(pool)]
			link := generatedURL(t.Link, gen, f, i)
			image := generatedURL(t.Enclosure.URL, gen, f, i)
			description := "<p>" + t.Description + "</p>\n<p><strong>" + t.Title + "</strong> — <a href=\"" + link + "\">" +
				map[string]string{"ar": "اقرأ المزيد", "fr": "Lire la suite"}[lang] + "</a></p>"
			buf.WriteString("<item>\n<title>")
			xml.EscapeText(&buf, []byte(t.Title))
			buf.WriteString("</title>\n<link>")
			xml.EscapeText(&buf, []byte(link))
			buf.WriteString("</link>\n<description>")
			xml.EscapeText(&buf, []byte(description))
			buf.WriteString("</description>\n<guid isPermaLink=\"true\">")
			xml.EscapeText(&buf, []byte(link))
			fmt.Fprintf(&buf, "</guid>\n<enclosure url=\"%s\" length=\"48213\" type=\"%s\"/>\n<pubDate>%s</pubDate>\n</item>\n",
				escapeAttr(image), escapeAttr(t.Enclosure.Type), now.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z))
		}
		buf.WriteString("</channel>\n</rss>\n")
		bodies[f] = buf.Bytes()
	}
	return bodies
}

// generatedURL keeps the template's host and last path segment and puts the
// generation, feed and item in the path, so canonicalisation (which may drop
// queries) cannot fold two generated items together.
func generatedURL(template string, gen, feed, item int) string {
	u, err := url.Parse(template)
	if err != nil || u.Host == "" {
		u = &url.URL{Scheme: "https", Host: "news.example"}
	}
	last := u.EscapedPath()[strings.LastIndex(u.EscapedPath(), "/")+1:]
	return fmt.Sprintf("%s://%s/g%d/f%d/i%d/%s", u.Scheme, u.Host, gen, feed, item, last)
}

func escapeAttr(s string) string {
	var buf bytes.Buffer
	xml.EscapeText(&buf, []byte(s))
	return buf.String()
}
