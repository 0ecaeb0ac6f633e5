// Package demo bundles snapshots of real news feeds and serves them over
// HTTP, so that `revue demo` can crawl a populated portal without any
// network: the command serves a Handler on a loopback port and adds one
// source per Feeds entry.
//
// The snapshots are copied byte for byte from public repositories' test
// fixtures (feeds/PROVENANCE.md); their quirks (no XML declaration,
// ISO-8859-1, a BOM, double-encoded UTF-8, a wrong <language>) are kept on
// purpose, so the demo exercises the real pipeline. Two things change when
// they are served, so that the demo looks like the product on any day:
//
//   - An outlet captured several times (Hespress, Al Jazeera) is one feed
//     that moves from its older capture to the newer one while the demo
//     runs, a Schedule.Step apart, so the live ticker receives new headlines.
//   - The dates inside each capture are moved forward, all by the same
//     amount, so that its newest item is dated Feed.Lag before the capture
//     is served: items keep their spacing and order, and Moroccan outlets,
//     listed first with the shortest lags, lead the front page.
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
	"regexp"
	"strconv"
	"strings"
	"time"

	"revue/internal/feed"
)

//go:embed feeds/*.xml
var bundled embed.FS

// articlePages are real article pages served at /pages/{name}.html by the
// demo's own small publisher, whose feed (feeds/selection-multi.xml) gives
// only a summary: the crawler reads their full text.
//
//go:embed pages/*.html.gz
var articlePages embed.FS

// Feed is one outlet's bundled feed and the settings its demo source gets.
type Feed struct {
	Name    string
	Path    string // URL path the feed is served at, e.g. /feeds/hespress-ar.xml
	Lang    string // the language of the text, whatever the feed's header says
	Section string // section slug
	Region  string // region slug; empty for national and foreign outlets
	// ContentType is what Handler answers with: the feed's media type and,
	// when the files declare one, its charset.
	ContentType string
	// Snapshots are the bundled captures of the outlet's feed (file names
	// under feeds/), oldest first; the Handler serves each in turn.
	Snapshots []string
	// Lag is how long before a capture is served its newest item is dated.
	Lag time.Duration
	// Undated is the Last-Modified of a capture without a single dated
	// item, whose dates cannot be moved: the day its only item says it
	// was published.
	Undated time.Time
}

// Schedule says when the demo started and how long each capture of an
// outlet is served before its next one.
type Schedule struct {
	Start time.Time
	Step  time.Duration
	Now   func() time.Time // time.Now when nil
}

const (
	rss  = "application/rss+xml"
	atom = "application/atom+xml"
)

// Feeds lists the bundled outlets, Moroccan outlets first. Sections follow
// the rule of internal/defaults: a general feed is "actualite" for a
// Moroccan outlet and "international" for a foreign one; a topical feed
// keeps its topic. Lags grow down the list, so the front page opens on the
// Moroccan outlets, Arabic and French, with the rest of the world below.
func Feeds() []Feed {
	minutes := func(m int) time.Duration { return time.Duration(m) * time.Minute }
	return []Feed{
		// feeds/real-maghreb: the Hespress and TelQuel files are a scraper's
		// re-serialisation whose channel says <language>en</language>.
		{Name: "Hespress (هسبريس)", Path: "/feeds/hespress-ar.xml", Lang: "ar", Section: "actualite", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"hespress-ar-1.xml", "hespress-ar-2.xml"}, Lag: minutes(2)},
		{Name: "TelQuel", Path: "/feeds/telquel-fr.xml", Lang: "fr", Section: "actualite", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"telquel-fr.xml"}, Lag: minutes(6)},
		// Written for the demo: a summary-only feed linking to real article
		// pages the demo serves itself (pages/), read whole by the crawler.
		{Name: "La sélection — articles entiers", Path: "/feeds/selection-multi.xml", Section: "international",
			ContentType: rss + "; charset=utf-8", Snapshots: []string{"selection-multi.xml"}, Lag: minutes(9)},
		{Name: "Le Monde", Path: "/feeds/lemonde-fr.xml", Lang: "fr", Section: "international", ContentType: rss + "; charset=utf-8",
			Snapshots: []string{"lemonde-fr.xml"}, Lag: minutes(40)},
		{Name: "Al Jazeera English", Path: "/feeds/aljazeera-en.xml", Lang: "en", Section: "international", ContentType: rss,
			Snapshots: []string{"aljazeera-en-3.xml", "aljazeera-en-1.xml", "aljazeera-en-2.xml"}, Lag: minutes(45)},
		// feeds/real.
		{Name: "Rue89", Path: "/feeds/rue89-fr.xml", Lang: "fr", Section: "international", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"rue89-fr.xml"}, Lag: minutes(55)},
		{Name: "RSR — La Capsule multimédia", Path: "/feeds/rsr-fr.xml", Lang: "fr", Section: "tech", ContentType: rss + "; charset=utf-8",
			Snapshots: []string{"rsr-fr.xml"}, Lag: minutes(65)},
		{Name: "Diputación de Valencia", Path: "/feeds/dival-es.xml", Lang: "es", Section: "societe", ContentType: rss + "; charset=ISO-8859-1",
			Snapshots: []string{"dival-es.xml"}, Undated: time.Date(2021, 5, 14, 12, 0, 0, 0, time.UTC)},
		{Name: "BBC اردو", Path: "/feeds/bbc-urdu-ur.xml", Lang: "ur", Section: "international", ContentType: atom + "; charset=utf-8",
			Snapshots: []string{"bbc-urdu-ur.xml"}, Lag: minutes(75)},
		{Name: "The Guardian", Path: "/feeds/guardian-en.xml", Lang: "en", Section: "international", ContentType: rss + "; charset=utf-8",
			Snapshots: []string{"guardian-en.xml"}, Lag: minutes(85)},
		{Name: "The New York Times", Path: "/feeds/nytimes-en.xml", Lang: "en", Section: "international", ContentType: rss,
			Snapshots: []string{"nytimes-en.xml"}, Lag: minutes(95)},
		{Name: "Reuters — World News", Path: "/feeds/reuters-en.xml", Lang: "en", Section: "international", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"reuters-en.xml"}, Lag: minutes(105)},
		{Name: "Daily Mail", Path: "/feeds/dailymail-en.xml", Lang: "en", Section: "international", ContentType: rss,
			Snapshots: []string{"dailymail-en.xml"}, Lag: minutes(115)},
		{Name: "NDTV", Path: "/feeds/ndtv-en.xml", Lang: "en", Section: "international", ContentType: rss,
			Snapshots: []string{"ndtv-en.xml"}, Lag: minutes(125)},
		{Name: "The New Yorker — News", Path: "/feeds/newyorker-en.xml", Lang: "en", Section: "politique", ContentType: rss + "; charset=utf-8",
			Snapshots: []string{"newyorker-en.xml"}, Lag: minutes(135)},
		{Name: "Talking Points Memo", Path: "/feeds/tpm-en.xml", Lang: "en", Section: "politique", ContentType: atom + "; charset=UTF-8",
			Snapshots: []string{"tpm-en.xml"}, Lag: minutes(145)},
		{Name: "BreakingNews.ie — Business", Path: "/feeds/breakingnews-ie-en.xml", Lang: "en", Section: "economie", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"breakingnews-ie-en.xml"}, Lag: minutes(155)},
		{Name: "The Washington Post — Wellness", Path: "/feeds/wapo-wellness-en.xml", Lang: "en", Section: "sante", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"wapo-wellness-en.xml"}, Lag: minutes(165)},
		{Name: "Ars Technica", Path: "/feeds/arstechnica-en.xml", Lang: "en", Section: "tech", ContentType: rss + "; charset=UTF-8",
			Snapshots: []string{"arstechnica-en.xml"}, Lag: minutes(175)},
		{Name: "The Verge", Path: "/feeds/theverge-en.xml", Lang: "en", Section: "tech", ContentType: atom + "; charset=UTF-8",
			Snapshots: []string{"theverge-en.xml"}, Lag: minutes(185)},
		{Name: "The H", Path: "/feeds/h-online-en.xml", Lang: "en", Section: "tech", ContentType: atom + "; charset=UTF-8",
			Snapshots: []string{"h-online-en.xml"}, Lag: minutes(195)},
		{Name: "NASA Breaking News", Path: "/feeds/nasa-en.xml", Lang: "en", Section: "tech", ContentType: rss + "; charset=utf-8",
			Snapshots: []string{"nasa-en.xml"}, Lag: minutes(205)},
	}
}

// Handler serves the bundled outlets at their Paths on schedule s, with
// Content-Type, ETag and Last-Modified, answering conditional requests
// with 304 Not Modified.
func Handler(s Schedule) http.Handler {
	h, err := newHandler(bundled, "feeds", Feeds(), s)
	if err == nil {
		err = h.addPages(articlePages)
	}
	if err != nil {
		// The bundle is compiled in and checked by the tests: a failure here
		// is a build defect, not a runtime condition.
		panic(fmt.Sprintf("demo: %v", err))
	}
	return h
}

// representation is one body of a capture with its validators.
type representation struct {
	body     []byte
	etag     string
	modified time.Time
}

// capture is one snapshot as served: its plain body and, when the bundled
// file is stored gzip-compressed (name.gz), the same bytes compressed for
// clients that accept gzip, so any HTTP client can read every feed.
type capture struct {
	plain   representation
	gzipped *representation
}

type entry struct {
	contentType string
	captures    []capture // in serving order
}

type handler struct {
	entries  map[string]entry
	pages    map[string][]byte // URL path → page, decompressed
	schedule Schedule
}

// newHandler loads each snapshot from dir/{name}, or from the same name with
// ".gz" appended, and prepares it as it will be served on s.
func newHandler(fsys fs.FS, dir string, feeds []Feed, s Schedule) (*handler, error) {
	if s.Step <= 0 {
		return nil, errors.New("the demo schedule needs a positive step")
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	h := &handler{entries: make(map[string]entry, len(feeds)), pages: map[string][]byte{}, schedule: s}
	for _, f := range feeds {
		if len(f.Snapshots) == 0 {
			return nil, fmt.Errorf("feed %s has no snapshot", f.Path)
		}
		e := entry{contentType: f.ContentType}
		for i, name := range f.Snapshots {
			data, gzipped, err := readSnapshot(fsys, path.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("feed %s: %w", f.Path, err)
			}
			servedAt := s.Start.Add(time.Duration(i) * s.Step)
			body, newest, ok := moveDates(data, servedAt.Add(-f.Lag))
			modified := newest
			if !ok {
				modified = f.Undated
			}
			c := capture{plain: newRepresentation(body, "", modified)}
			if gzipped {
				compressed, err := gzipBytes(body)
				if err != nil {
					return nil, fmt.Errorf("feed %s: compressing %s: %w", f.Path, name, err)
				}
				gz := newRepresentation(compressed, "-gzip", modified)
				c.gzipped = &gz
			}
			e.captures = append(e.captures, c)
		}
		if _, dup := h.entries[f.Path]; dup {
			return nil, fmt.Errorf("feed path %s is listed twice", f.Path)
		}
		h.entries[f.Path] = e
	}
	return h, nil
}

// readSnapshot reads name, or name.gz decompressed, saying which it was.
func readSnapshot(fsys fs.FS, name string) ([]byte, bool, error) {
	data, err := fs.ReadFile(fsys, name)
	if err == nil {
		return data, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("reading %s: %w", name, err)
	}
	compressed, gzErr := fs.ReadFile(fsys, name+".gz")
	if gzErr != nil {
		return nil, false, fmt.Errorf("neither %s nor %s.gz is bundled", name, name)
	}
	plain, err := gunzip(compressed)
	if err != nil {
		return nil, false, fmt.Errorf("decompressing %s.gz: %w", name, err)
	}
	return plain, true, nil
}

func newRepresentation(body []byte, suffix string, modified time.Time) representation {
	sum := sha256.Sum256(body)
	return representation{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + suffix + `"`, modified: modified}
}

func gunzip(compressed []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

func gzipBytes(plain []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(plain); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// current is the index of the capture served at now.
func (h *handler) current(e entry) int {
	elapsed := h.schedule.Now().Sub(h.schedule.Start)
	if elapsed < 0 {
		return 0
	}
	return min(int(elapsed/h.schedule.Step), len(e.captures)-1)
}

// addPages serves every pages/{name}.html.gz of fsys at /pages/{name}.html.
func (h *handler) addPages(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "pages/*.html.gz")
	if err != nil {
		return err
	}
	for _, name := range names {
		compressed, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		page, err := gunzip(compressed)
		if err != nil {
			return fmt.Errorf("decompressing %s: %w", name, err)
		}
		h.pages["/"+strings.TrimSuffix(name, ".gz")] = page
	}
	return nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD are served here", http.StatusMethodNotAllowed)
		return
	}
	if page, ok := h.pages[r.URL.Path]; ok {
		// Every bundled page is UTF-8 and says so in its <meta>.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "", h.schedule.Start, bytes.NewReader(page))
		return
	}
	e, ok := h.entries[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	c := e.captures[h.current(e)]
	rep := c.plain
	if c.gzipped != nil {
		w.Header().Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			rep = *c.gzipped
			w.Header().Set("Content-Encoding", "gzip")
		}
	}
	w.Header().Set("Content-Type", e.contentType)
	w.Header().Set("ETag", rep.etag)
	// ServeContent answers If-None-Match / If-Modified-Since with 304, and
	// handles HEAD and Range.
	http.ServeContent(w, r, "", rep.modified, bytes.NewReader(rep.body))
}

// dateElement matches an element holding a date in RSS, Atom or Dublin
// Core; the names of the opening and closing tags are compared in code.
var dateElement = regexp.MustCompile(`<((?:[A-Za-z][\w.-]*:)?(?:pubDate|lastBuildDate|date|updated|published|issued|modified|created))>(\s*(?:<!\[CDATA\[)?)([^<\]]{8,64}?)((?:\]\]>)?\s*)</((?:[A-Za-z][\w.-]*:)?[A-Za-z]+)>`)

// firstEntry finds where a feed's items begin.
var firstEntry = regexp.MustCompile(`<(?:item|entry)[\s>]`)

// dateLayouts are the formats the bundled feeds write dates in; a date in
// another format is left as it is.
var dateLayouts = []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05 -07:00", "Mon, 02 Jan 2006 15:04 MST", time.RFC3339Nano, time.RFC3339}

// moveDates shifts every date of doc by one amount, so that its newest item
// is dated newest, and returns the new document and that item's date moved.
// ok is false when doc holds no date it can read (nothing is changed).
func moveDates(doc []byte, newest time.Time) (moved []byte, latest time.Time, ok bool) {
	// The newest item, not the channel's build date (often later), is
	// what is dated Lag before serving: only dates after the first item
	// count.
	firstItem := len(doc)
	if loc := firstEntry.FindIndex(doc); loc != nil {
		firstItem = loc[0]
	}
	var dates []time.Time
	for _, loc := range dateElement.FindAllSubmatchIndex(doc, -1) {
		if loc[0] < firstItem {
			continue
		}
		m := make([][]byte, len(loc)/2)
		for i := range m {
			m[i] = doc[loc[2*i]:loc[2*i+1]]
		}
		if string(m[1]) != string(m[5]) {
			continue
		}
		if _, _, ok := parseDate(string(m[3])); ok {
			// The absolute time from the crawler's own parser, which knows
			// zone names such as EDT that time.Parse reads as UTC.
			if t, err := feed.ParseDate(string(m[3])); err == nil {
				dates = append(dates, t)
				if t.After(latest) {
					latest = t
				}
			}
		}
	}
	if len(dates) == 0 {
		return doc, time.Time{}, false
	}
	shift := newest.Sub(latest)
	moved = dateElement.ReplaceAllFunc(doc, func(el []byte) []byte {
		m := dateElement.FindSubmatch(el)
		if string(m[1]) != string(m[5]) {
			return el
		}
		t, layout, ok := parseDate(string(m[3]))
		if !ok {
			return el
		}
		return []byte("<" + string(m[1]) + ">" + string(m[2]) + t.Add(shift).Format(layout) + string(m[4]) + "</" + string(m[5]) + ">")
	})
	return moved, latest.Add(shift), true
}

func parseDate(s string) (time.Time, string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, layout, true
		}
	}
	return time.Time{}, "", false
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
