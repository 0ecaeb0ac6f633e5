package tag

import (
	"slices"
	"strings"
	"testing"

	"revue"
)

// FuzzParseSections: any input either fails with an error naming the
// table, or gives a table whose tagger answers an article of a source
// without a section with one of its slugs or actualite.
func FuzzParseSections(f *testing.F) {
	f.Add(miniTable)
	f.Add("section\tsport\t4\ncategory\tsport\tFoot|كرة\nkeyword\tsport\tar\t4\tالمنتخب|هدف*\n")
	f.Add("section\ta\t1\tgeneral\nkeyword\ta\t*\t-3\tx y z*|  |w\n")
	f.Add("section\tsport\t4\n\xff")
	f.Fuzz(func(t *testing.T, table string) {
		tbl, err := ParseSections(strings.NewReader(table), "fuzz.tsv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.tsv") {
				t.Fatalf("error %q does not name the table", err)
			}
			return
		}
		slugs := tbl.Slugs()
		if len(slugs) == 0 {
			t.Fatal("a table without sections was accepted")
		}
		s := NewSectionTagger(tbl)
		lines := strings.Split(table, "\n")
		got := s.Section(revue.Source{}, lines, table, table, "fr")
		if got != fallbackSection && !slices.Contains(slugs, got) {
			t.Fatalf("Section returned %q, not a slug of %q", got, slugs)
		}
	})
}

// FuzzSection: the shipped tagger answers any article with a slug of its
// table or the source's section, and the same answer twice.
func FuzzSection(f *testing.F) {
	s, err := NewSections(SectionsOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("actualite", "Économie|Maroc > Sport", "Le Wydad remporte le derby", "Le club casablancais s'impose.", "fr")
	f.Add("", "الرياضة", "فوز جديد للمنتخب المغربي", "وكرة القدم والاقتصاد", "ar")
	f.Add("sport", "", "Elecciones: el Gobierno y la economía", "", "es-ES")
	f.Add("international", "World news|US politics", "Trump's State of the Union", "", "en")
	f.Add("x", "|>/:", "’'-ـ", "\u200f\u064b", "")
	f.Fuzz(func(t *testing.T, section, categories, title, summary, lang string) {
		src := revue.Source{Section: section}
		cats := strings.Split(categories, "|")
		got := s.Section(src, cats, title, summary, lang)
		if got == "" || (got != section && !slices.Contains(s.Slugs(), got)) {
			t.Fatalf("Section = %q, want a slug of the table or %q", got, section)
		}
		if again := s.Section(src, cats, title, summary, lang); again != got {
			t.Fatalf("Section answered %q then %q", got, again)
		}
	})
}
