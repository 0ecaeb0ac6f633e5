package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"revue/internal/extract"
	"revue/internal/fetch"
)

// extractJSON is what `revue extract --json` prints: the fields of the
// article API that the extractor fills, and what else it found.
type extractJSON struct {
	URL          string         `json:"url"`
	Title        string         `json:"title"`
	Text         string         `json:"text"`
	HTML         string         `json:"html"`
	Byline       string         `json:"byline"`
	PublishedAt  *time.Time     `json:"published_at"`
	LeadImage    string         `json:"lead_image"`
	CanonicalURL string         `json:"canonical_url"`
	Lang         string         `json:"lang"`
	Words        int            `json:"words"`
	Images       []extractImage `json:"images"`
	NoArchive    bool           `json:"noarchive"`
	NoSnippet    bool           `json:"nosnippet"`
}

type extractImage struct {
	URL    string `json:"url"`
	Alt    string `json:"alt,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

// wrapWidth is the width of the text in the human output.
const wrapWidth = 78

func (a *app) extract(ctx context.Context, args []string) error {
	fs := a.flags("extract")
	var cfg config
	errs := cfg.bind(fs, a.env, "crawl")
	asJSON := fs.Bool("json", false, "print JSON: title, text, html, byline, published_at, lead_image, canonical_url, lang, words, images, noarchive, nosnippet")
	pageURL := fs.String("url", "", "for a FILE: the page's address, against which its links are made absolute")
	var rules extract.Rules
	fs.StringVar(&rules.Body, "body", "", "CSS selector of the article's element, to try a source's rule")
	fs.Func("drop", "CSS selector of elements to remove (repeatable), to try a source's rule", func(s string) error {
		rules.Drop = append(rules.Drop, s)
		return nil
	})
	pos, err := parseChecked(fs, args, &cfg, errs)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: extract takes one FILE or URL", errUsage)
	}
	if err := rules.Check(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	body, contentType, base, err := a.readPage(ctx, &cfg, pos[0], *pageURL)
	if err != nil {
		return err
	}
	page, err := extract.Extract(ctx, body, contentType, base, rules)
	if err != nil {
		if base == "" {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		return err
	}
	if *asJSON {
		out := extractJSON{
			URL: base, Title: page.Title, Text: page.Text, HTML: page.HTML, Byline: page.Byline,
			LeadImage: page.LeadImage, CanonicalURL: page.CanonicalURL, Lang: page.Lang, Words: page.Words,
			Images: []extractImage{}, NoArchive: page.NoArchive, NoSnippet: page.NoSnippet,
		}
		if !page.PublishedAt.IsZero() {
			out.PublishedAt = &page.PublishedAt
		}
		for _, im := range page.Images {
			out.Images = append(out.Images, extractImage(im))
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	a.printPage(page, base)
	return nil
}

// readPage returns the page's bytes, its content type and the URL its
// links are relative to. A URL goes through the polite fetcher like the
// crawler's page fetches (robots.txt, SSRF guard, size cap); a FILE is read
// from disk, gunzipped when it is gzip (the corpus pages are).
func (a *app) readPage(ctx context.Context, cfg *config, arg, pageURL string) ([]byte, string, string, error) {
	if u, err := url.Parse(arg); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		fetcher, err := newFetcher(cfg, nil)
		if err != nil {
			return nil, "", "", err
		}
		defer fetcher.Close()
		resp, err := fetcher.Fetch(ctx, fetch.Request{URL: arg, Kind: fetch.KindPage})
		if err != nil {
			return nil, "", "", err
		}
		return resp.Body, resp.ContentType, resp.URL, nil
	}
	limit := fetch.DefaultConfig("").MaxPageBytes
	f, err := os.Open(arg)
	if err != nil {
		return nil, "", "", fmt.Errorf("reading the page: %w", err)
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", "", fmt.Errorf("reading %s: %w", arg, err)
	}
	if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, "", "", fmt.Errorf("reading %s as gzip: %w", arg, err)
		}
		if body, err = io.ReadAll(io.LimitReader(zr, limit+1)); err != nil {
			return nil, "", "", fmt.Errorf("reading %s as gzip: %w", arg, err)
		}
	}
	if int64(len(body)) > limit {
		return nil, "", "", fmt.Errorf("%s is larger than the %d MiB a page may be", arg, limit>>20)
	}
	return body, "", pageURL, nil
}

func (a *app) printPage(p extract.Page, base string) {
	w := a.stdout
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-12s %s\n", label+":", value)
		}
	}
	line("Page", base)
	line("Title", p.Title)
	line("Byline", p.Byline)
	if !p.PublishedAt.IsZero() {
		line("Published", p.PublishedAt.Format(time.RFC3339))
	}
	line("Language", p.Lang)
	line("Canonical", p.CanonicalURL)
	line("Lead image", p.LeadImage)
	if len(p.Images) > 0 {
		line("Images", fmt.Sprintf("%d in the text", len(p.Images)))
	}
	var robots []string
	if p.NoArchive {
		robots = append(robots, "noarchive")
	}
	if p.NoSnippet {
		robots = append(robots, "nosnippet")
	}
	line("Robots", strings.Join(robots, ", "))
	if p.Text == "" {
		fmt.Fprintln(w, "\nNo article text found on this page (the crawler keeps the feed's own text).")
		return
	}
	line("Words", fmt.Sprintf("%d (HTML: %d characters, see --json)", p.Words, len(p.HTML)))
	for _, para := range strings.Split(p.Text, "\n\n") {
		fmt.Fprintln(w)
		for _, l := range strings.Split(para, "\n") {
			fmt.Fprint(w, wrap(l, wrapWidth))
		}
	}
}

// wrap breaks s into lines of at most width characters at spaces; a word
// longer than the width keeps a line to itself.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(s) {
		wl := utf8.RuneCountInString(word)
		if n > 0 && n+1+wl > width {
			b.WriteByte('\n')
			n = 0
		}
		if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += wl
	}
	b.WriteByte('\n')
	return b.String()
}
