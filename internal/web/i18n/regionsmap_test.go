package i18n

import (
	"maps"
	"slices"
	"testing"
)

// TestRegionsmapCatalogs checks that the overview is worded in the four
// interface languages, every key in each, and counts with each language's
// plural forms.
func TestRegionsmapCatalogs(t *testing.T) {
	keys := slices.Sorted(maps.Keys(regionsmapStrings["fr"]))
	for _, lang := range []string{"ar", "es", "en"} {
		if got := slices.Sorted(maps.Keys(regionsmapStrings[lang])); !slices.Equal(got, keys) {
			t.Errorf("%s has keys %v, want French's %v", lang, got, keys)
		}
		if _, ok := regionsmapPlurals[lang]["regionsmap.articles"]; !ok {
			t.Errorf("%s has no regionsmap.articles", lang)
		}
	}
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"fr", 0, "Oriental : 0 article"},
		{"fr", 2, "Oriental : 2 articles"},
		{"en", 1, "Oriental: 1 article"},
		{"en", 0, "Oriental: 0 articles"},
		{"es", 1, "Oriental: 1 artículo"},
		{"es", 7, "Oriental: 7 artículos"},
		{"ar", 0, "Oriental: لا مقالات"},
		{"ar", 1, "Oriental: مقال واحد"},
		{"ar", 2, "Oriental: مقالان"},
		{"ar", 3, "Oriental: 3 مقالات"},
		{"ar", 11, "Oriental: 11 مقالًا"},
		{"ar", 100, "Oriental: 100 مقال"},
	} {
		tr, err := New(tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.T("regionsmap.articles", tc.count, "Oriental"); got != tc.want {
			t.Errorf("%s, %d: %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}
