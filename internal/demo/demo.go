// Package demo bundles snapshots of real news feeds and serves them over
// HTTP, so that `revue demo` can crawl a populated portal without any
// network: the command serves Handler on a loopback port and adds one source
// per Feeds entry.
//
// The snapshots are copied byte for byte from public repositories' test
// fixtures (feeds/PROVENANCE.md); their quirks (no XML declaration,
// ISO-8859-1, a BOM, double-encoded UTF-8, a wrong <language>)
// are kept on purpose, so the demo exercises the real pipeline.
package demo

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed feeds/*.xml
var bundled embed.FS

// Feed is one bundled feed and the settings its demo source gets.
type Feed struct {
	Name    string
	Path    string // URL path the feed is served at, e.g. /feeds/hespress-ar-1.xml
	Lang    string // the language of the text, whatever the feed's header says
	Section string // section slug
	Region  string // region slug; empty for national and foreign outlets
	// ContentType is what Handler answers with: the feed's media type and,
	// when the file declares one, its charset.
	ContentType string
}

// snapshotUnix is the Last-Modified of every bundled feed: the day the
// bundle was assembled (2026-11-30 UTC). A fixed date, rather than the embed
// mtime, which is zero, lets a crawler's If-Modified-Since produce 304 too.
const snapshotUnix = 1795996800

const (
	rss  = "application/rss+xml"
	atom = "application/atom+xml"
)

// Feeds lists the bundled feeds, Moroccan outlets first. Sections follow the
// rule of internal/defaults: a general feed is "actualite" for a Moroccan
// outlet and "international" for a foreign one; a topical feed keeps its topic.
func Feeds() []Feed {
	return []Feed{
		// feeds/real-maghreb: the Hespress and TelQuel files are a scraper's
		// re-serialisation whose channel says <language>en</language>.
		{Name: "Hespress (هسبريس) — 11/02", Path: "/feeds/hespress-ar-1.xml", Lang: "ar", Section: "actualite", ContentType: rss + "; charset=UTF-8"},
		{Name: "Hespress (هسبريس) — 15/02", Path: "/feeds/hespress-ar-2.xml", Lang: "ar", Section: "actualite", ContentType: rss + "; charset=UTF-8"},
		{Name: "TelQuel", Path: "/feeds/telquel-fr.xml", Lang: "fr", Section: "actualite", ContentType: rss + "; charset=UTF-8"},
		{Name: "Al Jazeera English — 04:04", Path: "/feeds/aljazeera-en-1.xml", Lang: "en", Section: "international", ContentType: rss},
		{Name: "Al Jazeera English — 08:51", Path: "/feeds/aljazeera-en-2.xml", Lang: "en", Section: "international", ContentType: rss},
		// feeds/real.
		{Name: "Al Jazeera English — février 2026", Path: "/feeds/aljazeera-en-3.xml", Lang: "en", Section: "international", ContentType: rss},
		{Name: "Rue89", Path: "/feeds/rue89-fr.xml", Lang: "fr", Section: "international", ContentType: rss + "; charset=UTF-8"},
		{Name: "Le Monde", Path: "/feeds/lemonde-fr.xml", Lang: "fr", Section: "international", ContentType: rss + "; charset=utf-8"},
		{Name: "RSR — La Capsule multimédia", Path: "/feeds/rsr-fr.xml", Lang: "fr", Section: "tech", ContentType: rss + "; charset=utf-8"},
		{Name: "Diputación de Valencia", Path: "/feeds/dival-es.xml", Lang: "es", Section: "societe", ContentType: rss + "; charset=ISO-8859-1"},
		{Name: "BBC اردو", Path: "/feeds/bbc-urdu-ur.xml", Lang: "ur", Section: "international", ContentType: atom + "; charset=utf-8"},
		{Name: "The Guardian", Path: "/feeds/guardian-en.xml", Lang: "en", Section: "international", ContentType: rss + "; charset=utf-8"},
		{Name: "The New York Times", Path: "/feeds/nytimes-en.xml", Lang: "en", Section: "international", ContentType: rss},
		{Name: "Reuters — World News", Path: "/feeds/reuters-en.xml", Lang: "en", Section: "international", ContentType: rss + "; charset=UTF-8"},
		{Name: "Daily Mail", Path: "/feeds/dailymail-en.xml", Lang: "en", Section: "international", ContentType: rss},
		{Name: "NDTV", Path: "/feeds/ndtv-en.xml", Lang: "en", Section: "international", ContentType: rss},
		{Name: "The New Yorker — News", Path: "/feeds/newyorker-en.xml", Lang: "en", Section: "politique", ContentType: rss + "; charset=utf-8"},
		{Name: "Talking Points Memo", Path: "/feeds/tpm-en.xml", Lang: "en", Section: "politique", ContentType: atom + "; charset=UTF-8"},
		{Name: "BreakingNews.ie — Business", Path: "/feeds/breakingnews-ie-en.xml", Lang: "en", Section: "economie", ContentType: rss + "; charset=UTF-8"},
		{Name: "The Washington Post — Wellness", Path: "/feeds/wapo-wellness-en.xml", Lang: "en", Section: "sante", ContentType: rss + "; charset=UTF-8"},
		{Name: "Ars Technica", Path: "/feeds/arstechnica-en.xml", Lang: "en", Section: "tech", ContentType: rss + "; charset=UTF-8"},
		{Name: "The Verge", Path: "/feeds/theverge-en.xml", Lang: "en", Section: "tech", ContentType: atom + "; charset=UTF-8"},
		{Name: "The H", Path: "/feeds/h-online-en.xml", Lang: "en", Section: "tech", ContentType: atom + "; charset=UTF-8"},
		{Name: "NASA Breaking News", Path: "/feeds/nasa-en.xml", Lang: "en", Section: "tech", ContentType: rss + "; charset=utf-8"},
	}
}

// Handler serves the bundled feeds at their Paths with Content-Type, ETag
// and Last-Modified, answering conditional requests with 304 Not Modified.
func Handler() http.Handler {
	h, err := newHandler(bundled, "feeds", Feeds())
	if err != nil {
		// The bundle is compiled in and checked by the tests: a failure here
		// is a build defect, not a runtime condition.
		panic(fmt.Sprintf("demo: %v", err))
	}
	return h
}

// representation is one body of a feed with its validator.
type representation struct {
	body []byte
	etag string
}

type entry struct {
	contentType string
	plain       representation
	// gzipped is set when the bundled file is stored gzip-compressed
	// (name.gz): clients that accept gzip get those bytes with
	// Content-Encoding: gzip, the others the decompressed plain body, so any
	// HTTP client can read every feed.
	gzipped *representation
}

type handler struct {
	entries map[string]entry
}

// newHandler loads each feed from dir/{base of Path}, or from the same name
// with ".gz" appended.
func newHandler(fsys fs.FS, dir string, feeds []Feed) (*handler, error) {
	h := &handler{entries: make(map[string]entry, len(feeds))}
	for _, f := range feeds {
		name := path.Join(dir, path.Base(f.Path))
		e := entry{contentType: f.ContentType}
		data, err := fs.ReadFile(fsys, name)
		switch {
		case err == nil:
			e.plain = newRepresentation(data, "")
		case errors.Is(err, fs.ErrNotExist):
			compressed, gzErr := fs.ReadFile(fsys, name+".gz")
			if gzErr != nil {
				return nil, fmt.Errorf("feed %s: neither %s nor %s.gz is bundled", f.Path, name, name)
			}
			plain, err := gunzip(compressed)
			if err != nil {
				return nil, fmt.Errorf("feed %s: decompressing %s.gz: %w", f.Path, name, err)
			}
			e.plain = newRepresentation(plain, "")
			gz := newRepresentation(compressed, "-gzip")
			e.gzipped = &gz
		default:
			return nil, fmt.Errorf("feed %s: reading %s: %w", f.Path, name, err)
		}
		if _, dup := h.entries[f.Path]; dup {
			return nil, fmt.Errorf("feed path %s is listed twice", f.Path)
		}
		h.entries[f.Path] = e
	}
	return h, nil
}

func newRepresentation(body []byte, suffix string) representation {
	sum := sha256.Sum256(body)
	return representation{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + suffix + `"`}
}

func gunzip(compressed []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD are served here", http.StatusMethodNotAllowed)
		return
	}
	e, ok := h.entries[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	rep := e.plain
	if e.gzipped != nil {
		w.Header().Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			rep = *e.gzipped
			w.Header().Set("Content-Encoding", "gzip")
		}
	}
	w.Header().Set("Content-Type", e.contentType)
	w.Header().Set("ETag", rep.etag)
	// ServeContent answers If-None-Match / If-Modified-Since with 304, and
	// handles HEAD and Range.
	http.ServeContent(w, r, "", time.Unix(snapshotUnix, 0).UTC(), bytes.NewReader(rep.body))
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if parsed, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = parsed
			}
		}
		if q > 0 {
			return true
		}
	}
	return false
}
