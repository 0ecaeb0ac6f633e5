package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
)

// articlesChannel is the NOTIFY channel that tells other processes new
// articles were committed; the payload is the highest new article ID.
const articlesChannel = "revue_articles"

// insertArticle inserts one article or nothing when either unique key
// (source_id, guid) or canonical_url is taken: ON CONFLICT without a target
// covers both. The ID is drawn beforehand so story_id starts as the
// article's own ID.
const insertArticle = `INSERT INTO articles (id, story_id, source_id, guid, url, canonical_url,
		title, summary, content_html, byline, lang, section, published_at, fetched_at)
	VALUES ($1, $1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10, $11, $12, $13)
	ON CONFLICT DO NOTHING
	RETURNING id`

// SaveArticles stores the new articles of one source in one transaction and
// returns those really inserted, with IDs, StoryID and Images filled.
func (s *Store) SaveArticles(ctx context.Context, sourceID int64, articles []revue.Article, now time.Time) ([]revue.Article, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	var saved []revue.Article
	err := withRetry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			saved, err = saveArticles(ctx, tx, sourceID, articles, micro(now))
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("saving %d articles of source %d: %w", len(articles), sourceID, err)
	}
	return saved, nil
}

func saveArticles(ctx context.Context, tx pgx.Tx, sourceID int64, articles []revue.Article, now time.Time) ([]revue.Article, error) {
	// Round trip 1: the source's name and which articles are already
	// stored. Most items of a feed are, on every fetch after the first;
	// leaving them out here keeps the ID sequence from racing ahead of the
	// articles (a default is drawn even for a row ON CONFLICT skips), which
	// keeps live readers' look-back window meaningful.
	guids := make([]string, 0, len(articles))
	canonicals := make([]string, 0, len(articles))
	for _, a := range articles {
		guids = append(guids, a.GUID)
		if a.CanonicalURL != "" {
			canonicals = append(canonicals, a.CanonicalURL)
		}
	}
	batch := &pgx.Batch{}
	batch.Queue("SELECT name FROM sources WHERE id = $1", sourceID)
	batch.Queue(`SELECT guid, COALESCE(canonical_url, '') FROM articles
		WHERE (source_id = $1 AND guid = ANY($2)) OR canonical_url = ANY($3)`, sourceID, guids, canonicals)
	results := tx.SendBatch(ctx, batch)
	var sourceName string
	err := results.QueryRow().Scan(&sourceName)
	if errors.Is(err, pgx.ErrNoRows) {
		results.Close()
		return nil, fmt.Errorf("source %d: %w", sourceID, revue.ErrNotFound)
	}
	if err != nil {
		results.Close()
		return nil, fmt.Errorf("reading source %d: %w", sourceID, err)
	}
	knownGUID, knownURL := map[string]bool{}, map[string]bool{}
	rows, _ := results.Query()
	var guid, canonical string
	_, err = pgx.ForEachRow(rows, []any{&guid, &canonical}, func() error {
		knownGUID[guid], knownURL[canonical] = true, true
		return nil
	})
	if err == nil {
		err = results.Close()
	}
	if err != nil {
		results.Close()
		return nil, fmt.Errorf("looking up stored articles of source %d: %w", sourceID, err)
	}
	fresh := articles[:0:0]
	for _, a := range articles {
		if !knownGUID[a.GUID] && (a.CanonicalURL == "" || !knownURL[a.CanonicalURL]) {
			fresh = append(fresh, a)
		}
	}
	articles = fresh
	if len(articles) == 0 {
		return nil, nil
	}

	// Round trip 2: one ID per remaining article, drawn in the given order
	// so IDs follow the feed.
	rows, _ = tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, $1)", len(articles))
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("drawing article IDs: %w", err)
	}
	slices.Sort(ids)

	// Round trip 3: every insert at once, in canonical URL order: writers
	// racing on the same articles then wait on each other in one order and
	// do not deadlock.
	order := make([]int, len(articles))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(strings.Compare(articles[x].CanonicalURL, articles[y].CanonicalURL),
			strings.Compare(articles[x].GUID, articles[y].GUID), x-y)
	})
	batch = &pgx.Batch{}
	for _, i := range order {
		a := articles[i]
		batch.Queue(insertArticle, ids[i], sourceID, a.GUID, a.URL, a.CanonicalURL, a.Title, a.Summary,
			a.ContentHTML, a.Byline, a.Lang, a.Section, micro(a.PublishedAt), now)
	}
	results = tx.SendBatch(ctx, batch)
	inserted := make([]bool, len(articles))
	for _, i := range order {
		var id int64
		err := results.QueryRow().Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // already stored
		}
		if err != nil {
			results.Close()
			return nil, fmt.Errorf("inserting article %s: %w", articles[i].URL, err)
		}
		inserted[i] = true
	}
	var saved []revue.Article
	for i, a := range articles {
		if !inserted[i] {
			continue
		}
		a.ID, a.StoryID, a.SourceID, a.SourceName = ids[i], ids[i], sourceID, sourceName
		a.PublishedAt, a.FetchedAt = micro(a.PublishedAt), now
		a.Regions = uniqueRegions(a.Regions)
		saved = append(saved, a)
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("inserting articles: %w", err)
	}
	if len(saved) == 0 {
		return nil, nil
	}

	// Round trip 4: images. DO NOTHING (rather than an upsert) takes no lock
	// on existing images, so writers sharing images never wait on each other.
	var urls []string
	for _, a := range saved {
		for _, img := range a.Images {
			if img.URL != "" {
				urls = append(urls, img.URL)
			}
		}
	}
	slices.Sort(urls)
	urls = slices.Compact(urls)
	images := map[string]revue.Image{}
	if len(urls) > 0 {
		batch = &pgx.Batch{}
		batch.Queue(`INSERT INTO images (url) SELECT u FROM unnest($1::text[]) AS u ORDER BY u
			ON CONFLICT (url) DO NOTHING`, urls)
		batch.Queue(`SELECT id, url, status, reports FROM images WHERE url = ANY($1)`, urls)
		results = tx.SendBatch(ctx, batch)
		if _, err := results.Exec(); err != nil {
			results.Close()
			return nil, fmt.Errorf("storing %d images: %w", len(urls), err)
		}
		rows, err := results.Query()
		for err == nil && rows.Next() {
			var img revue.Image
			err = rows.Scan(&img.ID, &img.URL, &img.Status, &img.Reports)
			images[img.URL] = img
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			results.Close()
			return nil, fmt.Errorf("reading back %d images: %w", len(urls), err)
		}
		if err := results.Close(); err != nil {
			return nil, fmt.Errorf("storing images: %w", err)
		}
	}

	// Round trip 5: links, regions, and the notification (sent on commit).
	var linkArticle, linkImage []int64
	var linkPosition []int32
	var regionArticle []int64
	var regionName []string
	maxID := int64(0)
	for i := range saved {
		a := &saved[i]
		maxID = max(maxID, a.ID)
		kept := make([]revue.Image, 0, len(a.Images))
		for _, img := range a.Images {
			stored, ok := images[img.URL]
			if !ok || slices.ContainsFunc(kept, func(k revue.Image) bool { return k.ID == stored.ID }) {
				continue
			}
			linkArticle = append(linkArticle, a.ID)
			linkImage = append(linkImage, stored.ID)
			linkPosition = append(linkPosition, int32(len(kept)))
			kept = append(kept, stored)
		}
		a.Images = kept
		for _, region := range a.Regions {
			regionArticle = append(regionArticle, a.ID)
			regionName = append(regionName, region)
		}
	}
	batch = &pgx.Batch{}
	if len(linkArticle) > 0 {
		batch.Queue(`INSERT INTO article_images (article_id, image_id, position)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[])`, linkArticle, linkImage, linkPosition)
	}
	if len(regionArticle) > 0 {
		batch.Queue(`INSERT INTO article_regions (article_id, region)
			SELECT * FROM unnest($1::bigint[], $2::text[])`, regionArticle, regionName)
	}
	batch.Queue("SELECT pg_notify($1, $2)", articlesChannel, strconv.FormatInt(maxID, 10))
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("linking images and regions: %w", err)
	}
	return saved, nil
}

// uniqueRegions drops empty and repeated regions, keeping the given order.
func uniqueRegions(regions []string) []string {
	out := make([]string, 0, len(regions))
	for _, r := range regions {
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// articleColumns lists, in scanArticle's order, an article a joined with its
// source s, its regions and its images (as JSON, in position order).
const articleColumns = `a.id, a.source_id, s.name, a.guid, a.url, COALESCE(a.canonical_url, ''),
	a.title, a.summary, a.content_html, a.byline, a.lang, a.section, a.story_id,
	a.published_at, a.fetched_at,
	ARRAY(SELECT r.region FROM article_regions r WHERE r.article_id = a.id ORDER BY r.region),
	(SELECT json_agg(json_build_object('id', i.id, 'url', i.url, 'status', i.status, 'reports', i.reports)
		ORDER BY ai.position)
	 FROM article_images ai JOIN images i ON i.id = ai.image_id WHERE ai.article_id = a.id)`

func scanArticle(row pgx.Row) (revue.Article, error) {
	var (
		a                  revue.Article
		published, fetched pgtype.Timestamptz
		regions            []string
		imagesJSON         []byte
	)
	err := row.Scan(&a.ID, &a.SourceID, &a.SourceName, &a.GUID, &a.URL, &a.CanonicalURL,
		&a.Title, &a.Summary, &a.ContentHTML, &a.Byline, &a.Lang, &a.Section, &a.StoryID,
		&published, &fetched, &regions, &imagesJSON)
	if err != nil {
		return revue.Article{}, err
	}
	a.PublishedAt, a.FetchedAt = goTime(published), goTime(fetched)
	if len(regions) > 0 {
		a.Regions = regions
	}
	if len(imagesJSON) > 0 {
		if err := json.Unmarshal(imagesJSON, &a.Images); err != nil {
			return revue.Article{}, fmt.Errorf("decoding the images of article %d: %w", a.ID, err)
		}
	}
	return a, nil
}

func collectArticles(rows pgx.Rows) ([]revue.Article, error) {
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

// GetArticle returns one article with its source name, regions and images.
func (s *Store) GetArticle(ctx context.Context, id int64) (revue.Article, error) {
	a, err := scanArticle(s.pool.QueryRow(ctx, `SELECT `+articleColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return revue.Article{}, fmt.Errorf("article %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Article{}, fmt.Errorf("reading article %d: %w", id, err)
	}
	return a, nil
}

// ListArticles returns one page, newest first, by keyset pagination on
// (published_at, id): each filter has an index that ends in that order.
func (s *Store) ListArticles(ctx context.Context, q revue.ArticleQuery) (revue.ArticlePage, error) {
	limit := clamp(q.Limit)
	query, args := listArticlesSQL(q, limit)
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return revue.ArticlePage{}, fmt.Errorf("listing articles: %w", err)
	}
	items, err := collectArticles(rows)
	if err != nil {
		return revue.ArticlePage{}, fmt.Errorf("listing articles: %w", err)
	}
	page := revue.ArticlePage{Items: items}
	if len(items) > limit {
		last := items[limit-1]
		page.Items = items[:limit]
		page.Next = revue.Cursor{PublishedAt: last.PublishedAt, ID: last.ID}
	}
	return page, nil
}

// listArticlesSQL builds the listing query; it asks for limit+1 rows so the
// caller knows whether another page follows.
func listArticlesSQL(q revue.ArticleQuery, limit int) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
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
	if q.StoryID != 0 {
		where = append(where, "a.story_id = "+arg(q.StoryID))
	}
	if q.Region != "" {
		where = append(where, "EXISTS (SELECT 1 FROM article_regions r WHERE r.article_id = a.id AND r.region = "+arg(q.Region)+")")
	}
	if !q.Cursor.IsZero() {
		where = append(where, fmt.Sprintf("(a.published_at, a.id) < (%s, %s)", arg(micro(q.Cursor.PublishedAt)), arg(q.Cursor.ID)))
	}
	filter := ""
	if len(where) > 0 {
		filter = "WHERE " + strings.Join(where, " AND ")
	}
	// The page is chosen first so regions and images are looked up for its
	// rows only.
	return `SELECT ` + articleColumns + `
		FROM (SELECT * FROM articles a ` + filter + `
			ORDER BY a.published_at DESC, a.id DESC LIMIT ` + arg(limit+1) + `) a
		JOIN sources s ON s.id = a.source_id
		ORDER BY a.published_at DESC, a.id DESC`, args
}

const tickerSQL = `SELECT a.id, a.source_id, s.name, a.title, a.url, a.lang,
		a.section, a.story_id, a.published_at
	FROM (SELECT id, source_id, title, url, lang, section, story_id, published_at FROM articles
		ORDER BY published_at DESC, id DESC LIMIT $1) a
	JOIN sources s ON s.id = a.source_id
	ORDER BY a.published_at DESC, a.id DESC`

// Ticker returns the newest headlines with light columns only.
func (s *Store) Ticker(ctx context.Context, limit int) ([]revue.Article, error) {
	rows, err := s.pool.Query(ctx, tickerSQL, clamp(limit))
	if err != nil {
		return nil, fmt.Errorf("reading the ticker: %w", err)
	}
	defer rows.Close()
	var out []revue.Article
	for rows.Next() {
		var a revue.Article
		var published pgtype.Timestamptz
		if err := rows.Scan(&a.ID, &a.SourceID, &a.SourceName, &a.Title, &a.URL, &a.Lang,
			&a.Section, &a.StoryID, &published); err != nil {
			return nil, fmt.Errorf("reading the ticker: %w", err)
		}
		a.PublishedAt = goTime(published)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the ticker: %w", err)
	}
	return out, nil
}

// ArticlesAfter returns articles with an ID above afterID, in ID order.
func (s *Store) ArticlesAfter(ctx context.Context, afterID int64, limit int) ([]revue.Article, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+articleColumns+`
		FROM (SELECT * FROM articles WHERE id > $1 ORDER BY id LIMIT $2) a
		JOIN sources s ON s.id = a.source_id
		ORDER BY a.id`, afterID, clamp(limit))
	if err != nil {
		return nil, fmt.Errorf("reading articles after %d: %w", afterID, err)
	}
	items, err := collectArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("reading articles after %d: %w", afterID, err)
	}
	return items, nil
}

// LatestArticleID is the highest article ID, 0 when there is none.
func (s *Store) LatestArticleID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.pool.QueryRow(ctx, "SELECT COALESCE(max(id), 0) FROM articles").Scan(&id); err != nil {
		return 0, fmt.Errorf("reading the latest article ID: %w", err)
	}
	return id, nil
}

// GetImage returns one image.
func (s *Store) GetImage(ctx context.Context, id int64) (revue.Image, error) {
	var img revue.Image
	err := s.pool.QueryRow(ctx, "SELECT id, url, status, reports FROM images WHERE id = $1", id).
		Scan(&img.ID, &img.URL, &img.Status, &img.Reports)
	if errors.Is(err, pgx.ErrNoRows) {
		return revue.Image{}, fmt.Errorf("image %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Image{}, fmt.Errorf("reading image %d: %w", id, err)
	}
	return img, nil
}
