package web

import (
	"html/template"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue"
)

// proxyContentImages points every <img> of already-sanitized article HTML
// at the image proxy, so the reader's browser never contacts the source
// (and a blocked image disappears). Images the article does not list are
// dropped, as are srcset and <source>, which would bypass the proxy.
// Each image keeps its room on the page before it loads (width and height
// from the record when the text gives no numbers) and loads lazily, except
// the article's lead image, likely at the top.
// It returns the IDs of the images left in the text.
func proxyContentImages(content string, images []revue.Image) (template.HTML, map[int64]bool) {
	return rewriteContentImages(content, images, imageMarks{})
}

// imageMarks is what an article page adds around its images. Zero: a
// blocked image disappears and nothing is added.
type imageMarks struct {
	// blocked, when set, stands in the place of a blocked image.
	blocked func() *html.Node
	// report, when set, goes right after each image shown: its report link.
	report func(img revue.Image) *html.Node
	// imageBase goes before the proxy's paths, for documents read away
	// from the portal (feeds), where a relative address means nothing.
	imageBase string
}

// rewriteContentImages is proxyContentImages with marks.
func rewriteContentImages(content string, images []revue.Image, marks imageMarks) (template.HTML, map[int64]bool) {
	shown := map[int64]bool{}
	lower := strings.ToLower(content)
	if !strings.Contains(lower, "<img") && !strings.Contains(lower, "<source") {
		return template.HTML(content), shown
	}
	rw := imageRewriter{byURL: make(map[string]revue.Image, len(images)), shown: shown, marks: marks}
	for _, img := range images {
		rw.byURL[img.URL] = img
	}
	if len(images) > 0 {
		rw.lead = images[0].ID
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), body)
	if err != nil {
		// Sanitized HTML always parses; if it does not, show no HTML at all.
		return "", shown
	}
	// The fragment's top-level nodes go under body, so that an <img> at
	// the top level is rewritten (or removed) like any other.
	for _, n := range nodes {
		body.AppendChild(n)
	}
	rw.rewrite(body, nil)
	var b strings.Builder
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		if err := html.Render(&b, n); err != nil {
			return "", map[int64]bool{}
		}
	}
	return template.HTML(b.String()), shown
}

type imageRewriter struct {
	byURL map[string]revue.Image
	shown map[int64]bool
	lead  int64
	marks imageMarks
}

// rewrite rewrites the images under n. link is the outermost <a> above
// n, if any: an image's report link goes after it, since links do not nest.
func (rw imageRewriter) rewrite(n, link *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			switch c.DataAtom {
			case atom.Img:
				img, known := rw.byURL[attrValue(c, "src")]
				switch {
				case known && img.Status == revue.ImageBlocked && rw.marks.blocked != nil:
					n.InsertBefore(rw.marks.blocked(), c)
					n.RemoveChild(c)
				case !rw.proxy(c):
					n.RemoveChild(c)
				case rw.marks.report != nil && link != nil:
					link.Parent.InsertBefore(rw.marks.report(img), link.NextSibling)
				case rw.marks.report != nil:
					n.InsertBefore(rw.marks.report(img), next)
				}
			case atom.Source:
				n.RemoveChild(c)
			case atom.A:
				if link == nil {
					rw.rewrite(c, c)
				} else {
					rw.rewrite(c, link)
				}
			default:
				rw.rewrite(c, link)
			}
		}
		c = next
	}
}

func (rw imageRewriter) proxy(n *html.Node) bool {
	img, ok := rw.byURL[attrValue(n, "src")]
	if !ok || img.Status == revue.ImageBlocked {
		return false
	}
	attrs := n.Attr[:0]
	for _, a := range n.Attr {
		switch a.Key {
		case "src", "srcset", "sizes", "loading", "decoding", "fetchpriority":
			continue
		}
		attrs = append(attrs, a)
	}
	n.Attr = append(attrs, html.Attribute{Key: "src", Val: rw.marks.imageBase + imagePath(img.ID)})
	if !hasAttr(n, "alt") {
		n.Attr = append(n.Attr, html.Attribute{Key: "alt", Val: ""})
	}
	// A percentage gives the browser no aspect ratio to hold room with.
	if (!isPixels(attrValue(n, "width")) || !isPixels(attrValue(n, "height"))) && img.Width > 0 && img.Height > 0 {
		setAttr(n, "width", strconv.Itoa(img.Width))
		setAttr(n, "height", strconv.Itoa(img.Height))
	}
	if img.ID != rw.lead {
		n.Attr = append(n.Attr, html.Attribute{Key: "loading", Val: "lazy"})
	}
	n.Attr = append(n.Attr, html.Attribute{Key: "decoding", Val: "async"})
	rw.shown[img.ID] = true
	return true
}

// isPixels reports whether an HTML width or height is a number of pixels.
func isPixels(v string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return err == nil && n > 0
}

func attrValue(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
