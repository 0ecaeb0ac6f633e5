package web

import (
	"html/template"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue"
)

// proxyContentImages points every <img> of already-sanitized article HTML
// at the image proxy, so the reader's browser never contacts the source
// (and a blocked image disappears). Images the article does not list are
// dropped, as are srcset and <source>, which would bypass the proxy.
// It returns the IDs of the images left in the text.
func proxyContentImages(content string, images []revue.Image) (template.HTML, map[int64]bool) {
	shown := map[int64]bool{}
	lower := strings.ToLower(content)
	if !strings.Contains(lower, "<img") && !strings.Contains(lower, "<source") {
		return template.HTML(content), shown
	}
	byURL := make(map[string]revue.Image, len(images))
	for _, img := range images {
		byURL[img.URL] = img
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), body)
	if err != nil {
		// Sanitized HTML always parses; if it does not, show no HTML at all.
		return "", shown
	}
	var b strings.Builder
	for _, n := range nodes {
		rewriteImages(n, byURL, shown)
		if err := html.Render(&b, n); err != nil {
			return "", map[int64]bool{}
		}
	}
	return template.HTML(b.String()), shown
}

func rewriteImages(n *html.Node, byURL map[string]revue.Image, shown map[int64]bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			switch c.DataAtom {
			case atom.Img:
				if !proxyImg(c, byURL, shown) {
					n.RemoveChild(c)
				}
			case atom.Source:
				n.RemoveChild(c)
			default:
				rewriteImages(c, byURL, shown)
			}
		}
		c = next
	}
}

func proxyImg(n *html.Node, byURL map[string]revue.Image, shown map[int64]bool) bool {
	var src string
	for _, a := range n.Attr {
		if a.Key == "src" {
			src = a.Val
		}
	}
	img, ok := byURL[src]
	if !ok || img.Status == revue.ImageBlocked {
		return false
	}
	attrs := n.Attr[:0]
	for _, a := range n.Attr {
		switch a.Key {
		case "src", "srcset", "sizes":
			continue
		}
		attrs = append(attrs, a)
	}
	n.Attr = append(attrs, html.Attribute{Key: "src", Val: imagePath(img.ID)})
	if !hasAttr(n, "alt") {
		n.Attr = append(n.Attr, html.Attribute{Key: "alt", Val: ""})
	}
	n.Attr = append(n.Attr, html.Attribute{Key: "loading", Val: "lazy"})
	shown[img.ID] = true
	return true
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
