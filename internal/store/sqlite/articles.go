package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"revue"
	"revue/internal/search"
)

const (
	defaultLimit = 50
	maxLimit     = 500
)

func clampLimit(limit int) int {
	if limit <= 0 {
		return defaultLimit
	}
	return min(limit, maxLimit)
}

// SaveArticles inserts the articles of one source that are not stored yet
// and credits those that are stored under another (source, GUID), all in
// one transaction. SQLite has one writer at a time, so the checks below and
// the writes they lead to cannot interleave with another writer's.
func (s *Store) SaveArticles(ctx context.Context, sourceID int64, articles []revue.Article, now time.Time) (revue.SaveResult, error) {
	var res revue.SaveResult
	if len(articles) == 0 {
		return res, nil
	}
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		var sourceName string
		err := tx.QueryRowContext(ctx, `SELECT name FROM sources WHERE id = ?`, sourceID).Scan(&sourceName)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no such source: %w", revue.ErrNotFound)
		}
		if err != nil {
			return err
		}
		st, err := prepareSave(ctx, tx)
		if err != nil {
			return err
		}
		defer st.close()
		if err := st.lookUp(ctx, tx, sourceID, articles); err != nil {
			return err
		}
		for _, article := range articles {
			if err := st.saveOne(ctx, sourceID, sourceName, article, now, &res); err != nil {
				return fmt.Errorf("article %s: %w", article.URL, err)
			}
		}
		return nil
	})
	if err != nil {
		return revue.SaveResult{}, fmt.Errorf("saving %d articles of source %d: %w", len(articles), sourceID, err)
	}
	return res, nil
}

// saveStatements are the statements SaveArticles runs per article, prepared
// once per batch.
type saveStatements struct {
	insertCredit                               *sql.Stmt
	insertArticle, setStory, insertRegion      *sql.Stmt
	insertImage, findImage, insertArticleImage *sql.Stmt
	insertPage, insertSearch, insertTerms      *sql.Stmt

	// What the batch's items already are, read in two queries up front
	// (SQLite's one writer keeps it true through the transaction) and kept
	// up to date as the batch is saved: the source's GUIDs stored as
	// articles or credits, and the articles holding the batch's links.
	known   map[string]bool
	holders map[string]revue.ArticleHolder
}

// lookUp reads, for the whole batch at once, which of its GUIDs the source
// has stored and which articles hold its links: two queries instead of two
// per item.
func (st *saveStatements) lookUp(ctx context.Context, tx *sql.Tx, sourceID int64, articles []revue.Article) error {
	guids := make([]string, 0, len(articles))
	links := make([]string, 0, len(articles))
	for _, a := range articles {
		guids = append(guids, a.GUID)
		if a.CanonicalURL != "" {
			links = append(links, a.CanonicalURL)
		}
	}
	guidList, err := json.Marshal(guids)
	if err != nil {
		return err
	}
	linkList, err := json.Marshal(links)
	if err != nil {
		return err
	}
	st.known = make(map[string]bool, len(articles))
	st.holders = make(map[string]revue.ArticleHolder, len(links))
	rows, err := tx.QueryContext(ctx, `SELECT guid FROM articles WHERE source_id = ?1 AND guid IN (SELECT value FROM json_each(?2))
		UNION SELECT guid FROM article_credits WHERE source_id = ?1 AND guid IN (SELECT value FROM json_each(?2))`,
		sourceID, string(guidList))
	if err != nil {
		return fmt.Errorf("looking up stored items: %w", err)
	}
	for rows.Next() {
		var guid string
		if err := rows.Scan(&guid); err != nil {
			rows.Close()
			return fmt.Errorf("looking up stored items: %w", err)
		}
		st.known[guid] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("looking up stored items: %w", err)
	}
	if len(links) == 0 {
		return nil
	}
	rows, err = tx.QueryContext(ctx, `SELECT canonical_url, id, source_id, guid, title FROM articles
		WHERE canonical_url IN (SELECT value FROM json_each(?))`, string(linkList))
	if err != nil {
		return fmt.Errorf("looking up the articles holding the links: %w", err)
	}
	for rows.Next() {
		var link string
		var h revue.ArticleHolder
		if err := rows.Scan(&link, &h.ID, &h.SourceID, &h.GUID, &h.Title); err != nil {
			rows.Close()
			return fmt.Errorf("looking up the articles holding the links: %w", err)
		}
		st.holders[link] = h
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("looking up the articles holding the links: %w", err)
	}
	return nil
}

func prepareSave(ctx context.Context, tx *sql.Tx) (*saveStatements, error) {
	st := &saveStatements{}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&st.insertCredit, `INSERT INTO article_credits (article_id, source_id, guid, url, seen_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&st.insertArticle, `INSERT INTO articles
			(source_id, guid, url, canonical_url, title, summary, content_html, text, byline, lang, section,
			 published_at, date_estimated, fetched_at, story_seq)
			VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
			ON CONFLICT DO NOTHING
			RETURNING id`},
		{&st.insertSearch, `INSERT INTO article_search (rowid, title, body, facets) VALUES (?, ?, ?, ?)`},
		{&st.insertTerms, `INSERT INTO article_terms (article_id, title, body) VALUES (?, ?, ?)`},
		{&st.insertPage, `INSERT INTO article_pages (article_id, state, next_at, published_at) VALUES (?, 'pending', ?, ?)`},
		{&st.setStory, `UPDATE articles SET story_id = id WHERE id = ?`},
		{&st.insertRegion, `INSERT INTO article_regions (article_id, region, published_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`},
		{&st.insertImage, `INSERT INTO images (url, alt, width, height) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING
			RETURNING id, status, reports, alt, width, height`},
		{&st.findImage, `SELECT id, status, reports, alt, width, height FROM images WHERE url = ?`},
		{&st.insertArticleImage, `INSERT INTO article_images (article_id, image_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`},
	} {
		stmt, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, err
		}
		*p.stmt = stmt
	}
	return st, nil
}

func (st *saveStatements) close() {
	for _, stmt := range []*sql.Stmt{st.insertCredit, st.insertArticle, st.setStory,
		st.insertRegion, st.insertImage, st.findImage, st.insertArticleImage, st.insertPage, st.insertSearch, st.insertTerms} {
		if stmt != nil {
			stmt.Close()
		}
	}
}

// saveOne stores a, credits it to the article already holding it, or skips
// it when its (source, GUID) is known, adding what it did to res.
func (st *saveStatements) saveOne(ctx context.Context, sourceID int64, sourceName string, a revue.Article, now time.Time, res *revue.SaveResult) error {
	if st.known[a.GUID] {
		return nil
	}
	if a.CanonicalURL != "" {
		holder, held := st.holders[a.CanonicalURL]
		switch {
		case !held:
		case revue.IsRepublication(holder, sourceID, a):
			credit := revue.Credit{ArticleID: holder.ID, SourceID: sourceID, SourceName: sourceName, GUID: a.GUID, URL: a.URL, SeenAt: truncate(now)}
			if _, err := st.insertCredit.ExecContext(ctx, credit.ArticleID, credit.SourceID, credit.GUID, credit.URL, micros(now)); err != nil {
				return fmt.Errorf("crediting article %d: %w", holder.ID, err)
			}
			res.Credited = append(res.Credited, credit)
			st.known[a.GUID] = true
			return nil
		default:
			// Another item of this source on the same page: its own
			// article, leaving the link to the one that holds it.
			a.CanonicalURL = ""
		}
	}

	var id int64
	err := st.insertArticle.QueryRowContext(ctx, sourceID, a.GUID, a.URL, a.CanonicalURL, a.Title, a.Summary,
		a.ContentHTML, a.Text, a.Byline, a.Lang, a.Section, micros(a.PublishedAt), a.DateEstimated, micros(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // already stored
	}
	if err != nil {
		return err
	}
	if _, err := st.setStory.ExecContext(ctx, id); err != nil {
		return err
	}
	st.known[a.GUID] = true
	if a.CanonicalURL != "" {
		st.holders[a.CanonicalURL] = revue.ArticleHolder{ID: id, SourceID: sourceID, GUID: a.GUID, Title: a.Title}
	}
	a.ID, a.StoryID, a.SourceID, a.SourceName = id, id, sourceID, sourceName
	a.PublishedAt, a.FetchedAt = truncate(a.PublishedAt), truncate(now)
	a.PageError, a.Robots = "", ""
	switch a.Page {
	case revue.PagePending:
		if _, err := st.insertPage.ExecContext(ctx, id, micros(now), micros(a.PublishedAt)); err != nil {
			return fmt.Errorf("asking for the page: %w", err)
		}
	default:
		a.Page = revue.PageNone // only the page's reading sets the others
	}

	regions := make([]string, 0, len(a.Regions))
	seenRegion := make(map[string]bool, len(a.Regions))
	for _, r := range a.Regions {
		if r == "" || seenRegion[r] {
			continue
		}
		seenRegion[r] = true
		regions = append(regions, r)
		if _, err := st.insertRegion.ExecContext(ctx, id, r, micros(a.PublishedAt)); err != nil {
			return fmt.Errorf("region %s: %w", r, err)
		}
	}
	a.Regions = regions

	doc := search.Index(a.Title, search.BodyText(a), a.Lang)
	titleTerms, bodyTerms := strings.Join(doc.Title, " "), strings.Join(doc.Body, " ")
	facets := search.Facets{Lang: a.Lang, SourceID: sourceID, Section: a.Section, Regions: regions}
	if _, err := st.insertSearch.ExecContext(ctx, id, titleTerms, bodyTerms, strings.Join(facets.Terms(), " ")); err != nil {
		return fmt.Errorf("indexing for search: %w", err)
	}
	if _, err := st.insertTerms.ExecContext(ctx, id, titleTerms, bodyTerms); err != nil {
		return fmt.Errorf("indexing for search: %w", err)
	}

	images, err := st.linkImages(ctx, id, a.Images, 0)
	if err != nil {
		return err
	}
	a.Images = images
	res.New = append(res.New, a)
	return nil
}

// linkImages stores images (or finds them, by URL: one record per URL,
// whatever its status) and links them to the article from position from
// on, returning them as stored. An image's alt text and size are kept from
// the first article that gave them.
func (st *saveStatements) linkImages(ctx context.Context, articleID int64, given []revue.Image, from int) ([]revue.Image, error) {
	images := make([]revue.Image, 0, len(given))
	seen := make(map[string]bool, len(given))
	for _, img := range given {
		if img.URL == "" || seen[img.URL] {
			continue
		}
		seen[img.URL] = true
		stored := revue.Image{URL: img.URL}
		var status string
		err := st.insertImage.QueryRowContext(ctx, img.URL, img.Alt, img.Width, img.Height).
			Scan(&stored.ID, &status, &stored.Reports, &stored.Alt, &stored.Width, &stored.Height)
		if errors.Is(err, sql.ErrNoRows) { // already known: reuse it as it is
			err = st.findImage.QueryRowContext(ctx, img.URL).
				Scan(&stored.ID, &status, &stored.Reports, &stored.Alt, &stored.Width, &stored.Height)
		}
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", img.URL, err)
		}
		stored.Status = revue.ImageStatus(status)
		linked, err := st.insertArticleImage.ExecContext(ctx, articleID, stored.ID, from+len(images))
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", img.URL, err)
		}
		if n, _ := linked.RowsAffected(); n == 0 {
			continue // the article shows it already
		}
		images = append(images, stored)
	}
	return images, nil
}

// articleColumns are read by scanArticle, in this order.
const articleColumns = `a.id, a.source_id, s.name, a.guid, a.url, COALESCE(a.canonical_url, ''), a.title, a.summary,
	a.content_html, a.text, a.byline, a.lang, a.section, a.story_id, COALESCE(a.duplicate_of, 0), COALESCE(a.story_seq, 0),
	a.published_at, a.date_estimated, a.fetched_at,
	a.robots, COALESCE((SELECT p.state || char(31) || p.error FROM article_pages p WHERE p.article_id = a.id), ''),
	s.republish`

func scanArticle(row scanner) (revue.Article, error) {
	var a revue.Article
	var published, fetched sql.NullInt64
	var page string
	err := row.Scan(&a.ID, &a.SourceID, &a.SourceName, &a.GUID, &a.URL, &a.CanonicalURL, &a.Title, &a.Summary,
		&a.ContentHTML, &a.Text, &a.Byline, &a.Lang, &a.Section, &a.StoryID, &a.DuplicateOf, &a.GroupSeq,
		&published, &a.DateEstimated, &fetched,
		&a.Robots, &page, &a.SourceRepublish)
	a.PublishedAt, a.FetchedAt = fromMicros(published), fromMicros(fetched)
	state, pageErr, _ := strings.Cut(page, "\x1f")
	a.Page, a.PageError = revue.PageState(state), pageErr
	return a, err
}

// GetArticle returns one article with its source name, regions and images.
func (s *Store) GetArticle(ctx context.Context, id int64) (revue.Article, error) {
	var a revue.Article
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+`
			FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no such article: %w", revue.ErrNotFound)
		}
		if err != nil {
			return err
		}
		articles := []revue.Article{a}
		if err := attachDetails(ctx, tx, articles); err != nil {
			return err
		}
		a = articles[0]
		return nil
	})
	if err != nil {
		return revue.Article{}, fmt.Errorf("reading article %d: %w", id, err)
	}
	return a, nil
}

// listQuery builds the keyset-paginated listing for q, fetching limit+1 rows
// to learn whether another page follows. Each filter has an index ending in
// (published_at DESC, id DESC), so SQLite walks it in order and stops after
// limit+1 rows (checked by TestFrontPageUsesIndex). A region listing is driven
// by article_regions, which carries published_at for that purpose.
func listQuery(q revue.ArticleQuery, limit int) (string, []any) {
	from := `articles a JOIN sources s ON s.id = a.source_id`
	published, id := "a.published_at", "a.id"
	// A reprint is credited by the article it reprints, not listed.
	where := []string{"a.duplicate_of IS NULL"}
	var args []any
	if q.Region != "" {
		from = `article_regions r JOIN articles a ON a.id = r.article_id JOIN sources s ON s.id = a.source_id`
		published, id = "r.published_at", "r.article_id"
		where = append(where, "r.region = ?")
		args = append(args, q.Region)
	}
	if q.Lang != "" {
		where = append(where, "a.lang = ?")
		args = append(args, q.Lang)
	}
	if len(q.Langs) > 0 {
		where = append(where, "a.lang IN (?"+strings.Repeat(", ?", len(q.Langs)-1)+")")
		for _, l := range q.Langs {
			args = append(args, l)
		}
	}
	if q.SourceID != 0 {
		where = append(where, "a.source_id = ?")
		args = append(args, q.SourceID)
	}
	if q.Section != "" {
		where = append(where, "a.section = ?")
		args = append(args, q.Section)
	}
	if q.StoryID != 0 {
		where = append(where, "a.story_id = ?")
		args = append(args, q.StoryID)
	}
	if !q.Cursor.IsZero() {
		where = append(where, "("+published+", "+id+") < (?, ?)")
		args = append(args, micros(q.Cursor.PublishedAt), q.Cursor.ID)
	}
	query := `SELECT ` + articleColumns + ` FROM ` + from + " WHERE " + strings.Join(where, " AND ")
	query += " ORDER BY " + published + " DESC, " + id + " DESC LIMIT ?"
	args = append(args, limit+1)
	return query, args
}

// ListArticles returns one page of articles, newest first.
func (s *Store) ListArticles(ctx context.Context, q revue.ArticleQuery) (revue.ArticlePage, error) {
	limit := clampLimit(q.Limit)
	query, args := listQuery(q, limit)
	var page revue.ArticlePage
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		items, err := queryArticles(ctx, tx, query, args...)
		if err != nil {
			return err
		}
		if len(items) > limit {
			items = items[:limit]
			last := items[limit-1]
			page.Next = revue.Cursor{PublishedAt: last.PublishedAt, ID: last.ID}
		}
		page.Items = items
		return attachDetails(ctx, tx, items)
	})
	if err != nil {
		return revue.ArticlePage{}, fmt.Errorf("listing articles: %w", err)
	}
	return page, nil
}

func queryArticles(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]revue.Article, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []revue.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// attachDetails fills Regions, Images and Credits of articles with three
// queries for the whole page, whatever its length.
func attachDetails(ctx context.Context, tx *sql.Tx, articles []revue.Article) error {
	if len(articles) == 0 {
		return nil
	}
	index := make(map[int64]int, len(articles))
	ids := make([]int64, len(articles))
	for i, a := range articles {
		index[a.ID] = i
		ids[i] = a.ID
	}
	idList, err := json.Marshal(ids)
	if err != nil {
		return err
	}

	rows, err := tx.QueryContext(ctx, `SELECT article_id, region FROM article_regions
		WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, region`, string(idList))
	if err != nil {
		return fmt.Errorf("reading regions: %w", err)
	}
	for rows.Next() {
		var id int64
		var region string
		if err := rows.Scan(&id, &region); err != nil {
			rows.Close()
			return fmt.Errorf("reading regions: %w", err)
		}
		a := &articles[index[id]]
		a.Regions = append(a.Regions, region)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reading regions: %w", err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT ai.article_id, i.id, i.url, i.status, i.reports, i.alt, i.width, i.height
		FROM article_images ai JOIN images i ON i.id = ai.image_id
		WHERE ai.article_id IN (SELECT value FROM json_each(?)) ORDER BY ai.article_id, ai.position`, string(idList))
	if err != nil {
		return fmt.Errorf("reading images: %w", err)
	}
	for rows.Next() {
		var id int64
		var img revue.Image
		var status string
		if err := rows.Scan(&id, &img.ID, &img.URL, &status, &img.Reports, &img.Alt, &img.Width, &img.Height); err != nil {
			rows.Close()
			return fmt.Errorf("reading images: %w", err)
		}
		img.Status = revue.ImageStatus(status)
		a := &articles[index[id]]
		a.Images = append(a.Images, img)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reading images: %w", err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT c.article_id, c.source_id, s.name, c.guid, c.url, c.seen_at
		FROM article_credits c JOIN sources s ON s.id = c.source_id
		WHERE c.article_id IN (SELECT value FROM json_each(?)) ORDER BY c.article_id, c.seen_at, c.source_id, c.guid`, string(idList))
	if err != nil {
		return fmt.Errorf("reading credits: %w", err)
	}
	for rows.Next() {
		var c revue.Credit
		var seen sql.NullInt64
		if err := rows.Scan(&c.ArticleID, &c.SourceID, &c.SourceName, &c.GUID, &c.URL, &seen); err != nil {
			rows.Close()
			return fmt.Errorf("reading credits: %w", err)
		}
		c.SeenAt = fromMicros(seen)
		a := &articles[index[c.ArticleID]]
		a.Credits = append(a.Credits, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reading credits: %w", err)
	}

	// Reprints found by grouping credit the article they reprint, after
	// the outlets that gave its very link.
	rows, err = tx.QueryContext(ctx, `SELECT d.duplicate_of, d.source_id, s.name, d.guid, d.url, d.fetched_at
		FROM articles d JOIN sources s ON s.id = d.source_id
		WHERE d.duplicate_of IN (SELECT value FROM json_each(?)) ORDER BY d.duplicate_of, d.fetched_at, d.id`, string(idList))
	if err != nil {
		return fmt.Errorf("reading reprints: %w", err)
	}
	for rows.Next() {
		var c revue.Credit
		var seen sql.NullInt64
		if err := rows.Scan(&c.ArticleID, &c.SourceID, &c.SourceName, &c.GUID, &c.URL, &seen); err != nil {
			rows.Close()
			return fmt.Errorf("reading reprints: %w", err)
		}
		c.SeenAt = fromMicros(seen)
		a := &articles[index[c.ArticleID]]
		a.Credits = append(a.Credits, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reading reprints: %w", err)
	}
	return nil
}

// tickerQuery reads only what a headline needs. Estimated dates are left
// out: an undated backlog is not news. The partial index keeps the walk in
// date order.
const tickerQuery = `SELECT a.id, a.source_id, s.name, a.title, a.url, a.lang, a.section, a.story_id, a.published_at
	FROM articles a JOIN sources s ON s.id = a.source_id
	WHERE NOT a.date_estimated AND a.duplicate_of IS NULL AND (a.published_at, a.id) < (?, ?)
	ORDER BY a.published_at DESC, a.id DESC LIMIT ?`

// Ticker returns the newest headline of each of the latest stories.
func (s *Store) Ticker(ctx context.Context, limit int) ([]revue.Article, error) {
	out, err := revue.OnePerStory(clampLimit(limit), func(after revue.Cursor, n int) ([]revue.Article, error) {
		publishedBefore, idBefore := int64(math.MaxInt64), int64(math.MaxInt64)
		if !after.IsZero() {
			publishedBefore, idBefore = micros(after.PublishedAt), after.ID
		}
		rows, err := s.read.QueryContext(ctx, tickerQuery, publishedBefore, idBefore, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var page []revue.Article
		for rows.Next() {
			var a revue.Article
			var published sql.NullInt64
			if err := rows.Scan(&a.ID, &a.SourceID, &a.SourceName, &a.Title, &a.URL, &a.Lang, &a.Section, &a.StoryID, &published); err != nil {
				return nil, err
			}
			a.PublishedAt = fromMicros(published)
			page = append(page, a)
		}
		return page, rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("reading the ticker: %w", err)
	}
	return out, nil
}

// ArticlesAfter returns articles with an ID above afterID in insertion
// order. IDs are never reused (AUTOINCREMENT), so a reader polling with the
// last ID it saw misses nothing.
func (s *Store) ArticlesAfter(ctx context.Context, afterID int64, limit int) ([]revue.Article, error) {
	var out []revue.Article
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryArticles(ctx, tx, `SELECT `+articleColumns+`
			FROM articles a JOIN sources s ON s.id = a.source_id
			WHERE a.id > ? ORDER BY a.id LIMIT ?`, afterID, clampLimit(limit))
		if err != nil {
			return err
		}
		return attachDetails(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("reading articles after %d: %w", afterID, err)
	}
	return out, nil
}

// LatestArticleID returns the highest article ID, 0 when there is none.
func (s *Store) LatestArticleID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM articles`).Scan(&id); err != nil {
		return 0, fmt.Errorf("reading the latest article ID: %w", err)
	}
	return id, nil
}
