package extract

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue/internal/feed"
	"revue/internal/urlcanon"
)

// meta is what the page says about itself, read in one walk of the tree.
type meta struct {
	title        string
	h1s          []string // texts of the <h1> elements, to recognise the headline in the text
	byline       string
	published    time.Time
	leadImage    string
	canonical    string
	lang         string // declared, primary subtag; "" when the page declares none
	noArchive    bool
	noSnippet    bool
	baseURL      string // <base href> resolved, else the page URL
	contentTitle string // og:title or JSON-LD headline: what the publisher calls the article
}

// pageFacts are the raw values gathered by the walk, before choosing.
type pageFacts struct {
	htmlLang, titleTag, base string
	metas                    map[string]string // lower-case name/property/itemprop → first non-empty content
	robots                   []string          // contents of robots, revue and googlebot metas
	canonical, imageSrc      string
	ld                       []map[string]any // JSON-LD objects, @graph flattened
	times                    []timeCandidate
	h1s                      []string
	authors                  []string // texts of rel=author, itemprop=author, .byline elements
	firstFigureImg           string
}

type timeCandidate struct {
	value     string
	preferred bool // itemprop=datePublished, pubdate, class with "publish"
}

func readMeta(doc *html.Node, pageURL string) meta {
	f := pageFacts{metas: map[string]string{}}
	f.walk(doc, false)

	m := meta{baseURL: pageURL}
	if f.base != "" {
		if b, err := urlcanon.Resolve(pageURL, f.base); err == nil {
			m.baseURL = b
		}
	}
	ld := articleLD(f.ld)

	m.contentTitle = firstNonEmpty(f.metas["og:title"], f.metas["twitter:title"], ldString(ld, "headline"), ldString(ld, "name"))
	m.h1s = f.h1s
	m.title = chooseTitle(m.contentTitle, f.h1s, f.titleTag)
	m.title = dropSiteName(m.title, f.h1s, f.metas["og:site_name"], f.metas["application-name"], strings.TrimPrefix(f.metas["twitter:site"], "@"))
	m.byline = chooseByline(ld, f)
	m.published = choosePublished(ld, f)
	m.leadImage = m.absolute(firstNonEmpty(
		f.metas["og:image:secure_url"], f.metas["og:image:url"], f.metas["og:image"],
		f.metas["twitter:image"], f.metas["twitter:image:src"], ldImage(ld), f.imageSrc,
		f.metas["thumbnailurl"], f.metas["image"]))
	if m.leadImage == "" {
		m.leadImage = m.absolute(f.firstFigureImg)
	}
	m.canonical = m.absolute(firstNonEmpty(f.canonical, f.metas["og:url"]))
	m.lang = primaryLang(firstNonEmpty(f.htmlLang, f.metas["og:locale"], f.metas["content-language"], f.metas["dc.language"], f.metas["inlanguage"], ldString(ld, "inLanguage")))
	for _, r := range f.robots {
		for _, d := range strings.Split(strings.ToLower(r), ",") {
			switch d = strings.Join(strings.Fields(d), ""); {
			case d == "noarchive" || d == "nocache":
				m.noArchive = true
			case d == "nosnippet" || d == "max-snippet:0":
				m.noSnippet = true
			}
		}
	}
	return m
}

func (m meta) absolute(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "data:") {
		return ""
	}
	u, err := urlcanon.Resolve(m.baseURL, ref)
	if err != nil || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
		return ""
	}
	return u
}

func (f *pageFacts) walk(n *html.Node, inFigure bool) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Html:
			if f.htmlLang == "" {
				f.htmlLang = firstNonEmpty(attr(n, "lang"), attr(n, "xml:lang"))
			}
		case atom.Title:
			if f.titleTag == "" && !inSVG(n) {
				f.titleTag = collapse(textOf(n))
			}
			return
		case atom.Base:
			if f.base == "" {
				f.base = attr(n, "href")
			}
		case atom.Meta:
			f.meta(n)
		case atom.Link:
			rels := strings.Fields(strings.ToLower(attr(n, "rel")))
			for _, rel := range rels {
				switch rel {
				case "canonical":
					if f.canonical == "" {
						f.canonical = attr(n, "href")
					}
				case "image_src":
					if f.imageSrc == "" {
						f.imageSrc = attr(n, "href")
					}
				}
			}
		case atom.Script:
			if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") {
				f.jsonLD(textOf(n))
			}
			return
		case atom.Style, atom.Noscript, atom.Template:
			return
		case atom.Time:
			if dt := firstNonEmpty(attr(n, "datetime"), attr(n, "content")); dt != "" {
				f.times = append(f.times, timeCandidate{value: dt, preferred: isPublishedMark(n)})
			}
		case atom.H1:
			if t := collapse(textOf(n)); t != "" {
				f.h1s = append(f.h1s, t)
			}
		case atom.Figure:
			inFigure = true
		case atom.Img:
			if inFigure && f.firstFigureImg == "" && contentImage(n) {
				f.firstFigureImg = imgSource(n)
			}
		}
		if ip := strings.ToLower(attr(n, "itemprop")); ip != "" && n.DataAtom != atom.Meta {
			switch ip {
			case "datepublished":
				if dt := firstNonEmpty(attr(n, "datetime"), attr(n, "content")); dt != "" {
					f.times = append(f.times, timeCandidate{value: dt, preferred: true})
				}
			case "author":
				f.addAuthor(n)
			}
		}
		if strings.EqualFold(attr(n, "rel"), "author") {
			f.addAuthor(n)
		} else if c := strings.ToLower(attr(n, "class")); c != "" && (hasClassWord(c, "byline") || hasClassWord(c, "author-name") || hasClassWord(c, "article-author")) {
			f.addAuthor(n)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		f.walk(c, inFigure)
	}
}

func (f *pageFacts) meta(n *html.Node) {
	content := strings.TrimSpace(attr(n, "content"))
	if he := strings.ToLower(attr(n, "http-equiv")); he == "content-language" && content != "" {
		if _, ok := f.metas["content-language"]; !ok {
			f.metas["content-language"] = content
		}
	}
	for _, key := range []string{attr(n, "property"), attr(n, "name"), attr(n, "itemprop")} {
		key = strings.ToLower(strings.TrimSpace(key))
		if key == "" {
			continue
		}
		switch key {
		case "robots", "revue", "googlebot":
			f.robots = append(f.robots, content)
		}
		if content != "" {
			if _, ok := f.metas[key]; !ok {
				f.metas[key] = content
			}
		}
	}
}

// addAuthor keeps the visible name of an author element: a short text, not
// a paragraph that happens to carry the class.
func (f *pageFacts) addAuthor(n *html.Node) {
	name := attr(n, "content")
	if name == "" {
		name = collapse(textOf(n))
	}
	name = cleanAuthor(name)
	if name != "" && len([]rune(name)) <= 80 {
		f.authors = append(f.authors, name)
	}
}

func (f *pageFacts) jsonLD(raw string) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(raw, "<!--")
	raw = strings.TrimSuffix(raw, "-->")
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return // broken JSON-LD is common; the page's other metadata remain
	}
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if depth > 4 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				add(e, depth+1)
			}
		case map[string]any:
			f.ld = append(f.ld, x)
			if g, ok := x["@graph"]; ok {
				add(g, depth+1)
			}
			if me, ok := x["mainEntity"].(map[string]any); ok {
				add(me, depth+1)
			}
		}
	}
	add(v, 0)
}

// articleLD picks the JSON-LD object that describes the article: a type
// ending in "Article" or "BlogPosting" first, then one with a headline.
func articleLD(objs []map[string]any) map[string]any {
	for _, o := range objs {
		for _, t := range ldTypes(o) {
			if strings.HasSuffix(t, "Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting" {
				return o
			}
		}
	}
	for _, o := range objs {
		if _, ok := o["headline"]; ok {
			return o
		}
	}
	return nil
}

func ldTypes(o map[string]any) []string {
	switch t := o["@type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func ldString(o map[string]any, key string) string {
	if o == nil {
		return ""
	}
	switch v := o[key].(type) {
	case string:
		return strings.TrimSpace(html.UnescapeString(v))
	case []any:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok {
				return strings.TrimSpace(html.UnescapeString(s))
			}
		}
	case map[string]any:
		return ldString(v, "name")
	}
	return ""
}

func ldImage(o map[string]any) string {
	if o == nil {
		return ""
	}
	var pick func(v any) string
	pick = func(v any) string {
		switch x := v.(type) {
		case string:
			return x
		case []any:
			for _, e := range x {
				if s := pick(e); s != "" {
					return s
				}
			}
		case map[string]any:
			if s, ok := x["url"].(string); ok {
				return s
			}
			if s, ok := x["contentUrl"].(string); ok {
				return s
			}
		}
		return ""
	}
	return firstNonEmpty(pick(o["image"]), pick(o["thumbnailUrl"]))
}

func ldAuthors(o map[string]any) []string {
	if o == nil {
		return nil
	}
	var names []string
	var pick func(v any)
	pick = func(v any) {
		switch x := v.(type) {
		case string:
			names = append(names, x)
		case []any:
			for _, e := range x {
				pick(e)
			}
		case map[string]any:
			if s, ok := x["name"].(string); ok {
				names = append(names, s)
			}
		}
	}
	pick(o["author"])
	if len(names) == 0 {
		pick(o["creator"])
	}
	return names
}

// chooseTitle prefers what the publisher calls the article (og:title,
// JSON-LD headline), then the one <h1>, then <title> without the site name.
func chooseTitle(contentTitle string, h1s []string, titleTag string) string {
	if contentTitle != "" {
		return collapse(html.UnescapeString(contentTitle))
	}
	if len(h1s) == 1 {
		return h1s[0]
	}
	t := titleTag
	for _, sep := range []string{" | ", " – ", " — ", " - ", " :: ", " · ", " » "} {
		if i := strings.LastIndex(t, sep); i > len(t)/3 {
			t = t[:i]
			break
		}
	}
	return strings.TrimSpace(t)
}

// titleSeparators join a headline and the site's name in <title> and,
// on some sites, og:title.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " » "}

// dropSiteName removes the site's name from the end of a title, when the
// page names its site or its <h1> is the headline without it.
func dropSiteName(title string, h1s []string, sites ...string) string {
	for _, sep := range titleSeparators {
		i := strings.LastIndex(title, sep)
		if i <= 0 {
			continue
		}
		head, tail := strings.TrimSpace(title[:i]), normTitle(title[i+len(sep):])
		for _, site := range sites {
			if s := normTitle(site); s != "" && (tail == s || strings.TrimPrefix(tail, "the") == strings.TrimPrefix(s, "the")) {
				return head
			}
		}
		for _, h := range h1s {
			if normTitle(h) == normTitle(head) {
				return head
			}
		}
	}
	return title
}

func chooseByline(ld map[string]any, f pageFacts) string {
	names := ldAuthors(ld)
	if len(names) == 0 {
		for _, key := range []string{"author", "article:author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "byl"} {
			if v := f.metas[key]; v != "" && !strings.Contains(v, "://") {
				names = append(names, v)
				break
			}
		}
	}
	if len(names) == 0 && len(f.authors) > 0 {
		names = f.authors[:1]
	}
	var kept []string
	seen := map[string]bool{}
	for _, n := range names {
		n = cleanAuthor(html.UnescapeString(n))
		if n == "" || strings.Contains(n, "://") || seen[strings.ToLower(n)] {
			continue
		}
		seen[strings.ToLower(n)] = true
		kept = append(kept, n)
	}
	return strings.Join(kept, ", ")
}

// cleanAuthor removes the words around a name ("By", "Par", "بقلم"), what
// byline boxes put after it (a handle, the date, "2 min read") and white
// space; placeholders give "".
func cleanAuthor(s string) string {
	s = collapse(s)
	for _, sep := range []string{" • ", " | ", " · ", " — "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	words := strings.Fields(s)
	for i, w := range words {
		lw := strings.ToLower(strings.Trim(w, ",.;:"))
		if i > 0 && (strings.HasPrefix(w, "@") || strings.ContainsAny(w, "0123456789") || dateWords[lw]) {
			s = strings.Join(words[:i], " ")
			break
		}
	}
	switch strings.ToLower(strings.Trim(s, " .")) {
	case "no author", "admin", "administrator", "unknown", "anonymous", "staff", "none":
		return ""
	}
	lower := strings.ToLower(s)
	for _, p := range []string{"by ", "par ", "por ", "von ", "di ", "بقلم ", "بقلم: ", "written by ", "texte : ", "texte: "} {
		if strings.HasPrefix(lower, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	return strings.Trim(s, " ,;:|-–—")
}

// dateWords end the name in a byline: "Bryan Walsh Tuesday, Aug. 17".
var dateWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
		january february march april may june july august september october november december
		jan feb mar apr jun jul aug sep sept oct nov dec updated published posted
		lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre octobre novembre décembre publié mis
		lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre publicado actualizado`) {
		dateWords[w] = true
	}
}

func choosePublished(ld map[string]any, f pageFacts) time.Time {
	candidates := []string{
		f.metas["article:published_time"], ldString(ld, "datePublished"), f.metas["datepublished"],
		f.metas["og:published_time"], f.metas["published_time"], f.metas["pubdate"], f.metas["publishdate"],
		f.metas["publish-date"], f.metas["date"], f.metas["dc.date.issued"], f.metas["dcterms.issued"],
		f.metas["dc.date"], f.metas["dcterms.created"], f.metas["sailthru.date"], f.metas["parsely-pub-date"],
		f.metas["article.published"], f.metas["datecreated"], ldString(ld, "dateCreated"),
	}
	for _, t := range f.times {
		if t.preferred {
			candidates = append(candidates, t.value)
		}
	}
	if len(f.times) > 0 {
		candidates = append(candidates, f.times[0].value)
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if t, err := feed.ParseDate(c); err == nil {
			return t
		}
	}
	return time.Time{}
}

func isPublishedMark(n *html.Node) bool {
	if _, ok := hasAttr(n, "pubdate"); ok {
		return true
	}
	if strings.EqualFold(attr(n, "itemprop"), "datePublished") {
		return true
	}
	c := strings.ToLower(attr(n, "class"))
	return strings.Contains(c, "publish") || strings.Contains(c, "posted")
}

// primaryLang reduces "fr-FR", "fr_FR" or "FR" to "fr"; anything that is
// not a language tag gives "".
func primaryLang(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_,; "); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ToLower(tag)
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

// imgSource is the address of an image: the lazy-loading attributes first
// (src then holds a placeholder), then src, then the first srcset entry.
func imgSource(n *html.Node) string {
	for _, key := range []string{"data-src", "data-lazy-src", "data-original", "src"} {
		if v := strings.TrimSpace(attr(n, key)); v != "" && !strings.HasPrefix(v, "data:") {
			return v
		}
	}
	for _, key := range []string{"srcset", "data-srcset"} {
		if f := strings.Fields(attr(n, key)); len(f) > 0 && !strings.HasPrefix(f[0], "data:") {
			return strings.TrimSuffix(f[0], ",")
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	v, _ := hasAttr(n, key)
	return v
}

func hasAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

func hasClassWord(classes, word string) bool {
	for _, c := range strings.Fields(classes) {
		if c == word {
			return true
		}
	}
	return false
}

func inSVG(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Namespace == "svg" {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func atoiPositive(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
