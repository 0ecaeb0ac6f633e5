package sqlite

import (
	"context"
	"testing"
	"time"

	"revue"
	"revue/internal/textproc"
)

// TestSearchMigrationIndexesStoredArticles undoes the search migrations
// on a database holding an article, as a database made before search (or
// before its facets) would be, and checks that migrating again indexes the
// article, its words and its facets.
func TestSearchMigrationIndexesStoredArticles(t *testing.T) {
	for _, tc := range []struct {
		name string
		undo []string
	}{
		{"before search", []string{`DROP TRIGGER article_search_forget`, `DROP TABLE article_search`, `DROP TABLE article_terms`,
			`DELETE FROM schema_migrations WHERE version IN (6, 8)`}},
		{"before facets", []string{`DROP TABLE article_search`,
			`CREATE VIRTUAL TABLE article_search USING fts5 (title, body, tokenize = 'ascii', content = '', contentless_delete = 1)`,
			`DELETE FROM schema_migrations WHERE version = 8`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTemp(t)
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
				if _, err := s.write.ExecContext(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
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
