package postgres

import (
	"strings"
	"testing"
	"time"

	"revue/internal/store/storetest"
)

// TestRegionVolumesPlan checks that counting a week reads only the week's
// rows of article_regions, through article_regions_published_idx: without
// it PostgreSQL reads the whole table (a sequential scan hash-joined to
// the week's articles), a cost that grows with the history.
func TestRegionVolumesPlan(t *testing.T) {
	s := newStore(t)
	fill(t, s, 20000)
	if _, err := s.pool.Exec(t.Context(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	to := time.Date(2021, 3, 17, 0, 0, 0, 0, time.UTC)
	plan := explain(t, s, regionVolumesSQL, micro(to.Add(-7*24*time.Hour)), micro(to))
	if !strings.Contains(plan, "article_regions_published_idx") || strings.Contains(plan, "Seq Scan") {
		t.Errorf("RegionVolumes should read the week's rows through article_regions_published_idx; the plan is:\n%s", plan)
	}
}

// BenchmarkRegionVolumes counts the last week of the generated articles
// (REVUE_BENCH_ARTICLES over two years, a third in a region), as the
// regional overview does once a minute.
func BenchmarkRegionVolumes(b *testing.B) {
	s := newStore(b)
	fill(b, s, storetest.FrontPageArticleCount(b))
	if _, err := s.pool.Exec(b.Context(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	to := time.Date(2021, 3, 17, 0, 0, 0, 0, time.UTC)
	from := to.Add(-7 * 24 * time.Hour)
	for b.Loop() {
		if _, err := s.RegionVolumes(b.Context(), from, to); err != nil {
			b.Fatal(err)
		}
	}
}
