package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"revue"
)

var langsTests = []storeTest{
	{"Langs keeps only the chosen article languages, with every other filter and through pages", testLangsFilter},
}

func testLangsFilter(t *testing.T, st revue.Store) {
	lematin := mustAddSource(t, st, "Le Matin", t0)
	hespress := mustAddSource(t, st, "Hespress", t0)
	langs := []string{"fr", "ar", "es", "en", "de"}
	var all []revue.Article
	for i := range 30 {
		a := newArticle(fmt.Sprintf("langs-%d", i), t0.Add(-time.Duration(i%7)*time.Hour))
		a.Lang = langs[i%len(langs)]
		a.Section = []string{"politique", "sport"}[i%2]
		if i%3 == 0 {
			a.Regions = []string{"oriental"}
		}
		src := lematin
		if i%4 == 1 {
			src = hespress
		}
		saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)
		saved[0].SourceName = src.Name
		all = append(all, saved...)
	}
	in := func(list ...string) func(revue.Article) bool {
		return func(a revue.Article) bool { return slices.Contains(list, a.Lang) }
	}
	cases := []struct {
		name string
		q    revue.ArticleQuery
		keep func(revue.Article) bool
	}{
		{"one language", revue.ArticleQuery{Langs: []string{"ar"}}, in("ar")},
		{"two languages", revue.ArticleQuery{Langs: []string{"fr", "ar"}}, in("fr", "ar")},
		{"the four interface languages leave out the others", revue.ArticleQuery{Langs: []string{"fr", "ar", "es", "en"}}, in("fr", "ar", "es", "en")},
		{"an unknown language matches nothing", revue.ArticleQuery{Langs: []string{"tlh"}}, in()},
		{"with a section", revue.ArticleQuery{Langs: []string{"es", "en"}, Section: "sport"}, func(a revue.Article) bool {
			return in("es", "en")(a) && a.Section == "sport"
		}},
		{"with a region", revue.ArticleQuery{Langs: []string{"fr", "de"}, Region: "oriental"}, func(a revue.Article) bool {
			return in("fr", "de")(a) && slices.Contains(a.Regions, "oriental")
		}},
		{"with a source", revue.ArticleQuery{Langs: []string{"ar", "en"}, SourceID: hespress.ID}, func(a revue.Article) bool {
			return in("ar", "en")(a) && a.SourceID == hespress.ID
		}},
		{"with Lang, both apply", revue.ArticleQuery{Lang: "fr", Langs: []string{"fr", "ar"}}, in("fr")},
		{"with Lang outside Langs, nothing", revue.ArticleQuery{Lang: "es", Langs: []string{"fr", "ar"}}, in()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []revue.Article
			for _, a := range all {
				if tc.keep(a) {
					want = append(want, a)
				}
			}
			want = newestFirst(want)
			if len(want) == len(all) {
				t.Fatalf("the fixture makes %q match everything; it would test nothing", tc.name)
			}
			for _, limit := range []int{2, 500} {
				q := tc.q
				q.Limit = limit
				got := walk(t, st, q)
				if !slices.Equal(ids(got), ids(want)) {
					t.Fatalf("limit %d: got IDs %v, want %v", limit, ids(got), ids(want))
				}
			}
		})
	}
}
