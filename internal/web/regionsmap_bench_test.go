package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"revue"
)

// BenchmarkRegionsOverview renders /regions through the real SQLite store
// holding a busy week: 2 100 articles over the seven days, a third of them
// in a region (one in ten of those in two), the handler called directly.
func BenchmarkRegionsOverview(b *testing.B) {
	e := newEnv(b)
	src := e.addSource(b, "Le Matin", "fr")
	slugs := e.server.regionMap.Regions
	var batch []revue.Article
	for i := range 2100 {
		a := revue.Article{URL: fmt.Sprint("https://lematin.example/", i), Title: fmt.Sprint("Dépêche ", i), Lang: "fr",
			PublishedAt: testNow.Add(-time.Duration(i) * 4 * time.Minute)}
		if i%3 == 0 {
			a.Regions = []string{slugs[i%len(slugs)].Slug}
			if i%30 == 0 {
				a.Regions = append(a.Regions, slugs[(i/30)%len(slugs)].Slug)
			}
		}
		batch = append(batch, a)
	}
	e.save(b, src, batch...)
	h := e.server.Handler()
	req := httptest.NewRequest(http.MethodGet, "/regions", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
