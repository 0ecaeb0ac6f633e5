package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"revue"
)

// FuzzFeedEncoders: whatever an article's fields hold, every format's
// output parses, carries the one entry with its title as the portal
// wrote it, and the HTML the portal adds around the text brings in no
// element of its own beyond paragraphs, links and the proxied picture.
func FuzzFeedEncoders(f *testing.F) {
	e := newEnv(f)
	srv := e.server
	f.Add(frTitle, "Résumé", "<p>Texte</p>", "La rédaction", "Hespress", "https://www.hespress.com/a.html", "fr", "societe", "draa-tafilalet")
	f.Add(arTitle, "", "", "", "اليوم 24", "https://alyaoum24.example/ar/1", "ar", "", "")
	f.Add("]]><![CDATA[\x00\x1b\uFFFE", "<script>alert(1)</script>", "<p>]]></p>", "\xff\xfe", "<b>&amp;", "javascript:alert(1)", "x\"y", "a b", "\r\n")
	f.Add("🇲🇦 \u202eRTL\u202c", "&lt;&gt;", "", "", "", "", "en-GB", "économie", "région")
	f.Fuzz(func(t *testing.T, title, summary, content, byline, source, link, lang, section, region string) {
		a := revue.Article{
			ID: 7, SourceID: 3, SourceName: source, URL: link, Title: title, Summary: summary, ContentHTML: content,
			Byline: byline, Lang: lang, Section: section, PublishedAt: time.Date(2021, 3, 16, 10, 30, 0, 0, time.UTC),
			FetchedAt: testNow, Images: []revue.Image{{ID: 11, URL: "https://img.example/a.jpg", Status: revue.ImageOK}},
		}
		if region != "" {
			a.Regions = []string{region}
		}
		req := httptest.NewRequest("GET", "http://portal.example/feed.atom", nil)
		scope, _ := srv.homeFeed(req)
		doc := srv.feedDoc(req, scope, []string{}, []revue.Article{a})
		wantTitle := feedText(title)
		for _, format := range feedFormats {
			var buf bytes.Buffer
			if err := format.encode(&buf, doc); err != nil {
				t.Fatalf("%s: %v", format.name, err)
			}
			body := buf.String()
			if format.ext != "json" {
				if err := wellFormed(body); err != nil {
					t.Fatalf("%s: not well-formed: %v\n%s", format.name, err, body)
				}
			} else {
				var raw struct {
					Items []struct{ Title string } `json:"items"`
				}
				if err := json.Unmarshal(buf.Bytes(), &raw); err != nil || len(raw.Items) != 1 {
					t.Fatalf("JSON Feed: %v, %d items", err, len(raw.Items))
				}
				if raw.Items[0].Title != wantTitle {
					t.Errorf("JSON Feed: title %q, want %q", raw.Items[0].Title, wantTitle)
				}
			}
			feed, err := gofeed.NewParser().ParseString(body)
			if err != nil {
				t.Fatalf("%s: gofeed cannot read it: %v\n%s", format.name, err, body)
			}
			if len(feed.Items) != 1 {
				t.Fatalf("%s: %d items", format.name, len(feed.Items))
			}
			// gofeed trims titles and XML turns a CR into a LF only when
			// it is written raw; neither is the portal's doing.
			if got, want := normalizeSpace(feed.Items[0].Title), normalizeSpace(wantTitle); got != want {
				t.Errorf("%s: title %q, want %q", format.name, got, want)
			}
		}
		// What the portal writes around the publisher's (already
		// sanitized) text: attribution, lead picture, notes, link out.
		a.ContentHTML = ""
		entry := srv.feedEntry(srv.lang(req), "http://portal.example", a)
		nodes, err := html.ParseFragment(strings.NewReader(entry.content), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			for _, el := range findAll(n, func(*html.Node) bool { return true }) {
				switch el.Data {
				case "p", "a", "img":
				default:
					t.Errorf("the portal's own HTML has a <%s>: %s", el.Data, entry.content)
				}
				for _, at := range el.Attr {
					if at.Key != "href" && at.Key != "src" && at.Key != "alt" {
						t.Errorf("the portal's own HTML has an attribute %s: %s", at.Key, entry.content)
					}
				}
			}
		}
	})
}

func normalizeSpace(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s))
}
