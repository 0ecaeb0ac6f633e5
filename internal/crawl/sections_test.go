package crawl

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"revue"
	"revue/internal/tag"
)

// New articles are filed at feed time by the shipped section table: the
// publisher's category first, then the words of the headline, then the
// source's own section; without a tagger, the source's section.
func TestArticlesAreFiledInSections(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sections bool
		want     map[string]string
	}{
		{name: "tagger", sections: true, want: map[string]string{
			"/a/eco":   "economie", // category "Économie"
			"/a/foot":  "sport",    // headline words
			"/a/other": "actualite",
		}},
		{name: "no tagger", want: map[string]string{
			"/a/eco": "actualite", "/a/foot": "actualite", "/a/other": "actualite",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			var srvURL string
			item := func(path, category, title, text string) string {
				return `<item><title>` + title + `</title><link>` + srvURL + path + `</link><guid>` + path + `</guid>` +
					category + `<pubDate>Wed, 25 Mar 2026 08:00:00 GMT</pubDate><description>` + text + `</description></item>`
			}
			srv := newFeedServer(t, map[string]http.HandlerFunc{
				"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Le Matin</title><link>`+srvURL+`/</link>`+
						item("/a/eco", "<category>ÉCONOMIE</category>", "Le port de Tanger Med bat un record", "Le trafic a progressé de 12 %.")+
						item("/a/foot", "", "Football : le Wydad remporte le derby face au Raja", "Le club casablancais s'impose en championnat.")+
						item("/a/other", "", "Une journée portes ouvertes samedi", "Le public est invité à visiter les lieux.")+
						`</channel></rss>`)
				},
			})
			srvURL = srv.URL
			if _, err := h.store.AddSource(context.Background(), revue.Source{Name: "Le Matin", FeedURL: srv.URL + "/feed.xml", Lang: "fr",
				Section: "actualite", Enabled: true}, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
			c := h.crawlerWith(t, "w", func(cfg *Config) {
				if tc.sections {
					s, err := tag.NewSections(tag.SectionsOptions{})
					if err != nil {
						t.Fatal(err)
					}
					cfg.Sections = s
				}
			})
			if _, err := c.Once(context.Background(), false); err != nil {
				t.Fatal(err)
			}
			got := h.articles(t)
			if len(got) != len(tc.want) {
				t.Fatalf("%d articles stored, want %d", len(got), len(tc.want))
			}
			for _, a := range got {
				path := strings.TrimPrefix(a.URL, srv.URL)
				if a.Section != tc.want[path] {
					t.Errorf("%s: section %q, want %q", path, a.Section, tc.want[path])
				}
			}
		})
	}
}
