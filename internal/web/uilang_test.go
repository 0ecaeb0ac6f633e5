package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestInterfaceLanguages walks the ways a request gets its interface
// language: the URL's prefix, the cookie of the language switcher, then
// Accept-Language; and the addresses that keep one language-free form.
func TestInterfaceLanguages(t *testing.T) {
	s := seed(t)
	frPath := ArticlePath(s.fr.ID, s.fr.Title)
	id := strconv.FormatInt(s.fr.ID, 10)
	img := strconv.FormatInt(s.fr.Images[0].ID, 10)
	src := strconv.FormatInt(s.hespress.ID, 10)
	tests := []struct {
		name     string
		path     string
		header   []string
		status   int
		location string
		htmlTag  string   // the page's <html …> start
		contains []string // in the visible text
		rawHas   []string // in the HTML source
		vary     []string
	}{
		{name: "French is unprefixed", path: "/", status: 200, htmlTag: `<html lang="fr" dir="ltr">`,
			contains: []string{"Dernières dépêches", "Derniers articles"}, vary: []string{"Cookie", "Accept-Language"}},
		{name: "Arabic home", path: "/ar/", status: 200, htmlTag: `<html lang="ar" dir="rtl">`,
			contains: []string{"آخر الأخبار", "آخر المقالات", "منذ 5 د", "16 مارس 2021"},
			rawHas: []string{`<a class="brand" href="/ar/">`, `href="/ar` + frPath + `"`, `href="/ar/sources/` + src + `"`,
				`data-now="الآن"`, `data-minutes="منذ {n} د"`, `data-locale="ar-MA"`, `data-prefix="/ar"`,
				`<link rel="alternate" hreflang="es" href="/es/">`}},
		{name: "Arabic without the slash", path: "/ar", status: 200, htmlTag: `<html lang="ar" dir="rtl">`},
		{name: "Spanish section", path: "/es/sections/societe", status: 200, htmlTag: `<html lang="es" dir="ltr">`,
			contains: []string{"Sección: Sociedad", "16 de marzo de 2021", "hace 5 min"},
			rawHas:   []string{`href="/language?set=ar&amp;to=%2Fsections%2Fsociete"`}},
		{name: "English region", path: "/en/regions/draa-tafilalet", status: 200, htmlTag: `<html lang="en" dir="ltr">`,
			contains: []string{"Region: Draa-Tafilalet", "16 March 2021", "5 min ago"}},
		{name: "English source page", path: "/en/sources/" + src, status: 200,
			contains: []string{"Collection status", "never collected", "16 March 2021 at 12:00", "3 articles"}},
		{name: "Arabic story", path: "/ar/stories/" + strconv.FormatInt(s.fr.StoryID, 10), status: 200, contains: []string{"القصة: "}},
		{name: "French article header", path: frPath, status: 200,
			contains: []string{"Publié dans Hespress le 16 - 03 - 2021", "Cliquez ici pour lire l'article depuis sa source.", "Signaler cette image"}},
		{name: "Arabic article header", path: "/ar" + frPath, status: 200, htmlTag: `<html lang="ar" dir="rtl">`,
			contains: []string{"نُشر في Hespress يوم 16 مارس 2021", "انقر هنا لقراءة المقال من مصدره.", "التبليغ عن هذه الصورة", "درعة تافيلالت"},
			rawHas:   []string{`<p class="published" lang="ar" dir="rtl">`, `href="/ar/images/` + img + `/report?from=`, `href="/ar/regions/draa-tafilalet"`}},
		{name: "Spanish article header", path: "/es" + frPath, status: 200,
			contains: []string{"Publicado en Hespress el 16 de marzo de 2021", "Haga clic aquí para leer el artículo en su fuente."}},
		{name: "English article header", path: "/en" + frPath, status: 200,
			contains: []string{"Published in Hespress on 16 March 2021", "Click here to read the article at its source.", "By La rédaction"}},
		{name: "a prefixed article without slug keeps its prefix", path: "/es/articles/" + id, status: 301, location: "/es" + frPath},
		{name: "Arabic report form", path: "/ar/images/" + img + "/report?from=" + url.QueryEscape("/ar"+frPath), status: 200,
			contains: []string{"التبليغ عن صورة", "صادمة أو عنيفة", "العودة إلى المقال"},
			rawHas:   []string{`action="/ar/images/` + img + `/report"`, `<input type="hidden" name="from" value="` + frPath + `">`, `href="/ar` + frPath + `"`}},
		{name: "Arabic 404", path: "/ar/nulle-part", status: 404, contains: []string{"الصفحة غير موجودة"}},
		{name: "/fr/ goes to the unprefixed page", path: "/fr" + frPath + "?x=1", status: 301, location: frPath + "?x=1"},
		{name: "/fr alone", path: "/fr", status: 301, location: "/"},
		{name: "/fr// stays on the portal", path: "/fr//evil.example/x", status: 301, location: "/evil.example/x"},
		{name: "a cookie redirect stays on the portal", path: "//evil.example/x", header: []string{"Cookie", uiCookie + "=ar"}, status: 302, location: "/ar/evil.example/x"},
		{name: "the cookie sends an unprefixed page to its language", path: "/sections/societe?cursor=abc",
			header: []string{"Cookie", uiCookie + "=es"}, status: 302, location: "/es/sections/societe?cursor=abc", vary: []string{"Cookie"}},
		{name: "the cookie wins over Accept-Language", path: "/", header: []string{"Cookie", uiCookie + "=fr", "Accept-Language", "ar"},
			status: 200, htmlTag: `<html lang="fr" dir="ltr">`},
		{name: "a prefix wins over the cookie", path: "/en/", header: []string{"Cookie", uiCookie + "=ar"}, status: 200, htmlTag: `<html lang="en" dir="ltr">`},
		{name: "a cookie naming no language is ignored", path: "/", header: []string{"Cookie", uiCookie + "=tlh"}, status: 200, htmlTag: `<html lang="fr" dir="ltr">`},
		{name: "Accept-Language guesses Arabic", path: "/", header: []string{"Accept-Language", "ar-MA,ar;q=0.9,fr;q=0.8"},
			status: 302, location: "/ar/", vary: []string{"Cookie", "Accept-Language"}},
		{name: "Accept-Language guesses Spanish", path: "/regions/oriental", header: []string{"Accept-Language", "es-ES,es;q=0.9"}, status: 302, location: "/es/regions/oriental"},
		{name: "Accept-Language in order", path: "/", header: []string{"Accept-Language", "en-GB,fr;q=0.5"}, status: 302, location: "/en/"},
		{name: "Accept-Language prefers French", path: "/", header: []string{"Accept-Language", "fr-CA,en;q=0.5"}, status: 200, htmlTag: `<html lang="fr" dir="ltr">`},
		{name: "Accept-Language with no interface language", path: "/", header: []string{"Accept-Language", "de-DE,ja;q=0.5"}, status: 200, htmlTag: `<html lang="fr" dir="ltr">`},
		{name: "the API is never redirected", path: "/api/v1/ticker", header: []string{"Cookie", uiCookie + "=ar"}, status: 200},
		{name: "the API has no prefix", path: "/ar/api/v1/ticker", status: 301, location: "/api/v1/ticker"},
		{name: "static files have no prefix", path: "/es/static/style.css", status: 301, location: "/static/style.css"},
		{name: "an image's bytes are not redirected", path: "/images/" + img, header: []string{"Cookie", uiCookie + "=ar"}, status: 200},
		{name: "healthz is not redirected", path: "/healthz", header: []string{"Accept-Language", "ar"}, status: 200},
		{name: "admin is not redirected", path: "/admin/login", header: []string{"Cookie", uiCookie + "=en"}, status: 200, htmlTag: `<html lang="fr"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := s.get(t, tc.path, tc.header...)
			if res.status != tc.status {
				t.Fatalf("GET %s: status %d, want %d", tc.path, res.status, tc.status)
			}
			if got := res.header.Get("Location"); got != tc.location {
				t.Errorf("Location = %q, want %q", got, tc.location)
			}
			if tc.htmlTag != "" && !strings.Contains(res.body, tc.htmlTag) {
				t.Errorf("page lacks %s", tc.htmlTag)
			}
			if len(tc.contains) > 0 {
				text := visibleText(parseHTML(t, res.body))
				for _, want := range tc.contains {
					if !strings.Contains(text, want) {
						t.Errorf("text lacks %q\ntext: %s", want, text)
					}
				}
			}
			for _, want := range tc.rawHas {
				if !strings.Contains(res.body, want) {
					t.Errorf("HTML lacks %s", want)
				}
			}
			vary := strings.Join(res.header.Values("Vary"), ", ")
			for _, want := range tc.vary {
				if !strings.Contains(vary, want) {
					t.Errorf("Vary = %q, lacks %s", vary, want)
				}
			}
		})
	}
}

// TestLanguageSwitcher: picking a language remembers it and goes to the
// same page in that language.
func TestLanguageSwitcher(t *testing.T) {
	s := seed(t)
	frPath := ArticlePath(s.fr.ID, s.fr.Title)
	tests := []struct {
		name, query, location, cookie string
		status                        int
	}{
		{"to Arabic", "set=ar&to=" + url.QueryEscape(frPath+"?a=1"), "/ar" + frPath + "?a=1", "ar", 303},
		{"back to French from a prefixed page", "set=fr&to=" + url.QueryEscape("/es/sections/societe"), "/sections/societe", "fr", 303},
		{"to English, elsewhere than the portal", "set=en&to=" + url.QueryEscape("https://evil.example/"), "/en/", "en", 303},
		{"not to an API", "set=es&to=" + url.QueryEscape("/api/v1/ticker"), "/es/", "es", 303},
		{"an unknown language", "set=tlh&to=/", "", "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := s.get(t, "/language?"+tc.query)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d", res.status, tc.status)
			}
			if got := res.header.Get("Location"); got != tc.location {
				t.Errorf("Location = %q, want %q", got, tc.location)
			}
			cookie := ""
			for _, c := range (&http.Response{Header: res.header}).Cookies() {
				if c.Name == uiCookie {
					cookie = c.Value
					if c.MaxAge <= 0 || c.Path != "/" || !c.HttpOnly {
						t.Errorf("cookie %+v: want a lasting HttpOnly cookie for the whole site", c)
					}
				}
			}
			if cookie != tc.cookie {
				t.Errorf("cookie %q, want %q", cookie, tc.cookie)
			}
		})
	}
	// The masthead offers each language by its own name, the current one marked.
	res := s.get(t, "/es/sections/societe")
	for _, want := range []string{`>français</a>`, `>العربية</a>`, `aria-current="true">español</a>`, `>English</a>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the switcher lacks %s", want)
		}
	}
}

// TestReportMessagesInLanguages: the answer to a report, JSON for the
// page's script or a page without it, comes in the reader's language.
func TestReportMessagesInLanguages(t *testing.T) {
	thanks := map[string]string{
		"":    "Merci d'avoir signalé! Cette image sera automatiquement bloquée après qu'elle soit signalée par plusieurs personnes.",
		"/ar": "شكرًا على التبليغ! ستُحجب هذه الصورة تلقائيًا بعد أن يُبلِّغ عنها عدة أشخاص.",
		"/es": "¡Gracias por avisar! Esta imagen se bloqueará automáticamente cuando varias personas la hayan denunciado.",
		"/en": "Thank you for reporting! This picture will be blocked automatically once several people have reported it.",
	}
	refused := map[string]string{
		"":    "Ce motif n'est pas dans la liste",
		"/ar": "هذا السبب ليس في القائمة",
		"/es": "Este motivo no está en la lista",
		"/en": "This reason is not in the list",
	}
	for prefix, want := range thanks {
		t.Run("prefix "+prefix, func(t *testing.T) {
			sc := newReportScene(t)
			img := sc.picture
			path := prefix + "/images/" + strconv.FormatInt(img.ID, 10) + "/report"
			res := sc.post(t, nil, path, url.Values{"from": {prefix + sc.firstP}}, "Accept", "application/json")
			var answer reportAnswer
			if err := json.Unmarshal([]byte(res.body), &answer); err != nil || res.status != 200 {
				t.Fatalf("JSON answer %d %q: %v", res.status, res.body, err)
			}
			if answer.Message != want {
				t.Errorf("JSON message %q, want %q", answer.Message, want)
			}
			page := sc.post(t, from(t, "127.0.0.77"), path, url.Values{"from": {prefix + sc.firstP}})
			text := visibleText(parseHTML(t, page.body))
			if !strings.Contains(text, want) {
				t.Errorf("the page without script lacks %q: %s", want, text)
			}
			if !strings.Contains(page.body, `href="`+prefix+sc.firstP+`"`) {
				t.Errorf("the way back does not keep the language: %s", page.body)
			}
			bad := sc.post(t, nil, path, url.Values{"reason": {"boring"}}, "Accept", "application/json")
			if bad.status != 400 || !strings.Contains(bad.body, refused[prefix]) {
				t.Errorf("refusal %d %s, want 400 with %q", bad.status, bad.body, refused[prefix])
			}
		})
	}
}

// TestArticleLanguagesChoice: the reader's choice of article languages
// applies to listings, not to an article or a story.
func TestArticleLanguagesChoice(t *testing.T) {
	s := seed(t)
	res := s.get(t, "/article-languages?lang=ar&lang=es&lang=xx&back="+url.QueryEscape("/en/sections/societe?cursor=zz"))
	if res.status != 303 || res.header.Get("Location") != "/en/sections/societe?cursor=zz" {
		t.Fatalf("choosing: %d to %q", res.status, res.header.Get("Location"))
	}
	var cookie string
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == langsCookie {
			cookie = c.Value
		}
	}
	if cookie != "ar.es" {
		t.Fatalf("cookie %q, want ar.es", cookie)
	}
	chosen := []string{"Cookie", langsCookie + "=" + cookie}
	tests := []struct {
		name, path     string
		header         []string
		shows, notShow []string
	}{
		{"home, all by default", "/", nil, []string{frTitle, esTitle, arTitle}, nil},
		{"home", "/", chosen, []string{esTitle, arTitle}, []string{frTitle}},
		{"Arabic home", "/ar/", chosen, []string{esTitle, arTitle}, []string{frTitle}},
		{"section", "/sections/societe", chosen, []string{esTitle}, []string{frTitle}},
		{"region", "/regions/draa-tafilalet", chosen, []string{arTitle}, []string{frTitle}},
		{"source", "/sources/" + strconv.FormatInt(s.hespress.ID, 10), chosen, []string{"Aucun article pour le moment."}, []string{frTitle}},
		{"the article page is not filtered", ArticlePath(s.fr.ID, s.fr.Title), chosen, []string{frTitle}, nil},
		{"the story is not filtered", "/stories/" + strconv.FormatInt(s.fr.StoryID, 10), chosen, []string{frTitle}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := s.get(t, tc.path, tc.header...)
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			main := visibleText(findAll(parseHTML(t, res.body), func(n *html.Node) bool { return n.Data == "main" })[0])
			for _, want := range tc.shows {
				if !strings.Contains(main, want) {
					t.Errorf("lacks %q: %s", want, main)
				}
			}
			for _, not := range tc.notShow {
				if strings.Contains(main, not) {
					t.Errorf("shows %q", not)
				}
			}
		})
	}
	// The form shows the choice; ticking all of them forgets it.
	page := s.get(t, "/", chosen...)
	for _, want := range []string{`value="ar" checked>`, `value="es" checked>`, `value="fr">`, `value="en">`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	all := s.get(t, "/article-languages?lang=fr&lang=ar&lang=es&lang=en&back=/")
	for _, c := range (&http.Response{Header: all.header}).Cookies() {
		if c.Name == langsCookie && c.MaxAge >= 0 {
			t.Errorf("ticking every language keeps cookie %+v", c)
		}
	}
}

func TestAPILanguageList(t *testing.T) {
	s := seed(t)
	tests := []struct {
		query string
		want  []int64
	}{
		{"lang=fr", []int64{s.fr.ID, s.script.ID, s.plain.ID}},
		{"lang=fr,ar", []int64{s.fr.ID, s.ar.ID, s.script.ID, s.plain.ID}},
		{"lang=es,+ar,", []int64{s.es.ID, s.ar.ID}},
		{"lang=de", nil},
	}
	for _, tc := range tests {
		res := s.get(t, "/api/v1/articles?"+tc.query)
		var list List[Article]
		if err := json.Unmarshal([]byte(res.body), &list); err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		var got []int64
		for _, a := range list.Items {
			got = append(got, a.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: IDs %v, want %v", tc.query, got, tc.want)
		}
	}
}

// TestEveryPageInEveryLanguage renders each public page under each
// prefix: it answers, declares its language and direction, and leaks none
// of the French interface's words.
func TestEveryPageInEveryLanguage(t *testing.T) {
	s := seed(t)
	pages := []struct {
		path   string
		status int
	}{
		{"/", 200},
		{ArticlePath(s.fr.ID, s.fr.Title), 200},
		{ArticlePath(s.ar.ID, s.ar.Title), 200},
		{"/sources/" + strconv.FormatInt(s.hespress.ID, 10), 200},
		{"/sections/societe", 200},
		{"/regions/draa-tafilalet", 200},
		{"/stories/" + strconv.FormatInt(s.fr.StoryID, 10), 200},
		{"/images/" + strconv.FormatInt(s.fr.Images[0].ID, 10) + "/report?from=" + url.QueryEscape(ArticlePath(s.fr.ID, s.fr.Title)), 200},
		{"/regions", 200},
		{"/search", 200},
		{"/search?q=Maroc", 200},
		{"/?cursor=%21", 400},
		{"/nulle-part", 404},
	}
	french := []string{"Rechercher", "Mots", "Tous les", "Carte", "Dernières dépêches", "Aller au contenu", "Derniers articles", "Accueil", "Publié dans", "Signaler", "Langues des articles", "Rubrique", "Région", "Page introuvable", "pagination", "il y a", "mars", "décembre", "Appliquer", "Aucun", "Motif", "Envoyer", "Revenir", "Société", "Drâa"}
	for _, lang := range []struct{ prefix, tag string }{{"", `<html lang="fr" dir="ltr">`}, {"/ar", `<html lang="ar" dir="rtl">`}, {"/es", `<html lang="es" dir="ltr">`}, {"/en", `<html lang="en" dir="ltr">`}} {
		for _, p := range pages {
			res := s.get(t, lang.prefix+p.path)
			if res.status != p.status {
				t.Errorf("GET %s: status %d, want %d", lang.prefix+p.path, res.status, p.status)
				continue
			}
			if !strings.HasPrefix(res.body, "<!doctype html>\n"+lang.tag) {
				t.Errorf("GET %s does not open with %s", lang.prefix+p.path, lang.tag)
			}
			if lang.prefix == "" {
				continue
			}
			// The interface's own words: the page minus the articles' titles,
			// summaries and text, the sources' names and the switcher.
			articleText := []string{"headline", "teaser-title", "summary", "story-title", "story-body", "source", "languages", "page-title"}
			doc := parseHTML(t, res.body)
			for _, n := range findAll(doc, func(n *html.Node) bool {
				if n.Type != html.ElementNode {
					return false
				}
				for _, class := range strings.Fields(attr(n, "class")) {
					if slices.Contains(articleText, class) {
						return true
					}
				}
				return n.Data == "title" || n.Data == "bdi" || n.Data == "a" && n.Parent != nil && attr(n.Parent, "class") == "published"
			}) {
				if n.Parent != nil {
					n.Parent.RemoveChild(n)
				}
			}
			text := visibleText(doc)
			for _, word := range french {
				if strings.Contains(text, word) {
					t.Errorf("GET %s shows the French %q", lang.prefix+p.path, word)
				}
			}
		}
	}
}
