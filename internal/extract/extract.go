// Package extract finds what an article page says: its main text (plain and
// as sanitized HTML), title, byline, publication time, images, canonical
// URL, language, and whether the publisher forbids archiving or snippets.
//
// The main text comes from go-trafilatura (the Go port of trafilatura, the
// better of the two Go extractors measured on the Scrapinghub benchmark;
// see eval_test.go), with readeck's go-readability consulted only when
// trafilatura finds much less text than the page holds, and with the
// corrections our pages need: the kicker and headline trafilatura keeps at
// the top of the text, the teaser lists and "read also" lines it keeps
// below and inside it, the spaces it loses around inline elements, and the
// images it can keep only at a cost in accuracy (images.go). The page's
// metadata are read here from <meta>, JSON-LD and the markup itself, which
// lets us prefer what news sites mean.
package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"

	"revue/internal/charset"
	"revue/internal/sanitize"
)

// Page is what the extractor found in one article page.
type Page struct {
	Title        string
	Text         string    // main text, plain, paragraphs separated by "\n\n"
	HTML         string    // main text as HTML, sanitized with internal/sanitize (absolute URLs)
	Byline       string    // the authors as the page names them, "A, B"
	PublishedAt  time.Time // article:published_time, JSON-LD datePublished, <time datetime>, …; zero if none
	LeadImage    string    // og:image, twitter:image, JSON-LD image, first figure; absolute; "" if none
	Images       []Image   // every image of the main text, in order, lead first when it is in the text
	CanonicalURL string    // <link rel=canonical>, og:url; absolute; "" if none
	Lang         string    // primary language subtag ("fr", "ar"): <html lang>, og:locale, Content-Language, else detected
	Words        int       // words in Text (runs of letters and digits)
	// NoArchive and NoSnippet are set when <meta name="robots"> (or one
	// addressed to "revue" or "googlebot") says noarchive, or nosnippet /
	// max-snippet:0: the publisher wants no copy, or no excerpt, shown.
	NoArchive, NoSnippet bool
}

// Image is one image of the main text. Width and Height are the page's
// own attributes, 0 when it gives none.
type Image struct {
	URL, Alt      string
	Width, Height int
}

// ErrNotHTML is wrapped when the body is not an HTML page at all (an image,
// a PDF, a feed, JSON).
var ErrNotHTML = errors.New("not an HTML page")

// Extractor holds what is built once and shared: the sanitizer policy.
// It is safe for concurrent use.
type Extractor struct {
	sanitizer *sanitize.Sanitizer
}

// New builds an Extractor.
func New() *Extractor {
	return &Extractor{sanitizer: sanitize.New()}
}

// shared is the Extractor behind Extract: built on first use, never
// changed, safe for concurrent use. Building the sanitizer's policy costs
// more than extracting a small page.
var shared = sync.OnceValue(New)

// Extract extracts one page with a shared Extractor; see Extractor.Extract.
func Extract(ctx context.Context, body []byte, contentType, pageURL string, r Rules) (Page, error) {
	return shared().Extract(ctx, body, contentType, pageURL, r)
}

// Extract decodes body (its charset from contentType, the document's own
// declarations, or detection: internal/charset) and extracts the page at
// pageURL, which makes relative links absolute. r holds the source's own
// selectors, if any. An error means body is not an HTML page, r is
// invalid, or ctx ended; a page with no article gives a Page with empty
// Text and whatever metadata it has.
func (e *Extractor) Extract(ctx context.Context, body []byte, contentType, pageURL string, r Rules) (Page, error) {
	where := pageURL
	if where == "" {
		where = "the page"
	}
	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("extracting %s: %w", where, err)
	}
	rules, err := r.compile()
	if err != nil {
		return Page{}, fmt.Errorf("extracting %s: %w", where, err)
	}
	if err := checkHTML(body, contentType); err != nil {
		return Page{}, fmt.Errorf("extracting %s: %w", where, err)
	}
	text, _, err := charset.ToUTF8(body, contentType)
	if err != nil {
		return Page{}, fmt.Errorf("extracting %s: %w", where, err)
	}
	doc, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		return Page{}, fmt.Errorf("extracting %s: parsing the HTML: %w", where, err)
	}
	meta := readMeta(doc, pageURL)
	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("extracting %s: %w", where, err)
	}
	content := mainContent(doc, meta, rules)
	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("extracting %s: %w", where, err)
	}
	return e.assemble(meta, content, pageURL), nil
}

// checkHTML refuses bodies that are plainly something else, so that the
// caller can tell "no article on this page" from "this was never a page".
func checkHTML(body []byte, contentType string) error {
	if contentType != "" {
		if mt, _, err := mime.ParseMediaType(contentType); err == nil {
			switch {
			case mt == "text/html", mt == "application/xhtml+xml":
				return nil
			case mt == "text/plain", mt == "application/octet-stream", mt == "binary/octet-stream":
				// Servers label pages with these; the bytes decide below.
			default:
				return fmt.Errorf("%w: the server calls it %s", ErrNotHTML, mt)
			}
		}
	}
	trimmed := bytes.TrimLeft(body[:min(len(body), 64<<10)], " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return fmt.Errorf("%w: it looks like JSON", ErrNotHTML)
	}
	head := bytes.ToLower(trimmed)
	if feed := bytes.Index(head, []byte("<rss")); feed >= 0 || bytes.Contains(head, []byte("<feed")) || bytes.Contains(head, []byte("<rdf:rdf")) {
		if html := bytes.Index(head, []byte("<html")); html < 0 || (feed >= 0 && feed < html) {
			return fmt.Errorf("%w: it looks like a feed", ErrNotHTML)
		}
	}
	sniffed := http.DetectContentType(body)
	if strings.HasPrefix(sniffed, "text/html") {
		return nil
	}
	// Pages that open with a comment, a template directive or white space
	// past the sniffing window still have their elements.
	for _, tag := range [][]byte{[]byte("<html"), []byte("<body"), []byte("<head"), []byte("<div"), []byte("<p>"), []byte("<p "), []byte("<article"), []byte("<title")} {
		if bytes.Contains(head, tag) {
			return nil
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("%w: the body is empty", ErrNotHTML)
	}
	return fmt.Errorf("%w: it looks like %s", ErrNotHTML, strings.SplitN(sniffed, ";", 2)[0])
}
