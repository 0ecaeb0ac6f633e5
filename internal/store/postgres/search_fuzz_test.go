package postgres

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"revue"
	"revue/internal/textproc"
)

// FuzzSearchQuery sends any query text, analyzed in any of the languages,
// through SearchArticles on a real PostgreSQL: no input may panic or make
// a tsquery PostgreSQL rejects.
func FuzzSearchQuery(f *testing.F) {
	for _, seed := range []string{
		`élections -"coupe du monde"`, `"`, `-`, `- -`, `"a" "b`, `«المغرب»`, `a'b "c'd"`, `\`, `!a & b | c <-> d`,
		`a:*`, `'quoted'`, "a\x00b", `"élections législatives anticipées marocaines annoncées"`, `covid-19`,
		`“Maroc” „foo“`, `-"" x`, `x -y -"z w"`, `(a | b)`,
	} {
		f.Add(seed, uint8(0))
	}
	ctx := context.Background()
	s := newStore(f)
	now := time.Date(2024, 1, 30, 0, 0, 0, 0, time.UTC)
	src, err := s.AddSource(ctx, revue.Source{Name: "Fuzz", FeedURL: "https://fuzz.example/feed", Enabled: true}, now)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{
		{GUID: "1", URL: "https://fuzz.example/1", Title: "Les élections au Maroc", Summary: "La coupe du monde, covid-19.", Lang: "fr", PublishedAt: now},
		{GUID: "2", URL: "https://fuzz.example/2", Title: "المغرب يفوز", Summary: "فاز المنتخب.", Lang: "ar", PublishedAt: now},
	}, now); err != nil {
		f.Fatal(err)
	}
	langs := []string{"", "fr", "ar", "es", "en", "de"}
	f.Fuzz(func(t *testing.T, text string, lang uint8) {
		q := revue.SearchQuery{Query: textproc.AnalyzeQuery(text, langs[int(lang)%len(langs)]), Limit: 5, Now: now}
		if _, err := s.SearchArticles(ctx, q); err != nil {
			t.Fatalf("SearchArticles(%q): %v", text, err)
		}
	})
}

// TestSearchMigrationIndexesStoredArticles undoes the search migrations
// on a database holding an article, as a database made before search (or
// before its facets) would be, and checks that migrating again indexes the
// article, its words and its facets.
func TestSearchMigrationIndexesStoredArticles(t *testing.T) {
	for _, tc := range []struct {
		name string
		undo []string
	}{
		{"before search", []string{`DROP TABLE article_search`, `ALTER TABLE articles DROP COLUMN search_terms`,
			`DELETE FROM schema_migrations WHERE version IN (7, 9)`}},
		{"before facets", []string{
			`ALTER TABLE articles ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector`,
			`UPDATE articles a SET search = ts_delete(s.search, ARRAY(SELECT lexeme FROM unnest(s.search) WHERE lexeme LIKE '=%'))
				FROM article_search s WHERE s.article_id = a.id`,
			`DROP TABLE article_search`,
			`CREATE INDEX articles_search ON articles USING gin (search)`,
			`DELETE FROM schema_migrations WHERE version = 9`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			now := time.Date(2024, 1, 30, 0, 0, 0, 0, time.UTC)
			src, err := s.AddSource(ctx, revue.Source{Name: "Avant", FeedURL: "https://avant.example/feed", Enabled: true}, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{{GUID: "1", URL: "https://avant.example/1",
				Title: "Un séisme", Summary: "La terre a tremblé.", Lang: "fr", Section: "monde", Regions: []string{"fes-meknes"},
				PublishedAt: now}}, now); err != nil {
				t.Fatal(err)
			}
			for _, stmt := range tc.undo {
				exec(t, s, stmt)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			page, err := s.SearchArticles(ctx, revue.SearchQuery{Query: textproc.AnalyzeQuery("tremblement séismes", "fr"), Now: now,
				Lang: "fr", SourceID: src.ID, Section: "monde", Region: "fes-meknes"})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Hits) != 1 || page.Hits[0].Article.Title != "Un séisme" {
				t.Errorf("after the migration, search found %+v, want the article stored before it", page.Hits)
			}
		})
	}
}

// TestSearchWindows spreads a word's articles over IDs far apart, as years
// of crawling do, and checks that the windows of IDs a search reads newest
// first (firstWindow, windowGrowth) reach the oldest, with and without
// filters.
func TestSearchWindows(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2024, 1, 30, 0, 0, 0, 0, time.UTC)
	src, err := s.AddSource(ctx, revue.Source{Name: "Années", FeedURL: "https://annees.example/feed", Enabled: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	// The third article is the last of the second window, which ends
	// where the first begins.
	for i, next := range []int64{1, 3 * firstWindow, 20*firstWindow + 7, 21*firstWindow + 7} {
		exec(t, s, "SELECT setval(pg_get_serial_sequence('articles', 'id'), $1, false)", next)
		title := fmt.Sprintf("Sécheresse %d", i)
		if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{{GUID: title, URL: fmt.Sprintf("https://annees.example/%d", i),
			Title: title, Summary: "La pluie manque.", Lang: "fr", Section: "climat", PublishedAt: now.Add(time.Duration(i) * time.Hour)}}, now); err != nil {
			t.Fatal(err)
		}
		want = append(want, title)
	}
	for _, q := range []revue.SearchQuery{{}, {Section: "climat"}, {From: now.Add(-time.Hour)}} {
		q.Query, q.Now, q.Limit = textproc.AnalyzeQuery("sécheresse", "fr"), now, 10
		page, err := s.SearchArticles(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range page.Hits {
			got = append(got, h.Article.Title)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("search with %+v found %q, want the articles of every window %q", q, got, want)
		}
	}
}
