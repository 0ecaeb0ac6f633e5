package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"revue"
)

var listingTests = []storeTest{
	{"pagination visits every article once, newest first, through ties", testPagination},
	{"limit defaults to 50 and is clamped to 500", testLimitClamp},
	{"filters", testFilters},
	{"Ticker", testTicker},
	{"ArticlesAfter and LatestArticleID", testArticlesAfter},
}

// fillTies stores n articles over several sources where runs of seven share
// one PublishedAt, inserted out of time order, and returns them.
func fillTies(t *testing.T, st revue.Store, n int) []revue.Article {
	t.Helper()
	sources := []revue.Source{
		mustAddSource(t, st, "Le Matin", t0),
		mustAddSource(t, st, "Hespress", t0),
		mustAddSource(t, st, "El País", t0),
	}
	var all []revue.Article
	const batch = 100
	for start := 0; start < n; start += batch {
		var articles []revue.Article
		for i := start; i < min(start+batch, n); i++ {
			// Interleave old and new so insertion order is not time order.
			minutes := (i * 37 % n) / 7
			articles = append(articles, newArticle(fmt.Sprintf("tie-%d", i), t0.Add(-time.Duration(minutes)*time.Minute)))
		}
		src := sources[(start/batch)%len(sources)]
		saved := mustSave(t, st, src.ID, articles, t0)
		if len(saved) != len(articles) {
			t.Fatalf("batch at %d inserted %d of %d articles", start, len(saved), len(articles))
		}
		all = append(all, saved...)
	}
	return all
}

func testPagination(t *testing.T, st revue.Store) {
	const n = 1234
	all := fillTies(t, st, n)
	want := ids(newestFirst(all))
	for _, limit := range []int{50, 500, 617, 7} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			got := walk(t, st, revue.ArticleQuery{Limit: limit})
			if len(got) != n {
				t.Fatalf("walked %d articles, want %d", len(got), n)
			}
			if !slices.Equal(ids(got), want) {
				t.Fatalf("walk order differs from newest first (published_at DESC, id DESC)")
			}
		})
	}
	t.Run("past the end", func(t *testing.T) {
		oldest := newestFirst(all)[n-1]
		p, err := st.ListArticles(t.Context(), revue.ArticleQuery{Cursor: revue.Cursor{PublishedAt: oldest.PublishedAt, ID: oldest.ID}})
		if err != nil {
			t.Fatalf("ListArticles after the oldest: %v", err)
		}
		if len(p.Items) != 0 || !p.Next.IsZero() {
			t.Errorf("after the oldest article: %d items, Next %+v; want none and a zero Next", len(p.Items), p.Next)
		}
	})
}

func testLimitClamp(t *testing.T, st revue.Store) {
	fillTies(t, st, 620)
	cases := []struct {
		limit, want int
	}{
		{0, 50},
		{1, 1},
		{50, 50},
		{500, 500},
		{501, 500},
		{100000, 500},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("limit %d", tc.limit), func(t *testing.T) {
			p, err := st.ListArticles(t.Context(), revue.ArticleQuery{Limit: tc.limit})
			if err != nil {
				t.Fatalf("ListArticles: %v", err)
			}
			if len(p.Items) != tc.want || p.Next.IsZero() {
				t.Errorf("got %d items (Next zero: %v), want %d and a Next cursor", len(p.Items), p.Next.IsZero(), tc.want)
			}
		})
	}
}

func testFilters(t *testing.T, st revue.Store) {
	lematin := mustAddSource(t, st, "Le Matin", t0)
	hespress := mustAddSource(t, st, "Hespress", t0)
	langs := []string{"fr", "ar", "es", "en"}
	sections := []string{"politique", "economie", "sport"}
	regionSets := [][]string{nil, {"oriental"}, {"souss-massa", "oriental"}, {"casablanca-settat"}, {"souss-massa"}}
	var all []revue.Article
	for i := range 40 {
		a := newArticle(fmt.Sprintf("f%d", i), t0.Add(-time.Duration(i%13)*time.Hour))
		a.Lang = langs[i%len(langs)]
		a.Section = sections[i%len(sections)]
		a.Regions = regionSets[i%len(regionSets)]
		src := lematin
		if i%2 == 1 {
			src = hespress
		}
		saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)
		saved[0].SourceName = src.Name
		all = append(all, saved...)
	}
	story := all[17]
	has := func(list []string, v string) bool { return slices.Contains(list, v) }
	cases := []struct {
		name string
		q    revue.ArticleQuery
		keep func(a revue.Article) bool
	}{
		{"none", revue.ArticleQuery{}, func(revue.Article) bool { return true }},
		{"lang ar", revue.ArticleQuery{Lang: "ar"}, func(a revue.Article) bool { return a.Lang == "ar" }},
		{"source", revue.ArticleQuery{SourceID: hespress.ID}, func(a revue.Article) bool { return a.SourceID == hespress.ID }},
		{"section", revue.ArticleQuery{Section: "economie"}, func(a revue.Article) bool { return a.Section == "economie" }},
		{"region", revue.ArticleQuery{Region: "oriental"}, func(a revue.Article) bool { return has(a.Regions, "oriental") }},
		{"story", revue.ArticleQuery{StoryID: story.StoryID}, func(a revue.Article) bool { return a.StoryID == story.StoryID }},
		{"lang and section", revue.ArticleQuery{Lang: "fr", Section: "politique"}, func(a revue.Article) bool { return a.Lang == "fr" && a.Section == "politique" }},
		{"region and source", revue.ArticleQuery{Region: "souss-massa", SourceID: lematin.ID}, func(a revue.Article) bool {
			return has(a.Regions, "souss-massa") && a.SourceID == lematin.ID
		}},
		{"every filter", revue.ArticleQuery{Lang: story.Lang, SourceID: story.SourceID, Section: story.Section, Region: "oriental", StoryID: story.StoryID},
			func(a revue.Article) bool { return a.ID == story.ID && has(a.Regions, "oriental") }},
		{"no match: lang", revue.ArticleQuery{Lang: "de"}, func(revue.Article) bool { return false }},
		{"no match: region", revue.ArticleQuery{Region: "draa-tafilalet"}, func(revue.Article) bool { return false }},
		{"no match: source", revue.ArticleQuery{SourceID: hespress.ID + 100}, func(revue.Article) bool { return false }},
		{"no match: combination", revue.ArticleQuery{Lang: "ar", Section: "politique", SourceID: lematin.ID}, func(a revue.Article) bool {
			return a.Lang == "ar" && a.Section == "politique" && a.SourceID == lematin.ID
		}},
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
			if tc.name != "none" && len(want) == len(all) {
				t.Fatalf("the fixture makes filter %q match everything; it would test nothing", tc.name)
			}
			for _, limit := range []int{3, 500} {
				q := tc.q
				q.Limit = limit
				got := walk(t, st, q)
				if !slices.Equal(ids(got), ids(want)) {
					t.Fatalf("limit %d: got IDs %v, want %v", limit, ids(got), ids(want))
				}
				for i := range got {
					checkSameArticle(t, fmt.Sprintf("item %d", i), got[i], want[i])
				}
			}
		})
	}
}

func testTicker(t *testing.T, st revue.Store) {
	ctx := t.Context()
	empty, err := st.Ticker(ctx, 10)
	if err != nil || len(empty) != 0 {
		t.Fatalf("Ticker on an empty store: %d items, %v", len(empty), err)
	}
	all := fillTies(t, st, 120)
	want := newestFirst(all)
	for _, limit := range []int{1, 7, 50, 120} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			got, err := st.Ticker(ctx, limit)
			if err != nil {
				t.Fatalf("Ticker(%d): %v", limit, err)
			}
			if !slices.Equal(ids(got), ids(want[:limit])) {
				t.Fatalf("Ticker(%d) IDs %v, want %v", limit, ids(got), ids(want[:limit]))
			}
			sources := map[int64]string{}
			list, err := st.ListSources(ctx)
			if err != nil {
				t.Fatalf("ListSources: %v", err)
			}
			for _, s := range list {
				sources[s.ID] = s.Name
			}
			for i, a := range got {
				w := want[i]
				if a.Title != w.Title || a.URL != w.URL || a.Lang != w.Lang || a.SourceID != w.SourceID ||
					a.SourceName != sources[w.SourceID] || !a.PublishedAt.Equal(w.PublishedAt) {
					t.Errorf("Ticker item %d = {%q %q %q source %d %q %v}, want {%q %q %q source %d %q %v}", i,
						a.Title, a.URL, a.Lang, a.SourceID, a.SourceName, a.PublishedAt,
						w.Title, w.URL, w.Lang, w.SourceID, sources[w.SourceID], w.PublishedAt)
				}
			}
		})
	}
}

func testArticlesAfter(t *testing.T, st revue.Store) {
	ctx := t.Context()
	latest, err := st.LatestArticleID(ctx)
	if err != nil || latest != 0 {
		t.Fatalf("LatestArticleID on an empty store = %d, %v; want 0", latest, err)
	}
	if got := mustArticlesAfter(t, st, 0, 10); len(got) != 0 {
		t.Fatalf("ArticlesAfter on an empty store returned %d articles", len(got))
	}
	all := fillTies(t, st, 30) // saved in insertion order, not time order
	inserted := ids(all)
	if !slices.IsSorted(inserted) {
		t.Fatalf("IDs do not grow in insertion order: %v", inserted)
	}
	latest, err = st.LatestArticleID(ctx)
	if err != nil || latest != inserted[len(inserted)-1] {
		t.Fatalf("LatestArticleID = %d, %v; want %d", latest, err, inserted[len(inserted)-1])
	}
	cases := []struct {
		after int64
		limit int
		want  []int64
	}{
		{0, 100, inserted},
		{0, 5, inserted[:5]},
		{inserted[9], 4, inserted[10:14]},
		{inserted[28], 10, inserted[29:]},
		{latest, 10, []int64{}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("after %d limit %d", tc.after, tc.limit), func(t *testing.T) {
			got := mustArticlesAfter(t, st, tc.after, tc.limit)
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("ArticlesAfter = %v, want %v", ids(got), tc.want)
			}
			for _, a := range got {
				if a.SourceName == "" || a.Title == "" || a.URL == "" {
					t.Errorf("ArticlesAfter item %d lacks its source name, title or URL: %+v", a.ID, a)
				}
			}
		})
	}
	// A new article after a removal still gets a higher ID, so a poller
	// holding the latest ID it saw does not miss it.
	sources, err := st.ListSources(ctx)
	if err != nil {
		t.Fatalf("ListSources: %v", err)
	}
	last, err := st.GetArticle(ctx, latest)
	if err != nil {
		t.Fatalf("GetArticle: %v", err)
	}
	if err := st.RemoveSource(ctx, last.SourceID); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	var keep revue.Source
	for _, s := range sources {
		if s.ID != last.SourceID {
			keep = s
			break
		}
	}
	fresh := mustSave(t, st, keep.ID, []revue.Article{newArticle("fresh", t0)}, t0)
	if got := mustArticlesAfter(t, st, latest, 10); !slices.Equal(ids(got), ids(fresh)) {
		t.Errorf("after removing the newest articles, ArticlesAfter(%d) = %v, want the new article %v", latest, ids(got), ids(fresh))
	}
}
