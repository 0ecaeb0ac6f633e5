package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"revue"
	"revue/internal/search"
)

// searchMigration is the migration that creates article_search; the
// articles already stored are indexed in its transaction.
const searchMigration = 6

// titleWeight is how much more a match in the title counts than one in the
// body (bm25's column weights). PostgreSQL gives titles the same weight.
const titleWeight = 3.0

// indexArticle (re)writes the search terms of article id.
func indexArticle(ctx context.Context, tx *sql.Tx, id int64, title, body, lang string) error {
	doc := search.Index(title, body, lang)
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)`,
		id, strings.Join(doc.Title, " "), strings.Join(doc.Body, " ")); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	return nil
}

// reindexArticle rewrites the search terms of article id from what is
// stored, after a write that changed its text or language.
func reindexArticle(ctx context.Context, tx *sql.Tx, id int64) error {
	var title, text, summary, lang string
	err := tx.QueryRowContext(ctx, `SELECT title, text, summary, lang FROM articles WHERE id = ?`, id).
		Scan(&title, &text, &summary, &lang)
	if err != nil {
		return fmt.Errorf("reading article %d to index it: %w", id, err)
	}
	return indexArticle(ctx, tx, id, title, search.BodyText(revue.Article{Text: text, Summary: summary}), lang)
}

// indexAllArticles indexes every stored article, for the migration that
// creates the index. The rows are read first: SQLite's one connection
// cannot write while a query on it is still open.
func indexAllArticles(ctx context.Context, tx *sql.Tx) error {
	const batch = 1000
	var after int64
	for {
		rows, err := tx.QueryContext(ctx, `SELECT id, title, text, summary, lang FROM articles WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
		if err != nil {
			return fmt.Errorf("reading articles to index them: %w", err)
		}
		var page []revue.Article
		for rows.Next() {
			var a revue.Article
			if err := rows.Scan(&a.ID, &a.Title, &a.Text, &a.Summary, &a.Lang); err != nil {
				rows.Close()
				return fmt.Errorf("reading articles to index them: %w", err)
			}
			page = append(page, a)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("reading articles to index them: %w", err)
		}
		for _, a := range page {
			if err := indexArticle(ctx, tx, a.ID, a.Title, search.BodyText(a), a.Lang); err != nil {
				return err
			}
		}
		if len(page) < batch {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// ftsQuote is term as an FTS5 string. Terms hold letters and digits only,
// but a quote is doubled all the same.
func ftsQuote(term string) string {
	return `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
}

// ftsPart renders one part of a search plan as an FTS5 expression.
func ftsPart(p search.Part) string {
	var alts []string
	if p.IsPhrase() {
		for _, phrase := range p.Phrases {
			// A quoted string of several terms is an FTS5 phrase: the
			// ascii tokenizer splits it at the spaces.
			alts = append(alts, ftsQuote(strings.Join(phrase, " ")))
		}
		return "(" + strings.Join(alts, " OR ") + ")"
	}
	words := make([]string, 0, len(p.Words))
	for _, w := range p.Words {
		forms := make([]string, 0, len(w))
		for _, t := range w {
			forms = append(forms, ftsQuote(t))
		}
		words = append(words, "("+strings.Join(forms, " OR ")+")")
	}
	return "(" + strings.Join(words, " AND ") + ")"
}

// ftsMatch renders a search plan as an FTS5 MATCH expression; the plan
// must not be empty.
func ftsMatch(plan search.Plan) string {
	required := make([]string, 0, len(plan.Require))
	for _, p := range plan.Require {
		required = append(required, ftsPart(p))
	}
	expr := "(" + strings.Join(required, " AND ") + ")"
	for _, p := range plan.Exclude {
		expr += " NOT " + ftsPart(p)
	}
	return expr
}

// searchSQL builds the two-phase search: the newest SearchCandidates
// matches passing the filters are taken in rowid order (FTS5 walks its
// index backwards and stops there, so a common word costs no more than a
// rare one), then ranked by bm25 times the recency boost.
func searchSQL(q revue.SearchQuery, plan search.Plan, limit int) (string, []any) {
	var joins, where []string
	args := []any{ftsMatch(plan)}
	if q.Region != "" {
		joins = append(joins, "JOIN article_regions r ON r.article_id = a.id AND r.region = ?")
		args = append([]any{q.Region}, args...) // the join's parameter comes first
	}
	if q.Lang != "" {
		where = append(where, "a.lang = ?")
		args = append(args, q.Lang)
	}
	if q.SourceID != 0 {
		where = append(where, "a.source_id = ?")
		args = append(args, q.SourceID)
	}
	if q.Section != "" {
		where = append(where, "a.section = ?")
		args = append(args, q.Section)
	}
	if !q.From.IsZero() {
		where = append(where, "a.published_at >= ?")
		args = append(args, micros(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, "a.published_at < ?")
		args = append(args, micros(q.To))
	}
	filters := ""
	if len(where) > 0 {
		filters = " AND " + strings.Join(where, " AND ")
	}
	query := `WITH hits AS (
		SELECT article_search.rowid AS id, bm25(article_search, ` + fmt.Sprint(titleWeight) + `, 1.0) AS rank
		FROM article_search JOIN articles a ON a.id = article_search.rowid ` + strings.Join(joins, " ") + `
		WHERE article_search MATCH ?` + filters + `
		ORDER BY article_search.rowid DESC LIMIT ` + fmt.Sprint(revue.SearchCandidates) + `
	)
	SELECT ` + articleColumns + `,
		-h.rank * (1 + 1 / (1 + max(0, ? - a.published_at) / ` + fmt.Sprint(int64(search.RecencyDays*24*float64(time.Hour/time.Microsecond))) + `.0)) AS score
	FROM hits h JOIN articles a ON a.id = h.id JOIN sources s ON s.id = a.source_id
	ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`
	args = append(args, micros(q.Now), limit+1, q.Offset)
	return query, args
}

// SearchArticles runs q over the search index.
func (s *Store) SearchArticles(ctx context.Context, q revue.SearchQuery) (revue.SearchPage, error) {
	plan := search.PlanQuery(q.Query)
	if plan.Empty() || q.Offset >= revue.SearchCandidates {
		return revue.SearchPage{}, nil
	}
	limit := clampLimit(q.Limit)
	query, args := searchSQL(q, plan, limit)
	var page revue.SearchPage
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		var articles []revue.Article
		var scores []float64
		for rows.Next() {
			var score float64
			a, err := scanArticle(scannerFunc(func(dest ...any) error { return rows.Scan(append(dest, &score)...) }))
			if err != nil {
				rows.Close()
				return err
			}
			articles = append(articles, a)
			scores = append(scores, score)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if len(articles) > limit {
			articles, page.HasMore = articles[:limit], true
		}
		if err := attachDetails(ctx, tx, articles); err != nil {
			return err
		}
		for i, a := range articles {
			page.Hits = append(page.Hits, revue.SearchHit{Article: a, Score: scores[i]})
		}
		return nil
	})
	if err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	return page, nil
}

// scannerFunc lets a row's extra columns be scanned after an article's.
type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }
