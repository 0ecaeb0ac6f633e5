package web

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"revue"
)

// imgAttrs lists an <img>'s attributes as key=value, sorted, so a test
// sees a duplicate as well as a missing one.
func imgAttrs(n *html.Node) []string {
	var out []string
	for _, a := range n.Attr {
		out = append(out, a.Key+"="+a.Val)
	}
	slices.Sort(out)
	return out
}

func imgs(t *testing.T, markup string) []*html.Node {
	t.Helper()
	return findAll(parseHTML(t, markup), func(n *html.Node) bool { return n.Data == "img" })
}

// Images in an article's text hold their room and load lazily, except the
// lead image.
func TestContentImagesHoldTheirRoom(t *testing.T) {
	images := []revue.Image{
		{ID: 11, URL: "https://img.example/lead.jpg", Status: revue.ImageOK, Width: 640, Height: 480},
		{ID: 12, URL: "https://img.example/b.jpg", Status: revue.ImageOK, Width: 800, Height: 600},
		{ID: 13, URL: "https://img.example/unsized.jpg", Status: revue.ImageOK},
		{ID: 14, URL: "https://img.example/half.jpg", Status: revue.ImageOK, Width: 800},
	}
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"the record's size", `<p><img src="https://img.example/b.jpg" alt="Un hôpital"></p>`,
			[]string{"alt=Un hôpital", "decoding=async", "height=600", "loading=lazy", "src=/images/12", "width=800"}},
		{"the text's own size is kept", `<img src="https://img.example/b.jpg" width="300" height="200">`,
			[]string{"alt=", "decoding=async", "height=200", "loading=lazy", "src=/images/12", "width=300"}},
		{"a percentage gives way to the record", `<img src="https://img.example/b.jpg" width="100%">`,
			[]string{"alt=", "decoding=async", "height=600", "loading=lazy", "src=/images/12", "width=800"}},
		{"half a size in the text gives way too", `<img src="https://img.example/b.jpg" height="150">`,
			[]string{"alt=", "decoding=async", "height=600", "loading=lazy", "src=/images/12", "width=800"}},
		{"no size known: none made up", `<img src="https://img.example/unsized.jpg">`,
			[]string{"alt=", "decoding=async", "loading=lazy", "src=/images/13"}},
		{"half a size known: none made up", `<img src="https://img.example/half.jpg">`,
			[]string{"alt=", "decoding=async", "loading=lazy", "src=/images/14"}},
		{"the lead image loads at once", `<img src="https://img.example/lead.jpg">`,
			[]string{"alt=", "decoding=async", "height=480", "src=/images/11", "width=640"}},
		{"the source's loading hints are replaced", `<img src="https://img.example/b.jpg" loading="eager" decoding="sync" fetchpriority="high">`,
			[]string{"alt=", "decoding=async", "height=600", "loading=lazy", "src=/images/12", "width=800"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := proxyContentImages(tc.content, images)
			found := imgs(t, string(out))
			if len(found) != 1 {
				t.Fatalf("%d images in %q, want 1", len(found), out)
			}
			if got := imgAttrs(found[0]); !slices.Equal(got, tc.want) {
				t.Errorf("attributes %q, want %q", got, tc.want)
			}
		})
	}
}

// An <img> at the top level of an article's text is proxied or dropped
// like any other: before, it kept its source's address.
func TestTopLevelImagesGoThroughTheProxy(t *testing.T) {
	images := []revue.Image{{ID: 12, URL: "https://img.example/b.jpg", Status: revue.ImageOK}}
	out, shown := proxyContentImages(`<img src="https://tracker.example/pixel.gif"><img src="https://img.example/b.jpg">texte`, images)
	var srcs []string
	for _, n := range imgs(t, string(out)) {
		srcs = append(srcs, attr(n, "src"))
	}
	if !slices.Equal(srcs, []string{"/images/12"}) || !shown[12] || !strings.HasSuffix(string(out), "texte") {
		t.Errorf("proxyContentImages gave %q (images %q, shown %v)", out, srcs, shown)
	}
}
