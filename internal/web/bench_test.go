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

// BenchmarkHomeFeed measures the home feed at its default 50 entries in
// each format, through the real SQLite store and the whole handler.
func BenchmarkHomeFeed(b *testing.B) {
	s := seedForBench(b)
	h := s.server.Handler()
	for _, f := range feedFormats {
		b.Run(f.ext, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/feed."+f.ext, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
	b.Run("atom-304", func(b *testing.B) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feed.atom", nil))
		req := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
		req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotModified {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
