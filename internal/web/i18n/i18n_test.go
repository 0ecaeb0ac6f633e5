package i18n

import "testing"

func TestFrench(t *testing.T) {
	tr, err := New("fr")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		args []any
		want string
	}{
		{"article.published", []any{"Hespress", "16 - 03 - 2021"}, "Publié dans Hespress le 16 - 03 - 2021"},
		{"article.source", nil, "Cliquez ici pour lire l'article depuis sa source."},
		{"count.articles", []any{0}, "0 article"}, // French counts 0 as singular
		{"count.articles", []any{1}, "1 article"},
		{"count.articles", []any{2}, "2 articles"},
		{"month.3", nil, "mars"},
	}
	for _, tc := range tests {
		if got := tr.T(tc.key, tc.args...); got != tc.want {
			t.Errorf("T(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	if !tr.Has("region.souss-massa") || tr.Has("region.atlantide") {
		t.Error("Has does not reflect the catalog")
	}
	if tr.Lang() != "fr" {
		t.Errorf("Lang = %q", tr.Lang())
	}
}

func TestUnknownLanguage(t *testing.T) {
	for _, lang := range []string{"tlh", "not a tag"} {
		if _, err := New(lang); err == nil {
			t.Errorf("New(%q) succeeded", lang)
		}
	}
}
