package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
	"revue/internal/search"
)

// searchMigration is the migration that adds articles.search; the
// articles already stored are indexed in its transaction.
const searchMigration = 7

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

// searchColumns is what articles.search and articles.search_terms hold for doc.
func searchColumns(doc search.Document) (tsvector, terms string) {
	return tsvectorLiteral(doc), termsText(doc)
}

// termsText is doc as articles.search_terms holds it.
func termsText(doc search.Document) string {
	return strings.Join(doc.Title, " ") + "\n" + strings.Join(doc.Body, " ")
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
	if p.Any {
		return "(" + strings.Join(words, " | ") + ")"
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
	vector, terms := searchColumns(search.Index(title, body, lang))
	if _, err := tx.Exec(ctx, `UPDATE articles SET search = $2::tsvector, search_terms = $3 WHERE id = $1`,
		id, vector, terms); err != nil {
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

// candidatesSQL selects the newest SearchCandidates matches passing the
// filters, with their terms (as SQLite's): the planner walks the primary
// key backwards for a common word, or sorts the few matches of a rare one.
func candidatesSQL(q revue.SearchQuery, plan search.Plan) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	from := "articles a"
	where := []string{"a.search @@ " + arg(tsQuery(plan)) + "::tsquery"}
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
	return `SELECT a.id, a.published_at, a.search_terms FROM ` + from + `
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY a.id DESC LIMIT ` + strconv.Itoa(revue.SearchCandidates), args
}

// searchPlan finds plan's candidates, ranks them (search.Rank) and reads
// the page q asks for.
func (s *Store) searchPlan(ctx context.Context, q revue.SearchQuery, plan search.Plan) (revue.SearchPage, error) {
	limit := clamp(q.Limit)
	query, args := candidatesSQL(q, plan)
	rows, _ := s.pool.Query(ctx, query, args...)
	candidates, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (search.Candidate, error) {
		var c search.Candidate
		var published pgtype.Timestamptz
		var terms string
		err := row.Scan(&c.ID, &published, &terms)
		title, body, _ := strings.Cut(terms, "\n")
		c.PublishedAt, c.Title, c.Body = goTime(published), strings.Fields(title), strings.Fields(body)
		return c, err
	})
	if err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	var page revue.SearchPage
	ranked := search.Rank(plan, candidates, q.Now)
	if q.Offset >= len(ranked) {
		return page, nil
	}
	ranked = ranked[q.Offset:]
	if len(ranked) > limit {
		ranked, page.HasMore = ranked[:limit], true
	}
	ids := make([]int64, len(ranked))
	for i, r := range ranked {
		ids[i] = r.ID
	}
	rows, err = s.pool.Query(ctx, `SELECT `+articleColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	articles, err := collectArticles(rows)
	if err != nil {
		return revue.SearchPage{}, fmt.Errorf("searching articles: %w", err)
	}
	byID := make(map[int64]revue.Article, len(articles))
	for _, a := range articles {
		byID[a.ID] = a
	}
	for _, r := range ranked {
		page.Hits = append(page.Hits, revue.SearchHit{Article: byID[r.ID], Score: r.Score})
	}
	return page, nil
}

// SearchArticles runs q over the search index. A first page that all the
// words fill too little is completed with articles matching some of them
// (search.Plan.Relaxed), ranked after; later pages hold only articles
// with all the words.
func (s *Store) SearchArticles(ctx context.Context, q revue.SearchQuery) (revue.SearchPage, error) {
	plan := search.PlanQuery(q.Query)
	if plan.Empty() || q.Offset >= revue.SearchCandidates {
		return revue.SearchPage{}, nil
	}
	page, err := s.searchPlan(ctx, q, plan)
	if err != nil {
		return revue.SearchPage{}, err
	}
	limit := clamp(q.Limit)
	if relaxed, ok := plan.Relaxed(); ok && q.Offset == 0 && len(page.Hits) < limit {
		more, err := s.searchPlan(ctx, q, relaxed)
		if err != nil {
			return revue.SearchPage{}, err
		}
		page.Hits = search.Complete(page.Hits, more.Hits, limit, func(h revue.SearchHit) int64 { return h.Article.ID })
	}
	return page, nil
}
