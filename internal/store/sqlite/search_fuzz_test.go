package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"revue"
	"revue/internal/textproc"
)

// FuzzSearchQuery sends any query text, analyzed in any of the languages,
// through SearchArticles on a real database: no input may panic or make an
// FTS5 expression SQLite rejects.
func FuzzSearchQuery(f *testing.F) {
	for _, seed := range []string{
		`élections -"coupe du monde"`, `"`, `-`, `- -`, `"a" "b`, `«المغرب»`, `a'b "c'd"`, `\`, `NOT AND OR NEAR(a b)`,
		`col:word`, `^début`, `*`, "a\x00b", `"élections législatives anticipées marocaines annoncées"`, `covid-19`,
		`“Maroc” „foo“`, `-"" x`, `x -y -"z w"`,
	} {
		f.Add(seed, uint8(0))
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
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
