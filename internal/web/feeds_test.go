package web

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"revue/internal/web/i18n"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"

	"revue"
)

// feedPaths are every feed of a listing, one per format.
func feedPaths(listing string) map[string]string {
	out := map[string]string{}
	for _, f := range feedFormats {
		out[f.ext] = listing + "/feed." + f.ext
	}
	return out
}

var wantContentType = map[string]string{
	"atom": "application/atom+xml; charset=utf-8",
	"rss":  "application/rss+xml; charset=utf-8",
	"json": "application/feed+json; charset=utf-8",
}

// Every listing's feed, in every format, lists the listing's articles,
// newest first, each linking to the portal's page and to the original,
// crediting its source and date, with its section and regions.
func TestFeedsListTheListings(t *testing.T) {
	s := seed(t)
	base := s.portal.URL
	hespress := "/sources/" + strconv.FormatInt(s.hespress.ID, 10)
	listings := []struct {
		name, listing, query string
		title                string
		want                 []revue.Article // newest first
	}{
		{"home", "", "", "Revue : les derniers articles", []revue.Article{s.es, s.fr, s.ar, s.script, s.plain}},
		{"section", "/sections/societe", "", "Revue : rubrique Société", []revue.Article{s.es, s.fr}},
		{"region", "/regions/draa-tafilalet", "", "Revue : région Drâa-Tafilalet", []revue.Article{s.fr, s.ar}},
		{"source", hespress, "", "Revue : Hespress", []revue.Article{s.fr, s.script, s.plain}},
		{"home in Arabic", "", "?lang=ar", "Revue : les derniers articles, articles en arabe", []revue.Article{s.ar}},
		{"home in Arabic and Spanish", "", "?lang=ar,es", "Revue : les derniers articles", []revue.Article{s.es, s.ar}},
		{"region in French", "/regions/draa-tafilalet", "?lang=FR", "Revue : région Drâa-Tafilalet, articles en français", []revue.Article{s.fr}},
		{"limit", "", "?limit=2", "Revue : les derniers articles", []revue.Article{s.es, s.fr}},
		{"empty but known region", "/regions/souss-massa", "", "Revue : région Souss-Massa", nil},
	}
	for _, l := range listings {
		for ext, path := range feedPaths(l.listing) {
			t.Run(l.name+"/"+ext, func(t *testing.T) {
				res := s.get(t, path+l.query)
				if res.status != http.StatusOK {
					t.Fatalf("GET %s: %d\n%s", path+l.query, res.status, res.body)
				}
				if got := res.header.Get("Content-Type"); got != wantContentType[ext] {
					t.Errorf("Content-Type %q, want %q", got, wantContentType[ext])
				}
				if got := res.header.Get("Cache-Control"); got != "public, max-age=60" {
					t.Errorf("Cache-Control %q", got)
				}
				if res.header.Get("ETag") == "" || (len(l.want) > 0 && res.header.Get("Last-Modified") == "") {
					t.Errorf("ETag %q, Last-Modified %q", res.header.Get("ETag"), res.header.Get("Last-Modified"))
				}
				feed, err := gofeed.NewParser().ParseString(res.body)
				if err != nil {
					t.Fatalf("the %s feed does not parse: %v\n%s", ext, err, res.body)
				}
				if feed.FeedType != ext {
					t.Errorf("parsed as %q", feed.FeedType)
				}
				if feed.Title != l.title {
					t.Errorf("title %q, want %q", feed.Title, l.title)
				}
				if feed.Link != base+cmp.Or(l.listing, "/") {
					t.Errorf("home link %q, want %q", feed.Link, base+cmp.Or(l.listing, "/"))
				}
				if feed.FeedLink != base+path+canonicalLangQuery(l.query) {
					t.Errorf("self link %q", feed.FeedLink)
				}
				if len(feed.Items) != len(l.want) {
					t.Fatalf("%d items, want %d", len(feed.Items), len(l.want))
				}
				for i, a := range l.want {
					checkItem(t, s, ext, feed.Items[i], a)
				}
				if strings.Contains(res.body, s.origin.URL) || strings.Contains(res.body, "tracker.example") {
					t.Errorf("the feed names a publisher's picture instead of the proxy")
				}
			})
		}
	}
}

// canonicalLangQuery is the lang= filter as the feed's own URL writes it.
func canonicalLangQuery(q string) string {
	if !strings.HasPrefix(q, "?lang=") {
		return ""
	}
	return "?lang=" + strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(q, "?lang=")), ",", "%2C")
}

func checkItem(t *testing.T, s *seeded, ext string, it *gofeed.Item, a revue.Article) {
	t.Helper()
	base := s.portal.URL
	if it.Title != a.Title {
		t.Errorf("item title %q, want %q", it.Title, a.Title)
	}
	if want := base + ArticlePath(a.ID, a.Title); it.Link != want {
		t.Errorf("%s: link %q, want %q", a.Title, it.Link, want)
	}
	if want := base + "/articles/" + strconv.FormatInt(a.ID, 10); it.GUID != want {
		t.Errorf("%s: id %q, want %q", a.Title, it.GUID, want)
	}
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.PublishedAt.Truncate(time.Second)) {
		t.Errorf("%s: published %v, want %v", a.Title, it.PublishedParsed, a.PublishedAt)
	}
	body := it.Content
	if ext == "rss" {
		body = it.Description
	}
	date := a.PublishedAt.Format("02 - 01 - 2006")
	if !strings.Contains(body, `Publié dans <a href="`+base+"/sources/"+strconv.FormatInt(a.SourceID, 10)+`">`+html.EscapeString(a.SourceName)+`</a> le `+date) {
		t.Errorf("%s: the entry does not credit its source and date:\n%s", a.Title, body)
	}
	if !strings.Contains(body, `<a href="`+a.URL+`">Cliquez ici pour lire l&#39;article depuis sa source.</a>`) {
		t.Errorf("%s: the entry does not link to the original:\n%s", a.Title, body)
	}
	var cats []string
	if a.Section != "" {
		cats = append(cats, s.server.sectionName(s.server.langs[i18n.Default], a.Section))
	}
	for _, r := range a.Regions {
		cats = append(cats, s.server.regionName(s.server.langs[i18n.Default], r))
	}
	if !slices.Equal(it.Categories, cats) {
		t.Errorf("%s: categories %q, want %q", a.Title, it.Categories, cats)
	}
	if ext == "json" {
		// gofeed's JSON translator keeps neither the item language nor
		// external_url: read them from the raw item.
		return
	}
}

// The parts each format has its own way of saying: Atom's related link
// and per-entry xml:lang, RSS's permalink guid and source, JSON Feed's
// external_url, language and image.
func TestFeedFormatDetails(t *testing.T) {
	s := seed(t)
	base := s.portal.URL
	leadSrc := base + "/images/" + strconv.FormatInt(s.fr.Images[0].ID, 10)
	inlineSrc := base + "/images/" + strconv.FormatInt(s.fr.Images[1].ID, 10)

	t.Run("atom", func(t *testing.T) {
		body := s.get(t, "/regions/draa-tafilalet/feed.atom").body
		feed, err := (&atom.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if feed.Language != "fr" || feed.ID != base+"/regions/draa-tafilalet/feed.atom" || feed.Updated != "2021-03-16T12:00:00Z" {
			t.Errorf("feed xml:lang %q, id %q, updated %q", feed.Language, feed.ID, feed.Updated)
		}
		if len(feed.Authors) != 1 || feed.Authors[0].Name != "Revue" {
			t.Errorf("feed authors %v", feed.Authors)
		}
		e := feed.Entries[0]
		rels := map[string]string{}
		for _, l := range e.Links {
			rels[l.Rel] = l.Href
		}
		if rels["alternate"] != base+ArticlePath(s.fr.ID, s.fr.Title) || rels["related"] != s.fr.URL {
			t.Errorf("entry links %v", rels)
		}
		if len(e.Categories) != 2 || e.Categories[0].Term != "societe" || e.Categories[0].Label != "Société" ||
			e.Categories[1].Term != "draa-tafilalet" || e.Categories[1].Scheme != base+"/regions/" {
			t.Errorf("categories %+v %+v", e.Categories[0], e.Categories[1])
		}
		if e.Source == nil || e.Source.Title != "Hespress" || len(e.Authors) != 1 || e.Authors[0].Name != "La rédaction" {
			t.Errorf("entry source %+v, authors %+v", e.Source, e.Authors)
		}
		if e.Content == nil || e.Content.Type != "html" || !strings.Contains(e.Content.Value, `<img alt="Un hôpital de campagne" src="`+inlineSrc+`"`) ||
			!strings.Contains(e.Content.Value, `<img src="`+leadSrc+`"`) {
			t.Errorf("content does not show both pictures through the proxy:\n%v", e.Content)
		}
		if got := entryLangs(t, body); !slices.Equal(got, []string{"fr", "ar"}) {
			t.Errorf("entries' xml:lang %q, want fr, ar", got)
		}
	})
	t.Run("rss", func(t *testing.T) {
		body := s.get(t, "/regions/draa-tafilalet/feed.rss?lang=ar").body
		feed, err := (&rss.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if feed.Language != "ar" || feed.Description == "" || feed.LastBuildDate != "Tue, 16 Mar 2021 12:00:00 +0000" {
			t.Errorf("channel language %q, description %q, lastBuildDate %q", feed.Language, feed.Description, feed.LastBuildDate)
		}
		it := feed.Items[0]
		if it.GUID == nil || it.GUID.IsPermalink != "true" || it.GUID.Value != base+"/articles/"+strconv.FormatInt(s.ar.ID, 10) {
			t.Errorf("guid %+v", it.GUID)
		}
		if it.Source == nil || it.Source.Title != "Alyaoum 24" || it.Source.URL != base+"/sources/"+strconv.FormatInt(s.alyaoum.ID, 10)+"/feed.rss" {
			t.Errorf("source %+v", it.Source)
		}
		if it.DublinCoreExt == nil || len(it.DublinCoreExt.Language) != 1 || it.DublinCoreExt.Language[0] != "ar" {
			t.Errorf("dc:language %+v", it.DublinCoreExt)
		}
	})
	t.Run("json", func(t *testing.T) {
		var feed struct {
			Version, Language string
			Items             []struct {
				ID, URL, Title, Summary, Image, Language string
				ExternalURL                              string `json:"external_url"`
				ContentHTML                              string `json:"content_html"`
				DatePublished                            string `json:"date_published"`
				Authors                                  []struct{ Name, URL string }
				Tags                                     []string
			}
		}
		if err := json.Unmarshal([]byte(s.get(t, "/sections/societe/feed.json?lang=fr").body), &feed); err != nil {
			t.Fatal(err)
		}
		if feed.Version != "https://jsonfeed.org/version/1.1" || feed.Language != "fr" || len(feed.Items) != 1 {
			t.Fatalf("version %q, language %q, %d items", feed.Version, feed.Language, len(feed.Items))
		}
		it := feed.Items[0]
		if it.ExternalURL != s.fr.URL || it.Language != "fr" || it.Image != leadSrc || it.DatePublished != "2021-03-16T10:30:00Z" ||
			it.Summary != s.fr.Summary || len(it.Authors) != 1 || it.Authors[0].Name != "La rédaction" || !slices.Equal(it.Tags, []string{"Société", "Drâa-Tafilalet"}) {
			t.Errorf("item %+v", it)
		}
	})
}

// entryLangs are the xml:lang of each Atom entry, read with a plain XML
// decoder, independently of the feed parser.
func entryLangs(t *testing.T, body string) []string {
	t.Helper()
	var langs []string
	dec := xml.NewDecoder(strings.NewReader(body))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return langs
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "entry" {
			for _, a := range se.Attr {
				if a.Name.Space == "http://www.w3.org/XML/1998/namespace" && a.Name.Local == "lang" {
					langs = append(langs, a.Value)
				}
			}
		}
	}
}

// wellFormed decodes every token of an XML document strictly.
func wellFormed(body string) error {
	dec := xml.NewDecoder(strings.NewReader(body))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestFeedsUnknownListingsAndBadParameters(t *testing.T) {
	s := seed(t)
	tests := []struct {
		path   string
		status int
	}{
		{"/sections/nulle-part/feed.atom", 404},
		{"/regions/atlantide/feed.rss", 404},
		{"/sources/424242/feed.json", 404},
		{"/sources/abc/feed.json", 404},
		{"/sections/sport/feed.atom", 200}, // known to the catalog, no article yet
		{"/sections/economie/feed.atom?lang=ar", 200},
		{"/feed.atom?limit=0", 400},
		{"/feed.atom?limit=beaucoup", 400},
		{"/feed.rss?lang=fr%3Bdrop", 400},
		{"/feed.xml", 404},
	}
	for _, tc := range tests {
		if res := s.get(t, tc.path); res.status != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, res.status, tc.status)
		}
	}
	// A section named only by a source's configuration exists too.
	src := s.addSource(t, "Médias24", "fr")
	src.Section = "bourse"
	if err := s.store.UpdateSource(t.Context(), src); err != nil {
		t.Fatal(err)
	}
	if res := s.get(t, "/sections/bourse/feed.json"); res.status != 200 {
		t.Errorf("a source's own section: %d", res.status)
	}
}

// limit= defaults to 50 and stops at 200.
func TestFeedLimits(t *testing.T) {
	s := seedForBench(t) // 205 articles
	for _, tc := range []struct {
		query string
		want  int
	}{{"", 50}, {"?limit=7", 7}, {"?limit=1000", 200}} {
		feed, err := gofeed.NewParser().ParseString(s.get(t, "/feed.json"+tc.query).body)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed.Items) != tc.want {
			t.Errorf("%q: %d items, want %d", tc.query, len(feed.Items), tc.want)
		}
	}
}

// A feed answers a conditional GET with 304 until it changes.
func TestFeedConditionalGet(t *testing.T) {
	s := seed(t)
	for ext, path := range feedPaths("/sections/societe") {
		t.Run(ext, func(t *testing.T) {
			first := s.get(t, path)
			etag, modified := first.header.Get("ETag"), first.header.Get("Last-Modified")
			if modified != "Tue, 16 Mar 2021 12:00:00 GMT" {
				t.Errorf("Last-Modified %q", modified)
			}
			if again := s.get(t, path); again.header.Get("ETag") != etag || again.body != first.body {
				t.Fatalf("the same feed twice differs")
			}
			for _, h := range [][]string{{"If-None-Match", etag}, {"If-Modified-Since", modified}} {
				res := s.get(t, path, h...)
				if res.status != http.StatusNotModified || res.body != "" {
					t.Errorf("%s: %d, body %d bytes", h[0], res.status, len(res.body))
				}
			}
			if res := s.get(t, path, "If-None-Match", `"autre"`); res.status != 200 {
				t.Errorf("a stale ETag: %d", res.status)
			}
		})
	}
	etag := s.get(t, "/sections/societe/feed.atom").header.Get("ETag")
	// Blocking a picture changes the feed though no article is new.
	s.blockImage(t, s.fr.Images[0].ID)
	if res := s.get(t, "/sections/societe/feed.atom", "If-None-Match", etag); res.status != 200 {
		t.Errorf("after a block: %d, want 200", res.status)
	}
	s.save(t, s.elpais, revue.Article{URL: "https://es.le360.ma/nuevo", Title: "Nuevo", Lang: "es", Section: "societe",
		PublishedAt: testNow.Add(-time.Minute)})
	res := s.get(t, "/sections/societe/feed.atom", "If-None-Match", etag)
	if res.status != 200 || !strings.Contains(res.body, "Nuevo") {
		t.Errorf("after a new article: %d", res.status)
	}
}

// A blocked picture appears nowhere in any feed, neither as the lead nor
// in the text; the other picture still goes through the proxy.
func TestFeedsNeverShowABlockedPicture(t *testing.T) {
	s := seed(t)
	s.blockImage(t, s.fr.Images[0].ID)
	s.blockImage(t, s.fr.Images[1].ID)
	for ext, path := range feedPaths("") {
		body := s.get(t, path).body
		for _, img := range s.fr.Images {
			if strings.Contains(body, "/images/"+strconv.FormatInt(img.ID, 10)+`"`) || strings.Contains(body, "/images/"+strconv.FormatInt(img.ID, 10)+"&") {
				t.Errorf("%s: blocked picture %d is in the feed", ext, img.ID)
			}
		}
		if strings.Contains(body, s.origin.URL) {
			t.Errorf("%s: a publisher's picture URL is in the feed", ext)
		}
		if !strings.Contains(body, "Sur hautes instructions royales") {
			t.Errorf("%s: the text went with the pictures", ext)
		}
	}
}

// What the publisher lets the portal show bounds the feed: a title-only
// article has no text, an excerpt only its first paragraphs.
func TestFeedsObeyTheRepublishingMode(t *testing.T) {
	long := "<p>" + strings.Repeat("Premier paragraphe, assez long pour remplir un extrait à lui seul. ", 12) + "</p>" +
		`<p>Deuxième paragraphe, au-delà de l'extrait.</p>`
	for _, tc := range []struct {
		name, sourceMode, robots string
		first, second, summary   bool
		note                     string
	}{
		{"full", "", "", true, true, true, ""},
		{"excerpt source", revue.RepublishExcerpt, "", true, false, true, "Ceci est un extrait"},
		{"noarchive page", revue.RepublishFull, revue.RepublishExcerpt, true, false, true, "Ceci est un extrait"},
		{"nosnippet page", revue.RepublishFull, revue.RepublishTitle, false, false, false, "ne permet pas d&#39;en reproduire le texte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			src, err := e.store.AddSource(t.Context(), revue.Source{Name: "Le Matin", FeedURL: "https://lematin.example/rss", Enabled: true,
				Republish: tc.sourceMode}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			a := e.save(t, src, revue.Article{URL: "https://lematin.example/a", Title: "Un titre", Summary: "Le résumé du flux.",
				ContentHTML: long, Lang: "fr", PublishedAt: testNow.Add(-time.Hour), Page: revue.PagePending})[0]
			if tc.robots != "" {
				if _, err := e.store.ClaimPages(t.Context(), "w", testNow, time.Minute, 1); err != nil {
					t.Fatal(err)
				}
				if err := e.store.RecordPage(t.Context(), revue.PageOutcome{ArticleID: a.ID, Worker: "w", At: testNow, Robots: tc.robots}); err != nil {
					t.Fatal(err)
				}
			}
			for ext, path := range feedPaths("") {
				body := e.get(t, path).body
				if err := checkParses(ext, body); err != nil {
					t.Fatalf("%s: %v", ext, err)
				}
				// RSS has no summary beside its description.
				wantSummary := tc.summary && ext != "rss"
				first, second, summary := strings.Contains(body, "Premier paragraphe"), strings.Contains(body, "Deuxième paragraphe"),
					strings.Contains(body, "Le résumé du flux.")
				if first != tc.first || second != tc.second || summary != wantSummary {
					t.Errorf("%s: first paragraph %v (want %v), second %v (want %v), summary %v (want %v)", ext,
						first, tc.first, second, tc.second, summary, wantSummary)
				}
				if tc.note != "" && !strings.Contains(body, tc.note) && !strings.Contains(body, html.EscapeString(tc.note)) {
					t.Errorf("%s: the note %q is missing", ext, tc.note)
				}
				if !strings.Contains(body, "https://lematin.example/a") {
					t.Errorf("%s: no link to the original", ext)
				}
			}
		})
	}
}

func checkParses(ext, body string) error {
	if ext != "json" {
		if err := wellFormed(body); err != nil {
			return err
		}
	}
	_, err := gofeed.NewParser().ParseString(body)
	return err
}

// Titles a publisher may send: control characters (not allowed in XML
// 1.0), a CDATA terminator, markup, right-to-left text and emoji. Every
// feed stays well-formed and shows the title as text.
func TestFeedsSurviveHostileTitles(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "Source <b>&</b> ]]>", "fr")
	titles := []struct{ in, want string }{
		{"Cloche\x07 et NUL\x00 et \x1b[31m", "Cloche\uFFFD et NUL\uFFFD et \uFFFD[31m"},
		{"Fin de CDATA ]]> et <![CDATA[ ouverte", "Fin de CDATA ]]> et <![CDATA[ ouverte"},
		{`<script>alert("x")</script> & &amp;`, `<script>alert("x")</script> & &amp;`},
		{"الرباط \u202eتقلب\u202c 🇲🇦 عاجل", "الرباط \u202eتقلب\u202c 🇲🇦 عاجل"},
		{"Emoji 👩🏽‍💻 et \uFFFE non-caractère", "Emoji 👩🏽‍💻 et \uFFFD non-caractère"},
	}
	for i, tt := range titles {
		a := revue.Article{URL: "https://hostile.example/" + strconv.Itoa(i), Title: tt.in, Lang: "fr",
			Summary: tt.in, PublishedAt: testNow.Add(-time.Duration(i) * time.Minute)}
		if i%2 == 1 { // the others show their summary as the text
			a.ContentHTML = "<p>" + html.EscapeString(tt.in) + "</p>"
		}
		e.save(t, src, a)
	}
	for ext, path := range feedPaths("") {
		body := e.get(t, path).body
		if err := checkParses(ext, body); err != nil {
			t.Fatalf("%s: %v\n%s", ext, err, body)
		}
		feed, _ := gofeed.NewParser().ParseString(body)
		for i, tt := range titles {
			if got := feed.Items[i].Title; got != tt.want {
				t.Errorf("%s: title %q, want %q", ext, got, tt.want)
			}
		}
		for _, it := range feed.Items {
			html := it.Content // a summary, plain text, may say <script>
			if ext == "rss" {
				html = it.Description
			}
			if strings.Contains(html, "<script>") {
				t.Errorf("%s: markup from a title or summary is not escaped in the HTML", ext)
			}
		}
	}
}

// Offline rules of the W3C feed validator that a parser forgives:
// Atom's required elements and unique ids, RSS's guid on every item.
func TestFeedValidatorRules(t *testing.T) {
	s := seed(t)
	t.Run("atom", func(t *testing.T) {
		var f struct {
			ID      string                  `xml:"id"`
			Title   string                  `xml:"title"`
			Updated string                  `xml:"updated"`
			Author  []struct{ Name string } `xml:"author"`
			Entries []struct {
				ID      string                  `xml:"id"`
				Title   string                  `xml:"title"`
				Updated string                  `xml:"updated"`
				Author  []struct{ Name string } `xml:"author"`
				Links   []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Content struct {
					Type string `xml:"type,attr"`
				} `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(s.get(t, "/feed.atom").body), &f); err != nil {
			t.Fatal(err)
		}
		if f.ID == "" || f.Title == "" || f.Updated == "" || len(f.Author) == 0 {
			t.Errorf("feed id %q, title %q, updated %q, authors %d", f.ID, f.Title, f.Updated, len(f.Author))
		}
		ids := map[string]bool{}
		for _, e := range f.Entries {
			if e.ID == "" || e.Title == "" || e.Updated == "" || ids[e.ID] {
				t.Errorf("entry id %q (seen: %v), title %q, updated %q", e.ID, ids[e.ID], e.Title, e.Updated)
			}
			ids[e.ID] = true
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
				t.Errorf("updated %q is not RFC 3339", e.Updated)
			}
			alternates := 0
			for _, l := range e.Links {
				if l.Rel == "alternate" {
					alternates++
				}
			}
			if alternates != 1 || e.Content.Type != "html" {
				t.Errorf("entry %s: %d alternate links, content type %q", e.ID, alternates, e.Content.Type)
			}
		}
	})
	t.Run("rss", func(t *testing.T) {
		var f struct {
			Channel struct {
				Title       string   `xml:"title"`
				Links       []string `xml:"link"` // and atom:link, empty
				Description string   `xml:"description"`
				Items       []struct {
					Title   string `xml:"title"`
					Link    string `xml:"link"`
					PubDate string `xml:"pubDate"`
					GUID    struct {
						IsPermaLink string `xml:"isPermaLink,attr"`
						Value       string `xml:",chardata"`
					} `xml:"guid"`
				} `xml:"item"`
			} `xml:"channel"`
		}
		if err := xml.Unmarshal([]byte(s.get(t, "/feed.rss").body), &f); err != nil {
			t.Fatal(err)
		}
		if f.Channel.Title == "" || len(f.Channel.Links) == 0 || f.Channel.Links[0] == "" || f.Channel.Description == "" {
			t.Errorf("channel %+v", f.Channel)
		}
		for _, it := range f.Channel.Items {
			if it.GUID.Value == "" || it.GUID.IsPermaLink != "true" || !strings.HasPrefix(it.GUID.Value, "http") {
				t.Errorf("item %q: guid %+v", it.Title, it.GUID)
			}
			if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
				t.Errorf("pubDate %q is not RFC 822", it.PubDate)
			}
		}
	})
}

// Home, section, region and source pages advertise their feeds in <head>
// and show a link to them; a story page, without feeds yet, does not.
func TestFeedAutodiscovery(t *testing.T) {
	s := seed(t)
	for _, tc := range []struct{ page, feeds string }{
		{"/", ""},
		{"/sections/societe", "/sections/societe"},
		{"/regions/draa-tafilalet", "/regions/draa-tafilalet"},
		{"/sources/" + strconv.FormatInt(s.hespress.ID, 10), "/sources/" + strconv.FormatInt(s.hespress.ID, 10)},
		{"/stories/" + strconv.FormatInt(s.fr.StoryID, 10), "none"},
	} {
		raw := s.get(t, tc.page).body
		doc := parseHTML(t, raw)
		// Alternates with a type are feeds; those with an hreflang are the
		// page in the other interface languages.
		alternates := findAll(doc, func(n *html.Node) bool {
			return n.Data == "link" && attr(n, "rel") == "alternate" && attr(n, "hreflang") == ""
		})
		visible := findAll(doc, func(n *html.Node) bool { return n.Data == "p" && attr(n, "class") == "feeds" })
		if tc.feeds == "none" {
			if len(alternates)+len(visible) != 0 {
				t.Errorf("%s advertises feeds it does not have", tc.page)
			}
			continue
		}
		var got []string
		for _, l := range alternates {
			got = append(got, attr(l, "type")+" "+attr(l, "href"))
			if attr(l, "title") == "" {
				t.Errorf("%s: an alternate link without a title", tc.page)
			}
		}
		want := []string{"application/atom+xml " + tc.feeds + "/feed.atom", "application/rss+xml " + tc.feeds + "/feed.rss",
			"application/feed+json " + tc.feeds + "/feed.json"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: alternates %q, want %q", tc.page, got, want)
		}
		if !strings.Contains(raw, `<link rel="alternate" type="application/atom+xml"`) {
			t.Errorf("%s: the Atom link's type is not written plainly", tc.page)
		}
		if len(visible) != 1 || !strings.HasPrefix(visibleText(visible[0]), "Flux :") {
			t.Fatalf("%s: no visible feed link", tc.page)
		}
		links := findAll(visible[0], func(n *html.Node) bool { return n.Data == "a" })
		if len(links) != 3 || attr(links[0], "href") != tc.feeds+"/feed.atom" {
			t.Errorf("%s: visible feed links %d", tc.page, len(links))
		}
		for _, l := range alternates {
			if res := s.get(t, attr(l, "href")); res.status != 200 {
				t.Errorf("%s: advertised %s answers %d", tc.page, attr(l, "href"), res.status)
			}
		}
	}
}

// Absolute links start with the configured base URL; when it was only
// guessed from the listening address, with the host the reader asked.
func TestFeedLinksFollowTheBaseURL(t *testing.T) {
	for _, tc := range []struct {
		name    string
		guessed bool
		want    string
	}{
		{"configured", false, "https://revue.example"},
		{"guessed", true, "http://news.example:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.BaseURL, c.BaseURLGuessed = "https://revue.example", tc.guessed })
			src := e.addSource(t, "Hespress", "fr")
			a := e.save(t, src, revue.Article{URL: "https://www.hespress.com/a.html", Title: "Un titre", Lang: "fr", PublishedAt: testNow})[0]
			rec := httptest.NewRecorder()
			e.server.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://news.example:8080/feed.json", nil))
			feed, err := gofeed.NewParser().ParseString(rec.Body.String())
			if err != nil {
				t.Fatal(err)
			}
			if feed.FeedLink != tc.want+"/feed.json" || feed.Items[0].Link != tc.want+ArticlePath(a.ID, a.Title) {
				t.Errorf("feed link %q, item link %q; want them under %s", feed.FeedLink, feed.Items[0].Link, tc.want)
			}
		})
	}
}
