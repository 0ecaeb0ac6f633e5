package crawl

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"revue"
	"revue/internal/tag"
)

// New articles are placed in the regions their headline and text are
// about, by the shipped gazetteer; a source configured with a region adds
// it to each of its articles.
func TestArticlesArePlacedInTheirRegions(t *testing.T) {
	h := newHarness(t)
	regions, err := tag.New(tag.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var srvURL string
	item := func(path, title, text string) string {
		return `<item><title>` + title + `</title><link>` + srvURL + path + `</link><guid>` + path + `</guid>` +
			`<pubDate>Wed, 25 Mar 2026 08:00:00 GMT</pubDate><description>` + text + `</description></item>`
	}
	srv := newFeedServer(t, map[string]http.HandlerFunc{
		"/feed.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Le Matin</title><link>`+srvURL+`/</link>`+
				item("/a/haouz", "Séisme : la reconstruction avance dans la province d'Al Haouz", "Les travaux se poursuivent à Amizmiz et dans les douars voisins.")+
				item("/a/rabat", "Un nouveau stade inauguré à Rabat", "Le complexe sportif accueillera la finale de la Coupe.")+
				item("/a/wydad", "Le Wydad Casablanca s'incline au Caire", "Les Rouges ont perdu en Égypte face à Al Ahly.")+
				`</channel></rss>`)
		},
	})
	srvURL = srv.URL
	src, err := h.store.AddSource(context.Background(), revue.Source{Name: "Le Matin", FeedURL: srv.URL + "/feed.xml", Lang: "fr",
		Region: "souss-massa", Enabled: true}, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := h.crawlerWith(t, "w", func(cfg *Config) { cfg.Regions = regions })
	if _, err := c.Once(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"/a/haouz": {"marrakech-safi", "souss-massa"},
		"/a/rabat": {"rabat-sale-kenitra", "souss-massa"},
		"/a/wydad": {"souss-massa"},
	}
	got := h.articles(t)
	if len(got) != len(want) {
		t.Fatalf("%d articles stored, want %d", len(got), len(want))
	}
	for _, a := range got {
		if a.SourceID != src.ID {
			continue
		}
		path := strings.TrimPrefix(a.URL, srv.URL)
		if !slices.Equal(a.Regions, want[path]) {
			t.Errorf("%s: regions %q, want %q", path, a.Regions, want[path])
		}
	}
}
