package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// trafilatura keeps images only at a cost in accuracy (it then keeps
// galleries and teaser lists too), so the text is extracted without them
// and the images are put back here: the article's paragraphs are found in
// the page, their closest common ancestor is the article's element, and its
// images go back into the text after the paragraph they follow.

// keyLength is how much of a paragraph identifies it.
const keyLength = 80

// paragraphKey is the first keyLength bytes of a paragraph's letters and
// digits, lower-cased (normTitle of its text, cut): it runs on every
// paragraph of the page, so it stops reading once it has enough.
func paragraphKey(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			for _, r := range n.Data {
				if unicode.IsLetter(r) || unicode.IsNumber(r) {
					b.WriteRune(unicode.ToLower(r))
					if b.Len() >= keyLength {
						return false
					}
				}
			}
			return true
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(n)
	t := b.String()
	if len(t) > keyLength {
		t = t[:keyLength]
		for !utf8.ValidString(t) {
			t = t[:len(t)-1]
		}
	}
	return t
}

// restoreImages inserts into root (trafilatura's output) the images of the
// element of doc that holds root's paragraphs.
func restoreImages(root, doc *html.Node) {
	// The extracted paragraphs, in order, by key.
	var extracted []*html.Node
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.P || n.DataAtom == atom.Blockquote || isHeading(n)) {
			extracted = append(extracted, n)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(root)
	index := map[string]int{}
	for i, n := range extracted {
		if k := paragraphKey(n); len(k) >= 20 {
			if _, dup := index[k]; !dup {
				index[k] = i
			}
		}
	}
	if len(index) == 0 {
		return
	}
	// The same paragraphs in the page.
	var sources []*html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head:
				return
			case atom.P, atom.Blockquote, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				if _, ok := index[paragraphKey(n)]; ok {
					sources = append(sources, n)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if len(sources) < 2 {
		return
	}
	container := commonAncestor(sources)
	// Walk the article's element in document order: an image goes after
	// the last extracted paragraph seen before it.
	after := map[int][]*html.Node{} // extracted index → figures; -1: before the first
	last := -1
	seen := map[string]bool{}
	var lastFig *html.Node // the figure of the last image, and that image in the page
	var lastImg *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Template, atom.Nav, atom.Aside, atom.Footer, atom.Form, atom.Button:
			return
		case atom.P, atom.Blockquote, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			if i, ok := index[paragraphKey(n)]; ok {
				last = i
				return
			}
		case atom.Img:
			if src := imgSource(n); src != "" && !seen[src] && contentImage(n) {
				seen[src] = true
				lastFig, lastImg = figureFor(n, src), n
				after[last] = append(after[last], lastFig)
			}
			return
		case atom.Noscript:
			// Lazy-loading pages put a low-resolution placeholder in the
			// page and the real image in <noscript>, which the parser
			// keeps as text.
			img := noscriptImage(n)
			if img == nil {
				return
			}
			src := imgSource(img)
			if src == "" || seen[src] || !contentImage(img) {
				return
			}
			seen[src] = true
			if lastFig != nil && near(lastImg, n) {
				lastFig.FirstChild.Attr = figureFor(img, src).FirstChild.Attr
				return
			}
			lastFig, lastImg = figureFor(img, src), n
			after[last] = append(after[last], lastFig)
			return
		}
		if junkBox(n) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(container)
	for i, figs := range after {
		if i < 0 {
			first := extracted[0]
			for _, f := range figs {
				first.Parent.InsertBefore(f, first)
			}
			continue
		}
		anchor := extracted[i]
		for j := len(figs) - 1; j >= 0; j-- {
			anchor.Parent.InsertBefore(figs[j], anchor.NextSibling)
		}
	}
}

func commonAncestor(nodes []*html.Node) *html.Node {
	path := func(n *html.Node) []*html.Node {
		var p []*html.Node
		for ; n != nil; n = n.Parent {
			p = append([]*html.Node{n}, p...)
		}
		return p
	}
	common := path(nodes[0])
	for _, n := range nodes[1:] {
		p := path(n)
		k := 0
		for k < len(common) && k < len(p) && common[k] == p[k] {
			k++
		}
		common = common[:k]
	}
	if len(common) == 0 {
		return nodes[0]
	}
	return common[len(common)-1]
}

// junkRe matches the class and id of boxes around an article that hold
// images which are not the article's: avatars, logos, share bars, ads,
// related stories.
var junkRe = regexp.MustCompile(`(?i)(^|[-_ ])(related|share|sharing|social|avatar|author|logo|icon|promo|advert|ads?|sponsor|newsletter|comment|comments|widget|sidebar|recommend|outbrain|taboola|teaser|thumb|thumbnail|gravatar|emoji|banner|subscribe)([-_ ]|$|s\b)`)

func junkBox(n *html.Node) bool {
	return junkRe.MatchString(attr(n, "class")) || junkRe.MatchString(attr(n, "id"))
}

// contentImage refuses tracking pixels, icons and decorations.
func contentImage(n *html.Node) bool {
	if junkBox(n) {
		return false
	}
	w, h := atoiPositive(attr(n, "width")), atoiPositive(attr(n, "height"))
	if (w > 0 && w < 100) || (h > 0 && h < 80) {
		return false
	}
	src := imgSource(n)
	return src != "" && !junkImageURL(src)
}

// junkFileRe matches the file names of decorations and trackers.
var junkFileRe = regexp.MustCompile(`(?i)(pixel|spacer|blank|banner|logo|icon|avatar|sprite|placeholder|preload|loading|lazy)[-_.]|^1x1\.`)

// junkImageURL applies contentImage's file-name test to a URL alone.
func junkImageURL(u string) bool {
	u = strings.ToLower(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return strings.HasSuffix(u, ".svg") || junkFileRe.MatchString(u[strings.LastIndexByte(u, '/')+1:])
}

func figureFor(img *html.Node, src string) *html.Node {
	fig := &html.Node{Type: html.ElementNode, Data: "figure", DataAtom: atom.Figure}
	im := &html.Node{Type: html.ElementNode, Data: "img", DataAtom: atom.Img}
	im.Attr = append(im.Attr, html.Attribute{Key: "src", Val: src})
	for _, key := range []string{"alt", "width", "height"} {
		if v, ok := hasAttr(img, key); ok {
			im.Attr = append(im.Attr, html.Attribute{Key: key, Val: v})
		}
	}
	fig.AppendChild(im)
	return fig
}

// near reports whether the <noscript> n sits beside img, its placeholder:
// within the same few levels of wrappers.
func near(img, n *html.Node) bool {
	p := img.Parent
	for i := 0; i < 4 && p != nil; i++ {
		if p == n.Parent {
			return true
		}
		p = p.Parent
	}
	return false
}

// noscriptImage parses the raw text of a <noscript> element and returns its
// first <img>, if any.
func noscriptImage(n *html.Node) *html.Node {
	raw := textOf(n)
	if !strings.Contains(raw, "<img") {
		return nil
	}
	nodes, err := html.ParseFragment(strings.NewReader(raw), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return nil
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}
