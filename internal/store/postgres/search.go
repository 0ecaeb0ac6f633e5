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

// searchMigration is the latest migration that changes what the search
// index holds; the articles already stored are indexed in its transaction.
const searchMigration = 9

// maxLexemePositions is how many positions PostgreSQL keeps per lexeme.
const maxLexemePositions = 255

// facetLexeme is a facet term (search.Facets) as a lexeme: a word's term
// holds letters and digits only, so a facet, which starts with '=', is
// never matched by a word of a query.
func facetLexeme(term string) string { return "=" + term }

// tsvectorLiteral writes doc as tsvector input: every term with its
// positions, the title's at weight A from 1, the body's from
// search.TitleSlots+1, so a phrase never runs from title into body; then
// the facets, without positions.
func tsvectorLiteral(doc search.Document, facets search.Facets) string {
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
	for _, f := range facets.Terms() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tsQuote(facetLexeme(f)))
	}
	return b.String()
}

// searchColumns is what articles.search and articles.search_terms hold for
// an article indexed as doc with its facets.
func searchColumns(doc search.Document, facets search.Facets) (tsvector, terms string) {
	return tsvectorLiteral(doc, facets), termsText(doc)
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

// tsQuery renders a search plan and the facet terms the articles must
// hold (search.QueryFacets) as tsquery input; the plan must not be empty.
func tsQuery(plan search.Plan, facets []string) string {
	parts := make([]string, 0, len(plan.Require)+len(plan.Exclude)+len(facets))
	for _, p := range plan.Require {
		parts = append(parts, tsPart(p))
	}
	for _, p := range plan.Exclude {
		parts = append(parts, "!"+tsPart(p))
	}
	for _, f := range facets {
		parts = append(parts, tsQuote(facetLexeme(f)))
	}
	return strings.Join(parts, " & ")
}

// indexArticle (re)writes the search terms of article id: the words of
// its title and body, and its facets.
func indexArticle(ctx context.Context, tx pgx.Tx, id int64, title, body string, facets search.Facets) error {
	vector, terms := searchColumns(search.Index(title, body, facets.Lang), facets)
	if _, err := tx.Exec(ctx, `INSERT INTO article_search (article_id, search) VALUES ($1, $2::tsvector)
		ON CONFLICT (article_id) DO UPDATE SET search = excluded.search`, id, vector); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE articles SET search_terms = $2 WHERE id = $1`, id, terms); err != nil {
		return fmt.Errorf("indexing article %d for search: %w", id, err)
	}
	return nil
}

// reindexArticle rewrites the search terms of article id from what is
// stored, after a write that changed its text, language or regions.
func reindexArticle(ctx context.Context, tx pgx.Tx, id int64) error {
	var a revue.Article
	if err := tx.QueryRow(ctx, `SELECT title, text, summary, lang, source_id, section,
			ARRAY(SELECT region FROM article_regions WHERE article_id = $1 ORDER BY region)
		FROM articles WHERE id = $1`, id).
		Scan(&a.Title, &a.Text, &a.Summary, &a.Lang, &a.SourceID, &a.Section, &a.Regions); err != nil {
		return fmt.Errorf("reading article %d to index it: %w", id, err)
	}
	return indexArticle(ctx, tx, id, a.Title, search.BodyText(a),
		search.Facets{Lang: a.Lang, SourceID: a.SourceID, Section: a.Section, Regions: a.Regions})
}

// indexAllArticles indexes every stored article, for the migration that
// changes the index.
func indexAllArticles(ctx context.Context, tx pgx.Tx) error {
	const batch = 1000
	var after int64
	for {
		rows, _ := tx.Query(ctx, `SELECT id FROM articles WHERE id > $1 ORDER BY id LIMIT $2`, after, batch)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
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

// firstWindow is how many of the newest article IDs a search reads first;
// each later window is windowGrowth times the one before. A GIN index
// returns matches in no order, so finding the newest
// revue.SearchCandidates matches of a word held by a third of a million
// articles would read and sort all of them; within a window only the
// window's matches are read. A word matching one article in fifty fills
// the candidates from the first window; rarer words widen it, and the
// rarest are read whole in a few windows.
const (
	firstWindow  = 50_000
	windowGrowth = 4
)

// candidatesSQL selects, newest first, the matches passing the filters
// whose IDs are in a window (low, high] (the last three arguments: low,
// high and how many are still wanted). The filters but the dates are facet
// lexemes in the tsquery, so the GIN index answers them with the words;
// the dates need the articles.
func candidatesSQL(q revue.SearchQuery, plan search.Plan) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	from := "article_search s"
	where := []string{"s.search @@ " + arg(tsQuery(plan, search.QueryFacets(q))) + "::tsquery"}
	if !q.From.IsZero() {
		where = append(where, "a.published_at >= "+arg(micro(q.From)))
	}
	if !q.To.IsZero() {
		where = append(where, "a.published_at < "+arg(micro(q.To)))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		from += " JOIN articles a ON a.id = s.article_id"
	}
	n := len(args)
	where = append(where, "s.article_id > $"+strconv.Itoa(n+1), "s.article_id <= $"+strconv.Itoa(n+2))
	return `SELECT s.article_id FROM ` + from + `
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY s.article_id DESC LIMIT $` + strconv.Itoa(n+3), args
}

// candidates reads the newest revue.SearchCandidates matches of plan
// passing q's filters in windows of IDs newest first (see firstWindow),
// then the dates and terms of those only.
func candidates(ctx context.Context, tx pgx.Tx, q revue.SearchQuery, plan search.Plan) ([]search.Candidate, error) {
	// pgx prepares each statement once; after five runs PostgreSQL may
	// keep a generic plan, made without the tsquery, which walks a
	// window's IDs row by row whether the words are common or rare (90 ms
	// for a 50k window at 1M articles, against 20 ms planned for the
	// words). The plan must follow the words.
	if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return nil, err
	}
	var newest int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(article_id), 0) FROM article_search`).Scan(&newest); err != nil {
		return nil, err
	}
	query, args := candidatesSQL(q, plan)
	var ids []int64
	for high, size := newest, int64(firstWindow); high > 0 && len(ids) < revue.SearchCandidates; high, size = high-size, size*windowGrowth {
		rows, _ := tx.Query(ctx, query, append(args, high-size, high, revue.SearchCandidates-len(ids))...)
		window, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, err
		}
		ids = append(ids, window...)
	}
	rows, _ := tx.Query(ctx, `SELECT id, published_at, search_terms FROM articles WHERE id = ANY($1)`, ids)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (search.Candidate, error) {
		var c search.Candidate
		var published pgtype.Timestamptz
		var terms string
		err := row.Scan(&c.ID, &published, &terms)
		title, body, _ := strings.Cut(terms, "\n")
		c.PublishedAt, c.Title, c.Body = goTime(published), strings.Fields(title), strings.Fields(body)
		return c, err
	})
}

// searchPlan finds plan's candidates, ranks them (search.Rank) and reads
// the page q asks for, in one read-only snapshot.
func (s *Store) searchPlan(ctx context.Context, q revue.SearchQuery, plan search.Plan) (revue.SearchPage, error) {
	limit := clamp(q.Limit)
	var page revue.SearchPage
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		found, err := candidates(ctx, tx, q, plan)
		if err != nil {
			return err
		}
		ranked := search.Rank(plan, found, q.Now)
		ranked, page.HasMore = search.PageOf(ranked, q.Offset, limit)
		if len(ranked) == 0 {
			return nil
		}
		ids := make([]int64, len(ranked))
		for i, r := range ranked {
			ids[i] = r.ID
		}
		rows, err := tx.Query(ctx, `SELECT `+articleColumns+`
			FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		articles, err := collectArticles(rows)
		if err != nil {
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
	return search.Run(ctx, q, clamp(q.Limit), func(ctx context.Context, plan search.Plan) (revue.SearchPage, error) {
		return s.searchPlan(ctx, q, plan)
	})
}
