package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"revue/internal/web/i18n"
	"strconv"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue"
)

// articleView is what templates need of an article, computed once in Go
// so the templates stay free of logic.
type articleView struct {
	ID         int64
	Title      string
	Path       string // /articles/{id}-{slug}
	URL        string // the original article
	SourceName string
	SourcePath string
	Lang       string
	Dir        string
	Date       string // the day in words: 16 mars 2021
	Header     string // the date of the "published in" line
	ISO        string // machine-readable, for <time datetime>
	When       string // relative ("il y a 5 min") or day and month
	Summary    string
	Byline     string
	Lead       *imageView
	Content    template.HTML // sanitized by the crawler, images rewritten to the proxy
	// Mode is how much of the article is shown: full, excerpt or title.
	Mode string
	// AlsoIn are the other outlets that published the same article.
	AlsoIn    []creditView
	StoryPath string
	Section   sectionView
	Regions   []regionView
}

type imageView struct {
	ID  int64
	Src string
	Alt string
	// Blocked: readers or a moderator blocked it; the page shows a
	// neutral placeholder with Notice instead.
	Blocked bool
	Notice  string
	// Report is the link to report it, on article pages.
	Report string
	// Width and Height, when the record knows both, hold the picture's
	// room on the page before it loads; 0 otherwise.
	Width, Height int
}

// creditView is another outlet that carried an article, and its link.
type creditView struct {
	Name, URL string
}

type sectionView struct{ Slug, Name, Path string }

type regionView struct{ Slug, Name, Path string }

// listView is one page of a listing; Older is the link to the next page.
type listView struct {
	Items []articleView
	Older string
	First string // link back to the newest page, when paginated
}

// pageData is the root value given to every page template.
type pageData struct {
	Title  string
	Ticker []articleView
	Body   any
	CSS    string
	JS     string
	Report string // the in-place report script
	Live   liveStrings
	After  int64 // highest article ID when the page was made: the live stream resumes there
	// Feeds are the page's own feeds, advertised in its <head>.
	Feeds []feedLink

	// Lang and Dir are the interface language's, for <html lang dir>;
	// Locale is what scripts format dates with; Prefix begins its paths.
	Lang, Dir, Locale, Prefix string
	Switch                    []switchLink
	Language                  string // the switcher's label
}

// liveStrings lets ticker.js word relative times from the catalog.
type liveStrings struct{ Now, Minutes, Hours string }

// rtlLangs are the languages written right to left.
var rtlLangs = map[string]bool{"ar": true, "fa": true, "ur": true, "he": true, "yi": true, "ps": true, "ckb": true}

// textDir is the dir attribute for text in lang: "auto" lets mixed or
// unknown content choose by its first strong character.
func textDir(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if rtlLangs[base] {
		return "rtl"
	}
	return "auto"
}

// ArticlePath is the canonical URL path of an article page.
func ArticlePath(id int64, title string) string {
	p := "/articles/" + strconv.FormatInt(id, 10)
	if slug := Slug(title); slug != "" {
		p += "-" + url.PathEscape(slug)
	}
	return p
}

// dateDMY is the French administration's date, DD - MM - YYYY.
func (s *Server) dateDMY(t time.Time) string { return s.numericDate(s.langs[i18n.Default], t) }

func (s *Server) numericDate(l *uiLang, t time.Time) string {
	t = t.In(s.loc)
	return l.tr.T("date.long", fmt.Sprintf("%02d", t.Day()), fmt.Sprintf("%02d", int(t.Month())), strconv.Itoa(t.Year()))
}

// numericHeaderDate are the interface languages whose article header
// writes the date DD - MM - YYYY, as the French reference page does; the
// others say the day in words.
var numericHeaderDate = map[string]bool{i18n.Default: true}

// headerDate is the date of an article's "published in" line.
func (s *Server) headerDate(l *uiLang, t time.Time) string {
	if numericHeaderDate[l.code] {
		return s.numericDate(l, t)
	}
	return l.tr.Date(t.In(s.loc))
}

// relativeTime words how long ago t was for the ticker: minutes within the
// hour, hours within the day, else the day and month (and year if not this one).
func (s *Server) relativeTime(l *uiLang, t time.Time) string {
	now := s.now()
	d := now.Sub(t)
	tr := l.tr
	switch {
	case d < time.Minute:
		return tr.T("time.now")
	case d < time.Hour:
		return tr.T("time.minutes", strconv.Itoa(int(d/time.Minute)))
	case d < 24*time.Hour:
		return tr.T("time.hours", strconv.Itoa(int(d/time.Hour)))
	}
	lt, ln := t.In(s.loc), now.In(s.loc)
	month := tr.Month(lt.Month())
	if lt.Year() != ln.Year() {
		return tr.T("time.daymonthyear", strconv.Itoa(lt.Day()), month, strconv.Itoa(lt.Year()))
	}
	return tr.T("time.daymonth", strconv.Itoa(lt.Day()), month)
}

func (s *Server) sectionView(l *uiLang, slug string) sectionView {
	if slug == "" {
		return sectionView{}
	}
	return sectionView{Slug: slug, Name: s.sectionName(l, slug), Path: "/sections/" + url.PathEscape(slug)}
}

func (s *Server) sectionName(l *uiLang, slug string) string {
	if key := "section." + slug; l.tr.Has(key) {
		return l.tr.T(key)
	}
	return humanize(slug)
}

func (s *Server) regionName(l *uiLang, slug string) string {
	if key := "region." + slug; l.tr.Has(key) {
		return l.tr.T(key)
	}
	return humanize(slug)
}

func (s *Server) langName(l *uiLang, lang string) string {
	if key := "lang." + lang; l.tr.Has(key) {
		return l.tr.T(key)
	}
	return lang
}

// humanize makes "economie-maroc" readable when the catalog has no name.
func humanize(slug string) string {
	words := strings.ReplaceAll(slug, "-", " ")
	r := []rune(words)
	if len(r) == 0 {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// headlineView is the light view used by the ticker.
func (s *Server) headlineView(l *uiLang, a revue.Article) articleView {
	return articleView{
		ID:         a.ID,
		Title:      a.Title,
		Path:       ArticlePath(a.ID, a.Title),
		URL:        a.URL,
		SourceName: a.SourceName,
		SourcePath: "/sources/" + strconv.FormatInt(a.SourceID, 10),
		Lang:       a.Lang,
		Dir:        textDir(a.Lang),
		Date:       l.tr.Date(a.PublishedAt.In(s.loc)),
		Header:     s.headerDate(l, a.PublishedAt),
		ISO:        a.PublishedAt.UTC().Format(time.RFC3339),
		When:       s.relativeTime(l, a.PublishedAt),
	}
}

// listItemView adds what a listing shows: summary, lead image, section.
func (s *Server) listItemView(l *uiLang, a revue.Article) articleView {
	a = limitArticle(a, s.republish)
	v := s.headlineView(l, a)
	v.Summary = a.Summary
	v.Byline = a.Byline
	v.Section = s.sectionView(l, a.Section)
	if len(a.Images) > 0 {
		lead := a.Images[0]
		v.Lead = &imageView{ID: lead.ID, Src: imagePath(lead.ID), Alt: l.tr.T("article.image", a.Title)}
		if lead.Width > 0 && lead.Height > 0 {
			v.Lead.Width, v.Lead.Height = lead.Width, lead.Height
		}
		if lead.Status == revue.ImageBlocked {
			v.Lead = &imageView{ID: lead.ID, Blocked: true, Notice: l.tr.T("image.blocked")}
		}
	}
	return v
}

// fullView is the article page: content with images through the proxy,
// as much of it as the publisher lets the portal show.
func (s *Server) fullView(l *uiLang, a revue.Article) articleView {
	a = limitArticle(a, s.republish)
	v := s.listItemView(l, a)
	v.Mode = republishMode(a, s.republish)
	for _, c := range a.Credits {
		v.AlsoIn = append(v.AlsoIn, creditView{Name: c.SourceName, URL: c.URL})
	}
	content, shown := rewriteContentImages(a.ContentHTML, a.Images, s.articleMarks(l, v.Path))
	v.Content = content
	if v.Lead != nil && (shown[a.Images[0].ID] || (v.Lead.Blocked && strings.Contains(string(content), `class="image-blocked"`))) {
		v.Lead = nil // the text already shows it, or its placeholder, where the author put it
	}
	if v.Lead != nil && !v.Lead.Blocked {
		v.Lead.Report = reportLink(v.Lead.ID, v.Path)
	}
	if a.StoryID != 0 {
		v.StoryPath = "/stories/" + strconv.FormatInt(a.StoryID, 10)
	}
	for _, r := range a.Regions {
		v.Regions = append(v.Regions, regionView{Slug: r, Name: s.regionName(l, r), Path: "/regions/" + url.PathEscape(r)})
	}
	return v
}

// reportLink is the report form of image id, coming back to from.
func reportLink(id int64, from string) string {
	return reportPath(id) + "?" + url.Values{"from": {from}}.Encode()
}

// articleMarks puts a report link after each image of an article's text
// and a placeholder where a blocked one was.
func (s *Server) articleMarks(l *uiLang, from string) imageMarks {
	notice := l.tr.T("image.blocked")
	label := l.tr.T("report.link")
	return imageMarks{
		blocked: func() *xhtml.Node {
			n := &xhtml.Node{Type: xhtml.ElementNode, Data: "span", DataAtom: atom.Span, Attr: []xhtml.Attribute{
				{Key: "class", Val: "image-blocked"}, {Key: "role", Val: "img"}, {Key: "aria-label", Val: notice}}}
			n.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: notice})
			return n
		},
		report: func(img revue.Image) *xhtml.Node {
			n := &xhtml.Node{Type: xhtml.ElementNode, Data: "a", DataAtom: atom.A, Attr: []xhtml.Attribute{
				{Key: "class", Val: "report-link"}, {Key: "href", Val: l.path(reportLink(img.ID, from))},
				{Key: "data-image", Val: strconv.FormatInt(img.ID, 10)}, {Key: "rel", Val: "nofollow"}}}
			n.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: label})
			return n
		},
	}
}

func (s *Server) listView(page revue.ArticlePage, basePath string, r *http.Request) listView {
	lv := listView{}
	for _, a := range page.Items {
		lv.Items = append(lv.Items, s.listItemView(s.lang(r), a))
	}
	if !page.Next.IsZero() {
		q := url.Values{"cursor": {page.Next.String()}}
		lv.Older = basePath + "?" + q.Encode()
	}
	if r.URL.Query().Get("cursor") != "" {
		lv.First = basePath
	}
	return lv
}

// tHTML renders a catalog message whose arguments are HTML (links): the
// message text is escaped, the arguments are inserted as they are.
func tHTML(tr *i18n.Translator, key string, args ...template.HTML) template.HTML {
	markers := make([]any, len(args))
	for i := range args {
		markers[i] = "\uE000" + strconv.Itoa(i) + "\uE001"
	}
	out := html.EscapeString(tr.T(key, markers...))
	for i, a := range args {
		out = strings.Replace(out, markers[i].(string), string(a), 1)
	}
	return template.HTML(out)
}

// funcs are the template functions of interface language l.
func (s *Server) funcs(l *uiLang) template.FuncMap {
	return template.FuncMap{
		"t": l.tr.T,
		// path is how templates write a link to one of the portal's own
		// pages, so the link keeps the reader's interface language.
		"path":   l.path,
		"uiLang": func() string { return l.code },
		"uiDir":  l.tr.Dir,
		"published": func(v articleView) template.HTML {
			link := template.HTML(`<a href="` + html.EscapeString(l.path(v.SourcePath)) + `">` + html.EscapeString(v.SourceName) + `</a>`)
			date := template.HTML(`<time datetime="` + html.EscapeString(v.ISO) + `">` + html.EscapeString(v.Header) + `</time>`)
			return tHTML(l.tr, "article.published", link, date)
		},
		"langName": func(code string) string { return s.langName(l, code) },
		// sections are the section table's slugs, for the home page's list.
		"sections": func() []string { return s.sections },
		"reasons":  func() []reasonView { return s.reasonViews(l) },
	}
}

// pageNames are the public pages, each a template file of its own.
var pageNames = []string{"home", "article", "list", "source", "notfound", "error", "report", "regions", "search"}

// parseTemplates parses the public pages once, then gives each interface
// language a clone whose functions speak it.
func (s *Server) parseTemplates() error {
	fr := s.langs[i18n.Default]
	base, err := template.New("layout.html").Funcs(s.funcs(fr)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/feeds.html")
	if err != nil {
		return fmt.Errorf("web: parsing the layout templates: %w", err)
	}
	parsed := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parsing template %s.html: %w", name, err)
		}
		parsed[name] = t
	}
	for _, l := range s.langOrder {
		l.pages = map[string]*template.Template{}
		for name, t := range parsed {
			c, err := t.Clone()
			if err != nil {
				return fmt.Errorf("web: template %s.html for %s: %w", name, l.code, err)
			}
			l.pages[name] = c.Funcs(s.funcs(l))
		}
	}
	return nil
}

// render writes a whole page: the ticker band, then the page's body.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, body any) {
	l := s.lang(r)
	data := pageData{
		Title:    title,
		Body:     body,
		CSS:      s.assetURL("style.css"),
		JS:       s.assetURL("ticker.js"),
		Lang:     l.code,
		Dir:      l.tr.Dir(),
		Locale:   l.locale(),
		Prefix:   l.prefix,
		Switch:   s.switchLinks(r),
		Language: l.tr.T("nav.language"),

		Live: liveStrings{
			Now:     l.tr.T("time.now"),
			Minutes: l.tr.T("time.minutes", "{n}"),
			Hours:   l.tr.T("time.hours", "{n}"),
		},
	}
	if page == "article" {
		data.Report = s.assetURL("report.js")
	}
	if f, ok := body.(interface{ advertisedFeeds() []feedLink }); ok {
		data.Feeds = f.advertisedFeeds()
	}
	ticker, err := s.store.Ticker(r.Context(), tickerSize)
	if err != nil {
		// A page without its ticker is still worth showing.
		s.log.WarnContext(r.Context(), "loading the ticker for a page", "path", r.URL.Path, "err", err)
	}
	for _, a := range ticker {
		data.Ticker = append(data.Ticker, s.headlineView(l, a))
	}
	// The live stream resumes after everything stored now, not after the
	// ticker's newest ID: a backfilled old article may have a higher ID
	// than any headline shown, and is not news.
	if data.After, err = s.store.LatestArticleID(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "reading the latest article ID for a page", "err", err)
	}
	var buf bytes.Buffer
	if err := l.pages[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "rendering a page", "page", page, "path", r.URL.Path, "err", err)
		http.Error(w, l.tr.T("error.body"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The article languages a reader chose (a cookie) shape listings.
	w.Header().Add("Vary", "Cookie")
	w.Header().Set("Content-Language", l.code)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
