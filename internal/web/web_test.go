package web

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"revue"
)

// seeded is the shared fixture: three sources in three languages and a
// story told in French, Spanish and Arabic.
type seeded struct {
	*testEnv
	hespress, alyaoum, elpais revue.Source
	fr, es, ar, script, plain revue.Article
}

const (
	frTitle     = "Maroc : 3 hôpitaux militaires de campagne dans les zones touchées par le froid"
	esTitle     = "Marruecos: 3 hospitales militares de campaña en las zonas afectadas por el frío"
	arTitle     = "المغرب: ثلاثة مستشفيات عسكرية ميدانية في المناطق المتضررة من البرد"
	scriptTitle = `Alerte <script>alert("x")</script> & "guillemets"`
)

func seed(t testing.TB) *seeded {
	t.Helper()
	e := newEnv(t)
	s := &seeded{testEnv: e}
	s.hespress = e.addSource(t, "Hespress", "fr")
	s.alyaoum = e.addSource(t, "Alyaoum 24", "ar")
	s.elpais = e.addSource(t, "Le360 Espanol", "es")
	lead := e.origin.URL + "/img/lead.png"
	inline := e.origin.URL + "/img/inline.png"
	s.fr = e.save(t, s.hespress, revue.Article{
		URL:         "https://www.hespress.com/maroc-3-hopitaux-militaires-de-campagne-123.html",
		Title:       frTitle,
		Summary:     "Les Forces armées royales déploient trois hôpitaux de campagne.",
		ContentHTML: `<p>Sur hautes instructions royales, trois hôpitaux sont déployés.</p><p><img src="` + inline + `" alt="Un hôpital de campagne" srcset="https://tracker.example/big.png 2x"></p><p><img src="https://tracker.example/pixel.gif"></p>`,
		Byline:      "La rédaction",
		Lang:        "fr",
		Section:     "societe",
		Regions:     []string{"draa-tafilalet"},
		PublishedAt: time.Date(2021, 3, 16, 10, 30, 0, 0, time.UTC),
		Images:      []revue.Image{{URL: lead}, {URL: inline}},
	})[0]
	s.es = e.save(t, s.elpais, revue.Article{
		URL:         "https://es.le360.ma/sociedad/marruecos-3-hospitales-militares",
		Title:       esTitle,
		Summary:     "Las Fuerzas Armadas Reales despliegan tres hospitales de campaña.",
		Lang:        "es",
		Section:     "societe",
		PublishedAt: time.Date(2021, 3, 16, 11, 55, 0, 0, time.UTC),
	})[0]
	s.ar = e.save(t, s.alyaoum, revue.Article{
		URL:         "https://alyaoum24.example/ar/123",
		Title:       arTitle,
		ContentHTML: "<p>أعلنت القوات المسلحة الملكية عن نشر ثلاثة مستشفيات ميدانية.</p>",
		Lang:        "ar",
		Regions:     []string{"draa-tafilalet"},
		PublishedAt: time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC),
	})[0]
	s.script = e.save(t, s.hespress, revue.Article{
		URL:         "https://www.hespress.com/alerte.html",
		Title:       scriptTitle,
		Summary:     `<img src=x onerror=alert(1)>`,
		Lang:        "fr",
		PublishedAt: time.Date(2021, 3, 14, 8, 0, 0, 0, time.UTC),
	})[0]
	s.plain = e.save(t, s.hespress, revue.Article{
		URL:         "https://www.hespress.com/resume-seul.html",
		Title:       "Le dirham s'apprécie de 0,9% face au dollar américain",
		Summary:     "Seul le résumé est connu.",
		Lang:        "fr",
		Section:     "economie",
		PublishedAt: time.Date(2020, 12, 20, 8, 0, 0, 0, time.UTC),
	})[0]
	return s
}

func TestPages(t *testing.T) {
	s := seed(t)
	frPath := ArticlePath(s.fr.ID, s.fr.Title)
	arPath := ArticlePath(s.ar.ID, s.ar.Title)
	tests := []struct {
		name       string
		path       string
		status     int
		location   string   // for redirects
		contains   []string // in the visible text
		rawHas     []string // in the HTML source
		rawHasNot  []string
		textHasNot []string // in the page's main part
	}{
		{name: "home lists ticker and latest", path: "/", status: 200,
			contains: []string{"Dernières dépêches", frTitle, esTitle, arTitle, "Derniers articles", "il y a 5 min", "il y a 1 h", "il y a 3 h", "14 mars", "20 décembre 2020"},
			rawHas:   []string{`<html lang="fr"`, `href="` + frPath + `"`, `src="/images/` + strconv.FormatInt(s.fr.Images[0].ID, 10) + `"`}},
		{name: "article page", path: frPath, status: 200,
			contains:   []string{frTitle, "Publié dans Hespress le 16 - 03 - 2021", "Cliquez ici pour lire l'article depuis sa source.", "Par La rédaction", "Sur hautes instructions royales", "Drâa-Tafilalet"},
			rawHas:     []string{`href="/sources/` + strconv.FormatInt(s.hespress.ID, 10) + `">Hespress</a>`, `src="/images/` + strconv.FormatInt(s.fr.Images[1].ID, 10) + `"`, `alt="Un hôpital de campagne"`},
			rawHasNot:  []string{s.origin.URL, "tracker.example", "srcset"},
			textHasNot: []string{"Les Forces armées royales déploient"}},
		{name: "article without content shows its summary", path: ArticlePath(s.plain.ID, s.plain.Title), status: 200,
			contains: []string{"Seul le résumé est connu.", "Publié dans Hespress le 20 - 12 - 2020"}},
		{name: "arabic article", path: arPath, status: 200,
			contains: []string{arTitle, "Publié dans Alyaoum 24 le 16 - 03 - 2021"},
			rawHas:   []string{`lang="ar" dir="rtl"`, "/articles/" + strconv.FormatInt(s.ar.ID, 10) + "-%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8"}},
		{name: "missing slug redirects", path: "/articles/" + strconv.FormatInt(s.fr.ID, 10), status: 301, location: frPath},
		{name: "wrong slug redirects", path: "/articles/" + strconv.FormatInt(s.fr.ID, 10) + "-ancien-titre", status: 301, location: frPath},
		{name: "arabic slug as browsers send it is canonical", path: arPath, status: 200},
		{name: "unknown article", path: "/articles/99999-rien", status: 404, contains: []string{"Page introuvable"}},
		{name: "non-numeric article", path: "/articles/abc", status: 404, contains: []string{"Page introuvable"}},
		{name: "source page", path: "/sources/" + strconv.FormatInt(s.hespress.ID, 10), status: 200,
			contains: []string{"Hespress", "État de la collecte", "Dernier statut", "jamais collectée", "Dernière erreur", "aucune", "Prochaine collecte", "16 mars 2021 à 12:00", "3 articles", frTitle}},
		{name: "unknown source", path: "/sources/424242", status: 404},
		{name: "section", path: "/sections/societe", status: 200, contains: []string{frTitle, esTitle}, textHasNot: []string{arTitle}},
		{name: "region", path: "/regions/draa-tafilalet", status: 200, contains: []string{"Région : Drâa-Tafilalet", frTitle, arTitle}, textHasNot: []string{esTitle}},
		{name: "empty region", path: "/regions/souss-massa", status: 200, contains: []string{"Aucun article pour le moment."}},
		{name: "story", path: "/stories/" + strconv.FormatInt(s.fr.StoryID, 10), status: 200, contains: []string{frTitle}},
		{name: "unknown story", path: "/stories/99999", status: 404},
		{name: "bad cursor on a listing", path: "/?cursor=%21%21", status: 400, contains: []string{"Ce lien de pagination n'est pas valide."}},
		{name: "unknown route", path: "/nulle-part", status: 404, contains: []string{"Page introuvable", "Cette page n'existe pas ou plus."}},
		{name: "escaped title", path: "/", status: 200, contains: []string{scriptTitle},
			rawHas: []string{"Alerte &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;guillemets&#34;"}, rawHasNot: []string{`<script>alert`, `<img src=x`}},
		{name: "healthz", path: "/healthz", status: 200, rawHas: []string{"ok"}},
		{name: "static css", path: "/static/style.css", status: 200, rawHas: []string{".ticker"}},
		{name: "static js", path: "/static/ticker.js", status: 200, rawHas: []string{"EventSource"}},
		{name: "static unknown", path: "/static/nope.js", status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := s.get(t, tc.path)
			if res.status != tc.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.path, res.status, tc.status, res.body)
			}
			if tc.location != "" {
				if got := res.header.Get("Location"); got != tc.location {
					t.Errorf("Location = %q, want %q", got, tc.location)
				}
			}
			text, mainText := "", ""
			if strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				doc := parseHTML(t, res.body)
				text = visibleText(doc)
				if main := findAll(doc, func(n *html.Node) bool { return n.Data == "main" }); len(main) == 1 {
					mainText = visibleText(main[0])
				}
			}
			for _, want := range tc.contains {
				if !strings.Contains(text, want) {
					t.Errorf("GET %s: text lacks %q\ntext: %s", tc.path, want, text)
				}
			}
			for _, bad := range tc.textHasNot { // outside the ticker, which shows everything
				if strings.Contains(mainText, bad) {
					t.Errorf("GET %s: text has %q", tc.path, bad)
				}
			}
			for _, want := range tc.rawHas {
				if !strings.Contains(res.body, want) {
					t.Errorf("GET %s: HTML lacks %q", tc.path, want)
				}
			}
			for _, bad := range tc.rawHasNot {
				if strings.Contains(res.body, bad) {
					t.Errorf("GET %s: HTML has %q", tc.path, bad)
				}
			}
		})
	}
}

func TestArticlePageLinksBackToTheSource(t *testing.T) {
	s := seed(t)
	res := s.get(t, ArticlePath(s.fr.ID, s.fr.Title))
	doc := parseHTML(t, res.body)
	links := findAll(doc, func(n *html.Node) bool {
		return n.Data == "a" && visibleText(n) == "Cliquez ici pour lire l'article depuis sa source."
	})
	if len(links) != 1 {
		t.Fatalf("found %d source links, want 1", len(links))
	}
	if got := attr(links[0], "href"); got != s.fr.URL {
		t.Errorf("source link href = %q, want %q", got, s.fr.URL)
	}
	if !strings.Contains(attr(links[0], "rel"), "noopener") {
		t.Errorf("source link rel = %q, want noopener", attr(links[0], "rel"))
	}
	h1 := findAll(doc, func(n *html.Node) bool { return n.Data == "h1" })
	if len(h1) != 1 || visibleText(h1[0]) != frTitle {
		t.Errorf("want one h1 with the title, got %d", len(h1))
	}
	for _, img := range findAll(doc, func(n *html.Node) bool { return n.Data == "img" }) {
		if !strings.HasPrefix(attr(img, "src"), "/images/") {
			t.Errorf("img src %q does not go through the proxy", attr(img, "src"))
		}
		if !hasAttr(img, "alt") {
			t.Errorf("img %q has no alt", attr(img, "src"))
		}
	}
}

// Every element holding an article names its language, and right-to-left
// ones say so, wherever the article appears.
func TestLanguageAndDirection(t *testing.T) {
	s := seed(t)
	paths := []string{"/", ArticlePath(s.ar.ID, s.ar.Title), "/regions/draa-tafilalet", "/sources/" + strconv.FormatInt(s.alyaoum.ID, 10)}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			doc := parseHTML(t, s.get(t, p).body)
			if root := findAll(doc, func(n *html.Node) bool { return n.Data == "html" }); attr(root[0], "lang") != "fr" {
				t.Errorf("<html lang> = %q, want fr", attr(root[0], "lang"))
			}
			items := findAll(doc, func(n *html.Node) bool {
				c := attr(n, "class")
				return c == "ticker-item" || c == "teaser" || c == "story"
			})
			if len(items) == 0 {
				t.Fatal("no article elements found")
			}
			sawArabic := false
			for _, n := range items {
				lang, dir := attr(n, "lang"), attr(n, "dir")
				if lang == "" {
					t.Errorf("%s %q has no lang", n.Data, visibleText(n))
				}
				wantDir := "auto"
				if lang == "ar" {
					wantDir, sawArabic = "rtl", true
				}
				if dir != wantDir {
					t.Errorf("%s lang=%q has dir=%q, want %q", attr(n, "class"), lang, dir, wantDir)
				}
			}
			if !sawArabic {
				t.Error("the Arabic article is not on the page")
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := seed(t)
	for _, p := range []string{"/", ArticlePath(s.fr.ID, s.fr.Title), "/nulle-part", "/api/v1/ticker", "/images/" + strconv.FormatInt(s.fr.Images[0].ID, 10)} {
		t.Run(p, func(t *testing.T) {
			h := s.get(t, p).header
			for key, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "strict-origin-when-cross-origin",
				"X-Frame-Options":        "DENY",
			} {
				if got := h.Get(key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			csp := h.Get("Content-Security-Policy")
			if strings.HasPrefix(p, "/images/") {
				if csp != "default-src 'none'" {
					t.Errorf("image CSP = %q", csp)
				}
				return
			}
			for _, want := range []string{"default-src 'self'", "img-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP allows inline code: %q", csp)
			}
		})
	}
}

func TestNoInlineScriptOrStyle(t *testing.T) {
	s := seed(t)
	doc := parseHTML(t, s.get(t, ArticlePath(s.fr.ID, s.fr.Title)).body)
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "style" }) {
		if n.Data == "style" || attr(n, "src") == "" {
			t.Errorf("inline <%s> would be refused by the CSP", n.Data)
		}
	}
	for _, n := range findAll(doc, func(n *html.Node) bool { return hasAttr(n, "style") || hasAttr(n, "onclick") || hasAttr(n, "onerror") }) {
		t.Errorf("<%s> has an inline style or handler", n.Data)
	}
}

func decodeJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("decoding JSON %q: %v", body, err)
	}
	return m
}

func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

func sortedCopy(s ...string) []string { return slices.Sorted(slices.Values(s)) }

var (
	articleKeys = sortedCopy("id", "title", "url", "source", "published_at", "lang", "section", "regions", "story_id", "byline", "summary", "content_html", "images",
		"date_estimated", "also_published_in")
	sourceKeys = sortedCopy("id", "name", "feed_url", "site_url", "lang", "section", "region", "enabled", "last_status", "last_error", "consecutive_failures", "last_success_at", "next_fetch_at", "articles", "items_per_day")
)

func checkArticleJSON(t *testing.T, a map[string]any) {
	t.Helper()
	if got := keys(a); !slices.Equal(got, articleKeys) {
		t.Fatalf("article keys = %v, want %v", got, articleKeys)
	}
	if got := keys(a["source"].(map[string]any)); !slices.Equal(got, []string{"id", "name"}) {
		t.Errorf("source keys = %v", got)
	}
	if _, ok := a["regions"].([]any); !ok {
		t.Errorf("regions = %#v, want an array", a["regions"])
	}
	images, ok := a["images"].([]any)
	if !ok {
		t.Fatalf("images = %#v, want an array", a["images"])
	}
	for _, img := range images {
		m := img.(map[string]any)
		if got := keys(m); !slices.Equal(got, []string{"id", "proxy_url", "status", "url"}) {
			t.Errorf("image keys = %v", got)
		}
	}
	if _, err := time.Parse(time.RFC3339, a["published_at"].(string)); err != nil {
		t.Errorf("published_at: %v", err)
	}
}

func TestAPIShapes(t *testing.T) {
	s := seed(t)
	t.Run("article", func(t *testing.T) {
		res := s.get(t, "/api/v1/articles/"+strconv.FormatInt(s.fr.ID, 10))
		if res.status != 200 || res.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("status %d, type %q", res.status, res.header.Get("Content-Type"))
		}
		a := decodeJSON(t, res.body)
		checkArticleJSON(t, a)
		if a["url"] != s.fr.URL || a["title"] != frTitle || a["published_at"] != "2021-03-16T10:30:00Z" {
			t.Errorf("article = %v", a)
		}
		if src := a["source"].(map[string]any); src["name"] != "Hespress" || src["id"] != float64(s.hespress.ID) {
			t.Errorf("source = %v", src)
		}
		img := a["images"].([]any)[0].(map[string]any)
		if want := s.portal.URL + "/images/" + strconv.FormatInt(s.fr.Images[0].ID, 10); img["proxy_url"] != want || img["url"] != s.fr.Images[0].URL || img["status"] != "ok" {
			t.Errorf("image = %v, want url %s and proxy_url %s", img, s.fr.Images[0].URL, want)
		}
	})
	t.Run("article without regions or images", func(t *testing.T) {
		a := decodeJSON(t, s.get(t, "/api/v1/articles/"+strconv.FormatInt(s.es.ID, 10)).body)
		checkArticleJSON(t, a)
		if len(a["regions"].([]any)) != 0 || len(a["images"].([]any)) != 0 {
			t.Errorf("regions %v images %v, want empty arrays", a["regions"], a["images"])
		}
	})
	t.Run("list", func(t *testing.T) {
		m := decodeJSON(t, s.get(t, "/api/v1/articles").body)
		if got := keys(m); !slices.Equal(got, []string{"items", "next"}) {
			t.Fatalf("keys = %v", got)
		}
		items := m["items"].([]any)
		if len(items) != 5 || m["next"] != "" {
			t.Fatalf("%d items, next %q; want 5 and last page", len(items), m["next"])
		}
		for _, it := range items {
			checkArticleJSON(t, it.(map[string]any))
		}
	})
	t.Run("ticker", func(t *testing.T) {
		m := decodeJSON(t, s.get(t, "/api/v1/ticker").body)
		items := m["items"].([]any)
		if len(items) != 5 {
			t.Fatalf("%d items", len(items))
		}
		first := items[0].(map[string]any)
		checkArticleJSON(t, first)
		if first["title"] != esTitle {
			t.Errorf("newest = %v, want the Spanish headline", first["title"])
		}
	})
	t.Run("story", func(t *testing.T) {
		m := decodeJSON(t, s.get(t, "/api/v1/stories/"+strconv.FormatInt(s.fr.StoryID, 10)).body)
		if got := keys(m); !slices.Equal(got, []string{"id", "items"}) {
			t.Fatalf("keys = %v", got)
		}
		if m["id"] != float64(s.fr.StoryID) || len(m["items"].([]any)) != 1 {
			t.Errorf("story = %v", m)
		}
	})
	t.Run("sources", func(t *testing.T) {
		m := decodeJSON(t, s.get(t, "/api/v1/sources").body)
		items := m["items"].([]any)
		if len(items) != 3 {
			t.Fatalf("%d sources", len(items))
		}
		src := items[0].(map[string]any)
		if got := keys(src); !slices.Equal(got, sourceKeys) {
			t.Fatalf("source keys = %v, want %v", got, sourceKeys)
		}
		if src["name"] != "Hespress" || src["articles"] != float64(3) || src["last_success_at"] != nil || src["next_fetch_at"] != "2021-03-16T12:00:00Z" {
			t.Errorf("source = %v", src)
		}
	})
}

func TestAPIErrors(t *testing.T) {
	s := seed(t)
	tests := []struct {
		path   string
		status int
	}{
		{"/api/v1/articles?cursor=not-a-cursor", 400},
		{"/api/v1/articles?cursor=" + url.QueryEscape(revue.Cursor{ID: 1, PublishedAt: testNow}.String()[:5]), 400},
		{"/api/v1/articles?limit=0", 400},
		{"/api/v1/articles?limit=-3", 400},
		{"/api/v1/articles?limit=dix", 400},
		{"/api/v1/articles?source=x", 400},
		{"/api/v1/articles?story=-1", 400},
		{"/api/v1/articles?limit=100000", 200}, // lowered to 500
		{"/api/v1/articles/0", 400},
		{"/api/v1/articles/abc", 400},
		{"/api/v1/articles/99999", 404},
		{"/api/v1/stories/99999", 404},
		{"/api/v1/nope", 404},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res := s.get(t, tc.path)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if res.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
			}
			if tc.status >= 400 {
				m := decodeJSON(t, res.body)
				if msg, _ := m["error"].(string); msg == "" || len(m) != 1 {
					t.Errorf("error body = %s", res.body)
				}
			}
		})
	}
}

func TestAPIFilters(t *testing.T) {
	s := seed(t)
	tests := []struct {
		query string
		want  []int64
	}{
		{"lang=ar", []int64{s.ar.ID}},
		{"lang=fr", []int64{s.fr.ID, s.script.ID, s.plain.ID}},
		{"source=" + strconv.FormatInt(s.elpais.ID, 10), []int64{s.es.ID}},
		{"section=societe", []int64{s.es.ID, s.fr.ID}},
		{"region=draa-tafilalet", []int64{s.fr.ID, s.ar.ID}},
		{"story=" + strconv.FormatInt(s.ar.StoryID, 10), []int64{s.ar.ID}},
		{"section=societe&lang=es", []int64{s.es.ID}},
		{"region=oriental", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			var page List[Article]
			if err := json.Unmarshal([]byte(s.get(t, "/api/v1/articles?"+tc.query).body), &page); err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, a := range page.Items {
				got = append(got, a.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ids = %v, want %v", got, tc.want)
			}
		})
	}
}

// Walking the API page by page visits every article exactly once, newest
// first, also when many share the same publication time.
func TestAPIPaginationWalksEverything(t *testing.T) {
	e := newEnv(t)
	src := e.addSource(t, "Hespress", "fr")
	var batch []revue.Article
	for i := range 137 {
		batch = append(batch, revue.Article{
			URL:   "https://www.hespress.com/a/" + strconv.Itoa(i),
			Title: "Dépêche " + strconv.Itoa(i),
			Lang:  "fr",
			// Runs of 10 identical times exercise the (published_at, id) tie-break.
			PublishedAt: testNow.Add(-time.Duration(i/10) * time.Hour),
		})
	}
	e.save(t, src, batch...)
	for _, limit := range []int{1, 7, 50, 500} {
		t.Run("limit="+strconv.Itoa(limit), func(t *testing.T) {
			seen := map[int64]bool{}
			var prev *Article
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 200 {
					t.Fatal("pagination does not end")
				}
				res := e.get(t, "/api/v1/articles?limit="+strconv.Itoa(limit)+"&cursor="+url.QueryEscape(cursor))
				if res.status != 200 {
					t.Fatalf("status %d: %s", res.status, res.body)
				}
				var page List[Article]
				if err := json.Unmarshal([]byte(res.body), &page); err != nil {
					t.Fatal(err)
				}
				if len(page.Items) > limit {
					t.Fatalf("%d items on a page of %d", len(page.Items), limit)
				}
				for _, a := range page.Items {
					if seen[a.ID] {
						t.Fatalf("article %d seen twice", a.ID)
					}
					seen[a.ID] = true
					if prev != nil && (a.PublishedAt > prev.PublishedAt || (a.PublishedAt == prev.PublishedAt && a.ID > prev.ID)) {
						t.Fatalf("article %d comes after %d out of order", a.ID, prev.ID)
					}
					prev = &a
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			if len(seen) != 137 {
				t.Errorf("walked %d articles, want 137", len(seen))
			}
		})
	}
}

func TestHealthzFailsWhenTheStoreIsDown(t *testing.T) {
	e := newEnv(t)
	if res := e.get(t, "/healthz"); res.status != 200 || strings.TrimSpace(res.body) != "ok" {
		t.Fatalf("healthy store: %d %q", res.status, res.body)
	}
	e.store.Close()
	if res := e.get(t, "/healthz"); res.status != 503 {
		t.Errorf("closed store: status %d, want 503", res.status)
	}
}

func TestStaticFilesAreCachedLong(t *testing.T) {
	e := newEnv(t)
	doc := parseHTML(t, e.get(t, "/").body)
	links := findAll(doc, func(n *html.Node) bool {
		return (n.Data == "link" && attr(n, "rel") == "stylesheet") || (n.Data == "script" && attr(n, "src") != "")
	})
	if len(links) != 2 {
		t.Fatalf("found %d static links, want 2", len(links))
	}
	for _, n := range links {
		ref := attr(n, "href") + attr(n, "src")
		if !strings.Contains(ref, "?v=") {
			t.Errorf("%s has no content version", ref)
		}
		res := e.get(t, ref)
		if res.status != 200 || !strings.Contains(res.header.Get("Cache-Control"), "max-age=31536000") {
			t.Errorf("%s: status %d, Cache-Control %q", ref, res.status, res.header.Get("Cache-Control"))
		}
	}
}

func TestNewRefusesAnIncompleteConfig(t *testing.T) {
	e := newEnv(t)
	if _, err := New(Config{Images: e.fetcher}); err == nil {
		t.Error("New without a store succeeded")
	}
	if _, err := New(Config{Store: e.store}); err == nil {
		t.Error("New without an image fetcher succeeded")
	}
}

// An article another outlet also carried lists it, with its own link.
func TestAPIArticleCreditsOtherOutlets(t *testing.T) {
	e := newEnv(t)
	first := e.addSource(t, "Hespress", "fr")
	relay := e.addSource(t, "Relais", "fr")
	a := e.save(t, first, revue.Article{URL: "https://www.hespress.com/wire-1.html", Title: frTitle, Lang: "fr",
		PublishedAt: time.Date(2021, 3, 16, 10, 30, 0, 0, time.UTC)})[0]
	res, err := e.store.SaveArticles(t.Context(), relay.ID, []revue.Article{{GUID: "relay-1",
		URL: "https://www.hespress.com/wire-1.html?utm_source=relay", CanonicalURL: a.CanonicalURL, Title: "Autre titre"}}, testNow)
	if err != nil || len(res.Credited) != 1 {
		t.Fatalf("crediting: %+v, %v", res, err)
	}
	body := e.get(t, "/api/v1/articles/"+strconv.FormatInt(a.ID, 10)).body
	var got Article
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := []Credit{{Source: ArticleSource{ID: relay.ID, Name: "Relais"}, URL: "https://www.hespress.com/wire-1.html?utm_source=relay"}}
	if !slices.Equal(got.AlsoPublishedIn, want) || got.DateEstimated {
		t.Errorf("also_published_in %+v, date_estimated %v; want %+v", got.AlsoPublishedIn, got.DateEstimated, want)
	}
}
