package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"revue"
)

// BenchmarkPages measures rendering through the real SQLite store, with
// the handler called directly (no network).
func BenchmarkPages(b *testing.B) {
	s := seedForBench(b)
	h := s.server.Handler()
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"article", ArticlePath(s.fr.ID, s.fr.Title)},
		{"api-articles-50", "/api/v1/articles?limit=50"},
		{"api-ticker", "/api/v1/ticker"},
	}
	for _, p := range pages {
		path := p.path
		b.Run(p.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

func seedForBench(b testing.TB) *seeded {
	s := seed(b)
	var batch []revue.Article
	for i := range 200 {
		batch = append(batch, revue.Article{URL: "https://h.example/" + strconv.Itoa(i), Title: "Dépêche " + strconv.Itoa(i), Lang: "fr",
			Summary: "Résumé", PublishedAt: testNow.Add(-time.Duration(i) * time.Minute)})
	}
	s.save(b, s.hespress, batch...)
	return s
}
