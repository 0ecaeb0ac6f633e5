package storetest

import (
	"slices"
	"testing"
	"time"

	"revue"
	"revue/internal/search"
	"revue/internal/textproc"
)

var searchTests = []storeTest{
	{"Matching", testSearchMatching},
	{"Filters", testSearchFilters},
	{"Ordering", testSearchOrdering},
	{"Pagination", testSearchPagination},
	{"Reindex", testSearchReindex},
	{"FiltersFollowPages", testSearchFiltersFollowPages},
}

// searchArticle is an article with the given text in lang, as a feed gives
// it (its text in the summary).
func searchArticle(key, lang, title, body string, published time.Time) revue.Article {
	a := newArticle(key, published)
	a.Lang, a.Title, a.Summary = lang, title, body
	return a
}

// searchTitles runs query (analyzed in lang, "" for any language) and
// returns the titles found, best first.
func searchTitles(t *testing.T, st revue.Store, q revue.SearchQuery, text, lang string) []string {
	t.Helper()
	q.Query = textproc.AnalyzeQuery(text, lang)
	if q.Now.IsZero() {
		q.Now = t0
	}
	page, err := st.SearchArticles(t.Context(), q)
	if err != nil {
		t.Fatalf("SearchArticles(%q): %v", text, err)
	}
	var titles []string
	for _, h := range page.Hits {
		titles = append(titles, h.Article.Title)
	}
	return titles
}

func sameSet(got, want []string) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

func testSearchMatching(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Recherche", t0)
	mustSave(t, st, src.ID, []revue.Article{
		searchArticle("fr1", "fr", "Les élections législatives au Maroc", "Le scrutin a eu lieu hier à Rabat.", t0),
		searchArticle("fr2", "fr", "Une election sans accent", "Le texte ne porte aucun accent.", t0),
		searchArticle("fr3", "fr", "Santé publique", "Un nouvel hôpital ouvre à Fès, loin de la mer.", t0),
		searchArticle("ar1", "ar", "المَغْرِبُ يَفُوزُ", "فاز المنتخب في المباراة.", t0),
		searchArticle("ar2", "ar", "المدرسة الجديدة", "افتتحت المدرسة في الرباط.", t0),
		searchArticle("en1", "en", "Morocco wins the cup", "The national team won the final in Abidjan.", t0),
		searchArticle("es1", "es", "Marruecos gana", "La selección ganó la final de la copa.", t0),
	}, t0)

	for _, tc := range []struct {
		name, query, lang string
		want              []string
	}{
		{"accent-free query finds accented text", "legislatives", "fr", []string{"Les élections législatives au Maroc"}},
		{"accented query finds accent-free text", "électión", "fr", []string{"Les élections législatives au Maroc", "Une election sans accent"}},
		{"plural finds singular (stems)", "élections", "fr", []string{"Les élections législatives au Maroc", "Une election sans accent"}},
		{"singular finds plural (stems)", "election", "fr", []string{"Les élections législatives au Maroc", "Une election sans accent"}},
		{"accented query finds body", "hopital", "fr", []string{"Santé publique"}},
		{"query without language", "hôpital", "", []string{"Santé publique"}},
		{"Arabic without harakat finds vocalised", "المغرب يفوز", "ar", []string{"المَغْرِبُ يَفُوزُ"}},
		{"vocalised Arabic finds bare", "المَدْرَسَة", "ar", []string{"المدرسة الجديدة"}},
		{"Arabic taa marbuta typed as heh", "المدرسه", "", []string{"المدرسة الجديدة"}},
		{"some of the words complete the page", "election scrutin", "fr", []string{"Les élections législatives au Maroc", "Une election sans accent"}},
		{"none of the words", "tramway métro", "fr", nil},
		{"phrase in order", `"nouvel hôpital"`, "fr", []string{"Santé publique"}},
		{"phrase out of order", `"hôpital nouvel"`, "fr", nil},
		{"phrase without language", `"nouvel hopital"`, "", []string{"Santé publique"}},
		{"exclusion", "élection -scrutin", "fr", []string{"Une election sans accent"}},
		{"excluded phrase", `élection -"sans accent"`, "fr", []string{"Les élections législatives au Maroc"}},
		{"exclusions alone find nothing", "-élection", "fr", nil},
		{"English stem", "win", "en", []string{"Morocco wins the cup"}},
		{"Spanish accent and stem", "seleccion", "es", []string{"Marruecos gana"}},
		{"no match", "inexistant", "", nil},
		{"punctuation only", `" - « »`, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := searchTitles(t, st, revue.SearchQuery{}, tc.query, tc.lang); !sameSet(got, tc.want) {
				t.Errorf("search %q (lang %q) found %q, want %q", tc.query, tc.lang, got, tc.want)
			}
		})
	}
}

func testSearchFilters(t *testing.T, st revue.Store) {
	a := mustAddSource(t, st, "Source A", t0)
	b := mustAddSource(t, st, "Source B", t0)
	day := 24 * time.Hour
	mk := func(key, lang, section string, regions []string, published time.Time) revue.Article {
		art := searchArticle(key, lang, "Budget "+key, "Le budget de l'État.", published)
		art.Section, art.Regions = section, regions
		return art
	}
	mustSave(t, st, a.ID, []revue.Article{
		mk("a1", "fr", "economie", []string{"casablanca-settat"}, t0.Add(-3*day)),
		mk("a2", "en", "economie", nil, t0.Add(-2*day)),
	}, t0)
	mustSave(t, st, b.ID, []revue.Article{
		mk("b1", "fr", "politique", []string{"fes-meknes", "casablanca-settat"}, t0.Add(-1*day)),
		mk("b2", "fr", "economie", []string{"fes-meknes"}, t0),
	}, t0)
	for _, tc := range []struct {
		name string
		q    revue.SearchQuery
		want []string
	}{
		{"none", revue.SearchQuery{}, []string{"Budget a1", "Budget a2", "Budget b1", "Budget b2"}},
		{"lang", revue.SearchQuery{Lang: "en"}, []string{"Budget a2"}},
		{"source", revue.SearchQuery{SourceID: b.ID}, []string{"Budget b1", "Budget b2"}},
		{"section", revue.SearchQuery{Section: "politique"}, []string{"Budget b1"}},
		{"region", revue.SearchQuery{Region: "casablanca-settat"}, []string{"Budget a1", "Budget b1"}},
		{"from", revue.SearchQuery{From: t0.Add(-36 * time.Hour)}, []string{"Budget b1", "Budget b2"}},
		{"to", revue.SearchQuery{To: t0.Add(-2 * day)}, []string{"Budget a1"}},
		{"from and to", revue.SearchQuery{From: t0.Add(-2 * day), To: t0}, []string{"Budget a2", "Budget b1"}},
		{"all at once", revue.SearchQuery{Lang: "fr", SourceID: b.ID, Section: "economie", Region: "fes-meknes", From: t0.Add(-day)}, []string{"Budget b2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := searchTitles(t, st, tc.q, "budget", ""); !sameSet(got, tc.want) {
				t.Errorf("search with %+v found %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}

func testSearchOrdering(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Ordre", t0)
	day := 24 * time.Hour
	mustSave(t, st, src.ID, []revue.Article{
		// Same date: the title match must come first, whatever the order
		// of insertion.
		// The title match is the longer article, so that its title's
		// weight, not its length, puts it first.
		searchArticle("body", "fr", "Autre sujet du jour", "Il est question de sécheresse.", t0.Add(-10*day)),
		searchArticle("title", "fr", "La sécheresse", "Un texte qui parle d'autre chose, assez long lui aussi, et même bien plus long que l'autre.", t0.Add(-10*day)),
		// Same text: the newer first.
		searchArticle("old", "fr", "Inondations à Tétouan ancien", "Des pluies.", t0.Add(-30*day)),
		searchArticle("new", "fr", "Inondations à Tétouan récent", "Des pluies.", t0.Add(-1*day)),
		// Recency outweighs a slightly better match: the shorter title of
		// the older article.
		searchArticle("short", "fr", "Grêle", "Des dégâts.", t0.Add(-60*day)),
		searchArticle("long", "fr", "Grêle sur les vergers de Meknès", "Des dégâts.", t0.Add(-1*day)),
	}, t0)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"sécheresse", []string{"La sécheresse", "Autre sujet du jour"}},
		{"inondations", []string{"Inondations à Tétouan récent", "Inondations à Tétouan ancien"}},
		// Articles with all the words come before those with some,
		// whatever their dates or weights.
		{"sécheresse question", []string{"Autre sujet du jour", "La sécheresse"}},
		{"grêle", []string{"Grêle sur les vergers de Meknès", "Grêle"}},
	} {
		if got := searchTitles(t, st, revue.SearchQuery{}, tc.query, "fr"); !slices.Equal(got, tc.want) {
			t.Errorf("search %q ranked %q, want %q", tc.query, got, tc.want)
		}
	}
}

func testSearchPagination(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Pages", t0)
	var batch []revue.Article
	for i := range 7 {
		batch = append(batch, searchArticle(string(rune('a'+i)), "fr", "Tramway "+string(rune('a'+i)), "Le tramway.", t0.Add(-time.Duration(i)*time.Hour)))
	}
	mustSave(t, st, src.ID, batch, t0)
	var seen []string
	for offset := 0; ; offset += 3 {
		page, err := st.SearchArticles(t.Context(), revue.SearchQuery{Query: textproc.AnalyzeQuery("tramway", "fr"), Limit: 3, Offset: offset, Now: t0})
		if err != nil {
			t.Fatalf("SearchArticles(offset %d): %v", offset, err)
		}
		for _, h := range page.Hits {
			seen = append(seen, h.Article.Title)
			if h.Score <= 0 {
				t.Errorf("%q has score %v, want a positive score", h.Article.Title, h.Score)
			}
		}
		wantMore := offset+3 < 7
		if page.HasMore != wantMore {
			t.Errorf("offset %d: HasMore = %v, want %v", offset, page.HasMore, wantMore)
		}
		if !page.HasMore {
			break
		}
		if offset > 10 {
			t.Fatal("pagination does not end")
		}
	}
	var want []string
	for _, a := range batch {
		want = append(want, a.Title) // newest first: same text, so recency decides
	}
	if !slices.Equal(seen, want) {
		t.Errorf("pages gave %q, want %q", seen, want)
	}
}

func testSearchReindex(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Pages lues", t0)
	a := searchArticle("page", "fr", "Un titre", "Le résumé du flux.", t0)
	a.Page = revue.PagePending
	saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)
	// Saving the same item again changes nothing, and does not index it twice.
	mustSave(t, st, src.ID, []revue.Article{a}, t0)
	if got := searchTitles(t, st, revue.SearchQuery{}, "résumé", "fr"); len(got) != 1 {
		t.Fatalf("before the page is read, search for the summary found %q, want the article once", got)
	}
	if _, err := st.ClaimPages(ctx, "w1", t0, time.Minute, 10); err != nil {
		t.Fatalf("ClaimPages: %v", err)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: saved[0].ID, Worker: "w1", At: t0,
		Text: "The whole text of the page, about a drought.", Lang: "en"}); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	for _, tc := range []struct {
		query, lang string
		want        int
	}{
		{"drought", "en", 1},
		{"droughts", "en", 1}, // stemmed as English now
		{"résumé", "fr", 0},   // the page's text replaces the summary
		{"titre", "", 1},
	} {
		if got := searchTitles(t, st, revue.SearchQuery{}, tc.query, tc.lang); len(got) != tc.want {
			t.Errorf("after RecordPage, search %q found %q, want %d article(s)", tc.query, got, tc.want)
		}
	}
	// Deleting the source deletes its articles from the index too.
	if err := st.RemoveSource(ctx, src.ID); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	if got := searchTitles(t, st, revue.SearchQuery{}, "titre", ""); len(got) != 0 {
		t.Errorf("after RemoveSource, search found %q", got)
	}
}

// testSearchFiltersFollowPages checks that the language and the regions a
// page's reading gives an article are what the search filters see, as
// they are in the listings.
func testSearchFiltersFollowPages(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Pages filtrées", t0)
	a := searchArticle("page", "fr", "Sécheresse", "Le résumé du flux.", t0)
	a.Page, a.Regions = revue.PagePending, []string{"souss-massa"}
	saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)
	if _, err := st.ClaimPages(ctx, "w1", t0, time.Minute, 10); err != nil {
		t.Fatalf("ClaimPages: %v", err)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: saved[0].ID, Worker: "w1", At: t0,
		Lang: "ar", Regions: []string{"draa-tafilalet"}}); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	for _, tc := range []struct {
		name string
		q    revue.SearchQuery
		want int
	}{
		{"the page's language", revue.SearchQuery{Lang: "ar"}, 1},
		{"not the feed's language", revue.SearchQuery{Lang: "fr"}, 0},
		{"the page's region", revue.SearchQuery{Region: "draa-tafilalet"}, 1},
		{"the feed's region", revue.SearchQuery{Region: "souss-massa"}, 1},
		{"another region", revue.SearchQuery{Region: "fes-meknes"}, 0},
		{"source", revue.SearchQuery{SourceID: src.ID, Lang: "ar", Region: "draa-tafilalet"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := searchTitles(t, st, tc.q, "sécheresse", ""); len(got) != tc.want {
				t.Errorf("after RecordPage, search with %+v found %q, want %d article(s)", tc.q, got, tc.want)
			}
		})
	}
	// The filters' terms are no words: a query typing one finds nothing.
	for _, term := range search.QueryFacets(revue.SearchQuery{Lang: "ar", SourceID: src.ID, Region: "draa-tafilalet"}) {
		if got := searchTitles(t, st, revue.SearchQuery{}, term, ""); len(got) != 0 {
			t.Errorf("search for the facet term %q found %q, want nothing", term, got)
		}
	}
	// A page giving regions only (no text, no language) still moves them
	// into the index.
	b := searchArticle("regions", "fr", "Inondations", "Des pluies.", t0)
	b.Page = revue.PagePending
	saved = mustSave(t, st, src.ID, []revue.Article{b}, t0)
	if _, err := st.ClaimPages(ctx, "w1", t0, time.Minute, 10); err != nil {
		t.Fatalf("ClaimPages: %v", err)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: saved[0].ID, Worker: "w1", At: t0,
		Regions: []string{"oriental"}}); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	if got := searchTitles(t, st, revue.SearchQuery{Region: "oriental"}, "inondations", "fr"); len(got) != 1 {
		t.Errorf("after RecordPage with a region only, search in that region found %q, want the article", got)
	}
}
