package web

import (
	"revue/internal/defaults"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"revue"
)

func TestSlug(t *testing.T) {
	tests := []struct {
		title, want string
	}{
		{"Maroc : 3 hôpitaux militaires de campagne dans les zones touchées par le froid",
			"maroc-3-hopitaux-militaires-de-campagne-dans-les-zones-touchees-par-le-froid"},
		{"Marruecos: 3 hospitales militares de campaña en las zonas afectadas por el frío",
			"marruecos-3-hospitales-militares-de-campana-en-las-zonas-afectadas-por-el-frio"},
		{"L'OMPIC tient la 40ème session de son Conseil d'administration", "l-ompic-tient-la-40eme-session-de-son-conseil-d-administration"},
		{"Inondations au Maroc : la gouvernance locale au cœur du débat", "inondations-au-maroc-la-gouvernance-locale-au-coeur-du-debat"},
		{"Aziz Akhannouch clôture la « Voie des réalisations »", "aziz-akhannouch-cloture-la-voie-des-realisations"},
		// Arabic letters stay; diacritics (harakat) and tatweel go.
		{"المغرب: ثلاثة مستشفيات عسكرية", "المغرب-ثلاثة-مستشفيات-عسكرية"},
		{"مُسْتَشْفَيَات الـمـغرب", "مستشفيات-المغرب"},
		{"Le dirham s'apprécie de 0,9% face au dollar", "le-dirham-s-apprecie-de-0-9-face-au-dollar"},
		{`<script>alert("x")</script>`, "script-alert-x-script"},
		{"« … »", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Slug(tc.title); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestSlugIsBoundedAndCutAtAWord(t *testing.T) {
	long := strings.Repeat("Casablanca-Settat ", 20)
	got := Slug(long)
	if n := utf8.RuneCountInString(got); n > maxSlugRunes || n < maxSlugRunes-12 {
		t.Errorf("slug has %d characters: %q", n, got)
	}
	if strings.HasSuffix(got, "-") || !strings.HasSuffix(got, "settat") && !strings.HasSuffix(got, "casablanca") {
		t.Errorf("slug not cut at a word: %q", got)
	}
	if got := Slug(strings.Repeat("x", 200)); utf8.RuneCountInString(got) != maxSlugRunes {
		t.Errorf("one long word: %d characters", utf8.RuneCountInString(got))
	}
}

func TestRelativeTimeAndDates(t *testing.T) {
	e := newEnv(t)
	s := e.server
	tests := []struct {
		lang string
		ago  time.Duration
		want string
	}{
		{"fr", 0, "à l'instant"},
		{"fr", 30 * time.Second, "à l'instant"},
		{"fr", 5 * time.Minute, "il y a 5 min"},
		{"fr", 59 * time.Minute, "il y a 59 min"},
		{"fr", 2 * time.Hour, "il y a 2 h"},
		{"fr", 23*time.Hour + 59*time.Minute, "il y a 23 h"},
		{"fr", 24 * time.Hour, "15 mars"},
		{"fr", 74 * 24 * time.Hour, "1 janvier"},
		{"fr", 90 * 24 * time.Hour, "16 décembre 2020"},
		{"ar", 0, "الآن"},
		{"ar", 5 * time.Minute, "منذ 5 د"},
		{"ar", 2 * time.Hour, "منذ 2 س"},
		{"ar", 24 * time.Hour, "15 مارس"},
		{"ar", 90 * 24 * time.Hour, "16 دجنبر 2020"},
		{"es", 0, "ahora mismo"},
		{"es", 5 * time.Minute, "hace 5 min"},
		{"es", 2 * time.Hour, "hace 2 h"},
		{"es", 24 * time.Hour, "15 de marzo"},
		{"es", 90 * 24 * time.Hour, "16 de diciembre de 2020"},
		{"en", 0, "just now"},
		{"en", 5 * time.Minute, "5 min ago"},
		{"en", 2 * time.Hour, "2 h ago"},
		{"en", 24 * time.Hour, "15 March"},
		{"en", 90 * 24 * time.Hour, "16 December 2020"},
	}
	for _, tc := range tests {
		if got := s.relativeTime(s.langs[tc.lang], testNow.Add(-tc.ago)); got != tc.want {
			t.Errorf("%s: %v ago = %q, want %q", tc.lang, tc.ago, got, tc.want)
		}
	}
	// The article header's date: French keeps the reference page's
	// DD - MM - YYYY, the others say the day in words.
	day := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{"fr": "16 - 03 - 2021", "ar": "16 مارس 2021", "es": "16 de marzo de 2021", "en": "16 March 2021"} {
		if got := s.headerDate(s.langs[lang], day); got != want {
			t.Errorf("%s: headerDate = %q, want %q", lang, got, want)
		}
	}
	if got := s.dateDMY(time.Date(2021, 3, 16, 23, 30, 0, 0, time.UTC)); got != "16 - 03 - 2021" {
		t.Errorf("dateDMY = %q", got)
	}
	// In Casablanca (UTC+1 that day) 23:30 UTC is already the 17th.
	casa := time.FixedZone("Africa/Casablanca", 3600)
	e2 := newEnv(t, func(c *Config) { c.Location = casa })
	if got := e2.server.dateDMY(time.Date(2021, 3, 16, 23, 30, 0, 0, time.UTC)); got != "17 - 03 - 2021" {
		t.Errorf("dateDMY in Casablanca = %q", got)
	}
	if got := s.tr.T("count.articles", 1); got != "1 article" {
		t.Errorf("plural one = %q", got)
	}
	if got := s.tr.T("count.articles", 1200); got != "1\u00a0200 articles" {
		t.Errorf("plural other = %q", got)
	}
}

func TestProxyContentImages(t *testing.T) {
	// 7 is the lead image: it loads at once (imgattrs_test.go has the rest).
	images := []revue.Image{
		{ID: 7, URL: "https://site.example/a.jpg", Status: revue.ImageOK},
		{ID: 8, URL: "https://site.example/b.jpg", Status: revue.ImageBlocked},
	}
	tests := []struct {
		name, in, want string
		shown          []int64
	}{
		{"no image", "<p>Texte &amp; suite</p>", "<p>Texte &amp; suite</p>", nil},
		{"known image goes through the proxy", `<p><img src="https://site.example/a.jpg" alt="Légende" srcset="https://site.example/a2.jpg 2x"></p>`,
			`<p><img alt="Légende" src="/images/7" decoding="async"/></p>`, []int64{7}},
		{"blocked image disappears", `<p>x<img src="https://site.example/b.jpg">y</p>`, `<p>xy</p>`, nil},
		{"unknown image disappears", `<figure><img src="https://tracker.example/p.gif"><figcaption>c</figcaption></figure>`, `<figure><figcaption>c</figcaption></figure>`, nil},
		{"picture sources go", `<picture><source srcset="https://x.example/a.webp"><img src="https://site.example/a.jpg"></picture>`,
			`<picture><img src="/images/7" alt="" decoding="async"/></picture>`, []int64{7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, shown := proxyContentImages(tc.in, images)
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if len(shown) != len(tc.shown) {
				t.Errorf("shown = %v, want %v", shown, tc.shown)
			}
			for _, id := range tc.shown {
				if !shown[id] {
					t.Errorf("image %d not reported shown", id)
				}
			}
		})
	}
}

func TestImageContentType(t *testing.T) {
	avif := append([]byte("\x00\x00\x00\x1cftypavif"), make([]byte, 20)...)
	tests := []struct {
		declared string
		body     []byte
		want     string
		ok       bool
	}{
		{"image/png", pngPixel, "image/png", true},
		{"image/jpeg", pngPixel, "image/png", true}, // mislabelled but a real image: served as what it is
		{"image/png; charset=binary", pngPixel, "image/png", true},
		{"image/gif", []byte("GIF89a\x01\x00\x01\x00"), "image/gif", true},
		{"image/avif", avif, "image/avif", true},
		{"image/webp", avif, "", false},
		{"text/html", pngPixel, "", false},
		{"", pngPixel, "", false},
		{"image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "", false},
		{"image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "", false},
		{"image/jpeg", []byte("<html><script>alert(1)</script>"), "", false},
		{"image/png", nil, "", false},
	}
	for _, tc := range tests {
		got, ok := imageContentType(tc.declared, tc.body)
		if got != tc.want || ok != tc.ok {
			t.Errorf("imageContentType(%q, %.12q) = %q, %v; want %q, %v", tc.declared, tc.body, got, ok, tc.want, tc.ok)
		}
	}
}

// Every section and region the shipped sources use has a French name, not
// a capitalised slug.
func TestSectionAndRegionNames(t *testing.T) {
	e := newEnv(t)
	for _, slug := range defaults.Sections() {
		if !e.server.tr.Has("section." + slug) {
			t.Errorf("section %q has no French name", slug)
		}
	}
	for _, slug := range defaults.MoroccanRegions() {
		if !e.server.tr.Has("region." + slug) {
			t.Errorf("region %q has no French name", slug)
		}
	}
}
