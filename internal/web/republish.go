package web

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue"
)

// excerptChars is about how much of the text an excerpt shows: two or three
// paragraphs, enough to know what the article says, not enough to stand
// for it.
const excerptChars = 600

// republishMode is how much of a what the portal shows: the source's mode,
// else the portal's default, and never more than the page's own robots
// meta allows.
func republishMode(a revue.Article, portalDefault string) string {
	mode := a.SourceRepublish
	if mode == "" {
		mode = portalDefault
	}
	if rank(a.Robots) > rank(mode) {
		mode = a.Robots
	}
	if mode == "" {
		mode = revue.RepublishFull
	}
	return mode
}

// rank orders the modes from the most shown to the least.
func rank(mode string) int {
	switch mode {
	case revue.RepublishExcerpt:
		return 1
	case revue.RepublishTitle:
		return 2
	}
	return 0
}

// limitArticle is a as the portal may show it: in excerpt mode its text is
// cut to the first paragraphs; in title mode it has neither text nor
// summary. What a page, a listing or the API shows goes through it.
func limitArticle(a revue.Article, portalDefault string) revue.Article {
	switch republishMode(a, portalDefault) {
	case revue.RepublishExcerpt:
		a.ContentHTML = excerptHTML(a.ContentHTML, excerptChars)
		a.Text = ""
	case revue.RepublishTitle:
		a.ContentHTML, a.Text, a.Summary = "", "", ""
	}
	return a
}

// excerptHTML keeps the first top-level blocks of sanitized HTML until
// about max characters of text are shown; at least the first one. Images
// and embedded media go: an excerpt is words.
func excerptHTML(content string, max int) string {
	if strings.TrimSpace(content) == "" {
		return ""
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), body)
	if err != nil {
		return ""
	}
	var b strings.Builder
	shown := 0
	for _, n := range nodes {
		if shown >= max {
			break
		}
		dropMedia(n)
		text := strings.TrimSpace(nodeText(n))
		if text == "" {
			continue
		}
		if err := html.Render(&b, n); err != nil {
			return ""
		}
		shown += utf8.RuneCountInString(text)
	}
	return b.String()
}

func dropMedia(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			switch c.DataAtom {
			case atom.Img, atom.Picture, atom.Figure, atom.Video, atom.Audio, atom.Iframe:
				n.RemoveChild(c)
			default:
				dropMedia(c)
			}
		}
		c = next
	}
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(nodeText(c))
	}
	return b.String()
}
