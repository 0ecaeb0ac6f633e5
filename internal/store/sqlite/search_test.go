package sqlite

import (
	"context"
	"testing"
	"time"

	"revue"
	"revue/internal/textproc"
)

// TestSearchMigrationIndexesStoredArticles undoes migration 0006 on a
// database holding an article, as a database made before search would be,
// and checks that migrating again indexes the article.
func TestSearchMigrationIndexesStoredArticles(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	now := time.Date(2024, 1, 30, 0, 0, 0, 0, time.UTC)
	src, err := s.AddSource(ctx, revue.Source{Name: "Avant", FeedURL: "https://avant.example/feed", Enabled: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{{GUID: "1", URL: "https://avant.example/1",
		Title: "Un séisme", Summary: "La terre a tremblé.", Lang: "fr", PublishedAt: now}}, now); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TRIGGER article_search_forget`, `DROP TABLE article_search`, `DROP TABLE article_terms`,
		`DELETE FROM schema_migrations WHERE version = 6`} {
		if _, err := s.write.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
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
