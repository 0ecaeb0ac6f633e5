package postgres

import (
	"strings"
	"testing"
	"time"
)

// TestRegionVolumesPlan checks that counting a week reads that week's
// articles through articles_published_idx, and that article_regions'
// primary key is there for the planner to probe once the table outgrows a
// sequential read: no further index is needed for the overview.
func TestRegionVolumesPlan(t *testing.T) {
	s := newStore(t)
	fill(t, s, 20000)
	if _, err := s.pool.Exec(t.Context(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	to := time.Date(2021, 3, 17, 0, 0, 0, 0, time.UTC)
	args := []any{micro(to.Add(-7 * 24 * time.Hour)), micro(to)}
	plan := explain(t, s, regionVolumesSQL, args...)
	if !strings.Contains(plan, "articles_published_idx") || strings.Contains(plan, "Seq Scan on articles") {
		t.Errorf("RegionVolumes should read the week through articles_published_idx; the plan is:\n%s", plan)
	}
	// Without a hash join (what the planner picks once article_regions is
	// large), the regions are found by key.
	tx, err := s.pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(t.Context())
	if _, err := tx.Exec(t.Context(), "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(t.Context(), "EXPLAIN "+regionVolumesSQL, args...)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if nested := strings.Join(lines, "\n"); !strings.Contains(nested, "article_regions_pkey") {
		t.Errorf("with nested loops, RegionVolumes should probe article_regions_pkey; the plan is:\n%s", nested)
	}
}
