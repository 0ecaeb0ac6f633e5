package search

import (
	"encoding/hex"
	"strconv"

	"revue"
)

// Facets are what a search can be filtered by, besides dates. Both stores
// index an article's facets as terms beside its words, so a filtered search
// is one index match: walking the index newest first, it stops after
// revue.SearchCandidates matching articles, instead of reading matches of
// the words alone until enough of them pass the filters (which, for a rare
// combination, is most of a common word's matches).
type Facets struct {
	Lang     string
	SourceID int64
	Section  string
	Regions  []string
}

// The facet terms are ASCII letters and digits only, so that SQLite's
// 'ascii' tokenizer keeps each one whole (it splits at every other ASCII
// character, such as the hyphens of region slugs). Values are written in
// hexadecimal after a prefix per kind: no two facets share a term, and no
// value (an Arabic section name, a slug) can break one apart.
func facetTerm(prefix, value string) string { return prefix + hex.EncodeToString([]byte(value)) }

// Terms lists f's terms, as they are indexed.
func (f Facets) Terms() []string {
	var terms []string
	if f.Lang != "" {
		terms = append(terms, facetTerm("lang", f.Lang))
	}
	if f.SourceID != 0 {
		terms = append(terms, "src"+strconv.FormatInt(f.SourceID, 10))
	}
	if f.Section != "" {
		terms = append(terms, facetTerm("sec", f.Section))
	}
	for _, r := range f.Regions {
		if r != "" {
			terms = append(terms, facetTerm("reg", r))
		}
	}
	return terms
}

// QueryFacets lists the facet terms an article must hold to pass q's
// filters (all of them).
func QueryFacets(q revue.SearchQuery) []string {
	f := Facets{Lang: q.Lang, SourceID: q.SourceID, Section: q.Section}
	if q.Region != "" {
		f.Regions = []string{q.Region}
	}
	return f.Terms()
}
