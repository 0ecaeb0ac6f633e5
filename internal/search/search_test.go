package search

import (
	"html/template"
	"slices"
	"strings"
	"testing"
	"time"

	"revue/internal/textproc"
)

var now = time.Date(2024, 1, 30, 12, 0, 0, 0, time.UTC)

func candidate(id int64, title, body, lang string, age time.Duration) Candidate {
	doc := Index(title, body, lang)
	return Candidate{ID: id, PublishedAt: now.Add(-age), Title: doc.Title, Body: doc.Body}
}

func TestRank(t *testing.T) {
	day := 24 * time.Hour
	filler := strings.Repeat("autre chose encore ", 10)
	for _, tc := range []struct {
		name, query string
		relaxed     bool
		candidates  []Candidate
		want        []int64
	}{
		{"a title match beats a body match", "séisme", false, []Candidate{
			candidate(1, "Autre sujet", "Un séisme.", "fr", day),
			candidate(2, "Le séisme", "Un texte plus long que l'autre, bien plus long.", "fr", day),
		}, []int64{2, 1}},
		{"a shorter text beats a longer one", "séisme", false, []Candidate{
			candidate(2, "Titre", "Un séisme. "+filler, "fr", day),
			candidate(1, "Titre", "Un séisme.", "fr", day),
		}, []int64{1, 2}},
		{"more occurrences beat fewer", "séisme", false, []Candidate{
			candidate(2, "Titre", "Un séisme, puis rien.", "fr", day),
			candidate(1, "Titre", "Un séisme, puis un séisme.", "fr", day),
		}, []int64{1, 2}},
		{"the rarer word counts more", "séisme maroc", true, []Candidate{
			candidate(1, "Titre", "Le Maroc.", "fr", day),
			candidate(2, "Titre", "Le Maroc.", "fr", day),
			candidate(3, "Titre", "Un séisme.", "fr", day),
			candidate(4, "Titre", "Le Maroc.", "fr", day),
		}, []int64{3, 4, 2, 1}},
		{"newer beats older for the same text", "séisme", false, []Candidate{
			candidate(1, "Séisme", "Un texte.", "fr", 30*day),
			candidate(2, "Séisme", "Un texte.", "fr", day),
		}, []int64{2, 1}},
		{"ties: newer date, then higher ID", "séisme", false, []Candidate{
			candidate(1, "Séisme", "Un texte.", "fr", day),
			candidate(3, "Séisme", "Un texte.", "fr", day),
			candidate(2, "Séisme", "Un texte.", "fr", day),
		}, []int64{3, 2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := PlanQuery(textproc.AnalyzeQuery(tc.query, "fr"))
			if tc.relaxed {
				plan, _ = plan.Relaxed()
			}
			var got []int64
			for _, s := range Rank(plan, tc.candidates, now) {
				got = append(got, s.ID)
				if s.Score <= 0 {
					t.Errorf("candidate %d scored %v", s.ID, s.Score)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ranked %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlanQuery(t *testing.T) {
	for _, tc := range []struct {
		query, lang string
		want        Plan
	}{
		{"séismes", "fr", Plan{Require: []Part{{Words: [][]string{{"seism"}}}}}},
		{`"coupe du monde" -foot`, "fr", Plan{
			Require: []Part{{Phrases: [][]string{{"coup", "du", "mond"}}, Words: [][]string{{"coup"}, {"du"}, {"mond"}}}},
			Exclude: []Part{{Words: [][]string{{"foot"}}}},
		}},
		{"-seul", "fr", Plan{Exclude: []Part{{Words: [][]string{{"seul"}}}}}},
		{strings.Repeat("x", 500), "", Plan{Require: []Part{{Words: [][]string{{strings.Repeat("x", maxTermBytes)}}}}}},
	} {
		got := PlanQuery(textproc.AnalyzeQuery(tc.query, tc.lang))
		if !equalPlans(got, tc.want) {
			t.Errorf("PlanQuery(%q) = %+v, want %+v", tc.query, got, tc.want)
		}
	}
	// A phrase without a language spells out each word's forms, up to a
	// bound beyond which its words are matched in any order.
	short := PlanQuery(textproc.AnalyzeQuery(`"élections législatives"`, ""))
	if n := len(short.Require[0].Phrases); n < 2 || n > maxPhraseVariants {
		t.Errorf("a two-word phrase without a language has %d spellings", n)
	}
	long := PlanQuery(textproc.AnalyzeQuery(`"élections législatives anticipées marocaines annoncées"`, ""))
	if long.Require[0].IsPhrase() || len(long.Require[0].Words) != 5 {
		t.Errorf("a long phrase without a language: %+v, want its five words", long.Require[0])
	}
	if _, ok := PlanQuery(textproc.AnalyzeQuery("séisme", "fr")).Relaxed(); ok {
		t.Error("a one-word query can be relaxed")
	}
}

func equalPlans(a, b Plan) bool {
	eq := func(x, y []Part) bool {
		return slices.EqualFunc(x, y, func(p, q Part) bool {
			same := func(u, v [][]string) bool { return slices.EqualFunc(u, v, slices.Equal) }
			return p.Any == q.Any && same(p.Phrases, q.Phrases) && same(p.Words, q.Words)
		})
	}
	return eq(a.Require, b.Require) && eq(a.Exclude, b.Exclude)
}

func TestIndexBounds(t *testing.T) {
	doc := Index(strings.Repeat("titre ", 2*MaxTitleTerms), strings.Repeat("mot ", 2*MaxBodyTerms)+strings.Repeat("z", 1000), "fr")
	if len(doc.Title) != MaxTitleTerms || len(doc.Body) != MaxBodyTerms {
		t.Errorf("indexed %d title and %d body terms, want %d and %d", len(doc.Title), len(doc.Body), MaxTitleTerms, MaxBodyTerms)
	}
	if long := Index("", strings.Repeat("é", 1000), "fr").Body[0]; len(long) > maxTermBytes {
		t.Errorf("a 1000-letter word is indexed as %d bytes, want at most %d", len(long), maxTermBytes)
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Avant le texte qui compte. ", 20)
	for _, tc := range []struct {
		name, text, lang, query string
		want                    template.HTML
	}{
		{"accented word marked as written, HTML escaped", "Les <élections> d'été à Fès.", "fr", "elections fes",
			"Les &lt;<mark>élections</mark>&gt; d&#39;été à <mark>Fès</mark>."},
		{"vocalised Arabic marked from a bare query", "فازَ المَغْرِبُ اليوم", "ar", "المغرب",
			"فازَ <mark>المَغْرِبُ</mark> اليوم"},
		{"no match: the start", "Un texte court.", "fr", "absent", "Un texte court."},
		{"window moves to the match", long + "Le séisme a frappé.", "fr", "séisme",
			"… texte qui compte. Avant le texte qui compte. Le <mark>séisme</mark> a frappé."},
		{"long text cut at a word's end", "Le séisme. " + long, "fr", "séisme",
			template.HTML("Le <mark>séisme</mark>. " + strings.Repeat("Avant le texte qui compte. ", 7) + "Avant …")},
		{"excluded words are not marked", "Le foot et le séisme.", "fr", "séisme -foot", "Le foot et le <mark>séisme</mark>."},
		{"empty", "", "fr", "x", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Snippet(tc.text, tc.lang, PlanQuery(textproc.AnalyzeQuery(tc.query, "")))
			if got != tc.want {
				t.Errorf("Snippet = %q\nwant      %q", got, tc.want)
			}
		})
	}
}
