package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
	"revue/internal/search"
)

// articlesChannel is the NOTIFY channel that tells other processes new
// articles were committed; the payload is the highest new article ID.
const articlesChannel = "revue_articles"

// insertArticle inserts one article or nothing when either unique key
// (source_id, guid) or canonical_url is taken: ON CONFLICT without a target
// covers both. The ID is drawn beforehand so story_id starts as the
// article's own ID.
const insertArticle = `WITH inserted AS (
		INSERT INTO articles (id, story_id, source_id, guid, url, canonical_url,
			title, summary, content_html, text, byline, lang, section, published_at, date_estimated, fetched_at, search_terms)
		VALUES ($1, $1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17)
		ON CONFLICT DO NOTHING
		RETURNING id
	), indexed AS (
		INSERT INTO article_search (article_id, search) SELECT id, $16::tsvector FROM inserted
	)
	SELECT id FROM inserted`

// SaveArticles stores the new articles of one source and credits the items
// already stored under another article, in one transaction.
func (s *Store) SaveArticles(ctx context.Context, sourceID int64, articles []revue.Article, now time.Time) (revue.SaveResult, error) {
	if len(articles) == 0 {
		return revue.SaveResult{}, nil
	}
	var res revue.SaveResult
	err := withRetry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			res, err = saveArticles(ctx, tx, sourceID, articles, micro(now))
			return err
		})
	})
	if err != nil {
		return revue.SaveResult{}, fmt.Errorf("saving %d articles of source %d: %w", len(articles), sourceID, err)
	}
	return res, nil
}

// holdersOf reads the articles holding each of urls.
func holdersOf(ctx context.Context, tx pgx.Tx, urls []string) (map[string]revue.ArticleHolder, error) {
	holders := map[string]revue.ArticleHolder{}
	if len(urls) == 0 {
		return holders, nil
	}
	rows, _ := tx.Query(ctx, `SELECT canonical_url, id, source_id, guid, title FROM articles WHERE canonical_url = ANY($1)`, urls)
	var url string
	var h revue.ArticleHolder
	_, err := pgx.ForEachRow(rows, []any{&url, &h.ID, &h.SourceID, &h.GUID, &h.Title}, func() error {
		holders[url] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("looking up the articles holding %d links: %w", len(urls), err)
	}
	return holders, nil
}

// savePlan sorts a batch into articles to insert and items to credit.
type savePlan struct {
	sourceID   int64
	sourceName string
	now        time.Time
	known      map[string]bool // GUIDs of this source already stored or planned
	fresh      []revue.Article
	// creditTo holds items to credit to an article of fresh, whose ID is
	// known only once drawn: index into fresh.
	creditTo map[int][]revue.Article
	credits  []revue.Credit
}

// place decides what becomes of item a, given the article holding its link
// (if any): credit it, or insert it, holding the link or not.
func (p *savePlan) place(a revue.Article, holder revue.ArticleHolder, held bool, claimed map[string]int) {
	if a.CanonicalURL != "" {
		if held {
			if revue.IsRepublication(holder, p.sourceID, a) {
				p.credits = append(p.credits, p.credit(holder.ID, a))
				return
			}
			a.CanonicalURL = ""
		} else if j, ok := claimed[a.CanonicalURL]; ok {
			if revue.IsRepublication(revue.ArticleHolder{SourceID: p.sourceID, Title: p.fresh[j].Title}, p.sourceID, a) {
				p.creditTo[j] = append(p.creditTo[j], a)
				return
			}
			a.CanonicalURL = ""
		} else {
			claimed[a.CanonicalURL] = len(p.fresh)
		}
	}
	p.fresh = append(p.fresh, a)
}

func (p *savePlan) credit(articleID int64, a revue.Article) revue.Credit {
	return revue.Credit{ArticleID: articleID, SourceID: p.sourceID, SourceName: p.sourceName, GUID: a.GUID, URL: a.URL, SeenAt: p.now}
}

func saveArticles(ctx context.Context, tx pgx.Tx, sourceID int64, articles []revue.Article, now time.Time) (revue.SaveResult, error) {
	// Round trip 1: the source's name, which items are already stored, and
	// which articles hold their links. Most items of a feed are stored, on
	// every fetch after the first; leaving them out here keeps the ID
	// sequence from racing ahead of the articles (a default is drawn even
	// for a row ON CONFLICT skips), which keeps live readers' look-back
	// window meaningful.
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
	batch.Queue(`SELECT guid FROM articles WHERE source_id = $1 AND guid = ANY($2)
		UNION SELECT guid FROM article_credits WHERE source_id = $1 AND guid = ANY($2)`, sourceID, guids)
	results := tx.SendBatch(ctx, batch)
	plan := savePlan{sourceID: sourceID, now: now, known: map[string]bool{}, creditTo: map[int][]revue.Article{}}
	err := results.QueryRow().Scan(&plan.sourceName)
	if errors.Is(err, pgx.ErrNoRows) {
		results.Close()
		return revue.SaveResult{}, fmt.Errorf("source %d: %w", sourceID, revue.ErrNotFound)
	}
	if err != nil {
		results.Close()
		return revue.SaveResult{}, fmt.Errorf("reading source %d: %w", sourceID, err)
	}
	rows, _ := results.Query()
	var guid string
	_, err = pgx.ForEachRow(rows, []any{&guid}, func() error {
		plan.known[guid] = true
		return nil
	})
	if err == nil {
		err = results.Close()
	}
	if err != nil {
		results.Close()
		return revue.SaveResult{}, fmt.Errorf("looking up stored articles of source %d: %w", sourceID, err)
	}
	holders, err := holdersOf(ctx, tx, canonicals)
	if err != nil {
		return revue.SaveResult{}, err
	}
	claimed := map[string]int{}
	for _, a := range articles {
		if plan.known[a.GUID] {
			continue
		}
		plan.known[a.GUID] = true
		h, held := holders[a.CanonicalURL]
		plan.place(a, h, held, claimed)
	}

	// Round trip 2: one ID per article to insert, drawn in the given order
	// so IDs follow the feed.
	fresh := plan.fresh
	var ids []int64
	if len(fresh) > 0 {
		rows, _ = tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, $1)", len(fresh))
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return revue.SaveResult{}, fmt.Errorf("drawing article IDs: %w", err)
		}
		slices.Sort(ids)
	}

	// Round trip 3: every insert at once. An insert that takes a link
	// another writer took meanwhile inserts nothing; it is placed again
	// against that writer's article, and inserted without the link or
	// credited (round trip 3b, only after such a race).
	inserted := make([]bool, len(fresh))
	pending := make([]int, len(fresh))
	for i := range pending {
		pending[i] = i
	}
	for attempt := 0; len(pending) > 0; attempt++ {
		lost, err := insertArticles(ctx, tx, sourceID, fresh, ids, pending, inserted, now)
		if err != nil {
			return revue.SaveResult{}, err
		}
		pending = pending[:0]
		if len(lost) == 0 {
			break
		}
		if attempt > 0 {
			return revue.SaveResult{}, fmt.Errorf("inserting articles: links kept being taken by other writers (%d left)", len(lost))
		}
		urls := make([]string, 0, len(lost))
		for _, i := range lost {
			urls = append(urls, fresh[i].CanonicalURL)
		}
		raced, err := holdersOf(ctx, tx, urls)
		if err != nil {
			return revue.SaveResult{}, err
		}
		for _, i := range lost {
			h, held := raced[fresh[i].CanonicalURL]
			waiting := plan.creditTo[i]
			delete(plan.creditTo, i)
			switch {
			case held && h.SourceID == sourceID && h.GUID == fresh[i].GUID:
				// A writer whose lease overlapped ours stored this very item.
				continue
			case !held:
				// The link's holder went away again (its source was removed):
				// nothing to credit; the item is gone with its source.
				continue
			case revue.IsRepublication(h, sourceID, fresh[i]):
				plan.credits = append(plan.credits, plan.credit(h.ID, fresh[i]))
				for _, w := range waiting {
					plan.credits = append(plan.credits, plan.credit(h.ID, w))
				}
				continue
			}
			fresh[i].CanonicalURL = ""
			pending = append(pending, i)
			plan.creditTo[i] = waiting
		}
	}
	var saved []revue.Article
	for i, a := range fresh {
		if !inserted[i] {
			continue
		}
		a.ID, a.StoryID, a.SourceID, a.SourceName = ids[i], ids[i], sourceID, plan.sourceName
		a.PublishedAt, a.FetchedAt = micro(a.PublishedAt), now
		a.PageError, a.Robots = "", ""
		if a.Page != revue.PagePending {
			a.Page = revue.PageNone // only the page's reading sets the others
		}
		a.Regions = uniqueRegions(a.Regions)
		saved = append(saved, a)
		for _, w := range plan.creditTo[i] {
			plan.credits = append(plan.credits, plan.credit(a.ID, w))
		}
	}
	res := revue.SaveResult{Credited: plan.credits}
	if len(saved) == 0 && len(plan.credits) == 0 {
		return res, nil
	}
	var err2 error
	res.New, err2 = linkSaved(ctx, tx, saved, plan.credits)
	if err2 != nil {
		return revue.SaveResult{}, err2
	}
	return res, nil
}

// insertArticles inserts fresh[i] for each i of which, in canonical URL
// order (writers racing on the same links then wait on each other in one
// order and do not deadlock), marking inserted. It returns the indexes whose
// link another writer holds.
func insertArticles(ctx context.Context, tx pgx.Tx, sourceID int64, fresh []revue.Article, ids []int64, which []int, inserted []bool, now time.Time) ([]int, error) {
	order := slices.Clone(which)
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(strings.Compare(fresh[x].CanonicalURL, fresh[y].CanonicalURL),
			strings.Compare(fresh[x].GUID, fresh[y].GUID), x-y)
	})
	batch := &pgx.Batch{}
	for _, i := range order {
		a := fresh[i]
		vector, terms := searchColumns(search.Index(a.Title, search.BodyText(a), a.Lang),
			search.Facets{Lang: a.Lang, SourceID: sourceID, Section: a.Section, Regions: uniqueRegions(a.Regions)})
		batch.Queue(insertArticle, ids[i], sourceID, a.GUID, a.URL, a.CanonicalURL, a.Title, a.Summary,
			a.ContentHTML, a.Text, a.Byline, a.Lang, a.Section, micro(a.PublishedAt), a.DateEstimated, now,
			vector, terms)
	}
	results := tx.SendBatch(ctx, batch)
	defer results.Close()
	var lost []int
	for _, i := range order {
		var id int64
		err := results.QueryRow().Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			// Either this (source, GUID) was stored by a writer whose lease
			// overlapped ours (nothing to do), or the link was taken.
			if fresh[i].CanonicalURL != "" {
				lost = append(lost, i)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("inserting article %s: %w", fresh[i].URL, err)
		}
		inserted[i] = true
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("inserting articles: %w", err)
	}
	return lost, nil
}

// storeImages stores the images not stored yet, one record per URL (alt
// text and size from the first that gives them), and returns every one of
// them as stored, by URL. DO NOTHING (rather than an upsert) takes no lock
// on existing images, so writers sharing images never wait on each other.
func storeImages(ctx context.Context, tx pgx.Tx, given []revue.Image) (map[string]revue.Image, error) {
	images := map[string]revue.Image{}
	var urls, alts []string
	var widths, heights []int32
	seen := map[string]bool{}
	for _, img := range given {
		if img.URL == "" || seen[img.URL] {
			continue
		}
		seen[img.URL] = true
		urls, alts = append(urls, img.URL), append(alts, img.Alt)
		widths, heights = append(widths, int32(img.Width)), append(heights, int32(img.Height))
	}
	if len(urls) == 0 {
		return images, nil
	}
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO images (url, alt, width, height)
		SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) ORDER BY 1
		ON CONFLICT (url) DO NOTHING`, urls, alts, widths, heights)
	batch.Queue(`SELECT id, url, status, reports, alt, width, height FROM images WHERE url = ANY($1)`, urls)
	results := tx.SendBatch(ctx, batch)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return nil, fmt.Errorf("storing %d images: %w", len(urls), err)
	}
	rows, err := results.Query()
	for err == nil && rows.Next() {
		var img revue.Image
		err = rows.Scan(&img.ID, &img.URL, &img.Status, &img.Reports, &img.Alt, &img.Width, &img.Height)
		images[img.URL] = img
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("reading back %d images: %w", len(urls), err)
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("storing images: %w", err)
	}
	return images, nil
}

// linkSaved stores the images, regions and credits of a saved batch and
// notifies live readers, returning saved with its images filled.
func linkSaved(ctx context.Context, tx pgx.Tx, saved []revue.Article, credits []revue.Credit) ([]revue.Article, error) {
	// Round trip 4: images.
	var all []revue.Image
	for _, a := range saved {
		all = append(all, a.Images...)
	}
	images, err := storeImages(ctx, tx, all)
	if err != nil {
		return nil, err
	}

	// Round trip 5: links, regions, and the notification (sent on commit).
	var linkArticle, linkImage []int64
	var linkPosition []int32
	var regionArticle []int64
	var regionName []string
	var regionPublished []time.Time
	var pageArticle []int64
	var pagePublished []time.Time
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
			regionPublished = append(regionPublished, a.PublishedAt)
		}
		if a.Page == revue.PagePending {
			pageArticle = append(pageArticle, a.ID)
			pagePublished = append(pagePublished, a.PublishedAt)
		}
	}
	batch := &pgx.Batch{}
	if len(linkArticle) > 0 {
		batch.Queue(`INSERT INTO article_images (article_id, image_id, position)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[])`, linkArticle, linkImage, linkPosition)
	}
	if len(regionArticle) > 0 {
		batch.Queue(`INSERT INTO article_regions (article_id, region, published_at)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])`, regionArticle, regionName, regionPublished)
	}
	if len(pageArticle) > 0 {
		batch.Queue(`INSERT INTO article_pages (article_id, state, next_at, published_at)
			SELECT id, 'pending', $3, published FROM unnest($1::bigint[], $2::timestamptz[]) AS p (id, published)`,
			pageArticle, pagePublished, saved[0].FetchedAt)
	}
	if len(credits) > 0 {
		var article, source []int64
		var guid, url []string
		var seen []time.Time
		for _, c := range credits {
			article, source = append(article, c.ArticleID), append(source, c.SourceID)
			guid, url, seen = append(guid, c.GUID), append(url, c.URL), append(seen, c.SeenAt)
		}
		batch.Queue(`INSERT INTO article_credits (article_id, source_id, guid, url, seen_at)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[])
			ON CONFLICT DO NOTHING`, article, source, guid, url, seen)
	}
	if maxID > 0 {
		batch.Queue("SELECT pg_notify($1, $2)", articlesChannel, strconv.FormatInt(maxID, 10))
	}
	if batch.Len() == 0 {
		return saved, nil
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("linking images, regions and credits: %w", err)
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
	a.title, a.summary, a.content_html, a.text, a.byline, a.lang, a.section, a.story_id,
	COALESCE(a.duplicate_of, 0), COALESCE(a.story_seq, 0), a.published_at, a.date_estimated, a.fetched_at, a.robots,
	COALESCE((SELECT p.state FROM article_pages p WHERE p.article_id = a.id), ''),
	COALESCE((SELECT p.error FROM article_pages p WHERE p.article_id = a.id), ''), s.republish,
	ARRAY(SELECT r.region FROM article_regions r WHERE r.article_id = a.id ORDER BY r.region),
	(SELECT json_agg(json_build_object('id', i.id, 'url', i.url, 'status', i.status, 'reports', i.reports,
		'alt', i.alt, 'width', i.width, 'height', i.height)
		ORDER BY ai.position)
	 FROM article_images ai JOIN images i ON i.id = ai.image_id WHERE ai.article_id = a.id),
	(SELECT json_agg(json_build_object('source_id', c.source_id, 'source_name', cs.name, 'guid', c.guid,
		'url', c.url, 'seen_at', c.seen_at) ORDER BY c.seen_at, c.source_id, c.guid)
	 FROM article_credits c JOIN sources cs ON cs.id = c.source_id WHERE c.article_id = a.id),
	(SELECT json_agg(json_build_object('source_id', d.source_id, 'source_name', ds.name, 'guid', d.guid,
		'url', d.url, 'seen_at', d.fetched_at) ORDER BY d.fetched_at, d.id)
	 FROM articles d JOIN sources ds ON ds.id = d.source_id WHERE d.duplicate_of = a.id)`

// creditJSON is one row of articleColumns' credits.
type creditJSON struct {
	SourceID   int64     `json:"source_id"`
	SourceName string    `json:"source_name"`
	GUID       string    `json:"guid"`
	URL        string    `json:"url"`
	SeenAt     time.Time `json:"seen_at"`
}

func scanArticle(row pgx.Row) (revue.Article, error) {
	var (
		a                  revue.Article
		published, fetched pgtype.Timestamptz
		regions            []string
		imagesJSON         []byte
		creditsJSON        []byte
		reprintsJSON       []byte
		pageState          string
	)
	err := row.Scan(&a.ID, &a.SourceID, &a.SourceName, &a.GUID, &a.URL, &a.CanonicalURL,
		&a.Title, &a.Summary, &a.ContentHTML, &a.Text, &a.Byline, &a.Lang, &a.Section, &a.StoryID,
		&a.DuplicateOf, &a.GroupSeq,
		&published, &a.DateEstimated, &fetched, &a.Robots, &pageState, &a.PageError, &a.SourceRepublish,
		&regions, &imagesJSON, &creditsJSON, &reprintsJSON)
	if err != nil {
		return revue.Article{}, err
	}
	a.PublishedAt, a.FetchedAt = goTime(published), goTime(fetched)
	a.Page = revue.PageState(pageState)
	if len(regions) > 0 {
		a.Regions = regions
	}
	if len(imagesJSON) > 0 {
		if err := json.Unmarshal(imagesJSON, &a.Images); err != nil {
			return revue.Article{}, fmt.Errorf("decoding the images of article %d: %w", a.ID, err)
		}
	}
	// Reprints found by grouping credit the article they reprint, after
	// the outlets that gave its very link.
	for _, list := range [][]byte{creditsJSON, reprintsJSON} {
		if len(list) == 0 {
			continue
		}
		var credits []creditJSON
		if err := json.Unmarshal(list, &credits); err != nil {
			return revue.Article{}, fmt.Errorf("decoding the credits of article %d: %w", a.ID, err)
		}
		for _, c := range credits {
			a.Credits = append(a.Credits, revue.Credit{ArticleID: a.ID, SourceID: c.SourceID, SourceName: c.SourceName,
				GUID: c.GUID, URL: c.URL, SeenAt: micro(c.SeenAt)})
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
	// A reprint is credited by the article it reprints, not listed.
	where := []string{"a.duplicate_of IS NULL"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Lang != "" {
		where = append(where, "a.lang = "+arg(q.Lang))
	}
	if len(q.Langs) > 0 {
		where = append(where, "a.lang = ANY("+arg(q.Langs)+")")
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
	// A region's listing is driven by article_regions, which carries
	// published_at for that purpose: its index gives the region's newest
	// first, and the walk stops after limit+1 rows.
	from, published, id := "articles a", "a.published_at", "a.id"
	if q.Region != "" {
		from = "article_regions r JOIN articles a ON a.id = r.article_id"
		published, id = "r.published_at", "r.article_id"
		where = append(where, "r.region = "+arg(q.Region))
	}
	if !q.Cursor.IsZero() {
		where = append(where, fmt.Sprintf("(%s, %s) < (%s, %s)", published, id, arg(micro(q.Cursor.PublishedAt)), arg(q.Cursor.ID)))
	}
	filter := "WHERE " + strings.Join(where, " AND ")
	// The page is chosen first so regions and images are looked up for its
	// rows only.
	return `SELECT ` + articleColumns + `
		FROM (SELECT a.* FROM ` + from + ` ` + filter + `
			ORDER BY ` + published + ` DESC, ` + id + ` DESC LIMIT ` + arg(limit+1) + `) a
		JOIN sources s ON s.id = a.source_id
		ORDER BY a.published_at DESC, a.id DESC`, args
}

const tickerSQL = `SELECT a.id, a.source_id, s.name, a.title, a.url, a.lang,
		a.section, a.story_id, a.published_at
	FROM (SELECT id, source_id, title, url, lang, section, story_id, published_at FROM articles
		WHERE NOT date_estimated AND duplicate_of IS NULL AND (published_at, id) < ($1, $2)
		ORDER BY published_at DESC, id DESC LIMIT $3) a
	JOIN sources s ON s.id = a.source_id
	ORDER BY a.published_at DESC, a.id DESC`

// Ticker returns the newest headline of each of the latest stories, with
// light columns only.
func (s *Store) Ticker(ctx context.Context, limit int) ([]revue.Article, error) {
	out, err := revue.OnePerStory(clamp(limit), func(after revue.Cursor, n int) ([]revue.Article, error) {
		publishedBefore, idBefore := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), int64(math.MaxInt64)
		if !after.IsZero() {
			publishedBefore, idBefore = micro(after.PublishedAt), after.ID
		}
		rows, err := s.pool.Query(ctx, tickerSQL, publishedBefore, idBefore, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var page []revue.Article
		for rows.Next() {
			var a revue.Article
			var published pgtype.Timestamptz
			if err := rows.Scan(&a.ID, &a.SourceID, &a.SourceName, &a.Title, &a.URL, &a.Lang,
				&a.Section, &a.StoryID, &published); err != nil {
				return nil, err
			}
			a.PublishedAt = goTime(published)
			page = append(page, a)
		}
		return page, rows.Err()
	})
	if err != nil {
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
