package sanitize

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// droppedWithContent are the elements whose content may go with them:
// those the policy removes on purpose (New's SkipElementsContent: code,
// widgets and raw text a reader never sees here), <noembed> and <noframes>,
// whose content browsers do not show, and <object>, whose fallback content
// bluemonday drops by default. Everything else a reader sees must survive.
var droppedWithContent = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Form: true, atom.Select: true, atom.Textarea: true, atom.Button: true, atom.Svg: true,
	atom.Math: true, atom.Head: true, atom.Title: true,
	atom.Noembed: true, atom.Noframes: true, atom.Object: true,
}

// keptElements are safe elements the policy must keep wherever they appear
// outside droppedWithContent; "a" and "img" count only with an http(s)
// href or src of their own (not "#id": the ids are dropped).
var keptElements = map[string]bool{
	"p": true, "br": true, "em": true, "strong": true, "b": true, "i": true, "u": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"blockquote": true, "figure": true, "figcaption": true, "pre": true, "code": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "tr": true, "td": true, "th": true, "caption": true,
	"a": true, "img": true,
}

// parse reads a fragment the way the sanitizer does: in a <div>, as a
// browser would.
func parse(fragment string) []*html.Node {
	nodes, err := parseFragment(fragment)
	if err != nil {
		return nil
	}
	return nodes
}

// visibleText returns the text a reader sees in fragment, with all white
// space removed: the sanitizer may add or fold spaces, but must neither
// lose nor add a visible character.
func visibleText(fragment string) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			for _, r := range Demoronize(n.Data) {
				if !unicode.IsSpace(r) && !isSpace(r) {
					b.WriteRune(r)
				}
			}
		case html.ElementNode:
			if droppedWithContent[n.DataAtom] {
				return
			}
		case html.CommentNode, html.DoctypeNode:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range parse(fragment) {
		walk(n)
	}
	return b.String()
}

// keptMarkup counts the keptElements of fragment; h1 counts as h2, which
// the sanitizer demotes it to. Relative links and images are resolved
// against base.
func keptMarkup(fragment, base string) map[string]int {
	baseURL, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	// An empty reference or a bare fragment points at the page itself, not
	// at a page or picture of its own: the sanitizer drops them.
	httpURL := func(ref string) bool {
		ref = strings.TrimSpace(ref)
		if ref == "" || strings.HasPrefix(ref, "#") {
			return false
		}
		u, err := baseURL.Parse(ref)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	}
	counts := map[string]int{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if droppedWithContent[n.DataAtom] || n.Namespace != "" {
				return
			}
			name := n.Data
			if n.DataAtom == atom.H1 {
				name = "h2"
			}
			switch {
			case name == "a" && !httpURL(attr(n, "href")):
			case name == "img" && !httpURL(attr(n, "src")):
			case keptElements[name]:
				counts[name]++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range parse(fragment) {
		walk(n)
	}
	return counts
}

// lostContent says what of in the sanitized out lost, or "": the visible
// text, and each kept element (out must have at least as many of each).
func lostContent(in, out, base string) string {
	var lost []string
	if want, got := visibleText(in), visibleText(out); want != got {
		lost = append(lost, "visible text "+textDiff(want, got))
	}
	want, got := keptMarkup(in, base), keptMarkup(out, base)
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if got[name] < want[name] {
			lost = append(lost, fmt.Sprintf("<%s> %d of %d", name, got[name], want[name]))
		}
	}
	return strings.Join(lost, "; ")
}

// textDiff shows where two texts part, with a little context.
func textDiff(want, got string) string {
	w, g := []rune(want), []rune(got)
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-20)
	clip := func(r []rune) string { return string(r[from:min(len(r), i+40)]) }
	return fmt.Sprintf("differs at rune %d of %d: want …%q…, got …%q… (%d runes)", i, len(w), clip(w), clip(g), len(g))
}
