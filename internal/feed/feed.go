// Package feed turns a feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON
// Feed 1.0/1.1), already decoded to UTF-8, into normalised items: absolute
// and canonical URLs, plain-text titles and summaries, sanitized HTML,
// dates in range, a GUID for every item and a guessed language.
package feed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	"github.com/mmcdole/gofeed/rss"

	"revue/internal/sanitize"
	"revue/internal/textproc"
	"revue/internal/urlcanon"
)

// Feed is one parsed feed.
type Feed struct {
	Title   string
	SiteURL string
	Lang    string
	TTL     time.Duration // RSS <ttl>; zero when absent
	// Updated is the feed's own date: RSS lastBuildDate, else the channel's
	// pubDate, Atom's feed updated, else the channel's dc:date. Zero when
	// absent, unreadable or later than Now+MaxFuture.
	Updated time.Time
	Items   []Item
	// Notes are one English sentence per repair or partial read, for an
	// operator reading a source's health ("the feed ends before its end: 1
	// item kept"). A clean document has none.
	Notes []string
}

// Item is one normalised feed entry.
type Item struct {
	GUID         string // the feed's id; else the canonical link; never empty, unique within one Parse
	URL          string // absolute link to the article
	CanonicalURL string
	Title        string // plain text; from the text when the entry has no title
	Summary      string // plain text, at most about SummaryMax characters
	ContentHTML  string // sanitized HTML, absolute URLs
	Author       string
	Lang         string
	// PublishedAt and Updated are the entry's own dates; zero when it has
	// none that can be read or gives one later than Now+MaxFuture.
	PublishedAt time.Time
	Updated     time.Time
	Images      []string // absolute, de-duplicated, lead image first
	Categories  []string
	// Cut is set on the entry the document ended inside: only its completed
	// elements were read. A crawler leaves it for the next fetch, which
	// brings it whole; stored now, it would be known by its GUID then and
	// its text lost for good.
	Cut bool
}

// Showable reports whether the entry has anything to show: a title, a
// link, text or an image. Parse returns every entry; a reader keeps these.
func (it Item) Showable() bool {
	return it.Title != "" || it.URL != "" || it.Summary != "" || len(it.Images) > 0
}

// Options tune Parse.
type Options struct {
	Now       time.Time     // the time of the fetch; dates later than Now+MaxFuture are dropped
	FeedURL   string        // the URL the feed was fetched from, the last base for relative links
	MaxFuture time.Duration // how far ahead of Now a date may be; 0 means DefaultMaxFuture
	// Sanitizer is reused when set; building the policy costs more than
	// parsing a small feed, so crawlers pass one shared Sanitizer.
	Sanitizer *sanitize.Sanitizer
	// Lang is the language the source is configured with, if any: a better
	// hint for detecting each item's language than the feed's header,
	// which CMS defaults and scrapers often get wrong.
	Lang string
	// Languages restricts each item's detected language to these (and
	// the hint); empty allows any (textproc.DetectLangAmong).
	Languages []string
}

// DefaultMaxFuture allows for clock skew and time zones written wrong.
const DefaultMaxFuture = 24 * time.Hour

// SummaryMax is the length, in characters, a summary is cut to.
const SummaryMax = 600

// Errors a caller may want to tell apart (wrapped, with details).
var (
	ErrEmpty   = errors.New("feed is empty")
	ErrNotFeed = errors.New("not a feed")
	ErrXML     = errors.New("malformed XML")
)

// wordpressFooter is the "The post … appeared first on …" sentence WordPress
// appends to every description: boilerplate, not a summary.
var wordpressFooter = regexp.MustCompile(`(?s)\s*The post .{1,400}? appeared first on .{1,200}$`)

// wordpressFooterHTML is the same sentence at the end of sanitized HTML:
// in its own paragraph with links (WordPress) or as trailing text after
// the excerpt (feeds that flatten it).
var wordpressFooterHTML = regexp.MustCompile(`(\s*<p>\s*The post (?:[^<]|<a [^>]*>|</a>){1,1000}? appeared first on (?:[^<]|<a [^>]*>|</a>){1,800}?</p>|\s*The post [^<]{1,400}? appeared first on [^<]{1,200})\s*$`)

// Parse parses a feed. data must already be UTF-8 (see charset.ToUTF8).
// It returns every entry of the document (see Item.Showable). XML that
// gofeed cannot read whole is read leniently (see repairXML) and what was
// repaired is said in Feed.Notes.
func Parse(ctx context.Context, data []byte, opt Options) (*Feed, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parsing feed: %w", err)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.MaxFuture <= 0 {
		opt.MaxFuture = DefaultMaxFuture
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	if len(trimmed) == 0 {
		return nil, ErrEmpty
	}
	if looksLikeHTML(trimmed) {
		return nil, fmt.Errorf("%w: the document is an HTML page", ErrNotFeed)
	}
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	if trimmed[0] != '<' {
		gf, err := p.Parse(bytes.NewReader(trimmed))
		if err != nil {
			return nil, describeParseError(err, trimmed)
		}
		return normalise(ctx, gf, opt)
	}

	var notes []string
	doc, dropped := dropForbiddenXMLChars(trimmed)
	if dropped > 0 {
		notes = append(notes, countSentence(dropped, "character that XML 1.0 forbids was dropped", "characters that XML 1.0 forbids were dropped"))
	}
	gf, repaired, whole, err := parseXML(ctx, p, doc)
	if err != nil {
		return nil, err
	}
	f, err := normalise(ctx, gf, opt)
	if err != nil {
		return nil, err
	}
	switch {
	case repaired != nil:
		notes = append(notes, repairNotes(*repaired, len(f.Items))...)
		if repaired.unfinished && len(f.Items) > 0 {
			f.Items[len(f.Items)-1].Cut = true
		}
	case !whole:
		// gofeed read it and the repair could not: the cut is worth a
		// word all the same.
		notes = append(notes, "the feed ends before its end: "+countSentence(len(f.Items), "item kept", "items kept"))
	}
	f.Notes = notes
	return f, nil
}

// parseXML reads an XML feed with gofeed, and again from repairXML's
// output when gofeed fails, the document lacks its root end tag, or gofeed
// read fewer entries than the document has start tags for (it reads on
// through some breakage without a word, losing the entries after it).
// repaired is nil when gofeed's own reading was kept.
func parseXML(ctx context.Context, p *gofeed.Parser, doc []byte) (gf *gofeed.Feed, repaired *repairReport, whole bool, err error) {
	gf, err = p.Parse(bytes.NewReader(doc))
	if cerr := ctx.Err(); cerr != nil {
		return nil, nil, false, fmt.Errorf("parsing feed: %w", cerr)
	}
	whole = hasRootEndTag(doc)
	// Entries counted by their content: gofeed also reads on through a
	// stray end tag inside an entry, keeping the entry but not its fields.
	if err == nil && whole && withContent(gf) >= countEntryTags(doc) {
		return gf, nil, true, nil
	}
	fixed, rep, rerr := repairXML(ctx, doc)
	if cerr := ctx.Err(); cerr != nil {
		return nil, nil, false, fmt.Errorf("parsing feed: %w", cerr)
	}
	if rerr == nil {
		if gf2, err2 := p.Parse(bytes.NewReader(fixed)); err2 == nil && (err != nil || !whole || withContent(gf2) > withContent(gf)) {
			if err != nil && rep.problem == "" && !rep.truncated && rep.wrapper == "" && !rep.entryDocument {
				// The repair mended something gofeed stopped at without a
				// word of its own (an entity, a declaration): gofeed's words.
				var syn *xml.SyntaxError
				if errors.As(err, &syn) {
					rep.problem, rep.problemLine = syn.Msg, syn.Line
				} else {
					rep.problem = err.Error()
				}
			}
			return gf2, &rep, whole, nil
		}
	}
	if err != nil {
		return nil, nil, false, describeParseError(err, doc)
	}
	return gf, nil, whole, nil
}

// withContent counts the entries of a gofeed result that have something of
// their own: a repair that adds only empty entries (a feed nesting an empty
// <item/> in each item) is no better than gofeed's reading.
func withContent(gf *gofeed.Feed) int {
	n := 0
	for _, it := range gf.Items {
		if it != nil && (it.Title != "" || it.Link != "" || it.Description != "" || it.Content != "" || len(it.Enclosures) > 0) {
			n++
		}
	}
	return n
}

// repairNotes words a repair for an operator.
func repairNotes(rep repairReport, items int) []string {
	kept := countSentence(items, "item kept", "items kept")
	var notes []string
	if rep.wrapper != "" {
		notes = append(notes, fmt.Sprintf("the feed is inside an <%s> element; its <%s> was read: %s", rep.wrapper, rep.root, kept))
	}
	if rep.problem != "" {
		where := ""
		if rep.problemLine > 0 {
			where = fmt.Sprintf(" at line %d", rep.problemLine)
		}
		notes = append(notes, fmt.Sprintf("malformed XML%s (%s) was read leniently: %s", where, rep.problem, kept))
	}
	if rep.truncated {
		if rep.unfinished {
			notes = append(notes, "the feed ends before its end, inside an entry: "+countSentence(max(items-1, 0), "whole item kept", "whole items kept"))
		} else {
			notes = append(notes, "the feed ends before its end: "+kept)
		}
	}
	return notes
}

// countSentence is "1 item kept" or "3 items kept".
func countSentence(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// hasRootEndTag reports whether an XML document ends its root element.
// gofeed reads a document whose root is closed by some other end tag
// ("</channel></html>") without complaint, so a missing root end tag is
// the sign that the rest of the feed may be lost. Comments and text after
// the end tag (cache plugins, PHP warnings) are allowed; case is not
// minded ("</RSS>"), as lenient readers do not mind it.
func hasRootEndTag(doc []byte) bool {
	root := []byte(rootElementName(doc))
	if len(root) == 0 {
		return false
	}
	for tail := doc; ; {
		i := bytes.LastIndex(tail, []byte("</"))
		if i < 0 {
			return false
		}
		name := tail[i+2:]
		if len(name) >= len(root) && bytes.EqualFold(name[:len(root)], root) {
			rest := bytes.TrimLeft(name[len(root):], " \t\r\n")
			if len(rest) > 0 && rest[0] == '>' {
				return true
			}
		}
		tail = tail[:i]
	}
}

// rootElementName is the name of the first element of an XML document,
// prefix included ("rss", "rdf:RDF"), or "".
func rootElementName(doc []byte) string {
	for i := 0; i < len(doc); {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 || i+j+1 >= len(doc) {
			return ""
		}
		i += j + 1
		switch {
		case bytes.HasPrefix(doc[i:], []byte("!--")):
			k := bytes.Index(doc[i:], []byte("-->"))
			if k < 0 {
				return ""
			}
			i += k
			continue
		case doc[i] == '?' || doc[i] == '!':
			continue
		}
		end := i
		for end < len(doc) && !strings.ContainsRune(" \t\r\n/>", rune(doc[end])) {
			end++
		}
		return string(doc[i:end])
	}
	return ""
}

// countEntryTags counts the <item> and <entry> start tags of a document.
func countEntryTags(doc []byte) int {
	n := 0
	for i := 0; ; {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return n
		}
		i += j + 1
		rest := doc[i:]
		var name int
		switch {
		case bytes.HasPrefix(rest, []byte("item")):
			name = len("item")
		case bytes.HasPrefix(rest, []byte("entry")):
			name = len("entry")
		default:
			continue
		}
		if len(rest) > name {
			switch rest[name] {
			case '>', ' ', '\t', '\r', '\n', '/':
				n++
			}
		}
	}
}

func looksLikeHTML(doc []byte) bool {
	head := doc
	if len(head) > 1024 {
		head = head[:1024]
	}
	lower := bytes.ToLower(head)
	if bytes.Contains(lower, []byte("<rss")) || bytes.Contains(lower, []byte("<feed")) || bytes.Contains(lower, []byte("<rdf:rdf")) {
		return false
	}
	return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<html"))
}

func describeParseError(err error, doc []byte) error {
	var syn *xml.SyntaxError
	var jsonSyn *json.SyntaxError
	switch {
	case errors.As(err, &jsonSyn), doc[0] == '{' && !errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		return fmt.Errorf("malformed JSON Feed: %w", err)
	case errors.As(err, &syn) && strings.Contains(syn.Msg, "unexpected EOF"):
		return fmt.Errorf("%w at line %d: the document ends early (truncated?) and holds no whole item", ErrXML, syn.Line)
	case errors.As(err, &syn):
		return fmt.Errorf("%w at line %d: %s", ErrXML, syn.Line, syn.Msg)
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		if doc[0] == '{' || doc[0] == '[' {
			return fmt.Errorf("%w: JSON without the JSON Feed version field", ErrNotFeed)
		}
		if doc[0] != '<' {
			return fmt.Errorf("%w: the document is neither XML nor JSON", ErrNotFeed)
		}
		return fmt.Errorf("%w: no <rss>, <feed> or <rdf:RDF> root element", ErrNotFeed)
	}
	msg := err.Error()
	if strings.Contains(msg, "EOF") {
		return fmt.Errorf("%w: the document ends early (truncated?): %w", ErrXML, err)
	}
	return fmt.Errorf("%w: %w", ErrXML, err)
}

func normalise(ctx context.Context, gf *gofeed.Feed, opt Options) (*Feed, error) {
	san := opt.Sanitizer
	if san == nil {
		san = sanitize.New()
	}
	f := &Feed{
		Title: san.Text(gf.Title),
		Lang:  primaryLang(gf.Language),
	}
	if f.Lang == "" && gf.DublinCoreExt != nil && len(gf.DublinCoreExt.Language) > 0 {
		f.Lang = primaryLang(gf.DublinCoreExt.Language[0])
	}
	// Relative item links resolve against the site (channel link), itself
	// resolved against the URL the feed came from.
	base := strings.TrimSpace(opt.FeedURL)
	if gf.Link != "" {
		if site, err := urlcanon.Resolve(opt.FeedURL, gf.Link); err == nil && isHTTP(site) {
			f.SiteURL = site
			base = site
		}
	}
	if orig, ok := gf.OriginalFeed().(*rss.Feed); ok && orig.TTL != "" {
		if minutes, err := strconv.Atoi(strings.TrimSpace(orig.TTL)); err == nil && minutes > 0 && minutes < 60*24*366 {
			f.TTL = time.Duration(minutes) * time.Minute
		}
	}
	f.Updated = feedDate(gf, opt.Now.Add(opt.MaxFuture))
	entries := make([]entry, 0, len(gf.Items))
	for i, gi := range gf.Items {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("parsing feed: %w", err)
			}
		}
		if gi == nil {
			continue
		}
		entries = append(entries, normaliseItem(san, gi, base, f.Lang, opt))
	}
	f.Items = uniqueGUIDs(entries)
	return f, nil
}

// entry is a normalised item with what tells it from its neighbours.
type entry struct {
	Item
	identified         bool // it has an id or a link of its own
	published, updated string
}

// key is the entry's content, for telling entries that share an id apart;
// built only for those, since it copies the whole text.
func (e entry) key() string {
	return strings.Join([]string{e.Title, e.URL, e.published, e.updated, e.Summary, e.ContentHTML}, "\x00")
}

// uniqueGUIDs gives every entry its own GUID. Entries sharing one (a
// podcast whose items all link to the show's page, a CMS repeating one
// guid) get the shared id followed by a hash of their content: every
// member of the group, not only the second, so the id stays the same from
// one fetch to the next whichever comes first. An entry repeating another
// one whole is the same article listed twice and is dropped; bare entries
// with nothing of their own are told apart by their rank.
func uniqueGUIDs(entries []entry) []Item {
	shared := make(map[string]int, len(entries))
	clash := false
	for _, e := range entries {
		shared[e.GUID]++
		clash = clash || shared[e.GUID] > 1
	}
	items := make([]Item, 0, len(entries))
	if !clash {
		for _, e := range entries {
			items = append(items, e.Item)
		}
		return items
	}
	used := make(map[string]bool, len(entries))
	listed := map[string]bool{}
	for _, e := range entries {
		it := e.Item
		if shared[it.GUID] > 1 {
			key := e.key()
			if e.identified {
				repeat := it.GUID + "\x00" + key
				if listed[repeat] {
					continue
				}
				listed[repeat] = true
			}
			sum := sha256.Sum256([]byte(key))
			it.GUID += "#" + hex.EncodeToString(sum[:8])
		}
		for n, base := 2, it.GUID; used[it.GUID]; n++ {
			it.GUID = base + "#" + strconv.Itoa(n)
		}
		used[it.GUID] = true
		items = append(items, it)
	}
	return items
}

// feedDate is the channel's own date (see Feed.Updated); zero when it has
// none or one later than limit.
func feedDate(gf *gofeed.Feed, limit time.Time) time.Time {
	var t time.Time
	switch orig := gf.OriginalFeed().(type) {
	case *rss.Feed:
		t = itemDate(orig.LastBuildDateParsed, orig.LastBuildDate)
		if t.IsZero() {
			t = itemDate(orig.PubDateParsed, orig.PubDate)
		}
		if t.IsZero() && orig.DublinCoreExt != nil {
			for _, raw := range orig.DublinCoreExt.Date {
				if t = itemDate(nil, raw); !t.IsZero() {
					break
				}
			}
		}
	case *atom.Feed:
		t = itemDate(orig.UpdatedParsed, orig.Updated)
	}
	if t.After(limit) {
		return time.Time{}
	}
	return t
}

// stripFooter removes a WordPress footer with re, after a cheap check:
// the regular expressions cost a fifth of a crawl's CPU when run on every
// item, and most items have no footer.
func stripFooter(re *regexp.Regexp, s string) string {
	if !strings.Contains(s, "appeared first on") {
		return s
	}
	return re.ReplaceAllString(s, "")
}

func normaliseItem(san *sanitize.Sanitizer, gi *gofeed.Item, base, feedLang string, opt Options) entry {
	var it Item
	it.URL = itemLink(gi, base)
	if it.URL != "" {
		if c, err := urlcanon.Canonical(it.URL); err == nil {
			it.CanonicalURL = c
		}
	}
	it.Title = san.Text(gi.Title)

	body := gi.Content
	if strings.TrimSpace(body) == "" {
		body = gi.Description
	}
	it.ContentHTML = stripFooter(wordpressFooterHTML, san.HTML(body, base))
	summarySource := gi.Description
	if strings.TrimSpace(summarySource) == "" {
		summarySource = gi.Content
	}
	it.Summary = truncate(stripFooter(wordpressFooter, san.Text(summarySource)), SummaryMax)

	if it.Title == "" {
		it.Title = truncate(it.Summary, 120)
	}
	it.GUID = strings.TrimSpace(gi.GUID)
	identified := it.GUID != "" || it.URL != ""
	if it.GUID == "" {
		it.GUID = it.CanonicalURL
	}
	if it.GUID == "" {
		it.GUID = it.URL
	}
	if it.GUID == "" {
		sum := sha256.Sum256([]byte(it.Title + "\x00" + gi.Published))
		it.GUID = "sha256:" + hex.EncodeToString(sum[:16])
	}
	it.Author = author(san, gi)

	hint := feedLang
	if gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Language) > 0 {
		if l := primaryLang(gi.DublinCoreExt.Language[0]); l != "" {
			hint = l
		}
	}
	if l := primaryLang(opt.Lang); l != "" {
		hint = l
	}
	it.Lang = textproc.DetectLangAmong(it.Title+" "+it.Summary, hint, opt.Languages)

	it.PublishedAt = itemDate(gi.PublishedParsed, gi.Published)
	it.Updated = itemDate(gi.UpdatedParsed, gi.Updated)
	// gofeed maps dc:date but not the DCMI terms namespace.
	if dct, ok := gi.Extensions["dcterms"]; ok {
		if it.PublishedAt.IsZero() {
			it.PublishedAt = extensionDate(dct, "issued", "created", "date", "available")
		}
		if it.Updated.IsZero() {
			it.Updated = extensionDate(dct, "modified")
		}
	}
	if it.PublishedAt.IsZero() {
		it.PublishedAt = it.Updated
	}
	// A date too far ahead is a wrong one, not a promise: the item has
	// none, and the caller dates it from what it knows.
	limit := opt.Now.Add(opt.MaxFuture)
	if it.PublishedAt.After(limit) {
		it.PublishedAt = time.Time{}
	}
	if it.Updated.After(limit) {
		it.Updated = time.Time{}
	}
	it.Images = images(san, gi, base, body)
	it.Categories = categories(san, gi.Categories)
	return entry{Item: it, identified: identified, published: gi.Published, updated: gi.Updated}
}

func itemLink(gi *gofeed.Item, base string) string {
	candidates := []string{gi.Link}
	candidates = append(candidates, gi.Links...)
	// An RSS guid that is a URL is the permalink when there is no <link>.
	candidates = append(candidates, gi.GUID)
	for _, c := range candidates {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if c == gi.GUID && !strings.Contains(c, "://") {
			continue
		}
		if u, err := urlcanon.Resolve(base, c); err == nil && isHTTP(u) {
			return u
		}
	}
	return ""
}

func itemDate(parsed *time.Time, raw string) time.Time {
	if parsed != nil && !parsed.IsZero() {
		return *parsed
	}
	if t, err := ParseDate(raw); err == nil {
		return t
	}
	return time.Time{}
}

func extensionDate(ext map[string][]ext.Extension, names ...string) time.Time {
	for _, name := range names {
		for _, e := range ext[name] {
			if t, err := ParseDate(e.Value); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

func author(san *sanitize.Sanitizer, gi *gofeed.Item) string {
	var names []string
	for _, a := range gi.Authors {
		if a == nil {
			continue
		}
		name := san.Text(a.Name)
		if name == "" {
			name = san.Text(a.Email)
		}
		if name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 && gi.DublinCoreExt != nil {
		for _, c := range gi.DublinCoreExt.Creator {
			if n := san.Text(c); n != "" {
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, ", ")
}

// images lists the item's pictures, the lead one first: the publisher's
// explicit choices (enclosures, Media RSS, iTunes) before pictures in the body.
func images(san *sanitize.Sanitizer, gi *gofeed.Item, base, body string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return
		}
		u, err := urlcanon.Resolve(base, raw)
		if err != nil || !isHTTP(u) || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, u)
	}
	for _, e := range gi.Enclosures {
		if e != nil && (strings.HasPrefix(strings.ToLower(e.Type), "image/") || (e.Type == "" && hasImageExt(e.URL))) {
			add(e.URL)
		}
	}
	if media, ok := gi.Extensions["media"]; ok {
		var contents []mediaExt
		for _, c := range media["content"] {
			contents = append(contents, mediaExt(c.Attrs))
		}
		for _, g := range media["group"] {
			for _, c := range g.Children["content"] {
				contents = append(contents, mediaExt(c.Attrs))
			}
		}
		for _, c := range contents {
			if c["medium"] == "image" || strings.HasPrefix(c["type"], "image/") || (c["medium"] == "" && c["type"] == "" && hasImageExt(c["url"])) {
				add(c["url"])
			}
		}
		for _, t := range media["thumbnail"] {
			add(t.Attrs["url"])
		}
		for _, g := range media["group"] {
			for _, t := range g.Children["thumbnail"] {
				add(t.Attrs["url"])
			}
		}
	}
	if gi.ITunesExt != nil {
		add(gi.ITunesExt.Image)
	}
	if gi.Image != nil {
		add(gi.Image.URL) // JSON Feed image, and what gofeed picked for RSS/Atom
	}
	if urls := san.ImageURLs(body, base); len(urls) > 0 {
		add(urls[0])
	}
	return out
}

type mediaExt map[string]string

func hasImageExt(u string) bool {
	u = strings.ToLower(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"} {
		if strings.HasSuffix(u, ext) {
			return true
		}
	}
	return false
}

func categories(san *sanitize.Sanitizer, raw []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range raw {
		c = san.Text(c)
		key := strings.ToLower(c)
		if c == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out
}

func isHTTP(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// primaryLang reduces "fr-FR" or "FR" to "fr"; "" when it is not a language tag.
func primaryLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return tag
}

// truncate cuts s to at most max characters at a word boundary, adding "…".
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	cut := max - 1
	for i := cut; i > max/2; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"'
	}) + "…"
}
