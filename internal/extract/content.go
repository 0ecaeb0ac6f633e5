package extract

import (
	"net/url"
	"strings"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/andybalholm/cascadia"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// content is the main text as a tree, before it is turned into text and
// sanitized HTML.
type content struct {
	root *html.Node // nil when the page has no article
	how  string     // "rules", "trafilatura", "readability": which path found it
	doc  *html.Node // the page, where trafilatura's output finds its images
}

// mainContent finds the article's element tree in doc. A source's Body
// rule wins when it matches; otherwise trafilatura decides, and readability
// is asked when trafilatura kept much less than the page's paragraphs hold.
func mainContent(doc *html.Node, m meta, r compiledRules) content {
	for _, sel := range r.drop {
		for _, n := range cascadia.QueryAll(doc, sel) {
			if n.Parent != nil {
				n.Parent.RemoveChild(n)
			}
		}
	}
	if r.body != nil {
		if root := selectBody(doc, r.body); root != nil {
			return content{root: root, how: "rules"}
		}
	}
	pruneInert(doc)
	pageURL, _ := url.Parse(m.baseURL)
	var root *html.Node
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL: pageURL,
		// Without images and links: with them trafilatura keeps image
		// galleries, "related" lists and captions, and joins link text to
		// its neighbours (F1 0.960 → 0.950 on the Scrapinghub pages).
		// Images are found in the page instead (images.go).
		ExcludeComments: true,
		// Dates are read in meta.go; trafilatura's own date search scans
		// the whole page with many regular expressions.
		HtmlDateMode: trafilatura.Disabled,
	})
	if err == nil && res.ContentNode != nil {
		root = res.ContentNode
		fixAtoms(root)
	}
	got := textLength(root)
	paras, tables := blockCounts(root)
	if paragraphs := paragraphText(doc); got < minArticleChars || got*2 < paragraphs || paras == 0 || tables > paras {
		if alt := readabilityContent(doc, pageURL); alt != nil && preferCandidate(alt, root, got, paras, tables) && (got < minArticleChars || contains(alt, root)) {
			return content{root: alt, how: "readability"}
		}
	}
	if root == nil {
		return content{}
	}
	return content{root: root, how: "trafilatura", doc: doc}
}

// minArticleChars is trafilatura's own threshold for "too short to be the
// article" (Config.MinExtractedSize).
const minArticleChars = 250

// preferCandidate applies trafilatura's rule for its fallback extractors:
// take the other result when ours is empty or it has over twice the text;
// when the two are close, take it if ours has no paragraphs or is mostly
// tables (a page laid out with <br> and <td>, where trafilatura loses the
// start of the article).
func preferCandidate(candidate, extracted *html.Node, got, paras, tables int) bool {
	alt := textLength(candidate)
	switch {
	case alt == 0 || alt == got:
		return false
	case got == 0:
		return true
	case got > 2*alt:
		return false
	case alt > 2*got:
		return true
	}
	return alt > 2*minArticleChars && (paras == 0 || tables > paras)
}

// blockCounts counts the <p> (with text) and <table> elements of n.
func blockCounts(n *html.Node) (paras, tables int) {
	if n == nil {
		return 0, 0
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.P:
				if textLength(n) > 0 {
					paras++
				}
				return
			case atom.Table:
				tables++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return paras, tables
}

// contains reports whether most of the paragraphs of part are in whole:
// readability's longer result is only better when it extends what
// trafilatura found, not when it is another part of the page (a stack of
// warning boxes, a comment thread).
func contains(whole, part *html.Node) bool {
	text := normTitle(visibleText(whole))
	found, total := 0, 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.P || n.DataAtom == atom.Li || n.DataAtom == atom.Blockquote) {
			if k := paragraphKey(n); len(k) >= 20 {
				total++
				if strings.Contains(text, k) {
					found++
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(part)
	return total == 0 || found*2 >= total
}

func readabilityContent(doc *html.Node, pageURL *url.URL) *html.Node {
	p := readability.NewParser()
	art, err := p.ParseDocument(doc, pageURL)
	if err != nil {
		return nil
	}
	return art.Node
}

// selectBody gathers the elements a Body rule matches (outermost only, in
// document order) under one container.
func selectBody(doc *html.Node, sel cascadia.SelectorGroup) *html.Node {
	matches := cascadia.QueryAll(doc, sel)
	if len(matches) == 0 {
		return nil
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range matches {
		if hasAncestorIn(n, matches) {
			continue
		}
		root.AppendChild(cloneNode(n))
	}
	return root
}

func hasAncestorIn(n *html.Node, set []*html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		for _, s := range set {
			if p == s {
				return true
			}
		}
	}
	return false
}

func cloneNode(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: append([]html.Attribute(nil), n.Attr...)}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.AppendChild(cloneNode(ch))
	}
	return c
}

// textLength counts the characters of the visible text under n, white
// space collapsed.
func textLength(n *html.Node) int {
	if n == nil {
		return 0
	}
	count, space := 0, true
	countText(n, &count, &space)
	if space && count > 0 {
		count-- // the trailing space collapse would trim
	}
	return count
}

// countText counts like utf8.RuneCountInString(collapse(visibleText(n)))
// without building the strings: this runs on every paragraph of the page.
func countText(n *html.Node, count *int, space *bool) {
	switch n.Type {
	case html.TextNode:
		for _, r := range n.Data {
			if unicode.IsSpace(r) {
				if !*space {
					*count++
					*space = true
				}
				continue
			}
			*count++
			*space = false
		}
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template:
			return
		}
		if blockElements[n.DataAtom] && !*space {
			*count++
			*space = true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		countText(c, count, space)
	}
}

// paragraphText counts the characters in the page's <p> elements outside
// navigation, headers, footers and asides: about how much prose the page
// holds, to notice when an extractor kept only part of it.
func paragraphText(doc *html.Node) int {
	total := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Nav, atom.Footer, atom.Header, atom.Aside, atom.Script, atom.Style, atom.Noscript, atom.Form:
				return
			case atom.P:
				total += textLength(n)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return total
}

func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			}
			if blockElements[n.DataAtom] {
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// fixAtoms sets the atom of elements built by name only (trafilatura's
// output tree), so that code switching on atoms sees them.
func fixAtoms(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == 0 {
		n.DataAtom = atom.Lookup([]byte(n.Data))
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		fixAtoms(c)
	}
}

// pruneInert removes, once the metadata are read, what no extractor keeps
// and every one walks: scripts, styles, inline SVG, iframes, objects.
// trafilatura clones the page three times; a smaller tree makes that
// cheaper. <meta> and JSON-LD stay, or trafilatura's metadata pass (which
// cannot be turned off) searches the body for what they say; <noscript>
// stays: it holds the real images of lazy-loading pages.
func pruneInert(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.CommentNode {
			n.RemoveChild(c)
		} else if c.Type == html.ElementNode {
			switch c.DataAtom {
			case atom.Script:
				// JSON-LD stays: without it trafilatura's metadata pass
				// searches the whole page for what it holds.
				if !strings.Contains(strings.ToLower(attr(c, "type")), "ld+json") {
					n.RemoveChild(c)
				}
			case atom.Style, atom.Template, atom.Svg, atom.Iframe, atom.Object, atom.Embed:
				n.RemoveChild(c)
			default:
				if c.Namespace == "svg" || c.Namespace == "math" {
					n.RemoveChild(c)
				} else {
					pruneInert(c)
				}
			}
		}
		c = next
	}
}
