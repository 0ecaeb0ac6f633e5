package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"revue"
	"revue/internal/web/i18n"
)

// Feeds out: every listing of the portal as Atom 1.0, RSS 2.0 and JSON
// Feed 1.1. The encoders are written here on encoding/xml and
// encoding/json rather than with github.com/gorilla/feeds: that library
// cannot give an entry its own language, several categories (Atom's
// category without its required term attribute, RSS one category only),
// a rel="related" link beside the alternate one, an Atom feed id distinct
// from its link, or a JSON Feed language at all.

const (
	feedDefaultLimit = 50
	feedMaxLimit     = 200
	// feedMaxLangs bounds a lang= list: each language is one query.
	feedMaxLangs = 8
	// feedCacheControl keeps a feed a minute in readers and shared caches:
	// news feeds are polled often, and an ETag makes each poll cheap.
	feedCacheControl = "public, max-age=60"
)

// feedFormat is one syndication format.
type feedFormat struct {
	ext         string // the URL's extension: feed.{ext}
	name        string // as readers know it, for link titles
	contentType string
	encode      func(io.Writer, feedDoc) error
}

var feedFormats = []feedFormat{
	{ext: "atom", name: "Atom", contentType: "application/atom+xml; charset=utf-8", encode: encodeAtom},
	{ext: "rss", name: "RSS", contentType: "application/rss+xml; charset=utf-8", encode: encodeRSS},
	{ext: "json", name: "JSON Feed", contentType: "application/feed+json; charset=utf-8", encode: encodeJSONFeed},
}

// feedListing is a listing that has feeds: pattern is the listing page's
// route, resolve says what the feed lists, or revue.ErrNotFound. Story and
// search feeds are added here when their listings exist.
type feedListing struct {
	pattern string
	resolve func(s *Server, r *http.Request) (feedScope, error)
}

// feedScope is what one feed lists and how it is named.
type feedScope struct {
	query revue.ArticleQuery
	title string
	// page is the path of the listing's HTML page: the feed's home link.
	page string
	// exists, when set, is asked when the listing is empty: an empty
	// listing of a thing that does not exist is a 404.
	exists func(ctx context.Context) (bool, error)
}

var feedListings = []feedListing{
	{pattern: "", resolve: (*Server).homeFeed},
	{pattern: "/sections/{slug}", resolve: (*Server).sectionFeed},
	{pattern: "/regions/{slug}", resolve: (*Server).regionFeed},
	{pattern: "/sources/{id}", resolve: (*Server).sourceFeed},
}

// feedRoutes adds every listing's feed in every format to mux.
func (s *Server) feedRoutes(mux *http.ServeMux) {
	for _, l := range feedListings {
		for _, f := range feedFormats {
			mux.HandleFunc("GET "+l.pattern+"/feed."+f.ext, func(w http.ResponseWriter, r *http.Request) {
				s.serveFeed(w, r, l, f)
			})
		}
	}
}

func (s *Server) homeFeed(r *http.Request) (feedScope, error) {
	return feedScope{title: s.ui(r).T("feeds.title.home"), page: "/"}, nil
}

func (s *Server) sectionFeed(r *http.Request) (feedScope, error) {
	slug := r.PathValue("slug")
	return feedScope{
		query: revue.ArticleQuery{Section: slug},
		title: s.ui(r).T("feeds.title.section", s.sectionName(s.lang(r), slug)),
		page:  "/sections/" + url.PathEscape(slug),
		exists: func(ctx context.Context) (bool, error) {
			return s.ui(r).Has("section."+slug) || s.anyArticle(ctx, revue.ArticleQuery{Section: slug}) ||
				s.anySource(ctx, func(src revue.Source) bool { return src.Section == slug }), nil
		},
	}, nil
}

func (s *Server) regionFeed(r *http.Request) (feedScope, error) {
	slug := r.PathValue("slug")
	return feedScope{
		query: revue.ArticleQuery{Region: slug},
		title: s.ui(r).T("feeds.title.region", s.regionName(s.lang(r), slug)),
		page:  "/regions/" + url.PathEscape(slug),
		exists: func(ctx context.Context) (bool, error) {
			return s.ui(r).Has("region."+slug) || s.anyArticle(ctx, revue.ArticleQuery{Region: slug}) ||
				s.anySource(ctx, func(src revue.Source) bool { return src.Region == slug }), nil
		},
	}, nil
}

func (s *Server) sourceFeed(r *http.Request) (feedScope, error) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		return feedScope{}, revue.ErrNotFound
	}
	src, err := s.store.GetSource(r.Context(), id)
	if err != nil {
		return feedScope{}, fmt.Errorf("loading source %d: %w", id, err)
	}
	return feedScope{
		query: revue.ArticleQuery{SourceID: id},
		title: s.ui(r).T("feeds.title.source", src.Name),
		page:  "/sources/" + strconv.FormatInt(id, 10),
	}, nil
}

// anyArticle and anySource tell an empty section or region from an
// unknown one; a store failure counts as "exists", so that a passing
// outage never turns a reader's subscription into a 404.
func (s *Server) anyArticle(ctx context.Context, q revue.ArticleQuery) bool {
	q.Limit = 1
	page, err := s.store.ListArticles(ctx, q)
	return err != nil || len(page.Items) > 0
}

func (s *Server) anySource(ctx context.Context, match func(revue.Source) bool) bool {
	sources, err := s.store.ListSources(ctx)
	return err != nil || slices.ContainsFunc(sources, match)
}

// serveFeed answers one feed request.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, l feedListing, f feedFormat) {
	ctx := r.Context()
	scope, err := l.resolve(s, r)
	if errors.Is(err, revue.ErrNotFound) {
		s.handleNotFound(w, r)
		return
	}
	if err != nil {
		s.feedFailed(w, r, err)
		return
	}
	langs, limit, err := feedParams(r.URL.Query())
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	scope.query.Limit = limit
	items, err := s.listLangs(ctx, scope.query, langs)
	if err != nil {
		s.feedFailed(w, r, err)
		return
	}
	if len(items) == 0 && scope.exists != nil {
		ok, err := scope.exists(ctx)
		if err != nil {
			s.feedFailed(w, r, err)
			return
		}
		if !ok {
			s.handleNotFound(w, r)
			return
		}
	}
	doc := s.feedDoc(r, scope, langs, items)
	var buf bytes.Buffer
	if err := f.encode(&buf, doc); err != nil {
		s.feedFailed(w, r, fmt.Errorf("encoding the %s feed: %w", f.name, err))
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", feedCacheControl)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	// ServeContent answers If-None-Match (and, without it,
	// If-Modified-Since) with 304, and HEAD without a body.
	http.ServeContent(w, r, "", doc.updated, bytes.NewReader(buf.Bytes()))
}

func (s *Server) feedFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "serving a feed", "path", r.URL.Path, "err", err)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, s.ui(r).T("error.body"), http.StatusInternalServerError)
}

// langPattern is what a language tag in lang= may look like.
var langPattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// feedParams reads lang= (one language or a comma list) and limit=.
func feedParams(v url.Values) (langs []string, limit int, err error) {
	limit = feedDefaultLimit
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return nil, 0, fmt.Errorf("limit %q is not a whole number from 1 to %d", l, feedMaxLimit)
		}
		limit = min(n, feedMaxLimit)
	}
	for part := range strings.SplitSeq(v.Get("lang"), ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" || slices.Contains(langs, part) {
			continue
		}
		if !langPattern.MatchString(part) {
			return nil, 0, fmt.Errorf("lang %q is not a language code such as fr, ar, es or en", part)
		}
		langs = append(langs, part)
	}
	if len(langs) > feedMaxLangs {
		return nil, 0, fmt.Errorf("lang names %d languages; a feed takes at most %d", len(langs), feedMaxLangs)
	}
	return langs, limit, nil
}

// listLangs lists q's newest articles in any of langs (all languages when
// empty). The store filters one language at a time, so a list of them is
// one query each, merged newest first as the store orders them.
func (s *Server) listLangs(ctx context.Context, q revue.ArticleQuery, langs []string) ([]revue.Article, error) {
	if len(langs) <= 1 {
		if len(langs) == 1 {
			q.Lang = langs[0]
		}
		page, err := s.store.ListArticles(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("listing articles: %w", err)
		}
		return page.Items, nil
	}
	var all []revue.Article
	for _, lang := range langs {
		q.Lang = lang
		page, err := s.store.ListArticles(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("listing articles in %s: %w", lang, err)
		}
		all = append(all, page.Items...)
	}
	slices.SortFunc(all, func(a, b revue.Article) int {
		return cmp.Or(b.PublishedAt.Compare(a.PublishedAt), cmp.Compare(b.ID, a.ID))
	})
	return all[:min(len(all), q.Limit)], nil
}

// feedBase is the scheme and host absolute links in a feed start with:
// the configured base URL, or, when it was only guessed from the
// listening address, the host the reader asked for, since a reader
// reaching the portal by another name could not follow the guessed one.
func (s *Server) feedBase(r *http.Request) string {
	if s.baseURL != "" && !s.originFromHost {
		return s.baseURL
	}
	if r.Host == "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// feedDoc is a feed, whatever its format.
type feedDoc struct {
	id       string // permanent: the feed's own URL, its filter included
	title    string
	subtitle string
	uiLang   string // the language of title and subtitle
	lang     string // the entries' one language, when the feed has one
	home     string // the listing's HTML page
	self     string
	updated  time.Time // zero when the feed is empty
	author   string
	entries  []feedEntry
}

// feedEntry is one article as every format shows it.
type feedEntry struct {
	id        string // the article page's permanent URL (no slug)
	title     string
	link      string // the article page on the portal
	original  string // the publisher's article
	source    string // the source's name
	sourceURL string // the source's page on the portal
	// sourceFeed is the source's own feed on the portal, without its
	// extension: what RSS's <source> and Atom's <source> point at.
	sourceFeed string
	byline     string
	lang       string
	published  time.Time
	summary    string // plain text; empty when the mode allows none
	content    string // sanitized HTML with the attribution and the link out
	image      string // the lead picture through the proxy; never a blocked one
	categories []feedCategory
}

type feedCategory struct {
	term, label, scheme string
}

func (s *Server) feedDoc(r *http.Request, scope feedScope, langs []string, items []revue.Article) feedDoc {
	l := s.lang(r)
	tr := l.tr
	base := s.feedBase(r)
	self := base + r.URL.Path
	if len(langs) > 0 {
		self += "?" + url.Values{"lang": {strings.Join(langs, ",")}}.Encode()
	}
	doc := feedDoc{
		id:       self,
		title:    feedText(scope.title),
		subtitle: tr.T("site.tagline"),
		uiLang:   tr.Lang(),
		home:     base + scope.page,
		self:     self,
		author:   tr.T("site.name"),
	}
	if len(langs) == 1 {
		doc.lang = langs[0]
		doc.title = feedText(tr.T("feeds.title.lang", scope.title, s.langName(l, langs[0])))
	}
	for _, a := range items {
		e := s.feedEntry(l, base, a)
		doc.entries = append(doc.entries, e)
		// A backfilled article is new to the feed though published long
		// ago: the feed changed when it was stored.
		doc.updated = latest(doc.updated, a.PublishedAt, a.FetchedAt)
	}
	if now := s.now(); doc.updated.After(now) {
		doc.updated = now // a publisher's clock ahead of ours
	}
	return doc
}

// feedText replaces what XML 1.0 cannot carry (control characters,
// non-characters, invalid UTF-8) with U+FFFD, in every format alike, so
// that one article reads the same in Atom, RSS and JSON Feed.
func feedText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !xmlChar(r) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return utf8.RuneError
	}, s)
}

// xmlChar reports whether r is a Char of XML 1.0.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// feedEntry builds an entry as the portal may show the article: the
// republishing mode decides the text, images go through the proxy and a
// blocked one never appears.
func (s *Server) feedEntry(l *uiLang, base string, a revue.Article) feedEntry {
	tr := l.tr
	mode := republishMode(a, s.republish)
	a = limitArticle(a, s.republish)
	idPath := "/articles/" + strconv.FormatInt(a.ID, 10)
	e := feedEntry{
		id:         base + idPath,
		title:      feedText(a.Title),
		link:       base + ArticlePath(a.ID, a.Title),
		original:   feedText(a.URL),
		source:     feedText(a.SourceName),
		sourceURL:  base + "/sources/" + strconv.FormatInt(a.SourceID, 10),
		sourceFeed: base + "/sources/" + strconv.FormatInt(a.SourceID, 10) + "/feed",
		byline:     feedText(a.Byline),
		lang:       feedText(a.Lang),
		published:  a.PublishedAt.UTC(),
		summary:    feedText(a.Summary),
	}
	if a.Section != "" {
		e.categories = append(e.categories, feedCategory{term: feedText(a.Section), label: feedText(s.sectionName(l, a.Section)), scheme: base + "/sections/"})
	}
	for _, region := range a.Regions {
		e.categories = append(e.categories, feedCategory{term: feedText(region), label: feedText(s.regionName(l, region)), scheme: base + "/regions/"})
	}
	var lead *revue.Image
	if len(a.Images) > 0 && a.Images[0].Status != revue.ImageBlocked {
		lead = &a.Images[0]
		e.image = base + imagePath(lead.ID)
	}

	var b strings.Builder
	b.WriteString("<p>")
	b.WriteString(htmlMessage(tr, "article.published",
		`<a href="`+html.EscapeString(e.sourceURL)+`">`+html.EscapeString(a.SourceName)+`</a>`,
		html.EscapeString(s.headerDate(l, a.PublishedAt))))
	b.WriteString("</p>\n")
	content, shown := rewriteContentImages(a.ContentHTML, a.Images, imageMarks{imageBase: base})
	if lead != nil && !shown[lead.ID] {
		alt := lead.Alt
		if alt == "" {
			alt = tr.T("article.image", a.Title)
		}
		fmt.Fprintf(&b, "<p><img src=\"%s\" alt=\"%s\"></p>\n", html.EscapeString(e.image), html.EscapeString(alt))
	}
	switch {
	case content != "":
		b.WriteString(string(content))
		b.WriteString("\n")
	case a.Summary != "":
		b.WriteString("<p>" + html.EscapeString(a.Summary) + "</p>\n")
	}
	switch mode {
	case revue.RepublishExcerpt:
		b.WriteString("<p>" + html.EscapeString(tr.T("article.excerpt", a.SourceName)) + "</p>\n")
	case revue.RepublishTitle:
		b.WriteString("<p>" + html.EscapeString(tr.T("article.titleonly", a.SourceName)) + "</p>\n")
	}
	if a.Byline != "" {
		b.WriteString("<p>" + html.EscapeString(tr.T("article.by", a.Byline)) + "</p>\n")
	}
	fmt.Fprintf(&b, "<p><a href=\"%s\">%s</a></p>", html.EscapeString(a.URL), html.EscapeString(tr.T("article.source")))
	e.content = feedText(b.String())
	return e
}

// htmlMessage renders a catalog message whose arguments are HTML: the
// message's own text is escaped, the arguments are put in as they are.
func htmlMessage(tr *i18n.Translator, key string, args ...string) string {
	markers := make([]any, len(args))
	for i := range args {
		markers[i] = "\uE000" + strconv.Itoa(i) + "\uE001"
	}
	out := html.EscapeString(tr.T(key, markers...))
	for i, a := range args {
		out = strings.Replace(out, markers[i].(string), a, 1)
	}
	return out
}

// --- Atom 1.0 (RFC 4287) ---

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	NS       string      `xml:"xmlns,attr"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle atomText    `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomSource struct {
	Title string     `xml:"title"`
	Links []atomLink `xml:"link"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Author     atomPerson     `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Source     atomSource     `xml:"source"`
	Summary    *atomText      `xml:"summary"`
	Content    atomText       `xml:"content"`
}

func encodeAtom(w io.Writer, d feedDoc) error {
	f := atomFeed{
		NS:       atomNS,
		Lang:     d.uiLang,
		ID:       d.id,
		Title:    atomText{Type: "text", Body: d.title},
		Subtitle: atomText{Type: "text", Body: d.subtitle},
		Updated:  atomTime(d.updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: d.self},
			{Rel: "alternate", Type: "text/html", Href: d.home},
		},
		Author: atomPerson{Name: d.author, URI: d.home},
		Gen:    "Revue",
	}
	for _, e := range d.entries {
		ae := atomEntry{
			Lang:      e.lang,
			ID:        e.id,
			Title:     atomText{Type: "text", Body: e.title},
			Updated:   atomTime(e.published),
			Published: atomTime(e.published),
			Links: []atomLink{
				{Rel: "alternate", Type: "text/html", Href: e.link},
				{Rel: "related", Type: "text/html", Href: e.original, HrefLang: e.lang},
			},
			Author: atomPerson{Name: cmp.Or(e.byline, e.source)},
			Source: atomSource{Title: e.source, Links: []atomLink{
				{Rel: "alternate", Type: "text/html", Href: e.sourceURL},
				{Rel: "self", Type: "application/atom+xml", Href: e.sourceFeed + ".atom"},
			}},
			Content: atomText{Type: "html", Body: e.content},
		}
		if e.original == "" {
			ae.Links = ae.Links[:1]
		}
		if e.summary != "" {
			ae.Summary = &atomText{Type: "text", Body: e.summary}
		}
		for _, c := range e.categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c.term, Scheme: c.scheme, Label: c.label})
		}
		f.Entries = append(f.Entries, ae)
	}
	return writeXML(w, f)
}

// atomTime is an RFC 3339 date; an empty feed is dated at the epoch, a
// fixed date, so that its ETag holds until something is listed.
func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// --- RSS 2.0 ---

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language,omitempty"`
	LastBuild   string    `xml:"lastBuildDate,omitempty"`
	Generator   string    `xml:"generator"`
	Docs        string    `xml:"docs"`
	Self        rssSelf   `xml:"atom:link"`
	Items       []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Language    string        `xml:"dc:language,omitempty"`
	Categories  []rssCategory `xml:"category"`
	Source      rssSource     `xml:"source"`
	Description string        `xml:"description"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Name   string `xml:",chardata"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

func encodeRSS(w io.Writer, d feedDoc) error {
	ch := rssChannel{
		Title:       d.title,
		Link:        d.home,
		Description: d.subtitle,
		Language:    d.lang,
		Generator:   "Revue",
		Docs:        "https://www.rssboard.org/rss-specification",
		Self:        rssSelf{Href: d.self, Rel: "self", Type: "application/rss+xml"},
	}
	if !d.updated.IsZero() {
		ch.LastBuild = d.updated.UTC().Format(time.RFC1123Z)
	}
	for _, e := range d.entries {
		it := rssItem{
			Title: e.title,
			Link:  e.link,
			// The ID URL leads to the article page whatever its title
			// becomes: a permalink.
			GUID:        rssGUID{IsPermaLink: true, ID: e.id},
			PubDate:     e.published.Format(time.RFC1123Z),
			Creator:     e.byline,
			Language:    e.lang,
			Source:      rssSource{URL: e.sourceFeed + ".rss", Name: e.source},
			Description: e.content,
		}
		for _, c := range e.categories {
			it.Categories = append(it.Categories, rssCategory{Domain: c.scheme, Name: c.label})
		}
		ch.Items = append(ch.Items, it)
	}
	return writeXML(w, rssDoc{Version: "2.0", AtomNS: atomNS, DCNS: "http://purl.org/dc/elements/1.1/", Channel: ch})
}

// --- JSON Feed 1.1 ---

type jsonFeed struct {
	Version  string         `json:"version"`
	Title    string         `json:"title"`
	HomePage string         `json:"home_page_url"`
	FeedURL  string         `json:"feed_url"`
	Desc     string         `json:"description,omitempty"`
	Language string         `json:"language,omitempty"`
	Authors  []jsonAuthor   `json:"authors"`
	Items    []jsonFeedItem `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonFeedItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	ExternalURL   string       `json:"external_url,omitempty"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	Authors       []jsonAuthor `json:"authors"`
	Tags          []string     `json:"tags,omitempty"`
	Language      string       `json:"language,omitempty"`
}

func encodeJSONFeed(w io.Writer, d feedDoc) error {
	f := jsonFeed{
		Version:  "https://jsonfeed.org/version/1.1",
		Title:    d.title,
		HomePage: d.home,
		FeedURL:  d.self,
		Desc:     d.subtitle,
		Language: d.lang,
		Authors:  []jsonAuthor{{Name: d.author, URL: d.home}},
		Items:    []jsonFeedItem{},
	}
	for _, e := range d.entries {
		it := jsonFeedItem{
			ID:            e.id,
			URL:           e.link,
			ExternalURL:   e.original,
			Title:         e.title,
			ContentHTML:   e.content,
			Summary:       e.summary,
			Image:         e.image,
			DatePublished: e.published.Format(time.RFC3339),
			Authors:       []jsonAuthor{{Name: cmp.Or(e.byline, e.source), URL: e.sourceURL}},
			Language:      e.lang,
		}
		for _, c := range e.categories {
			it.Tags = append(it.Tags, c.label)
		}
		f.Items = append(f.Items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(f)
}

// --- autodiscovery ---

// feedLink is a feed a page advertises. TypeAttr is the whole type
// attribute, written as it is: html/template would write the media
// type's "+" as "&#43;", which feed discovery by pattern matching misses.
type feedLink struct {
	Title, Href, Name string
	TypeAttr          template.HTMLAttr
}

// advertisedFeedPrefixes are the listing paths with feeds ("/" alone is
// the home page).
var advertisedFeedPrefixes = []string{"/sections/", "/regions/", "/sources/"}

// feedLinksFor are the feeds of the listing at basePath, named after
// title, or none when that listing has no feeds.
func (s *Server) feedLinksFor(r *http.Request, basePath, title string) feedLinks {
	prefix := ""
	switch {
	case basePath == "/":
		title = s.ui(r).T("feeds.title.home")
	case slices.ContainsFunc(advertisedFeedPrefixes, func(p string) bool { return strings.HasPrefix(basePath, p) }):
		prefix = basePath
	default:
		return feedLinks{}
	}
	var links []feedLink
	for _, f := range feedFormats {
		links = append(links, feedLink{
			// A constant of feedFormats, never input.
			TypeAttr: template.HTMLAttr(`type="` + strings.TrimSuffix(f.contentType, "; charset=utf-8") + `"`),
			Title:    s.ui(r).T("feeds.alternate", title, f.name),
			Href:     prefix + "/feed." + f.ext,
			Name:     f.name,
		})
	}
	return feedLinks{Feeds: links}
}

// feedLinks is embedded in the bodies of pages that list articles: the
// layout advertises them in <head>, the page shows them.
type feedLinks struct{ Feeds []feedLink }

func (f feedLinks) advertisedFeeds() []feedLink { return f.Feeds }
