package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"revue"
	"revue/internal/search"
)

// searchMigration is the migration that adds articles.search; the
// articles already stored are indexed in its transaction.
const searchMigration = 7

// rankWeights are ts_rank_cd's weights for D, C, B and A: titles (A) count
// three times the body (D), as bm25's column weights do in SQLite.
const rankWeights = `'{0.333333, 0.333333, 0.333333, 1.0}'`

// maxLexemePositions is how many positions PostgreSQL keeps per lexeme.
const maxLexemePositions = 255

// tsvectorLiteral writes doc as tsvector input: every term with its
// positions, the title's at weight A from 1, the body's from
// search.TitleSlots+1, so a phrase never runs from title into body.
func tsvectorLiteral(doc search.Document) string {
	positions := map[string][]string{}
	var order []string
	add := func(term string, pos int, weight string) {
		p, seen := positions[term]
		if !seen {
			order = append(order, term)
		}
		if len(p) < maxLexemePositions {
			positions[term] = append(p, strconv.Itoa(pos)+weight)
		}
	}
	for i, term := range doc.Title {
		add(term, i+1, "A")
	}
	for i, term := range doc.Body {
		add(term, search.TitleSlots+i+1, "")
	}
	slices.Sort(order)
	var b strings.Builder
	for _, term := range order {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tsQuote(term))
		b.WriteByte(':')
		b.WriteString(strings.Join(positions[term], ","))
	}
	return b.String()
}

// tsQuote is term as a quoted tsvector or tsquery lexeme. Terms hold
// letters and digits only, but quotes and backslashes are escaped all the
// same.
func tsQuote(term string) string {
	return "'" + strings.NewReplacer(`'`, `''`, `\`, `\\`).Replace(term) + "'"
}

// tsPart renders one part of a search plan as tsquery input.
func tsPart(p search.Part) string {
	words := make([]string, 0, len(p.Words))
	for _, w := range p.Words {
		forms := make([]string, 0, len(w))
		for _, t := range w {
			forms = append(forms, tsQuote(t))
		}
		words = append(words, "("+strings.Join(forms, " | ")+")")
	}
	if p.IsPhrase() {
		// The same phrases SQLite spells out one by one: alternatives per
		// word followed by each other.
		return "(" + strings.Join(words, " <-> ") + ")"
	}
	return "(" + strings.Join(words, " & ") + ")"
}

// tsQuery renders a search plan as tsquery input; the plan must not be
// empty.
func tsQuery(plan search.Plan) string {
	parts := make([]string, 0, len(plan.Require)+len(plan.Exclude))
	for _, p := range plan.Require {
		parts = append(parts, tsPart(p))
	}
	for _, p := range plan.Exclude {
		parts = append(parts, "!"+tsPart(p))
	}
	return strings.Join(parts, " & ")
}

// indexArticle (re)writes the search terms of article id.
func indexArticle(ctx context.Context, tx pgx.Tx, id int64, title, body, lang string) error {
	if _, err := tx.Exec(ctx, `UPDATE articles SET search = $2::tsvector WHERE id = $1`,
		id, tsvectorLiteral(search.Index(title, body, lang))); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	return nil
}

// reindexArticle rewrites the search terms of article id from what is
// stored, after a write that changed its text or language.
func reindexArticle(ctx context.Context, tx pgx.Tx, id int64) error {
	var a revue.Article
	if err := tx.QueryRow(ctx, `SELECT title, text, summary, lang FROM articles WHERE id = $1`, id).
		Scan(&a.Title, &a.Text, &a.Summary, &a.Lang); err != nil {
		return fmt.Errorf("reading article %d to index it: %w", id, err)
	}
	return indexArticle(ctx, tx, id, a.Title, search.BodyText(a), a.Lang)
}

// indexAllArticles indexes every stored article, for the migration that
// adds the index.
func indexAllArticles(ctx context.Context, tx pgx.Tx) error {
	const batch = 1000
	var after int64
	for {
		rows, _ := tx.Query(ctx, `SELECT id, title, text, summary, lang FROM articles WHERE id > $1 ORDER BY id LIMIT $2`, after, batch)
		page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.Article, error) {
			var a revue.Article
			err := row.Scan(&a.ID, &a.Title, &a.Text, &a.Summary, &a.Lang)
			return a, err
		})
		if err != nil {
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

// searchSQL builds the two-phase search, as SQLite's: the newest
// SearchCandidates matches passing the filters (by ID: the planner walks
// the primary key backwards for a common word, or sorts the few matches of
// a rare one), then ranked by ts_rank_cd times the recency boost.
func searchSQL(q revue.SearchQuery, plan search.Plan, limit int) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	query := arg(tsQuery(plan)) + "::tsquery"
	from := "articles a"
	where := []string{"a.search @@ " + query}
	if q.Region != "" {
		from = "articles a JOIN article_regions r ON r.article_id = a.id AND r.region = " + arg(q.Region)
	}
	if q.Lang != "" {
		where = append(where, "a.lang = "+arg(q.Lang))
	}
	if q.SourceID != 0 {
		where = append(where, "a.source_id = "+arg(q.SourceID))
	}
	if q.Section != "" {
		where = append(where, "a.section = "+arg(q.Section))
	}
	if !q.From.IsZero() {
		where = append(where, "a.published_at >= "+arg(micro(q.From)))
	}
	if !q.To.IsZero() {
		where = append(where, "a.published_at < "+arg(micro(q.To)))
	}
	recencySeconds := strconv.FormatFloat(search.RecencyDays*24*time.Hour.Seconds(), 'f', -1, 64)
	return `WITH hits AS (
			SELECT a.id, ts_rank_cd(` + rankWeights + `, a.search, ` + query + `, 1) AS rel
			FROM ` + from + `
			WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY a.id DESC LIMIT ` + strconv.Itoa(revue.SearchCandidates) + `
		)
		SELECT ` + articleColumns + `,
			h.rel * (1 + 1 / (1 + greatest(0, extract(epoch FROM ` + arg(micro(q.Now)) + `::timestamptz - a.published_at)) / ` + recencySeconds + `))::float8 AS score
		FROM hits h JOIN articles a ON a.id = h.id JOIN sources s ON s.id = a.source_id
		ORDER BY score DESC, a.published_at DESC, a.id DESC
		LIMIT ` + arg(limit+1) + ` OFFSET ` + arg(q.Offset), args
}

// SearchArticles runs q over the search index.
func (s *Store) SearchArticles(ctx context.Context, q revue.SearchQuery) (revue.SearchPage, error) {
	plan := search.PlanQuery(q.Query)
	if plan.Empty() || q.Offset >= revue.SearchCandidates {
		return revue.SearchPage{}, nil
	}
	limit := clamp(q.Limit)
	query, args := searchSQL(q, plan, limit)
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	defer rows.Close()
	var page revue.SearchPage
	for rows.Next() {
		var score float64
		a, err := scanArticle(scoreRow{rows, &score})
		if err != nil {
			return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
		}
		page.Hits = append(page.Hits, revue.SearchHit{Article: a, Score: score})
	}
	if err := rows.Err(); err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	if len(page.Hits) > limit {
		page.Hits, page.HasMore = page.Hits[:limit], true
	}
	return page, nil
}

// scoreRow scans a row's score after the article's columns.
type scoreRow struct {
	pgx.Row
	score *float64
}

func (r scoreRow) Scan(dest ...any) error { return r.Row.Scan(append(dest, r.score)...) }
