package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"revue"
	"revue/internal/search"
)

// searchMigration is the latest migration that (re)creates article_search;
// the articles already stored are indexed in its transaction.
const searchMigration = 8

// indexArticle (re)writes the search terms of article id: the words of
// its title and body, and its facets.
func indexArticle(ctx context.Context, tx *sql.Tx, id int64, title, body string, facets search.Facets) error {
	doc := search.Index(title, body, facets.Lang)
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	titleTerms, bodyTerms := strings.Join(doc.Title, " "), strings.Join(doc.Body, " ")
	if _, err := tx.ExecContext(ctx, `INSERT INTO article_search (rowid, title, body, facets) VALUES (?, ?, ?, ?)`,
		id, titleTerms, bodyTerms, strings.Join(facets.Terms(), " ")); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO article_terms (article_id, title, body) VALUES (?1, ?2, ?3)
		ON CONFLICT (article_id) DO UPDATE SET title = ?2, body = ?3`, id, titleTerms, bodyTerms); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	return nil
}

// reindexArticle rewrites the search terms of article id from what is
// stored, after a write that changed its text, language or regions.
func reindexArticle(ctx context.Context, tx *sql.Tx, id int64) error {
	var title, text, summary string
	var facets search.Facets
	err := tx.QueryRowContext(ctx, `SELECT title, text, summary, lang, source_id, section FROM articles WHERE id = ?`, id).
		Scan(&title, &text, &summary, &facets.Lang, &facets.SourceID, &facets.Section)
	if err != nil {
		return fmt.Errorf("reading article %d to index it: %w", id, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT region FROM article_regions WHERE article_id = ? ORDER BY region`, id)
	if err != nil {
		return fmt.Errorf("reading article %d to index it: %w", id, err)
	}
	for rows.Next() {
		var region string
		if err := rows.Scan(&region); err != nil {
			rows.Close()
			return fmt.Errorf("reading article %d to index it: %w", id, err)
		}
		facets.Regions = append(facets.Regions, region)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reading article %d to index it: %w", id, err)
	}
	return indexArticle(ctx, tx, id, title, search.BodyText(revue.Article{Text: text, Summary: summary}), facets)
}

// indexAllArticles indexes every stored article, for the migration that
// creates the index. The IDs are read first: SQLite's one connection
// cannot write while a query on it is still open.
func indexAllArticles(ctx context.Context, tx *sql.Tx) error {
	const batch = 1000
	var after int64
	for {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
		if err != nil {
			return fmt.Errorf("reading articles to index them: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("reading articles to index them: %w", err)
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("reading articles to index them: %w", err)
		}
		for _, id := range ids {
			if err := reindexArticle(ctx, tx, id); err != nil {
				return err
			}
		}
		if len(ids) < batch {
			return nil
		}
		after = ids[len(ids)-1]
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
	if p.Any {
		return "(" + strings.Join(words, " OR ") + ")"
	}
	return "(" + strings.Join(words, " AND ") + ")"
}

// ftsMatch renders a search plan and the facet terms the articles must
// hold (search.QueryFacets) as an FTS5 MATCH expression; the plan must not
// be empty.
func ftsMatch(plan search.Plan, facets []string) string {
	required := make([]string, 0, len(plan.Require))
	for _, p := range plan.Require {
		required = append(required, ftsPart(p))
	}
	expr := "(" + strings.Join(required, " AND ") + ")"
	for _, p := range plan.Exclude {
		expr += " NOT " + ftsPart(p)
	}
	// The words are looked for in the title and body only: a word is never
	// matched against the facets.
	expr = "{title body} : (" + expr + ")"
	for _, f := range facets {
		expr += " AND facets : " + ftsQuote(f)
	}
	return expr
}

// candidatesSQL selects the newest SearchCandidates matches passing the
// filters, with their terms: FTS5 walks its index backwards by rowid and
// stops there, so a common word or a phrase of common words costs about
// what a rare word does. The filters but the dates are facet terms in the
// match itself, so a filter that few articles pass does not make the walk
// read many matches of the words to find enough that pass it. No bm25():
// it counts the articles holding each term or phrase over the whole index
// on every query.
func candidatesSQL(q revue.SearchQuery, plan search.Plan) (string, []any) {
	var where []string
	args := []any{ftsMatch(plan, search.QueryFacets(q))}
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
	return `SELECT a.id, a.published_at, t.title, t.body
		FROM article_search JOIN articles a ON a.id = article_search.rowid
		JOIN article_terms t ON t.article_id = a.id
		WHERE article_search MATCH ?` + filters + `
		ORDER BY article_search.rowid DESC LIMIT ` + fmt.Sprint(revue.SearchCandidates), args
}

// searchPlan finds plan's candidates, ranks them (search.Rank) and reads
// the page q asks for.
func (s *Store) searchPlan(ctx context.Context, q revue.SearchQuery, plan search.Plan) (revue.SearchPage, error) {
	limit := clampLimit(q.Limit)
	query, args := candidatesSQL(q, plan)
	var page revue.SearchPage
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		var candidates []search.Candidate
		for rows.Next() {
			var c search.Candidate
			var published sql.NullInt64
			var title, body string
			if err := rows.Scan(&c.ID, &published, &title, &body); err != nil {
				rows.Close()
				return err
			}
			c.PublishedAt, c.Title, c.Body = fromMicros(published), strings.Fields(title), strings.Fields(body)
			candidates = append(candidates, c)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		ranked := search.Rank(plan, candidates, q.Now)
		ranked, page.HasMore = search.PageOf(ranked, q.Offset, limit)
		if len(ranked) == 0 {
			return nil
		}
		ids := make([]int64, len(ranked))
		for i, r := range ranked {
			ids[i] = r.ID
		}
		idList, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		articles, err := queryArticles(ctx, tx, `SELECT `+articleColumns+`
			FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN (SELECT value FROM json_each(?))`, string(idList))
		if err != nil {
			return err
		}
		if err := attachDetails(ctx, tx, articles); err != nil {
			return err
		}
		page.Hits = search.Hits(ranked, articles)
		return nil
	})
	if err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	return page, nil
}

// SearchArticles runs q over the search index (search.Run). A first page that all the
// words fill too little is completed with articles matching some of them
// (search.Plan.Relaxed), ranked after; later pages hold only articles
// with all the words.
func (s *Store) SearchArticles(ctx context.Context, q revue.SearchQuery) (revue.SearchPage, error) {
	return search.Run(ctx, q, clampLimit(q.Limit), func(ctx context.Context, plan search.Plan) (revue.SearchPage, error) {
		return s.searchPlan(ctx, q, plan)
	})
}
