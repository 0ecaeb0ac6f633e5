package i18n

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"
)

// verbRE finds fmt verbs, the only part of a message its translations
// must keep: a %s lost or turned into %d breaks the page at run time.
var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

func verbs(msg string) []string {
	v := verbRE.FindAllString(msg, -1)
	slices.Sort(v)
	return v
}

// cldrCategories are the plural categories CLDR gives each interface
// language for integers.
var cldrCategories = map[string][]string{
	"fr": {"one", "other"},
	"en": {"one", "other"},
	"es": {"one", "many", "other"},
	"ar": {"zero", "one", "two", "few", "many", "other"},
}

// TestCatalogsMatchFrench checks every feature's catalogs against French:
// the same keys, no more, no fewer; the same fmt verbs; plural messages in
// exactly the language's CLDR categories, none using a verb French lacks.
func TestCatalogsMatchFrench(t *testing.T) {
	for i, f := range features {
		frKeys := slices.Sorted(maps.Keys(f.strs["fr"]))
		for _, lang := range Languages() {
			strs, ok := f.strs[lang]
			if !ok {
				t.Errorf("feature %d has no %s catalog", i, lang)
				continue
			}
			for _, key := range frKeys {
				msg, ok := strs[key]
				if !ok {
					t.Errorf("feature %d, %s: key %q missing", i, lang, key)
					continue
				}
				if want, got := verbs(f.strs["fr"][key]), verbs(msg); !slices.Equal(got, want) {
					t.Errorf("feature %d, %s, %q: verbs %v, French has %v", i, lang, key, got, want)
				}
				if lang != "fr" && msg == "" && f.strs["fr"][key] != "" {
					t.Errorf("feature %d, %s, %q: empty", i, lang, key)
				}
			}
			for key := range strs {
				if _, ok := f.strs["fr"][key]; !ok {
					t.Errorf("feature %d, %s: key %q is not in French", i, lang, key)
				}
			}
			plurals := f.plurals[lang]
			for key, frForms := range f.plurals["fr"] {
				forms, ok := plurals[key]
				if !ok {
					t.Errorf("feature %d, %s: plural message %q missing", i, lang, key)
					continue
				}
				for _, cat := range pluralCategories(language.Make(lang)) {
					if _, ok := forms[cat]; !ok {
						t.Errorf("feature %d, %s, %q: no %q form", i, lang, key, cat)
					}
				}
				for cat := range forms {
					if !slices.Contains(cldrCategories[lang], cat) {
						t.Errorf("feature %d, %s, %q: form %q is not a CLDR category of %s %v", i, lang, key, cat, lang, cldrCategories[lang])
					}
				}
				allowed := verbs(frForms["other"])
				for cat, msg := range forms {
					for _, v := range verbs(msg) {
						if !slices.Contains(allowed, v) {
							t.Errorf("feature %d, %s, %q[%s]: verb %s is not in French's %v", i, lang, key, cat, v, allowed)
						}
					}
				}
			}
			for key := range plurals {
				if _, ok := f.plurals["fr"][key]; !ok {
					t.Errorf("feature %d, %s: plural message %q is not in French", i, lang, key)
				}
			}
		}
	}
}

func TestArabicPlurals(t *testing.T) {
	tr, err := New("ar")
	if err != nil {
		t.Fatal(err)
	}
	// One count per CLDR category: zero, one, two, few, many, other.
	tests := []struct {
		n    int
		want string
	}{
		{0, "لا مقالات"},
		{1, "مقال واحد"},
		{2, "مقالان"},
		{3, "3 مقالات"},
		{11, "11 مقالًا"},
		{100, "100 مقال"},
		{102, "102 مقال"},
		{1203, "1.203 مقالات"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		got := tr.T("count.articles", tc.n)
		if got != tc.want {
			t.Errorf("count.articles(%d) = %q, want %q", tc.n, got, tc.want)
		}
		seen[strings.Trim(got, "0123456789. ")] = true
	}
	if len(seen) != 6 {
		t.Errorf("%d distinct Arabic forms, want 6", len(seen))
	}
}

func TestPluralsPerLanguage(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"fr", 0, "0 article"},
		{"fr", 1, "1 article"},
		{"fr", 2, "2 articles"},
		{"en", 0, "0 articles"},
		{"en", 1, "1 article"},
		{"en", 1200, "1,200 articles"},
		{"es", 1, "1 artículo"},
		{"es", 5, "5 artículos"},
		{"es", 1000000, "1.000.000 artículos"}, // x/text has no Spanish "many" yet
	}
	for _, tc := range tests {
		tr, err := New(tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.T("count.articles", tc.n); got != tc.want {
			t.Errorf("%s: count.articles(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestWordingPerLanguage pins the lines the issue names: the article
// header, the link to the source and the thank-you for a report (the
// French one is issue 9's text, word for word), the date in words, and
// the interface's direction and own name.
func TestWordingPerLanguage(t *testing.T) {
	day := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, published, source, thanks, date, dir, name string
	}{
		{"fr", "Publié dans Hespress le 16 - 03 - 2021", "Cliquez ici pour lire l'article depuis sa source.",
			"Merci d'avoir signalé! Cette image sera automatiquement bloquée après qu'elle soit signalée par plusieurs personnes.",
			"16 mars 2021", "ltr", "français"},
		{"ar", "نُشر في Hespress يوم 16 - 03 - 2021", "انقر هنا لقراءة المقال من مصدره.",
			"شكرًا على التبليغ! ستُحجب هذه الصورة تلقائيًا بعد أن يُبلِّغ عنها عدة أشخاص.",
			"16 مارس 2021", "rtl", "العربية"},
		{"es", "Publicado en Hespress el 16 - 03 - 2021", "Haga clic aquí para leer el artículo en su fuente.",
			"¡Gracias por avisar! Esta imagen se bloqueará automáticamente cuando varias personas la hayan denunciado.",
			"16 de marzo de 2021", "ltr", "español"},
		{"en", "Published in Hespress on 16 - 03 - 2021", "Click here to read the article at its source.",
			"Thank you for reporting! This picture will be blocked automatically once several people have reported it.",
			"16 March 2021", "ltr", "English"},
	}
	for _, tc := range tests {
		tr, err := New(tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct{ what, got, want string }{
			{"article.published", tr.T("article.published", "Hespress", "16 - 03 - 2021"), tc.published},
			{"article.source", tr.T("article.source"), tc.source},
			{"report.thanks", tr.T("report.thanks"), tc.thanks},
			{"Date", tr.Date(day), tc.date},
			{"Dir", tr.Dir(), tc.dir},
			{"Name", tr.Name(), tc.name},
			{"Lang", tr.Lang(), tc.lang},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s %s = %q, want %q", tc.lang, c.what, c.got, c.want)
			}
		}
	}
}
