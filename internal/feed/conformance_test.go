package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"revue/internal/charset"
	"revue/internal/sanitize"
	"revue/internal/shareddata"
)

// perFileTimeout bounds one document; the largest real feed (2.5 MB) takes
// a second, six under -race, so reaching it on a loaded machine means a
// hang.
const perFileTimeout = 60 * time.Second

// isCorpusFeed tells feeds from the expected-output files stored beside
// them (gofeed's golden JSON, feed-rs/rss-parser/fastfeedparser outputs).
func isCorpusFeed(root, path string) bool {
	rel, _ := filepath.Rel(root, path)
	rel = filepath.ToSlash(rel)
	name := filepath.Base(path)
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(name, ".gz")))
	switch ext {
	case ".xml", ".rss", ".atom", ".rdf", ".json":
	default:
		return false
	}
	if ext != ".json" {
		return true
	}
	switch {
	case strings.HasPrefix(rel, "gofeed/parser/json/"):
		return !strings.HasSuffix(name, "_expected.json")
	case strings.HasPrefix(rel, "gofeed/parser/universal/"):
		return true
	case strings.HasPrefix(rel, "gofeed/translator/json/"):
		// translator/json/<name>.json inputs have golden <name>.json? No:
		// inputs are the .json files whose golden twin is under the same
		// name; upstream names inputs *.json and outputs *.json in
		// separate trees, so read the first bytes instead.
		return looksLikeJSONFeed(path)
	case strings.HasPrefix(rel, "gofeed/"):
		return false
	case strings.HasPrefix(rel, "real/"):
		return looksLikeJSONFeed(path)
	case strings.HasPrefix(rel, "feedparser/json/"):
		return true
	}
	return false
}

func looksLikeJSONFeed(path string) bool {
	b, err := readMaybeGzip(path)
	if err != nil {
		return false
	}
	if len(b) > 4096 {
		b = b[:4096]
	}
	return bytes.Contains(b, []byte("jsonfeed.org/version"))
}

func readMaybeGzip(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("gunzipping %s: %w", path, err)
		}
		return io.ReadAll(zr)
	}
	return b, nil
}

type parseOutcome struct {
	feed *Feed
	err  error
	pan  any
}

// parseWithTimeout runs the whole pipeline in a goroutine so that a hang
// is reported as a failure instead of stalling the test binary.
func parseWithTimeout(data []byte, contentType, feedURL string, san *sanitize.Sanitizer) (*Feed, error, bool) {
	return parseWithOptions(data, contentType, Options{FeedURL: feedURL, Sanitizer: san})
}

func parseWithOptions(data []byte, contentType string, opt Options) (*Feed, error, bool) {
	opt.Now = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithTimeout(context.Background(), perFileTimeout)
	defer cancel()
	done := make(chan parseOutcome, 1)
	go func() {
		var out parseOutcome
		defer func() {
			if r := recover(); r != nil {
				out.pan = fmt.Sprintf("%v\n%s", r, debug.Stack())
			}
			done <- out
		}()
		utf8Doc, _, err := charset.ToUTF8(data, contentType)
		if err != nil {
			out.err = err
			return
		}
		out.feed, out.err = Parse(ctx, utf8Doc, opt)
	}()
	select {
	case out := <-done:
		if out.pan != nil {
			return nil, fmt.Errorf("panic while parsing: %v", out.pan), false
		}
		if errors.Is(out.err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("parsing took more than %s: %w", perFileTimeout, out.err), false
		}
		return out.feed, out.err, true
	case <-time.After(perFileTimeout + 5*time.Second):
		return nil, fmt.Errorf("no answer after %s", perFileTimeout), false
	}
}

// Bounds for TestConformanceWholeCorpus, just beyond what was measured
// (see BENCHMARKS.md): fewer items or more refusals is a regression.
const (
	corpusMinItems  = 6750
	corpusMaxErrors = 35
)

func TestConformanceWholeCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("parses the whole shared feed corpus (seconds); not in -short")
	}
	root := filepath.Join(shareddata.Testdata(t), "feeds")
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isCorpusFeed(root, path) {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 2500 {
		t.Fatalf("found only %d feed files under %s; the corpus looks incomplete", len(paths), root)
	}
	san := sanitize.New()
	limit := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).Add(DefaultMaxFuture)
	var withItems, emptyFeeds, clearErrors, items, showable, withNotes int
	errorKinds := map[string]int{}
	for _, path := range paths {
		rel, _ := filepath.Rel(root, path)
		data, err := readMaybeGzip(path)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		f, err, ok := parseWithTimeout(data, "", "https://feeds.example.org/"+filepath.ToSlash(rel), san)
		switch {
		case !ok:
			t.Errorf("%s: %v", rel, err) // a panic or a hang
		case err != nil:
			if strings.TrimSpace(err.Error()) == "" {
				t.Errorf("%s: empty error message", rel)
			}
			clearErrors++
			kind, _, _ := strings.Cut(err.Error(), ":")
			kind, _, _ = strings.Cut(kind, " at line")
			errorKinds[kind]++
			if testing.Verbose() {
				t.Logf("%s: %v", rel, err)
			}
		case f == nil:
			t.Errorf("%s: no feed and no error", rel)
		default:
			if len(f.Items) > 0 {
				withItems++
			} else {
				emptyFeeds++
			}
			if len(f.Notes) > 0 {
				withNotes++
				if testing.Verbose() {
					t.Logf("%s: %q", rel, f.Notes)
				}
			}
			guids := map[string]bool{}
			for i, it := range f.Items {
				items++
				if it.Showable() {
					showable++
				}
				if it.GUID == "" || guids[it.GUID] {
					t.Errorf("%s: item %d: GUID %q empty or used twice", rel, i, it.GUID)
				}
				guids[it.GUID] = true
				if it.PublishedAt.After(limit) || it.Updated.After(limit) {
					t.Errorf("%s: item %d dated %v / %v, after Now+MaxFuture", rel, i, it.PublishedAt, it.Updated)
				}
			}
		}
	}
	kinds := make([]string, 0, len(errorKinds))
	for k, n := range errorKinds {
		kinds = append(kinds, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("%d files: %d with items (%d items, %d showable), %d valid feeds without items, %d with notes, %d clear errors (%s)",
		len(paths), withItems, items, showable, emptyFeeds, withNotes, clearErrors, strings.Join(kinds, "; "))
	if items < corpusMinItems {
		t.Errorf("%d items read from the corpus, fewer than the floor %d", items, corpusMinItems)
	}
	if clearErrors > corpusMaxErrors {
		t.Errorf("%d documents refused, more than the ceiling %d", clearErrors, corpusMaxErrors)
	}
}
