package sqlite

import (
	"strings"
	"testing"
	"time"
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
