// Package sanitize holds the one HTML policy applied to every fragment Revue
// shows, and the plain-text and image views of a fragment.
package sanitize

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"

	"revue/internal/urlcanon"
)

// linkRel is put on every kept link: the links are third-party content
// (ugc), must not pass ranking (nofollow) or a window handle (noopener).
const linkRel = "nofollow noopener ugc"

// Sanitizer applies the policy. It is safe for concurrent use.
type Sanitizer struct {
	policy *bluemonday.Policy
}

// New builds the policy once.
func New() *Sanitizer {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins",
		"sub", "sup", "small", "mark", "q", "cite", "abbr", "code", "pre", "kbd", "samp", "var",
		"span", "div", "ul", "ol", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
		"figure", "figcaption", "blockquote", "h2", "h3", "h4", "h5", "h6", "time")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)).Globally()
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?i)(ltr|rtl|auto)$`)).Globally()
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^(?i)https?://`)).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("cite").Matching(regexp.MustCompile(`^(?i)https?://`)).OnElements("blockquote", "q")
	p.AllowAttrs("datetime").Matching(regexp.MustCompile(`^[0-9T:+\-.Z ]+$`)).OnElements("time")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	// An <img> without a src is noise; an <a> without href is kept as text.
	// iframe and noscript content is raw text a browser never shows here;
	// object's content (plugin fallback) goes with it, by bluemonday's
	// default, and the tests hold that.
	p.SkipElementsContent("script", "style", "noscript", "template", "iframe",
		"form", "select", "textarea", "button", "svg", "math", "head", "title")
	p.AddSpaceWhenStrippingTag(true)

	return &Sanitizer{policy: p}
}

// HTML returns the fragment cleaned by the policy, with relative href/src
// made absolute against baseURL (dropped when they cannot be), links marked
// rel="nofollow noopener ugc" and <h1> demoted to <h2>.
func (s *Sanitizer) HTML(fragment, baseURL string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	fragment = Demoronize(fragment)
	nodes, err := parseFragment(fragment)
	if err != nil {
		return s.policy.Sanitize(fragment)
	}
	var b strings.Builder
	for _, n := range nodes {
		prepare(n, baseURL)
		if err := html.Render(&b, n); err != nil {
			return s.policy.Sanitize(fragment)
		}
	}
	return balance(strings.TrimSpace(s.policy.Sanitize(b.String())))
}

// balance closes the elements the policy left open (it removes some end
// tags with the elements it drops), so that the output is a well-formed
// fragment and sanitizing it again changes nothing.
func balance(fragment string) string {
	if !strings.Contains(fragment, "<") {
		return fragment
	}
	nodes, err := parseFragment(fragment)
	if err != nil {
		return fragment
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return fragment
		}
	}
	return b.String()
}

// Text returns the fragment as plain text: tags (and the content of script
// and style) dropped, entities decoded, white space collapsed.
func (s *Sanitizer) Text(fragment string) string {
	if fragment == "" {
		return ""
	}
	fragment = Demoronize(fragment)
	if !strings.ContainsAny(fragment, "<&") {
		return collapse(fragment)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0 // depth inside elements whose content is not text
	for {
		switch z.Next() {
		case html.ErrorToken:
			return collapse(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if nonText[a] {
				tt := z.Token().Type
				if tt == html.StartTagToken {
					skip++
					// The tokenizer reads raw text elements whole; the end
					// tag follows as its own token.
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			}
			if blockLevel[a] {
				b.WriteByte(' ')
			}
		}
	}
}

// nonText elements hold code or widgets, not words for a reader.
var nonText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Svg: true, atom.Math: true,
	atom.Select: true, atom.Textarea: true, atom.Head: true, atom.Title: true,
}

// blockLevel elements separate words; inline ones (b, a, span) do not.
var blockLevel = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Table: true, atom.Blockquote: true,
	atom.Pre: true, atom.Hr: true, atom.Figure: true, atom.Figcaption: true, atom.Dt: true,
	atom.Dd: true, atom.Img: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Caption: true, atom.Address: true, atom.Aside: true, atom.Nav: true,
}

// ImageURLs returns the absolute http(s) URLs of the fragment's images in
// document order, using the lazy-loading attributes when src is a
// placeholder.
func (s *Sanitizer) ImageURLs(fragment, baseURL string) []string {
	if !strings.Contains(fragment, "<") {
		return nil
	}
	nodes, err := parseFragment(fragment)
	if err != nil {
		return nil
	}
	var urls []string
	seen := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			for _, key := range []string{"src", "data-src", "data-lazy-src", "data-original"} {
				if u := absoluteHTTP(attr(n, key), baseURL); u != "" {
					if !seen[u] {
						seen[u] = true
						urls = append(urls, u)
					}
					break
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return urls
}

func parseFragment(fragment string) ([]*html.Node, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	return html.ParseFragment(strings.NewReader(fragment), ctx)
}

// prepare rewrites the tree before the policy sees it: what the policy
// cannot express (resolving URLs, setting rel, renaming h1).
func prepare(n *html.Node, baseURL string) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.H1:
			n.DataAtom, n.Data = atom.H2, "h2"
		case atom.A:
			href := absoluteLink(attr(n, "href"), baseURL)
			setAttr(n, "href", href)
			removeAttr(n, "target")
			removeAttr(n, "rel")
			if href != "" {
				setAttr(n, "rel", linkRel)
			}
		case atom.Img:
			src := ""
			for _, key := range []string{"src", "data-src", "data-lazy-src", "data-original"} {
				if src = absoluteHTTP(attr(n, key), baseURL); src != "" {
					break
				}
			}
			setAttr(n, "src", src)
		case atom.Blockquote, atom.Q:
			setAttr(n, "cite", absoluteHTTP(attr(n, "cite"), baseURL))
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		prepare(c, baseURL)
	}
}

func absoluteLink(ref, baseURL string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(ref), "mailto:") {
		return urlWhitespace.Replace(ref)
	}
	return absoluteHTTP(ref, baseURL)
}

// urlWhitespace fixes white space inside URLs the way browsers do (tabs and
// newlines vanish, spaces are escaped), so the policy's URL check, which
// refuses white space, does not drop a link a browser would follow.
var urlWhitespace = strings.NewReplacer(" ", "%20", "\t", "", "\n", "", "\r", "")

func absoluteHTTP(ref, baseURL string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return ""
	}
	u, err := urlcanon.Resolve(baseURL, urlWhitespace.Replace(ref))
	if err != nil {
		return ""
	}
	lower := strings.ToLower(u)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return ""
	}
	return u
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	removeAttr(n, key)
	if val != "" {
		n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
	}
}

func removeAttr(n *html.Node, key string) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key {
			kept = append(kept, a)
		}
	}
	n.Attr = kept
}

// Demoronize replaces C1 control characters (U+0080–U+009F), which no text
// means, by the windows-1252 characters their code points stand for: a feed
// that writes &#146; or stores cp1252 bytes as Latin-1 means ’, as browsers
// and feedparser assume.
func Demoronize(s string) string {
	if !strings.ContainsFunc(s, isC1) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isC1(r) {
			if d := charmap.Windows1252.DecodeByte(byte(r)); d != utf8.RuneError {
				return d
			}
		}
		return r
	}, s)
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// collapse folds every run of white space (including no-break spaces) to one
// space and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2028', '\u2029', '\u200b', '\u3000', '\u202f':
		return true
	}
	return false
}
