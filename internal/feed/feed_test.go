package feed

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"revue/internal/charset"
	"revue/internal/sanitize"
	"revue/internal/shareddata"
)

var testNow = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func parseFixture(t *testing.T, name, feedURL string) *Feed {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := charset.ToUTF8(raw, "")
	if err != nil {
		t.Fatalf("ToUTF8(%s): %v", name, err)
	}
	f, err := Parse(context.Background(), doc, Options{Now: testNow, FeedURL: feedURL})
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		file, feedURL   string
		title, siteURL  string
		items           int
		first           Item // fields compared when non-zero
		firstPublished  time.Time
		dated           int // items carrying a date of their own
		firstImage      string
		firstCategories []string
	}{
		{file: "rss_0.91_missing_id.xml", title: "Servicio de Personal - Ingreso - Diputación de valencia",
			siteURL: "http://www.dival.es/personal", items: 1,
			first: Item{Title: "Oferta de Empleo Público // 3 PROFESOR/A TÉCNICO/A (INGENIE. TÉC. FORESTAL) 17/17", Lang: "es",
				ContentHTML: `Publicado el <b>14-05-2021</b> resultado de  <b>calificaciones 2º ej</b> en los tablones de anuncios. <a href="https://web01.dival.es/personal/reponodoc/NOTAS%202EJ%2017_17.pdf" rel="nofollow noopener ugc">Descárguelo aquí</a>`},
			dated: 0},
		// RSS 1.0 with bare-word links: resolved against the feed URL.
		{file: "rss_1.0.xml", feedURL: "https://feeds.example.org/rome/rss_1.0.xml", title: "rss_1.0.channel.title",
			siteURL: "https://feeds.example.org/rome/rss_1.0.channel.link", items: 2, dated: 0,
			first: Item{Title: "rss_1.0.item[0].title", URL: "https://feeds.example.org/rome/rss_1.0.item[0].link",
				Summary: "rss_1.0.item[0].description", ContentHTML: "rss_1.0.item[0].content"}},
		{file: "rss_2.0.xml", feedURL: "https://feeds.example.org/rss_2.0.xml", title: "rss_2.0.channel.title", items: 2, dated: 2,
			first: Item{GUID: "rss_2.0.channel.item[0].guid", Author: "rss_2.0.channel.item[0].author",
				URL: "https://feeds.example.org/rss_2.0.channel.item[0].link"},
			firstPublished:  time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
			firstCategories: []string{"rss_2.0.channel.item[0].category[0]", "rss_2.0.channel.item[0].category[1]"}},
		{file: "atom_0.3.xml", feedURL: "https://feeds.example.org/a.xml", title: "atom_0.3.feed.title", items: 2, dated: 2,
			first: Item{Title: "atom_0.3.feed.entry[0].title", Author: "atom_0.3.feed.entry[0].author.name",
				Summary: "atom_0.3.feed.entry[0].summary"},
			firstPublished: time.Date(2000, 1, 1, 1, 0, 0, 0, time.UTC)},
		{file: "atom_1.0.xml", title: "atom_1.0.feed.title", siteURL: "http://example.com/blog", items: 2, dated: 2,
			first: Item{URL: "http://example.com/blog/entry1", GUID: "http://example.com/blog/entry1", Lang: "en",
				ContentHTML: "atom_1.0.feed.entry[0].content[0]"},
			firstImage: "http://example.com/blog/enclosure1.gif", firstCategories: []string{"test.category.label"}},
		{file: "jsonfeed_spec_1.json", title: "JSON Feed", siteURL: "https://jsonfeed.org/", items: 1, dated: 1,
			first: Item{Title: "Announcing JSON Feed", URL: "https://jsonfeed.org/2017/05/17/announcing_json_feed",
				GUID: "https://jsonfeed.org/2017/05/17/announcing_json_feed", Lang: "en"},
			firstPublished: time.Date(2017, 5, 17, 15, 2, 12, 0, time.UTC)},
		{file: "jsonfeed_elastic_1.1.json", title: "Blog – InfluxData", siteURL: "https://www.influxdata.com/blog/", items: 3, dated: 2,
			first:           Item{Title: "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark", Author: "Chris Churilo, Fake Author 1"},
			firstCategories: []string{"InfluxDB", "Community", "Elasticsearch", "Time Series Database"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseFixture(t, tt.file, tt.feedURL)
			if f.Title != tt.title {
				t.Errorf("Title = %q, want %q", f.Title, tt.title)
			}
			if tt.siteURL != "" && f.SiteURL != tt.siteURL {
				t.Errorf("SiteURL = %q, want %q", f.SiteURL, tt.siteURL)
			}
			if len(f.Items) != tt.items {
				t.Fatalf("%d items, want %d", len(f.Items), tt.items)
			}
			got, want := f.Items[0], tt.first
			check := func(field, got, want string) {
				if want != "" && got != want {
					t.Errorf("item 0 %s = %q, want %q", field, got, want)
				}
			}
			check("Title", got.Title, want.Title)
			check("URL", got.URL, want.URL)
			check("GUID", got.GUID, want.GUID)
			check("Summary", got.Summary, want.Summary)
			check("ContentHTML", got.ContentHTML, want.ContentHTML)
			check("Author", got.Author, want.Author)
			check("Lang", got.Lang, want.Lang)
			if !tt.firstPublished.IsZero() && !got.PublishedAt.Equal(tt.firstPublished) {
				t.Errorf("item 0 PublishedAt = %v, want %v", got.PublishedAt, tt.firstPublished)
			}
			if tt.firstImage != "" && (len(got.Images) == 0 || got.Images[0] != tt.firstImage) {
				t.Errorf("item 0 Images = %q, want first %q", got.Images, tt.firstImage)
			}
			if tt.firstCategories != nil && strings.Join(got.Categories, "|") != strings.Join(tt.firstCategories, "|") {
				t.Errorf("item 0 Categories = %q, want %q", got.Categories, tt.firstCategories)
			}
			dated := 0
			for i, it := range f.Items {
				if it.GUID == "" {
					t.Errorf("item %d has no GUID", i)
				}
				if !it.PublishedAt.IsZero() {
					dated++
				}
			}
			if dated != tt.dated {
				t.Errorf("%d items dated, want %d: only an item's own date counts", dated, tt.dated)
			}
			if len(f.Notes) > 0 {
				t.Errorf("notes %q on a clean document", f.Notes)
			}
		})
	}
}

// The regenerated Hespress/TelQuel feeds declare <language>en</language>
// but are Arabic and French: language comes from the text.
func TestParseMaghrebFeeds(t *testing.T) {
	tests := []struct {
		file       string
		wantLang   map[string]int
		title, url string // one known item
		canonical  string
		published  time.Time
		image      string
	}{
		{file: "hespress-ar_prospect_2026-02-11.xml", wantLang: map[string]int{"ar": 10},
			title:     `"شنيوْلا" تثير الاستياء بمدينة المحمدية`,
			url:       "https://www.hespress.com/%d8%b4%d9%86%d9%8a%d9%88%d9%92%d9%84%d8%a7-%d8%aa%d8%ab%d9%8a%d8%b1-%d8%a7%d9%84%d8%a7%d8%b3%d8%aa%d9%8a%d8%a7%d8%a1-%d8%a8%d9%85%d8%af%d9%8a%d9%86%d8%a9-%d8%a7%d9%84%d9%85%d8%ad%d9%85%d8%af%d9%8a-1700061.html",
			canonical: "https://www.hespress.com/%D8%B4%D9%86%D9%8A%D9%88%D9%92%D9%84%D8%A7-%D8%AA%D8%AB%D9%8A%D8%B1-%D8%A7%D9%84%D8%A7%D8%B3%D8%AA%D9%8A%D8%A7%D8%A1-%D8%A8%D9%85%D8%AF%D9%8A%D9%86%D8%A9-%D8%A7%D9%84%D9%85%D8%AD%D9%85%D8%AF%D9%8A-1700061.html",
			published: time.Date(2026, 2, 11, 4, 13, 25, 0, time.UTC),
			image:     "https://i1.hespress.com/wp-content/uploads/2021/06/mosquitos.jpg"},
		{file: "hespress-ar_prospect_2026-02-15.xml", wantLang: map[string]int{"ar": 10},
			title: `"بيت مال القدس" تطلق حملة رمضان`},
		{file: "telquel-fr_prospect_2026-03-24.xml", wantLang: map[string]int{"fr": 9, "en": 1},
			title:     "Agroalimentaire : Les Bensalah lâchent Biscoland",
			url:       "https://mobile.telquel.ma/2026/03/24/agroalimentaire-les-bensalah-lachent-biscoland_1980250",
			canonical: "https://mobile.telquel.ma/2026/03/24/agroalimentaire-les-bensalah-lachent-biscoland_1980250",
			published: time.Date(2026, 3, 24, 15, 2, 39, 0, time.UTC)},
		{file: "aljazeera-en_all_2026-08-13T04.xml", wantLang: map[string]int{"en": 25},
			title:     "Israeli settlers besiege Palestinian families in West Bank’s Qusra",
			url:       "https://www.aljazeera.com/news/2026/8/13/israeli-settlers-besiege-three-palestinian-families-in-occupied-west-bank?traffic_source=rss",
			canonical: "https://www.aljazeera.com/news/2026/8/13/israeli-settlers-besiege-three-palestinian-families-in-occupied-west-bank"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseFixture(t, tt.file, "")
			if f.Lang != "en" {
				t.Errorf("feed Lang = %q, want the declared %q", f.Lang, "en")
			}
			langs := map[string]int{}
			var found *Item
			for i := range f.Items {
				it := &f.Items[i]
				langs[it.Lang]++
				if it.Title == tt.title {
					found = it
				}
				if strings.Contains(it.Summary, "appeared first on") || strings.Contains(it.ContentHTML, "appeared first on") {
					t.Errorf("WordPress footer kept in summary %q or content %q", it.Summary, it.ContentHTML)
				}
				if strings.Contains(it.Summary, "<") && strings.Contains(it.Summary, ">") {
					t.Errorf("markup in plain-text summary %q", it.Summary)
				}
			}
			for lang, n := range tt.wantLang {
				if langs[lang] != n {
					t.Errorf("languages %v, want %v", langs, tt.wantLang)
					break
				}
			}
			if found == nil {
				t.Fatalf("no item titled %q", tt.title)
			}
			if tt.url != "" && found.URL != tt.url {
				t.Errorf("URL = %q, want %q", found.URL, tt.url)
			}
			if tt.canonical != "" && found.CanonicalURL != tt.canonical {
				t.Errorf("CanonicalURL = %q, want %q", found.CanonicalURL, tt.canonical)
			}
			if !tt.published.IsZero() && !found.PublishedAt.Equal(tt.published) {
				t.Errorf("PublishedAt = %v, want %v", found.PublishedAt, tt.published)
			}
			if tt.image != "" && (len(found.Images) == 0 || found.Images[0] != tt.image) {
				t.Errorf("Images = %q, want %q first", found.Images, tt.image)
			}
		})
	}
}

func TestParseNormalisation(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Le &lt;b&gt;Site&lt;/b&gt;</title><link>/</link><language>fr-FR</language><ttl>30</ttl>
<item>
  <title>  Maroc&#160;:  3 hôpitaux &amp;amp; <![CDATA[<i>militaires</i>]]> </title>
  <link>/2021/03/16/maroc.html?utm_source=rss&amp;id=3#top</link>
  <description><![CDATA[<p onclick="x()">Le roi a ordonné <script>alert(1)</script>le déploiement de trois hôpitaux militaires de campagne dans la région.</p><img src="/img/lead.jpg">]]></description>
  <dc:creator>La Rédaction</dc:creator>
  <pubDate>mardi 16 mars 2021 10:00:00 +0100</pubDate>
  <enclosure url="/media/photo.jpg" type="image/jpeg" length="1"/>
  <media:thumbnail url="https://cdn.example.ma/t.jpg"/>
  <category>Société</category><category>société</category>
</item>
<item><title>Demain</title><link>https://www.example.ma/demain</link><pubDate>Tue, 16 Mar 2100 10:00:00 GMT</pubDate></item>
<item><description>Neither title nor link: a &lt;b&gt;short&lt;/b&gt; note from the wire, kept.</description></item>
<item><category>nothing to show</category></item>
<item><category>nothing to show</category></item>
</channel></rss>`
	f, err := Parse(context.Background(), []byte(doc), Options{Now: testNow, FeedURL: "https://www.example.ma/feed/"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Le Site" || f.SiteURL != "https://www.example.ma/" || f.Lang != "fr" || f.TTL != 30*time.Minute {
		t.Errorf("feed = %q %q %q %v", f.Title, f.SiteURL, f.Lang, f.TTL)
	}
	if len(f.Items) != 5 {
		t.Fatalf("%d items, want 5: every entry of the document", len(f.Items))
	}
	it := f.Items[0]
	want := Item{
		Title:        "Maroc : 3 hôpitaux & militaires",
		URL:          "https://www.example.ma/2021/03/16/maroc.html?utm_source=rss&id=3#top",
		CanonicalURL: "https://www.example.ma/2021/03/16/maroc.html?id=3",
		Summary:      "Le roi a ordonné le déploiement de trois hôpitaux militaires de campagne dans la région.",
		ContentHTML:  `<p>Le roi a ordonné le déploiement de trois hôpitaux militaires de campagne dans la région.</p><img src="https://www.example.ma/img/lead.jpg"/>`,
		Author:       "La Rédaction",
		Lang:         "fr",
	}
	for _, c := range []struct{ field, got, want string }{
		{"Title", it.Title, want.Title}, {"URL", it.URL, want.URL}, {"CanonicalURL", it.CanonicalURL, want.CanonicalURL},
		{"GUID", it.GUID, want.CanonicalURL}, {"Summary", it.Summary, want.Summary}, {"ContentHTML", it.ContentHTML, want.ContentHTML},
		{"Author", it.Author, want.Author}, {"Lang", it.Lang, want.Lang},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if wantT := time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC); !it.PublishedAt.Equal(wantT) {
		t.Errorf("PublishedAt = %v, want %v (French date, gofeed cannot read it)", it.PublishedAt, wantT)
	}
	wantImages := "https://www.example.ma/media/photo.jpg https://cdn.example.ma/t.jpg https://www.example.ma/img/lead.jpg"
	if got := strings.Join(it.Images, " "); got != wantImages {
		t.Errorf("Images = %q, want %q", got, wantImages)
	}
	if strings.Join(it.Categories, "|") != "Société" {
		t.Errorf("Categories = %q, want one (case-insensitive de-duplication)", it.Categories)
	}
	if !f.Items[1].PublishedAt.IsZero() {
		t.Errorf("a date a century ahead was kept: %v", f.Items[1].PublishedAt)
	}
	note := f.Items[2]
	if note.Title != "Neither title nor link: a short note from the wire, kept." || !note.Showable() || !note.PublishedAt.IsZero() {
		t.Errorf("untitled note: title %q, showable %v, date %v; want its text as title, showable, no date", note.Title, note.Showable(), note.PublishedAt)
	}
	guids := map[string]bool{}
	for i, it := range f.Items {
		if guids[it.GUID] {
			t.Errorf("item %d: GUID %q used twice", i, it.GUID)
		}
		guids[it.GUID] = true
		if want := i < 3; it.Showable() != want {
			t.Errorf("item %d: Showable() = %v, want %v", i, it.Showable(), want)
		}
	}
	if len(f.Notes) != 0 {
		t.Errorf("notes %q on a clean document", f.Notes)
	}
}

func TestWordPressFooterRemovedFromContent(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>Le texte.</p><p>The post <a href="https://x.example/a">Titre</a> appeared first on <a href="https://x.example">Site</a>.</p>`, `<p>Le texte.</p>`},
		{`Le texte […] The post Titre appeared first on Hespress - هسبريس.`, `Le texte […]`},
		{`<p>The post office appeared first on the list of closures.</p><p>Suite.</p>`, `<p>The post office appeared first on the list of closures.</p><p>Suite.</p>`},
	} {
		if got := wordpressFooterHTML.ReplaceAllString(tc.in, ""); got != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseSummaryTruncated(t *testing.T) {
	long := strings.Repeat("mot ", 400)
	doc := `<rss version="2.0"><channel><item><title>t</title><link>https://x.example/a</link><description>` + long + `</description></item></channel></rss>`
	f, err := Parse(context.Background(), []byte(doc), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Items[0].Summary
	if n := len([]rune(s)); n > SummaryMax || !strings.HasSuffix(s, "mot…") {
		t.Errorf("summary of %d runes ending %q; want ≤ %d ending at a word with …", n, s[len(s)-10:], SummaryMax)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		is        error
		wantIn    string
	}{
		{"empty", "", ErrEmpty, "feed is empty"},
		{"blank", " \n\t", ErrEmpty, "feed is empty"},
		{"html page", mustRead(t, "notafeed.html"), ErrNotFeed, "HTML page"},
		{"plain text", "hello", ErrNotFeed, "neither XML nor JSON"},
		{"other XML", `<?xml version="1.0"?><note><to>x</to></note>`, ErrNotFeed, "root element"},
		{"broken JSON feed", `{"version": "https://jsonfeed.org/version/1", "items": [`, nil, "malformed JSON Feed"},
	}
	for _, tt := range tests {
		if tt.wantIn == "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), []byte(tt.doc), Options{Now: testNow})
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q lacks %q", err, tt.wantIn)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, []byte(`<rss/>`), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error %v", err)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// asFeed turns an XML attack document into an RSS feed that carries the
// attack: its prolog (XML declaration, DOCTYPE with the entity
// declarations) is kept, and its root element becomes an item whose title
// holds the root's content, entity references included. A line of prose
// before the first "<" (a payload's own caption) is left out, so that the
// document is read as XML at all.
func asFeed(doc string) string {
	doc = doc[max(0, strings.Index(doc, "<")):]
	rootStart := -1
	for i := 0; i < len(doc); i++ {
		if doc[i] == '<' && i+1 < len(doc) && doc[i+1] != '?' && doc[i+1] != '!' {
			rootStart = i
			break
		}
		if strings.HasPrefix(doc[i:], "<!DOCTYPE") {
			// Skip the DOCTYPE with its internal subset.
			depth := 0
			for ; i < len(doc); i++ {
				switch doc[i] {
				case '[':
					depth++
				case ']':
					depth--
				}
				if doc[i] == '>' && depth == 0 {
					break
				}
			}
		}
	}
	if rootStart < 0 {
		return doc
	}
	prolog, rest := doc[:rootStart], doc[rootStart:]
	body, after := "", ""
	if open := strings.IndexByte(rest, '>'); open > 0 && rest[open-1] == '/' {
		after = rest[open+1:]
	} else if open > 0 {
		name := strings.FieldsFunc(rest[1:open], func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '/' })[0]
		end := strings.LastIndex(rest, "</"+name)
		if end < 0 {
			end = len(rest)
		}
		body = rest[open+1 : end]
		if close := strings.IndexByte(rest[end:], '>'); close >= 0 {
			after = rest[end+close+1:]
		}
	}
	return prolog + `<rss version="2.0"><channel><title>t</title><item><title>` + body +
		`</title><link>https://example.org/a</link></item></channel></rss>` + after
}

var entityReference = regexp.MustCompile(`&([A-Za-z_][\w.-]*);`)

// Entity attacks (billion laughs, quadratic blow-up, XXE, external DTDs):
// each document is read as a feed, its entity references reach the item's
// title as written, nothing is expanded or fetched, and parsing ends at
// once. Requiring the feed to be read, rather than accepting a refusal,
// is what makes a parser that expanded entities fail here.
func TestParseXMLAttacks(t *testing.T) {
	docs := map[string]string{
		"xmlbomb.xml":  mustRead(t, "xmlbomb.xml"),
		"external.xml": mustRead(t, "external.xml"),
	}
	root := filepath.Join(shareddata.Testdata(t), "security", "xml")
	for _, dir := range []string{"defusedxml", filepath.Join("payloadsallthethings-xxe", "files")} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*"))
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				docs[filepath.Base(name)] = string(b)
			}
		}
	}
	if len(docs) < 19 {
		t.Fatalf("only %d attack documents", len(docs))
	}
	references := 0
	for name, doc := range docs {
		wrapped := asFeed(doc)
		f, err, ok := parseWithTimeout([]byte(wrapped), "", "https://example.org/feed", nil)
		if !ok || err != nil {
			t.Errorf("%s: %v; want it read as a feed, its entities unexpanded", name, err)
			continue
		}
		if len(f.Items) != 1 || f.Items[0].URL != "https://example.org/a" {
			t.Errorf("%s: %d items; want the one item that holds the attack", name, len(f.Items))
			continue
		}
		title := f.Items[0].Title
		body := wrapped[strings.Index(wrapped, "<item><title>"):]
		if len(title) > len(body) || strings.Contains(title, "1234567890123") || strings.Contains(title, "dosdos") ||
			strings.Contains(title, strings.Repeat("B", 200)) || strings.Contains(title, "root:") {
			t.Errorf("%s: an entity was expanded into the title (%d bytes)", name, len(title))
		}
		for _, m := range entityReference.FindAllStringSubmatch(body, -1) {
			if html.UnescapeString(m[0]) != m[0] {
				continue // an HTML entity name ("&ee;" is ⅇ): read as HTML, not from the DTD
			}
			references++
			if !strings.Contains(title, m[0]) {
				t.Errorf("%s: the title %.80q lacks %s as written", name, title, m[0])
			}
		}
	}
	if references < 10 {
		t.Errorf("only %d entity references reached a title; the wrapping lost the attacks", references)
	}
	t.Logf("%d XML attack documents read as feeds, %d entity references left unexpanded", len(docs), references)
}

func FuzzParse(f *testing.F) {
	// Seeds are cut to 2 kB: the fuzzer minimises every new input byte by
	// byte, and whole 17 kB feeds stall it for minutes.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && !strings.HasSuffix(name, ".md") {
			f.Add(b[:min(len(b), 2048)])
		}
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><title>a</title><link>/x</link><pubDate>mardi 16 mars 2021</pubDate></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"/a","title":"x"}]}`))
	// The recovery path: each of these makes gofeed fail or lose entries.
	for _, doc := range []string{
		rssHead + `<item><title>a < b&nbsp;&#x1F;</title><link>/a</link></item><item><title>c</title></p></item></channel></rss>`,
		rssHead + `<item><title>a</title><link>/a</link><item><title>b</ti`,
		rssHead + `<itunes:category text="x">` + itemA + `</channel></rss`,
		`<html><body><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title></entry><entry><title>a</title></entry></feed></body></html>`,
		`<entry xmlns="http://www.w3.org/2005/Atom"><title>a</title><link href="/a"/></entry>`,
		`<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>` + rssHead + `<item><title>&b;<![CDATA[</item>`,
		rssHead + `<item><enclosure url=/i.jpg type="image/jpeg"/><description><p>x<br>y</description></item></rss><rss>`,
	} {
		f.Add([]byte(doc))
	}
	san := sanitize.New()
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			feed *Feed
			err  error
		}
		done := make(chan result, 1)
		go func() {
			feed, err := Parse(context.Background(), data, Options{Now: testNow, FeedURL: "https://example.org/feed", Sanitizer: san})
			done <- result{feed, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Parse hangs on %q", data)
		}
		feed, err := r.feed, r.err
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		limit := testNow.Add(DefaultMaxFuture)
		if feed.Updated.After(limit) {
			t.Fatalf("feed date after Now+MaxFuture: %v", feed.Updated)
		}
		guids := map[string]bool{}
		for _, it := range feed.Items {
			if it.GUID == "" || guids[it.GUID] {
				t.Fatalf("GUID %q empty or used twice: %+v", it.GUID, it)
			}
			guids[it.GUID] = true
			if it.PublishedAt.After(limit) || it.Updated.After(limit) {
				t.Fatalf("item date after Now+MaxFuture: %v, %v", it.PublishedAt, it.Updated)
			}
		}
		for _, note := range feed.Notes {
			if strings.TrimSpace(note) == "" {
				t.Fatalf("empty note in %q", feed.Notes)
			}
		}
		// What the recovery path hands to gofeed is well-formed XML, a small
		// multiple of the input.
		if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '<' {
			out, _, err := repairXML(context.Background(), data)
			if err == nil {
				if len(out) > 8*len(data)+64 {
					t.Fatalf("repair wrote %d bytes from %d", len(out), len(data))
				}
				if err := wellFormed(out); err != nil {
					t.Fatalf("repair of %q wrote malformed XML %q: %v", data, out, err)
				}
			}
		}
	})
}

// A headline too short to vote takes the source's configured language
// over the feed header's.
func TestParseSourceLanguageHint(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link><language>en</language>
<item><title>Maroc : 3 hôpitaux</title><link>https://t.example/a</link></item></channel></rss>`)
	for _, tc := range []struct{ source, want string }{{"", "en"}, {"fr", "fr"}, {"fr-MA", "fr"}} {
		f, err := Parse(context.Background(), doc, Options{Now: time.Now(), FeedURL: "https://t.example/feed", Lang: tc.source})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Items[0].Lang; got != tc.want {
			t.Errorf("source language %q: item language %q, want %q", tc.source, got, tc.want)
		}
	}
}

// Items are detected among the followed languages: a Portuguese-looking
// line of a feed that declares nothing is not called Portuguese when
// Portuguese is not followed, but a source configured as Portuguese is.
func TestParseFollowedLanguages(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item><title>O governo anunciou que os preços dos combustíveis vão subir a partir de segunda-feira</title><link>https://t.example/a</link></item></channel></rss>`)
	for _, tc := range []struct {
		source    string
		languages []string
		want      string
	}{
		{"", nil, "pt"},
		{"", []string{"fr", "ar", "es", "en"}, "es"},
		{"pt", []string{"fr", "ar", "es", "en"}, "pt"},
	} {
		f, err := Parse(context.Background(), doc, Options{Now: time.Now(), FeedURL: "https://t.example/feed", Lang: tc.source, Languages: tc.languages})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Items[0].Lang; got != tc.want {
			t.Errorf("source %q, followed %q: item language %q, want %q", tc.source, tc.languages, got, tc.want)
		}
	}
}

// No invented dates: an item has its own date or none, and the feed has
// the channel's own date or none.
func TestParseDates(t *testing.T) {
	ahead := testNow.Add(DefaultMaxFuture + time.Hour).Format(time.RFC1123Z)
	tests := []struct {
		name, doc          string
		feedUpdated        time.Time
		published, updated []time.Time
	}{
		{"RSS lastBuildDate wins over pubDate; an undated item has none",
			`<rss version="2.0"><channel><title>t</title><lastBuildDate>Tue, 16 Mar 2021 10:00:00 GMT</lastBuildDate><pubDate>Mon, 15 Mar 2021 10:00:00 GMT</pubDate>
<item><title>a</title><link>https://x.example/a</link></item>
<item><title>b</title><link>https://x.example/b</link><pubDate>not a date</pubDate></item>
<item><title>c</title><link>https://x.example/c</link><pubDate>` + ahead + `</pubDate></item>
<item><title>d</title><link>https://x.example/d</link><pubDate>16 mars 2021</pubDate></item>
</channel></rss>`,
			time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC),
			[]time.Time{{}, {}, {}, time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)},
			[]time.Time{{}, {}, {}, {}}},
		{"RSS channel pubDate",
			`<rss version="2.0"><channel><title>t</title><pubDate>Mon, 15 Mar 2021 10:00:00 GMT</pubDate><item><title>a</title></item></channel></rss>`,
			time.Date(2021, 3, 15, 10, 0, 0, 0, time.UTC), []time.Time{{}}, []time.Time{{}}},
		{"RSS channel dc:date",
			`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title><dc:date>2021-03-14T10:00:00Z</dc:date><item><title>a</title><dc:date>2021-03-13T10:00:00Z</dc:date></item></channel></rss>`,
			time.Date(2021, 3, 14, 10, 0, 0, 0, time.UTC), []time.Time{time.Date(2021, 3, 13, 10, 0, 0, 0, time.UTC)}, []time.Time{time.Date(2021, 3, 13, 10, 0, 0, 0, time.UTC)}},
		{"a channel date too far ahead is none",
			`<rss version="2.0"><channel><title>t</title><lastBuildDate>` + ahead + `</lastBuildDate><item><title>a</title></item></channel></rss>`,
			time.Time{}, []time.Time{{}}, []time.Time{{}}},
		{"Atom feed updated; an entry's updated stands in for published",
			`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2021-03-16T10:00:00Z</updated>
<entry><title>a</title><updated>2021-03-12T10:00:00Z</updated></entry>
<entry><title>b</title><published>2021-03-11T10:00:00Z</published><updated>` + testNow.Add(48*time.Hour).Format(time.RFC3339) + `</updated></entry>
<entry><title>c</title></entry></feed>`,
			time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC),
			[]time.Time{time.Date(2021, 3, 12, 10, 0, 0, 0, time.UTC), time.Date(2021, 3, 11, 10, 0, 0, 0, time.UTC), {}},
			[]time.Time{time.Date(2021, 3, 12, 10, 0, 0, 0, time.UTC), {}, {}}},
		{"JSON Feed has no date of its own",
			`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","title":"a","date_modified":"2021-03-16T10:00:00Z"}]}`,
			time.Time{}, []time.Time{time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)}, []time.Time{time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(context.Background(), []byte(tt.doc), Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if !f.Updated.Equal(tt.feedUpdated) {
				t.Errorf("Feed.Updated = %v, want %v", f.Updated, tt.feedUpdated)
			}
			if len(f.Items) != len(tt.published) {
				t.Fatalf("%d items, want %d", len(f.Items), len(tt.published))
			}
			for i, it := range f.Items {
				if !it.PublishedAt.Equal(tt.published[i]) || !it.Updated.Equal(tt.updated[i]) {
					t.Errorf("item %d: PublishedAt %v, Updated %v; want %v, %v", i, it.PublishedAt, it.Updated, tt.published[i], tt.updated[i])
				}
			}
		})
	}
}

// Every entry is returned under its own GUID: items sharing a link or an
// id are told apart by their content, the same one every fetch; an entry
// listed twice is one entry; bare entries are kept and numbered.
func TestParseGUIDsUnique(t *testing.T) {
	doc := func(items string) []byte {
		return []byte(`<rss version="2.0"><channel><title>t</title>` + items + `</channel></rss>`)
	}
	show := `<item><title>Episode 1</title><link>https://radio.example/show</link><pubDate>Mon, 11 Dec 2006 06:20:00 GMT</pubDate></item>`
	show2 := `<item><title>Episode 2</title><link>https://radio.example/show</link><pubDate>Tue, 12 Dec 2006 06:20:00 GMT</pubDate></item>`
	bare := `<item><category>x</category></item>`
	parse := func(items string) []Item {
		f, err := Parse(context.Background(), doc(items), Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		return f.Items
	}
	guids := func(items []Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.GUID)
		}
		return out
	}

	both := parse(show + show2)
	if len(both) != 2 || both[0].GUID == both[1].GUID || !strings.HasPrefix(both[0].GUID, "https://radio.example/show#") {
		t.Fatalf("two episodes sharing a link: GUIDs %q; want two, each the link and a content hash", guids(both))
	}
	if swapped := parse(show2 + show); swapped[0].GUID != both[1].GUID || swapped[1].GUID != both[0].GUID {
		t.Errorf("GUIDs depend on the order: %q then %q", guids(both), guids(swapped))
	}
	if repeated := parse(show + show2 + show); len(repeated) != 2 {
		t.Errorf("an episode listed twice: %d items %q, want 2", len(repeated), guids(repeated))
	}
	bares := parse(bare + bare + bare + show)
	seen := map[string]bool{}
	for _, it := range bares {
		if it.GUID == "" || seen[it.GUID] {
			t.Errorf("GUIDs %q: empty or repeated", guids(bares))
		}
		seen[it.GUID] = true
	}
	if len(bares) != 4 || bares[0].Showable() || !bares[3].Showable() || bares[3].GUID != "https://radio.example/show" {
		t.Errorf("three bare entries and one episode: %d items %q", len(bares), guids(bares))
	}
}

// Breakage gofeed reads on through without a word: the entry is there but
// its fields are lost. The repair path gets them back, and says so.
func TestParseStrayEndTagInsideAnItem(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item></p><title>Séisme au Maroc</title><link>https://t.example/a</link></item></channel></rss>`)
	f, err := Parse(context.Background(), doc, Options{Now: time.Now(), FeedURL: "https://t.example/feed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 || f.Items[0].Title != "Séisme au Maroc" || f.Items[0].URL != "https://t.example/a" {
		t.Fatalf("items %+v, want the one item with its title and link", f.Items)
	}
	if len(f.Notes) == 0 {
		t.Error("the repair is not noted")
	}
}

// A feed cut inside its first entry keeps no whole entry, and says so
// without a negative count.
func TestParseCutInsideTheFirstEntry(t *testing.T) {
	for _, cut := range []string{"<item><title>Séisme au Maroc</title><link>https://t.example/a</link><description>Le bilan", "<item>", "<item><ti", "<entry><title>Séisme"} {
		doc := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>` + cut)
		f, err := Parse(context.Background(), doc, Options{Now: time.Now(), FeedURL: "https://t.example/feed"})
		if err != nil {
			t.Logf("%q: %v", cut, err)
			continue
		}
		for _, n := range f.Notes {
			if strings.Contains(n, "-1") {
				t.Errorf("%q: note %q", cut, n)
			}
		}
		t.Logf("%q: notes %q, %d items", cut, f.Notes, len(f.Items))
	}
}
