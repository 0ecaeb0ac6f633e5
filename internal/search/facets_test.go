package search

import (
	"slices"
	"testing"

	"revue"
)

func TestFacetTerms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		facets Facets
		want   []string
	}{
		{"none", Facets{}, nil},
		{"each kind", Facets{Lang: "fr", SourceID: 12, Section: "politique", Regions: []string{"fes-meknes", "oriental"}},
			[]string{"lang6672", "src12", "sec706f6c697469717565", "reg6665732d6d656b6e6573", "reg6f7269656e74616c"}},
		{"hyphens do not merge slugs", Facets{Regions: []string{"a-bc", "ab-c"}}, []string{"reg612d6263", "reg61622d63"}},
		{"an Arabic section", Facets{Section: "رياضة"}, []string{"secd8b1d98ad8a7d8b6d8a9"}},
		{"empty regions are no facet", Facets{Regions: []string{""}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.facets.Terms()
			if !slices.Equal(got, tc.want) {
				t.Errorf("Terms() = %q, want %q", got, tc.want)
			}
			for _, term := range got {
				// SQLite's 'ascii' tokenizer would split a term at any
				// other ASCII character.
				for _, c := range term {
					if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
						t.Errorf("term %q holds %q: a tokenizer would split it", term, c)
					}
				}
			}
		})
	}
}

func TestQueryFacetsAreIndexedFacets(t *testing.T) {
	indexed := Facets{Lang: "ar", SourceID: 7, Section: "sport", Regions: []string{"souss-massa", "oriental"}}.Terms()
	for _, q := range []revue.SearchQuery{
		{Lang: "ar"}, {SourceID: 7}, {Section: "sport"}, {Region: "oriental"},
		{Lang: "ar", SourceID: 7, Section: "sport", Region: "souss-massa"},
	} {
		for _, term := range QueryFacets(q) {
			if !slices.Contains(indexed, term) {
				t.Errorf("query %+v asks for %q, which the article's facets %q lack", q, term, indexed)
			}
		}
	}
	if got := QueryFacets(revue.SearchQuery{Lang: "fr"}); slices.ContainsFunc(got, func(term string) bool { return slices.Contains(indexed, term) }) {
		t.Errorf("a query in French asks for %q, which an Arabic article holds", got)
	}
	if got := QueryFacets(revue.SearchQuery{}); len(got) != 0 {
		t.Errorf("a query without filters asks for %q", got)
	}
}
