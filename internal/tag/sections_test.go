package tag

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"revue"
	"revue/internal/defaults"
)

// A small table: the order of its sections, its categories in several
// scripts, keyword rules with a negative context and a prefix.
const miniTable = "# a comment\n" +
	"section\tsport\t4\n" +
	"section\teconomie\t4\n" +
	"section\tpolitique\t4\n" +
	"section\tactualite\t4\tgeneral\n" +
	"\n" +
	"category\tsport\tSport|Deportes|رياضة\n" +
	"category\teconomie\tÉconomie|Business|اقتصاد\n" +
	"category\tpolitique\tPolitique\n" +
	"category\tactualite\tMaroc\n" +
	"keyword\tsport\tfr\t4\tfootball|Ligue des champions\n" +
	"keyword\tsport\tfr\t1\tmatch\n" +
	"keyword\tsport\tfr\t-4\télection*\n" +
	"keyword\tsport\tar\t4\tكرة القدم|المنتخب\n" +
	"keyword\teconomie\tfr\t4\téconom*\n" +
	"keyword\teconomie\t*\t4\tFMI\n" +
	"keyword\tpolitique\tfr\t4\tgouvernement|élection*\n"

func miniTagger(t *testing.T) *SectionTagger {
	t.Helper()
	tbl, err := ParseSections(strings.NewReader(miniTable), "mini")
	if err != nil {
		t.Fatal(err)
	}
	return NewSectionTagger(tbl)
}

func TestSectionPrecedence(t *testing.T) {
	s := miniTagger(t)
	general := revue.Source{Section: "actualite"}
	sport := revue.Source{Section: "sport"}
	tests := []struct {
		name           string
		src            revue.Source
		cats           []string
		title, summary string
		lang           string
		want           string
		why            sectionReason
	}{
		{"category, folded", general, []string{"ÉCONOMIE"}, "Le match de la semaine", "", "fr", "economie", byCategory},
		{"Arabic category with article and prefix forms", general, []string{"الرياضة"}, "", "", "ar", "sport", byCategory},
		{"category path, last part", general, []string{"Actualité > Économie"}, "", "", "fr", "economie", byCategory},
		{"unmapped category ignored", general, []string{"News"}, "Football : le derby", "", "fr", "sport", byKeywords},
		{"first section of the table among categories", general, []string{"Politique", "Sport"}, "", "", "fr", "sport", byCategory},
		{"the source's own section among categories", revue.Source{Section: "politique"}, []string{"Sport", "Politique"}, "", "", "fr", "politique", byCategory},
		{"category beats a topical source", sport, []string{"Business"}, "Football : les comptes du club", "", "fr", "economie", byCategory},
		{"topical source beats keywords", sport, nil, "Le gouvernement et l'économie", "", "fr", "sport", bySource},
		{"source section unknown to the table is a topic", revue.Source{Section: "monde"}, nil, "Football", "", "fr", "monde", bySource},
		{"keywords over a general source", general, nil, "Le gouvernement présente son plan", "", "fr", "politique", byKeywords},
		{"a weak word alone is not enough", general, nil, "Un match serré", "", "fr", "actualite", byDefault},
		{"headline counts twice", general, nil, "Un match de football", "avant l'élection", "fr", "sport", byKeywords},
		{"two weak words in the headline", general, nil, "Un match, puis un autre match", "", "fr", "actualite", byDefault},
		{"summary alone counts once", general, nil, "Titre", "L'économie repart", "fr", "economie", byKeywords},
		{"prefix term", general, nil, "Les économistes inquiets", "", "fr", "economie", byKeywords},
		{"negative context", general, nil, "Le football, match de l'élection", "", "fr", "politique", byKeywords},
		{"tie decides nothing", general, nil, "Football et économie", "", "fr", "actualite", byDefault},
		{"rules of another language do not apply", general, nil, "Football", "", "en", "actualite", byDefault},
		{"every-language rule", general, nil, "Le FMI à Marrakech", "", "en", "economie", byKeywords},
		{"language with its region", general, nil, "Football", "", "fr-MA", "sport", byKeywords},
		{"Arabic prefixes and article", general, nil, "فوز جديد للمنتخب", "وكرة القدم", "ar", "sport", byKeywords},
		{"no source section", revue.Source{}, nil, "Rien", "", "fr", "actualite", byDefault},
		{"phrase needs its words in order", general, nil, "Ligue puis champions", "", "fr", "actualite", byDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := s.decide(tt.src, tt.cats, tt.title, tt.summary, tt.lang)
			if got != tt.want || why != tt.why {
				t.Errorf("got %s (by %s), want %s (by %s)", got, why, tt.want, tt.why)
			}
		})
	}
}

func TestParseSectionsErrors(t *testing.T) {
	head := "section\tsport\t4\n"
	tests := []struct{ table, want string }{
		{"", "declares no section"},
		{"category\tsport\tFoot\n", "declares no section"},
		{"section\tSport\t4\n", "line 1: section slug \"Sport\""},
		{"section\tsport\n", "line 1: a section line has 3 or 4"},
		{head + "section\tsport\t4\n", "line 2: section \"sport\" is declared twice"},
		{"section\tsport\tfour\n", "line 1: min-score \"four\""},
		{"section\tsport\t0\n", "line 1: min-score \"0\""},
		{"section\tsport\t4\tmain\n", "line 1: unknown flag \"main\""},
		{head + "\n# note\ncategorie\tsport\tFoot\n", "line 4: unknown kind \"categorie\""},
		{head + "category\tfoot\tFoot\n", "line 2: section \"foot\" is not declared"},
		{head + "category\tsport\n", "line 2: a category line has 3"},
		{head + "category\tsport\t | \n", "line 2: no category name"},
		{head + "section\teco\t4\ncategory\tsport\tFoot\ncategory\teco\tFOOT\n", "line 4: category \"FOOT\" is mapped to \"sport\" already"},
		{head + "keyword\tsport\tfr\t4\n", "line 2: a keyword line has 5"},
		{head + "keyword\tsport\tfrench\t4\tbut\n", "line 2: language \"french\""},
		{head + "keyword\tsport\tfr\t0\tbut\n", "line 2: weight \"0\""},
		{head + "keyword\tsport\tfr\t+x\tbut\n", "line 2: weight \"+x\""},
		{head + "keyword\tsport\tfr\t4\tfo*\n", "line 2: term \"fo*\": a prefix needs 3 letters"},
		{head + "keyword\tsport\tfr\t4\t*\n", "line 2: term \"*\" has no word"},
		{head + "keyword\tsport\tfr\t4\t|\n", "line 2: no term"},
		{head + "keyword\tsport\tfr\t4\t\xff\n", "line 2: not UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseSections(strings.NewReader(tt.table), "t.tsv")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "t.tsv") {
			t.Errorf("table %q: error %v, want one naming t.tsv and saying %q", tt.table, err, tt.want)
		}
	}
}

// The shipped table parses, declares the slugs sources may be set to
// (internal/defaults, which the demo's and the shipped sources' tests
// check theirs against), and a file given in its place replaces it.
func TestNewSections(t *testing.T) {
	s, err := NewSections(SectionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range defaults.Sections() {
		if !slices.Contains(s.Slugs(), slug) {
			t.Errorf("the shipped table lacks section %q", slug)
		}
	}
	path := filepath.Join(t.TempDir(), "mine.tsv")
	if err := os.WriteFile(path, []byte(miniTable), 0o644); err != nil {
		t.Fatal(err)
	}
	mine, err := NewSections(SectionsOptions{File: path})
	if err != nil {
		t.Fatal(err)
	}
	if got := mine.Slugs(); !slices.Equal(got, []string{"sport", "economie", "politique", "actualite"}) {
		t.Errorf("slugs of a table given as a file: %q", got)
	}
	if _, err := NewSections(SectionsOptions{File: filepath.Join(t.TempDir(), "absent.tsv")}); err == nil || !strings.Contains(err.Error(), "absent.tsv") {
		t.Errorf("a missing file: error %v, want one naming it", err)
	}
}
