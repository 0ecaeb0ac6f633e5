package sqlite

import (
	"context"
	"database/sql"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"revue"
)

// queryPlan returns SQLite's EXPLAIN QUERY PLAN for query, one step a line.
func queryPlan(ctx context.Context, db *sql.DB, query string, args ...any) (string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n"), rows.Err()
}

// planCase is a listing that must walk an index in order: the plan names
// the index and never sorts in a temporary B-tree (which would read every
// matching row to return 50).
type planCase struct {
	name  string
	query string
	args  []any
	index string
}

func planCases() []planCase {
	cursor := revue.Cursor{PublishedAt: time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC), ID: 1000}
	list := func(name string, q revue.ArticleQuery, index string) planCase {
		query, args := listQuery(q, 50)
		return planCase{name, query, args, index}
	}
	return []planCase{
		list("front page", revue.ArticleQuery{}, "articles_published"),
		list("front page, next page", revue.ArticleQuery{Cursor: cursor}, "articles_published"),
		{"ticker", tickerQuery, []any{int64(math.MaxInt64), int64(math.MaxInt64), 50}, "articles_published"},
		{"ticker, next batch", tickerQuery, []any{cursor.PublishedAt.UnixMicro(), cursor.ID, 50}, "articles_published"},
		list("language", revue.ArticleQuery{Lang: "ar", Cursor: cursor}, "articles_lang"),
		list("source", revue.ArticleQuery{SourceID: 7, Cursor: cursor}, "articles_source"),
		list("section", revue.ArticleQuery{Section: "economie", Cursor: cursor}, "articles_section"),
		list("story", revue.ArticleQuery{StoryID: 42}, "articles_story_published"),
		list("region", revue.ArticleQuery{Region: "oriental", Cursor: cursor}, "article_regions_region"),
	}
}

func checkPlan(t testing.TB, db *sql.DB, tc planCase) {
	t.Helper()
	plan, err := queryPlan(context.Background(), db, tc.query, tc.args...)
	if err != nil {
		t.Fatalf("%s: EXPLAIN QUERY PLAN: %v", tc.name, err)
	}
	usesIndex := regexp.MustCompile(`INDEX ` + regexp.QuoteMeta(tc.index) + `\b`)
	if !usesIndex.MatchString(plan) || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("%s: the plan should walk index %s in order, without a temporary B-tree; it is:\n%s", tc.name, tc.index, plan)
	}
}

func TestFrontPageUsesIndex(t *testing.T) {
	s := openTemp(t)
	for _, tc := range planCases() {
		checkPlan(t, s.read, tc)
	}
}
