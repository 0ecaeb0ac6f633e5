package crawl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"revue"
	"revue/internal/fetch"
	"revue/internal/shareddata"
)

// TestCorpusThroughFetch serves every feed document of the shared corpus
// on loopback and runs each through the crawler's own path — fetch,
// charset, parse, normalise — as a source would be crawled: each ends with
// items or a clear error, none panics or hangs.
func TestCorpusThroughFetch(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the whole shared feed corpus (seconds); not in -short")
	}
	root := shareddata.Testdata(t, "feeds")
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(d.Name(), ".gz")
		switch ext := filepath.Ext(name); {
		case d.IsDir():
		case ext == ".xml" || ext == ".rss" || ext == ".atom" || ext == ".rdf":
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 2000 {
		t.Fatalf("only %d feed documents under %s; the corpus looks incomplete", len(paths), root)
	}
	// Gzipped captures are served as the publisher did: compressed on the
	// wire, with Content-Encoding.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
		body, err := os.ReadFile(path)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(path, ".gz") {
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Header().Set("Content-Type", "application/xml")
		w.Write(body)
	}))
	defer srv.Close()

	h := newHarness(t)
	c := h.crawler(t, "corpus")
	var (
		mu                         sync.Mutex
		withItems, empty, failures int
		kinds                      = map[string]int{}
	)
	work := make(chan string)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for path := range work {
				rel, _ := filepath.Rel(root, path)
				ctx, cancel := context.WithTimeout(context.Background(), corpusFileTimeout)
				n, err, panicked := fetchAndParse(ctx, c, h.fetch, srv.URL+"/"+filepath.ToSlash(rel))
				timedOut := ctx.Err() != nil
				cancel()
				mu.Lock()
				switch {
				case panicked != nil:
					t.Errorf("%s: the crawler's path panicked: %v", rel, panicked)
				case timedOut:
					t.Errorf("%s: no answer within %s", rel, corpusFileTimeout)
				case err != nil && strings.TrimSpace(err.Error()) == "":
					t.Errorf("%s: an error without words", rel)
				case err != nil:
					failures++
					kinds[innermost(err)]++
				case n > 0:
					withItems++
				default:
					empty++
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	t.Logf("%d documents: %d with items, %d valid feeds without items, %d clear errors %v", len(paths), withItems, empty, failures, kinds)
	// Floors and ceilings just around what was measured (see BENCHMARKS.md):
	// fewer documents with items, or more errors, is a regression.
	if withItems < corpusMinWithItems {
		t.Errorf("only %d documents gave items, want at least %d", withItems, corpusMinWithItems)
	}
	if failures > corpusMaxErrors {
		t.Errorf("%d documents ended in errors, want at most %d", failures, corpusMaxErrors)
	}
}

// corpusFileTimeout bounds one document, to catch a hang: the largest
// (2.5 MB) takes 0.6 s, but 8 to 28 s under the race detector on a loaded
// 2-core machine.
const corpusFileTimeout = 90 * time.Second

// What the crawler's path must achieve on the shared corpus.
const (
	corpusMinWithItems = 1000
	corpusMaxErrors    = 35
)

// fetchAndParse runs url through the crawler's path; a panic is returned
// apart from errors, for the test to fail on it.
func fetchAndParse(ctx context.Context, c *Crawler, f *fetch.Client, url string) (n int, err error, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	resp, err := f.Fetch(ctx, fetch.Request{URL: url, Kind: fetch.KindFeed})
	if err != nil {
		return 0, fmt.Errorf("fetch: %w", err), nil
	}
	parsed, err := c.parse(ctx, resp, revue.Source{FeedURL: url})
	if err != nil {
		return 0, fmt.Errorf("parse: %w", err), nil
	}
	articles, _ := articlesFrom(parsed, revue.Source{FeedURL: url}, resp.LastModified, time.Now(), nil, nil)
	for i, a := range articles {
		if a.GUID == "" || a.PublishedAt.IsZero() || (a.Title == "" && len(a.Images) == 0) {
			return 0, fmt.Errorf("normalise: article %d lacks a GUID, a date, or both a title and an image", i), nil
		}
	}
	return len(articles), nil, nil
}

// innermost is the words of the deepest wrapped error, which name the kind
// of failure without the URL.
func innermost(err error) string {
	for next := errors.Unwrap(err); next != nil; next = errors.Unwrap(next) {
		err = next
	}
	kind, _, _ := strings.Cut(err.Error(), " at line")
	return kind
}
