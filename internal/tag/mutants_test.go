package tag

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"revue"
)

// The tests in this file were written for the mutants that
// `scripts/mutation ./internal/tag` left alive: each pins a boundary or a
// rule that the tests beside it did not hold in place.

func parseGazetteer(t *testing.T, data string) *Gazetteer {
	t.Helper()
	g, err := ParseGazetteer(strings.NewReader(data), "test.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGazetteerLines: the unless column may be left out (four fields),
// slugs may hold any of a–z, 0–9 and "-", a line may be long, and errors
// name the line they are on.
func TestGazetteerLines(t *testing.T) {
	g := parseGazetteer(t, "# a comment\n\nregion\tz09-a\t\tZeta\n")
	if got := g.Slugs(); !slices.Equal(got, []string{"z09-a"}) {
		t.Errorf("Slugs() = %q, want [z09-a]", got)
	}
	for _, bad := range []string{"a/b", "a:b", "a`b", "a{b", "a_b", "aZ"} {
		if _, err := ParseGazetteer(strings.NewReader("region\t"+bad+"\t\tX\n"), "test.tsv"); err == nil || !strings.Contains(err.Error(), "must be lower-case") {
			t.Errorf("slug %q: error %v, want one saying it must be lower-case", bad, err)
		}
	}

	// bufio.Scanner's default limit is 64 KiB a line; a country's line of
	// spellings may be longer.
	var names []string
	for i := range 12000 {
		names = append(names, fmt.Sprintf("Nom%d", i))
	}
	long := "region\ta\t\t" + strings.Join(names, "|") + "\n"
	if len(long) <= 64*1024 {
		t.Fatalf("the long line is only %d bytes", len(long))
	}
	g = parseGazetteer(t, long)
	if got := NewWithGazetteer(g).Regions("", "Une fête à Nom11999.", "fr"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("a name from the end of a long line: Regions = %v, want [a]", got)
	}

	_, err := ParseGazetteer(strings.NewReader("region\ta\t\tA\n# note\n\nplace\ta\tfuzzy\tB\n"), "test.tsv")
	if err == nil || !strings.Contains(err.Error(), "test.tsv line 4: ") {
		t.Errorf("error %v, want one at test.tsv line 4", err)
	}
}

// TestGazetteerIndex: a spelling is indexed once per meaning. Spellings
// that fold alike are one; the same spelling for another region, another
// kind or with other flags is another name.
func TestGazetteerIndex(t *testing.T) {
	g := parseGazetteer(t, "region\ta\t\tAlpha|Álpha|ALPHA\n"+
		"region\tb\t\tBeta\n"+
		"place\tb\t\tAlpha\n"+
		"seat\tb\t\tBeta\n"+
		"place\tb\tcased\tBeta\n")
	count := func(first string) (n int, what []string) {
		for _, nm := range g.byFirst[first] {
			what = append(what, fmt.Sprintf("kind %d region %d flags %d", nm.kind, nm.region, nm.flags))
		}
		return len(g.byFirst[first]), what
	}
	if n, what := count("alpha"); n != 2 {
		t.Errorf("alpha indexed %d times (%q), want 2: once for a, once for b", n, what)
	}
	if n, what := count("beta"); n != 3 {
		t.Errorf("beta indexed %d times (%q), want 3: region, seat, cased place", n, what)
	}
}

// TestArabicPrefixLeavesTwoLetters: a prefix comes off when two letters
// at least remain ("بقم" is ب + قم), not when one does.
func TestArabicPrefixLeavesTwoLetters(t *testing.T) {
	g := parseGazetteer(t, "region\tqom\t\tقم\n"+
		"region\tr\t\tر\n")
	tg := NewWithGazetteer(g)
	if got := tg.Regions("", "مهرجان بقم", "ar"); !slices.Equal(got, []string{"qom"}) {
		t.Errorf("بقم: Regions = %v, want [qom]", got)
	}
	if got := tg.Regions("", "مهرجان بر", "ar"); got != nil {
		t.Errorf("بر: Regions = %v, want none", got)
	}
	if got := arabicVariants("وفي", nil); !slices.Equal(got, []variant{{"في", false}}) {
		t.Errorf("arabicVariants(وفي) = %v", got)
	}
}

// A table whose first section is general: its index is 0, which must
// still count as a section (general, not a topic).
const generalFirstTable = "section\tactualite\t4\tgeneral\n" +
	"section\tsport\t4\n" +
	"category\tactualite\tMaroc\n" +
	"category\tsport\tSport\n" +
	"keyword\tsport\tfr\t4\tfootball\n"

func TestSectionIndexZero(t *testing.T) {
	tbl, err := ParseSections(strings.NewReader(generalFirstTable), "t.tsv")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSectionTagger(tbl)
	tests := []struct {
		name  string
		src   revue.Source
		cats  []string
		title string
		want  string
		why   sectionReason
	}{
		{"a source set to the first, general, section lets keywords decide", revue.Source{Section: "actualite"}, nil, "Football", "sport", byKeywords},
		{"a category mapped to the first, general, section", revue.Source{Section: "actualite"}, []string{"Maroc"}, "Rien", "actualite", byCategory},
		{"a general category without a source section", revue.Source{}, []string{"Maroc"}, "Rien", "actualite", byCategory},
	}
	for _, tt := range tests {
		got, why := s.decide(tt.src, tt.cats, tt.title, "", "fr")
		if got != tt.want || why != tt.why {
			t.Errorf("%s: got %s (by %s), want %s (by %s)", tt.name, got, why, tt.want, tt.why)
		}
	}
}

// TestGeneralCategories: among general categories the table's first
// section wins, whatever the categories' order; a path is read from its
// last part back to its first.
func TestGeneralCategories(t *testing.T) {
	tbl, err := ParseSections(strings.NewReader(generalFirstTable+
		"section\tinternational\t4\tgeneral\n"+
		"category\tinternational\tWorld\n"), "t.tsv")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSectionTagger(tbl)
	src := revue.Source{Section: "international"}
	for _, tc := range []struct {
		cats []string
		want string
		why  sectionReason
	}{
		{[]string{"World", "Maroc"}, "actualite", byCategory},
		{[]string{"Maroc", "World"}, "actualite", byCategory},
		{[]string{"World"}, "international", byCategory},
		{[]string{"Sport > Inconnu"}, "sport", byCategory},
		{[]string{"Inconnu / Sport / Inconnu"}, "sport", byCategory},
	} {
		if got, why := s.decide(src, tc.cats, "Rien", "", "fr"); got != tc.want || why != tc.why {
			t.Errorf("categories %q: got %s (by %s), want %s (by %s)", tc.cats, got, why, tc.want, tc.why)
		}
	}
}

// TestKeywordOverlaps: a rule covered by a longer rule of the same
// section does not count again; one of another section, or of the same
// length, does; a prefix may end a phrase, and only its last word.
func TestKeywordOverlaps(t *testing.T) {
	tbl, err := ParseSections(strings.NewReader("section\tactualite\t4\tgeneral\n"+
		"section\tscience\t4\n"+
		"section\tsport\t4\n"+
		"section\tastro\t5\n"+
		"keyword\tscience\ten\t3\tsolar eclipse|eclipse|solar\n"+
		"keyword\tscience\ten\t1\teclips*\n"+
		"keyword\tastro\ten\t5\ttotal eclipse\n"+
		"keyword\tsport\ten\t2\tfoot|eclip*\n"+
		"keyword\tsport\t*\t2\tfoot\n"+
		"keyword\tsport\ten\t4\tcoupe du mond*|world cup*\n"), "t.tsv")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSectionTagger(tbl)
	for _, tc := range []struct {
		summary, want string
	}{
		// "solar eclipse" counts 3, the "solar", "eclipse" and "eclips*"
		// inside it nothing: 3 is under science's 4.
		{"Watch the solar eclipse", "actualite"},
		{"A solar eclipse, then an eclipse", "science"},
		// "total eclipse" is astro's; science's "eclipse" inside it still
		// counts for science (3), under astro's 5.
		{"The total eclipse", "astro"},
		// Two rules of one section on the same word both count.
		{"Foot", "sport"},
		// "eclips*" is no longer than "eclipse": both count for science
		// (3 + 1), and sport's "eclip*" (2) for sport.
		{"Eclipse", "science"},
		{"Eclipse foot", "sport"},
		{"La coupe du monde", "sport"},
		{"La coupe dus monde", "actualite"},
		{"The world cups", "sport"},
	} {
		if got, _ := s.decide(revue.Source{}, nil, "", tc.summary, "en"); got != tc.want {
			t.Errorf("summary %q: %s, want %s", tc.summary, got, tc.want)
		}
	}
}

// TestSectionTableLongLine: a table's line may be longer than
// bufio.Scanner's default 64 KiB.
func TestSectionTableLongLine(t *testing.T) {
	var terms []string
	for i := range 12000 {
		terms = append(terms, fmt.Sprintf("mot%d", i))
	}
	line := "keyword\tsport\t*\t4\t" + strings.Join(terms, "|") + "\n"
	tbl, err := ParseSections(strings.NewReader("section\tsport\t4\n"+line), "t.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if got := NewSectionTagger(tbl).Section(revue.Source{}, nil, "", "mot11999", "fr"); got != "sport" {
		t.Errorf("a term from the end of a long line: %s, want sport", got)
	}
}

// TestSectionTableBounds: the limits the format states are inclusive, and
// just past them is an error.
func TestSectionTableBounds(t *testing.T) {
	head := "section\tsport\t4\n"
	for _, tc := range []struct {
		table string
		ok    bool
	}{
		{"section\tsport\t1\n", true},
		{"section\tsport\t1000\n", true},
		{"section\tsport\t1001\n", false},
		{"section\tsport\t4\t\n", true},
		{head + "keyword\tsport\tfr\t100\tbut\n", true},
		{head + "keyword\tsport\tfr\t-100\tbut\n", true},
		{head + "keyword\tsport\tfr\t101\tbut\n", false},
		{head + "keyword\tsport\tfr\t-101\tbut\n", false},
		{head + "keyword\tsport\tfr\t-1\tbut\n", true},
		{head + "keyword\tsport\tzz\t1\tbut\n", true},
		{head + "keyword\tsport\taaa\t1\tbut\n", true},
		{head + "keyword\tsport\tz\t1\tbut\n", false},
		{head + "keyword\tsport\tabcd\t1\tbut\n", false},
		{head + "keyword\tsport\tf`\t1\tbut\n", false},
		{head + "keyword\tsport\tf{\t1\tbut\n", false},
		{head + "keyword\tsport\tfr\t1\tbut*\n", true},
		{head + "keyword\tsport\tfr\t1\tfoot bu*\n", false},
		{head + "category\tsport\tFoot|\n", true},
		{head + "category\tsport\tFoot\tx\n", false},
	} {
		_, err := ParseSections(strings.NewReader(tc.table), "t.tsv")
		if (err == nil) != tc.ok {
			t.Errorf("table %q: error %v, want ok=%v", tc.table, err, tc.ok)
		}
	}
}

// withoutArticle keeps three letters at least of the stem.
func TestWithoutArticle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"الرياضه", "رياضه"},
		{"الكره", "كره"},
		{"الحي", "الحي"},
		{"كره", "كره"},
	} {
		if got := withoutArticle(tc.in); got != tc.want {
			t.Errorf("withoutArticle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A source set to a section the table does not know is a topic, even
// when the table's second section is a general one.
func TestUnknownSourceSection(t *testing.T) {
	tbl, err := ParseSections(strings.NewReader("section\tsport\t4\n"+
		"section\tactualite\t4\tgeneral\n"+
		"keyword\tsport\tfr\t4\tfootball\n"), "t.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if got, why := NewSectionTagger(tbl).decide(revue.Source{Section: "monde"}, nil, "Football", "", "fr"); got != "monde" || why != bySource {
		t.Errorf("got %s (by %s), want monde (by source)", got, why)
	}
}

// TestSharedSpelling: where two names of the same length start at a word,
// the first the gazetteer lists is taken (a spelling listed for two
// regions tags the first one only).
func TestSharedSpelling(t *testing.T) {
	g := parseGazetteer(t, "region\ta\t\tAlpha\n"+
		"region\tb\t\tBeta\n"+
		"place\tb\t\tAlpha\n")
	if got := NewWithGazetteer(g).Regions("", "Une fête à Alpha.", "fr"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("Regions = %v, want [a]", got)
	}
}

// TestOrgAndArticleContext: an organisation's name runs into a place
// across up to two "de"/"al" words but not across punctuation, and
// articles between a locative and a name are skipped.
func TestOrgAndArticleContext(t *testing.T) {
	g := parseGazetteer(t, "region\ta\t\tZed\n"+
		"region\tb\t\tYod\n"+
		"place\tb\tlocative\tXi\n"+
		"org\t-\t\tClub\n")
	tg := NewWithGazetteer(g)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Le Club Zed a gagné à Paris.", nil},
		{"Le Club al Zed a gagné à Paris.", nil},
		{"Le Club de al Zed a gagné à Paris.", nil},
		{"Le Club de la de Zed a gagné à Paris.", []string{"a"}},
		{"Le Club, Zed et Paris.", []string{"a"}},
		{"Le Club (Zed) a gagné à Paris.", []string{"a"}},
		{"Un festival a eu lieu à la Xi.", []string{"b"}},
		{"Un festival a eu lieu dans les Xi.", []string{"b"}},
		{"Un festival a eu lieu avec la Xi.", nil},
	} {
		if got := tg.Regions("", tc.text, "fr"); !slices.Equal(got, tc.want) {
			t.Errorf("%q: Regions = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestContextReach: how far each context rule looks, at its limit and
// one word past it; and a name's own words are not its context.
func TestContextReach(t *testing.T) {
	tg := newTagger(t)
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		// A place noun and two words before "de".
		{"cour d'appel de rabat", "La Cour d'appel de Rabat a confirmé le jugement.", []string{rsk}},
		{"three words before de", "La Cour royale d'appel de Rabat a confirmé le jugement.", nil},
		// After a possessive, up to four words of a building's name.
		{"four words of a name", "The final is set for Rabat's Prince Moulay Abdellah Olympic stadium.", []string{rsk}},
		{"five words of a name", "The final is set for Rabat's Prince Moulay Abdellah Grand Olympic stadium.", nil},
		// A birthplace word up to six words before.
		{"born six words before", "Born in the coastal town of Safi, the striker now plays in Spain.", nil},
		{"born seven words before", "Born in the small coastal town of Safi, the striker now plays in Spain.", []string{ms}},
	} {
		if got := tg.Regions("", tc.text, "en"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Regions(%q) = %v, want %v", tc.name, tc.text, got, tc.want)
		}
	}

	g := parseGazetteer(t, "region\ta\tcapital\tPort Zed\n")
	if got := NewWithGazetteer(g).Regions("", "Le maire de Port Zed a parlé.", "fr"); got != nil {
		t.Errorf("a capital whose name starts with a place noun, after \"de\": Regions = %v, want none", got)
	}
}

// TestBirthAndEnvoyReach: "nació en", and an envoy named within the
// twelve words after a dateline but not further.
func TestBirthAndEnvoyReach(t *testing.T) {
	tg := newTagger(t)
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"nacio en", "El escritor, que nació en Tetuán, vive en Madrid.", nil},
		{"nacio and a place after", "El escritor nació hace años y vive en Tetuán.", []string{tta}},
		{"envoy as the twelfth word", "RABAT, 7 (uno dos tres cuatro cinco seis siete ocho nueve diez) enviado especial.", []string{rsk}},
		{"envoy as the thirteenth word", "RABAT, 7 (uno dos tres cuatro cinco seis siete ocho nueve diez once) enviado especial.", nil},
	} {
		if got := tg.Regions("", tc.text, "es"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Regions(%q) = %v, want %v", tc.name, tc.text, got, tc.want)
		}
	}
}
