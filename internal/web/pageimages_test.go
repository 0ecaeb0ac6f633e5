package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"revue"
)

// The article page and the listings give every proxied image its room,
// and only the article's lead image loads at once.
func TestPagesHoldRoomForImages(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "Hespress", "fr")
	lead := revue.Image{URL: e.origin.URL + "/img/lead.png", Width: 1200, Height: 675}
	inline := revue.Image{URL: e.origin.URL + "/img/inline.png", Width: 600, Height: 400}
	unsized := revue.Image{URL: e.origin.URL + "/img/unsized.png"}
	saved := e.save(t, src,
		revue.Article{URL: "https://www.hespress.com/a.html", Title: "Avec photos", Lang: "fr", PublishedAt: testNow,
			ContentHTML: `<p>Texte.</p><p><img src="` + inline.URL + `" alt="Une tente"></p>`,
			Images:      []revue.Image{lead, inline}},
		revue.Article{URL: "https://www.hespress.com/b.html", Title: "Photo sans taille", Lang: "fr", PublishedAt: testNow.Add(-time.Hour),
			Images: []revue.Image{unsized}})
	withSizes, withoutSize := saved[0], saved[1]

	find := func(t *testing.T, path, class string) []*html.Node {
		t.Helper()
		res := e.get(t, path)
		if res.status != 200 {
			t.Fatalf("GET %s: %d", path, res.status)
		}
		return findAll(parseHTML(t, res.body), func(n *html.Node) bool {
			if n.Data != "img" {
				return false
			}
			if class == "" {
				return true
			}
			for p := n.Parent; p != nil; p = p.Parent {
				if strings.Contains(" "+attr(p, "class")+" ", " "+class+" ") {
					return true
				}
			}
			return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
		})
	}
	tests := []struct {
		name  string
		path  string
		class string
		want  [][]string // the attributes of each image found, src and alt left out
	}{
		{"the article's lead image", ArticlePath(withSizes.ID, withSizes.Title), "lead-image",
			[][]string{{"decoding=async", "fetchpriority=high", "height=675", "width=1200"}}},
		{"an image in the article's text", ArticlePath(withSizes.ID, withSizes.Title), "story-body",
			[][]string{{"decoding=async", "height=400", "loading=lazy", "width=600"}}},
		{"a lead image of unknown size", ArticlePath(withoutSize.ID, withoutSize.Title), "lead-image",
			[][]string{{"decoding=async", "fetchpriority=high"}}},
		{"the listing's teasers", "/", "teaser-image",
			[][]string{{"class=teaser-image", "decoding=async", "height=675", "loading=lazy", "width=1200"},
				{"class=teaser-image", "decoding=async", "loading=lazy"}}},
		{"a source's listing", fmt.Sprintf("/sources/%d", src.ID), "teaser-image",
			[][]string{{"class=teaser-image", "decoding=async", "height=675", "loading=lazy", "width=1200"},
				{"class=teaser-image", "decoding=async", "loading=lazy"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			found := find(t, tc.path, tc.class)
			var got [][]string
			for _, n := range found {
				if !strings.HasPrefix(attr(n, "src"), "/images/") {
					t.Errorf("an image not served by the proxy: %q", attr(n, "src"))
				}
				got = append(got, slices.DeleteFunc(imgAttrs(n), func(a string) bool {
					return strings.HasPrefix(a, "src=") || strings.HasPrefix(a, "alt=")
				}))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("images %q, want %q", got, tc.want)
			}
		})
	}
}
