package sqlite

import (
	"strings"
	"testing"
	"time"

	"revue/internal/store/storetest"
)

// TestRegionVolumesPlan checks that counting a week reads that week's
// articles through articles_published and finds their regions by key:
// scanning article_regions would read every article ever tagged.
func TestRegionVolumesPlan(t *testing.T) {
	s := openTemp(t)
	to := time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)
	plan, err := queryPlan(t.Context(), s.read, regionVolumesQuery, microsPerDay, micros(to.Add(-7*24*time.Hour)), micros(to))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "SEARCH a USING INDEX articles_published (published_at>? AND published_at<?)") ||
		!strings.Contains(plan, "SEARCH r USING PRIMARY KEY (article_id=?)") {
		t.Errorf("RegionVolumes should search articles_published over the range and article_regions by key; the plan is:\n%s", plan)
	}
}

// BenchmarkRegionVolumes counts the last week of the generated articles
// (storetest.FrontPageArticles: REVUE_BENCH_ARTICLES over two years, a
// third in a region), as the regional overview does on each view.
func BenchmarkRegionVolumes(b *testing.B) {
	s := openBench(b, filledDatabase(b, storetest.FrontPageArticleCount(b)))
	// The generated articles' newest is 2021-03-16 12:00 UTC.
	to := time.Date(2021, 3, 17, 0, 0, 0, 0, time.UTC)
	from := to.Add(-7 * 24 * time.Hour)
	days, err := s.RegionVolumes(b.Context(), from, to)
	if err != nil || len(days) == 0 {
		b.Fatalf("RegionVolumes = %d days, %v; want the week's articles", len(days), err)
	}
	for b.Loop() {
		if _, err := s.RegionVolumes(b.Context(), from, to); err != nil {
			b.Fatal(err)
		}
	}
}
