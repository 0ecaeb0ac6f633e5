package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Libération's article element and the boxes inside it, as an operator
// would write rules for the site.
func TestRules(t *testing.T) {
	page := fixture(t, "fr-liberation.html.gz")
	const url = "http://www.liberation.fr/politiques/2012/10/27/ayrault-assume-et-revendique-sa-methode_856451"
	for _, tc := range []struct {
		name       string
		rules      Rules
		start      string   // Text starts with this
		has, lacks []string // snippets of Text
	}{
		{
			// The kicker "Politiques" and the headline go; the standfirst stays.
			name:  "no rules",
			start: "Analyse Après une semaine agitée",
			has:   []string{"A Toulouse, Jean-Marc Ayrault aura fait deux rappels sur scène."},
			lacks: []string{"Notre récit du discours de Martine Aubry"}, // "A lire aussi :" is dropped by itself
		},
		{
			name:  "body only",
			rules: Rules{Body: "div.object-content"},
			start: "Analyse Après une semaine agitée",
			has:   []string{"Par LILIAN ALEMAGNA, LAURE BRETTON", "A lire aussi : Notre récit du discours de Martine Aubry"},
		},
		{
			name:  "body and drops",
			rules: Rules{Body: " div.object-content ", Drop: []string{"p.others", "", "div.author, h2 > .slug"}},
			start: "Après une semaine agitée",
			has:   []string{"A Toulouse, Jean-Marc Ayrault aura fait deux rappels sur scène."},
			lacks: []string{"LILIAN ALEMAGNA", "A lire aussi", "Analyse"},
		},
		{
			name:  "a body rule that matches nothing falls back to the extractor",
			rules: Rules{Body: "div.article-body-that-is-gone"},
			start: "Analyse Après une semaine agitée",
			has:   []string{"A Toulouse, Jean-Marc Ayrault aura fait deux rappels sur scène."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.rules.Check(); err != nil {
				t.Fatal(err)
			}
			p, err := Extract(context.Background(), page, "text/html", url, tc.rules)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(collapse(p.Text), tc.start) {
				t.Errorf("Text starts %.80q, want %q", collapse(p.Text), tc.start)
			}
			for _, s := range tc.has {
				if !strings.Contains(collapse(p.Text), s) {
					t.Errorf("Text lacks %q", s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(p.Text, s) {
					t.Errorf("Text has %q", s)
				}
			}
			checkInvariants(t, p)
		})
	}
}

func TestInvalidRules(t *testing.T) {
	for _, tc := range []struct {
		rules Rules
		want  string // in the error, for the operator
	}{
		{Rules{Body: "div["}, `the body selector "div[" is not valid CSS`},
		{Rules{Body: "article", Drop: []string{".share", "p:nth-child(x)"}}, `drop selector 2, "p:nth-child(x)", is not valid CSS`},
		{Rules{Drop: []string{"}"}}, `drop selector 1, "}"`},
	} {
		err := tc.rules.Check()
		if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%+v) = %v, want ErrInvalidRules saying %q", tc.rules, err, tc.want)
		}
		_, err = Extract(context.Background(), fixture(t, "fr-liberation.html.gz"), "text/html", "https://www.liberation.fr/", tc.rules)
		if !errors.Is(err, ErrInvalidRules) {
			t.Errorf("Extract with %+v: %v, want ErrInvalidRules", tc.rules, err)
		}
	}
	for _, ok := range []Rules{{}, {Body: "  "}, {Drop: []string{""}}, {Body: "article .body, #content > div", Drop: []string{"[data-share]", "aside"}}} {
		if err := ok.Check(); err != nil {
			t.Errorf("Check(%+v) = %v", ok, err)
		}
	}
	if !(Rules{Body: " ", Drop: []string{""}}).IsZero() || (Rules{Drop: []string{"aside"}}).IsZero() {
		t.Error("IsZero is wrong")
	}
}
