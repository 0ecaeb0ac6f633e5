package web

import (
	"html"
	"strings"
	"testing"
	"time"

	"revue"
	"revue/internal/tag"
	"revue/internal/web/i18n"
)

// shippedSections are the slugs of the shipped section table, what the
// portal is given in production.
func shippedSections(t *testing.T) []string {
	t.Helper()
	s, err := tag.NewSections(tag.SectionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s.Slugs()
}

// Every section of the shipped table has a name in every interface
// language, so no page or list shows a bare slug.
func TestSectionNamesTranslated(t *testing.T) {
	for _, lang := range []string{"fr", "ar", "es", "en"} {
		tr, err := i18n.New(lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, slug := range append(shippedSections(t), "nav") {
			key := "section." + slug
			if slug == "nav" {
				key = "sections.nav"
			}
			if !tr.Has(key) {
				t.Errorf("%s: no wording for %q", lang, key)
			}
		}
	}
}

// Each section of the table has its page, named, even when empty; an
// unknown slug is a 404 unless articles are filed under it; the home page
// lists the sections.
func TestSectionPages(t *testing.T) {
	slugs := shippedSections(t)
	e := newEnv(t, func(c *Config) { c.Sections = slugs })
	src := e.addSource(t, "Hespress", "fr")
	e.save(t, src, revue.Article{URL: "https://hespress.example/monde/1", Title: "Un article filé sous une rubrique hors table",
		Lang: "fr", Section: "monde", PublishedAt: time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)})
	tr, err := i18n.New("fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range slugs {
		r := e.get(t, "/sections/"+slug)
		name := tr.T("section." + slug)
		if r.status != 200 || !strings.Contains(visibleText(parseHTML(t, r.body)), "Rubrique : "+name) {
			t.Errorf("/sections/%s: status %d, want 200 titled %q", slug, r.status, "Rubrique : "+name)
		}
	}
	for path, want := range map[string]int{"/sections/nulle-part": 404, "/sections/monde": 200} {
		if r := e.get(t, path); r.status != want {
			t.Errorf("%s: status %d, want %d", path, r.status, want)
		}
	}
	home := e.get(t, "/")
	for _, slug := range slugs {
		link := `<a href="/sections/` + slug + `">` + html.EscapeString(tr.T("section."+slug)) + `</a>`
		if !strings.Contains(home.body, link) {
			t.Errorf("home page has no %s", link)
		}
	}
	if !strings.Contains(home.body, `aria-label="Rubriques"`) {
		t.Error("the home page's section list is not labelled")
	}
}
