package postgres

import (
	"context"
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

// TestSearchMigrationIndexesStoredArticles undoes migration 0007 on a
// database holding an article, as a database made before search would be,
// and checks that migrating again indexes the article.
func TestSearchMigrationIndexesStoredArticles(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2024, 1, 30, 0, 0, 0, 0, time.UTC)
	src, err := s.AddSource(ctx, revue.Source{Name: "Avant", FeedURL: "https://avant.example/feed", Enabled: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{{GUID: "1", URL: "https://avant.example/1",
		Title: "Un séisme", Summary: "La terre a tremblé.", Lang: "fr", PublishedAt: now}}, now); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`ALTER TABLE articles DROP COLUMN search`, `ALTER TABLE articles DROP COLUMN search_terms`,
		`DELETE FROM schema_migrations WHERE version = 7`} {
		exec(t, s, stmt)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := s.SearchArticles(ctx, revue.SearchQuery{Query: textproc.AnalyzeQuery("tremblement séismes", "fr"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Hits) != 1 || page.Hits[0].Article.Title != "Un séisme" {
		t.Errorf("after the migration, search found %+v, want the article stored before it", page.Hits)
	}
}
