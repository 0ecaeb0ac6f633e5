package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
)

// groupLockKey is the pg_advisory_xact_lock key that serialises grouping
// rounds across every process of a deployment: two workers assigning at
// once would each start a story for one event.
const groupLockKey int64 = 0x7265767565_5354

const (
	defaultGroupLimit    = 200
	defaultStoryLimit    = 20
	defaultStoryVersions = 12
)

// GroupStories runs one grouping round in a transaction holding the
// grouping lock. It is not retried on a conflict: assign has changed the
// caller's grouper, which must then be rebuilt from the log instead.
func (s *Store) GroupStories(ctx context.Context, r revue.GroupRequest, assign func(revue.GroupRound) ([]revue.StoryMember, error)) (int64, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = defaultGroupLimit
	}
	last := r.AfterSeq
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, groupLockKey); err != nil {
			return fmt.Errorf("waiting for the grouping lock: %w", err)
		}
		// The log is only replayed within the window: what is older is
		// of no use to any grouper.
		if _, err := tx.Exec(ctx, `DELETE FROM story_members WHERE published_at < $1`, micro(r.Since)); err != nil {
			return fmt.Errorf("forgetting members older than the window: %w", err)
		}
		var round revue.GroupRound
		var err error
		if round.Caught, err = caughtMembers(ctx, tx, r); err != nil {
			return err
		}
		for _, m := range round.Caught {
			last = max(last, m.Seq)
		}
		if round.Pending, err = pendingArticles(ctx, tx, limit); err != nil {
			return err
		}
		if len(round.Pending) == 0 && len(round.Caught) == 0 {
			return nil
		}
		members, err := assign(round)
		if err != nil {
			return err
		}
		seq, err := recordMembers(ctx, tx, members)
		last = max(last, seq)
		return err
	})
	if err != nil {
		return r.AfterSeq, fmt.Errorf("grouping articles into stories: %w", err)
	}
	return last, nil
}

func caughtMembers(ctx context.Context, tx pgx.Tx, r revue.GroupRequest) ([]revue.StoryMember, error) {
	rows, err := tx.Query(ctx, `SELECT seq, article_id, story_id, duplicate_of, source_id, lang, canonical_url,
		published_at, signature FROM story_members WHERE seq > $1 AND published_at >= $2 ORDER BY seq`,
		r.AfterSeq, micro(r.Since))
	if err != nil {
		return nil, fmt.Errorf("reading the members recorded since %d: %w", r.AfterSeq, err)
	}
	defer rows.Close()
	var out []revue.StoryMember
	for rows.Next() {
		var m revue.StoryMember
		var published pgtype.Timestamptz
		if err := rows.Scan(&m.Seq, &m.ArticleID, &m.StoryID, &m.DuplicateOf, &m.SourceID, &m.Lang, &m.CanonicalURL,
			&published, &m.Signature); err != nil {
			return nil, fmt.Errorf("reading the members recorded since %d: %w", r.AfterSeq, err)
		}
		m.PublishedAt = goTime(published)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the members recorded since %d: %w", r.AfterSeq, err)
	}
	return out, nil
}

func pendingArticles(ctx context.Context, tx pgx.Tx, limit int) ([]revue.GroupArticle, error) {
	rows, err := tx.Query(ctx, `SELECT id, source_id, lang, title,
		CASE WHEN text <> '' THEN text ELSE summary END, COALESCE(canonical_url, ''), published_at
		FROM articles WHERE story_seq IS NULL ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("reading the articles waiting for a story: %w", err)
	}
	defer rows.Close()
	var out []revue.GroupArticle
	for rows.Next() {
		var a revue.GroupArticle
		var published pgtype.Timestamptz
		if err := rows.Scan(&a.ID, &a.SourceID, &a.Lang, &a.Title, &a.Text, &a.CanonicalURL, &published); err != nil {
			return nil, fmt.Errorf("reading the articles waiting for a story: %w", err)
		}
		a.PublishedAt = goTime(published)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the articles waiting for a story: %w", err)
	}
	return out, nil
}

// recordMember writes the member of an article still waiting for its
// story and returns its Seq; none when the article is grouped already or
// gone. A reprinted article that is gone (its source removed since the
// grouper saw it) leaves the member a plain version.
const recordMember = `WITH member AS (
		INSERT INTO story_members (article_id, story_id, duplicate_of, source_id, lang, canonical_url, published_at, signature)
		SELECT a.id, $2, COALESCE((SELECT d.id FROM articles d WHERE d.id = $3), 0), a.source_id, a.lang,
			COALESCE(a.canonical_url, ''), a.published_at, $4
		FROM articles a WHERE a.id = $1 AND a.story_seq IS NULL
		RETURNING seq, article_id, story_id, duplicate_of
	)
	UPDATE articles a SET story_id = m.story_id, duplicate_of = NULLIF(m.duplicate_of, 0), story_seq = m.seq
	FROM member m WHERE a.id = m.article_id
	RETURNING m.seq`

func recordMembers(ctx context.Context, tx pgx.Tx, members []revue.StoryMember) (int64, error) {
	batch := &pgx.Batch{}
	for _, m := range members {
		if m.StoryID == 0 || m.DuplicateOf == m.ArticleID {
			return 0, fmt.Errorf("article %d: story %d, reprint of %d: not a grouping decision", m.ArticleID, m.StoryID, m.DuplicateOf)
		}
		batch.Queue(recordMember, m.ArticleID, m.StoryID, m.DuplicateOf, m.Signature)
	}
	results := tx.SendBatch(ctx, batch)
	defer results.Close()
	var last int64
	for _, m := range members {
		var seq int64
		err := results.QueryRow().Scan(&seq)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // grouped already, or removed
		}
		if err != nil {
			return last, fmt.Errorf("recording article %d in story %d: %w", m.ArticleID, m.StoryID, err)
		}
		last = max(last, seq)
	}
	if err := results.Close(); err != nil {
		return last, fmt.Errorf("recording story members: %w", err)
	}
	return last, nil
}

// TopStories aggregates the window's articles per story and language in
// SQL, weighs the stories in Go (revue.StoryWeight, as SQLite does) and
// reads the versions of the heaviest.
func (s *Store) TopStories(ctx context.Context, q revue.StoryQuery) ([]revue.StorySummary, error) {
	q = storyDefaults(q)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	from := "articles a"
	if q.Region != "" {
		from += " JOIN article_regions r ON r.article_id = a.id AND r.region = " + arg(q.Region)
	}
	where := []string{"a.published_at >= " + arg(micro(q.Since)), "a.published_at <= " + arg(micro(q.Now)), "NOT a.date_estimated"}
	if len(q.Langs) > 0 {
		where = append(where, "a.lang = ANY("+arg(q.Langs)+")")
	}
	if q.Section != "" {
		where = append(where, "a.section = "+arg(q.Section))
	}
	rows, err := s.pool.Query(ctx, `SELECT a.story_id, a.lang, COUNT(*) - COUNT(a.duplicate_of),
		MIN(a.published_at), MAX(a.published_at), string_agg(DISTINCT a.source_id::text, ',')
		FROM `+from+` WHERE `+strings.Join(where, " AND ")+` GROUP BY a.story_id, a.lang`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the top stories: %w", err)
	}
	var parts []revue.StoryPart
	for rows.Next() {
		var p revue.StoryPart
		var first, last pgtype.Timestamptz
		var sources string
		if err := rows.Scan(&p.StoryID, &p.Lang, &p.Articles, &first, &last, &sources); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the top stories: %w", err)
		}
		p.First, p.Last = goTime(first), goTime(last)
		if p.Sources, err = revue.ParseIDList(sources); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the top stories: %w", err)
		}
		parts = append(parts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the top stories: %w", err)
	}
	stories := revue.HeaviestStories(parts, q.Now, q.Limit)
	if err := s.attachVersions(ctx, stories, q); err != nil {
		return nil, fmt.Errorf("reading the top stories: %w", err)
	}
	return stories, nil
}

func storyDefaults(q revue.StoryQuery) revue.StoryQuery {
	if q.Limit <= 0 {
		q.Limit = defaultStoryLimit
	}
	q.Limit = min(q.Limit, 500)
	if q.Versions <= 0 {
		q.Versions = defaultStoryVersions
	}
	return q
}

// attachVersions reads the newest q.Versions versions of each story, in
// the reader's languages, with one query for all of them.
func (s *Store) attachVersions(ctx context.Context, stories []revue.StorySummary, q revue.StoryQuery) error {
	if len(stories) == 0 {
		return nil
	}
	ids := make([]int64, len(stories))
	index := make(map[int64]int, len(stories))
	for i, st := range stories {
		ids[i], index[st.ID] = st.ID, i
	}
	args := []any{ids, q.Versions}
	langs := ""
	if len(q.Langs) > 0 {
		args = append(args, q.Langs)
		langs = " AND lang = ANY($3)"
	}
	rows, err := s.pool.Query(ctx, `SELECT `+articleColumns+` FROM (
			SELECT id, ROW_NUMBER() OVER (PARTITION BY story_id ORDER BY published_at DESC, id DESC) AS n
			FROM articles WHERE story_id = ANY($1) AND duplicate_of IS NULL`+langs+`) v
		JOIN articles a ON a.id = v.id JOIN sources s ON s.id = a.source_id
		WHERE v.n <= $2 ORDER BY a.published_at DESC, a.id DESC`, args...)
	if err != nil {
		return fmt.Errorf("reading the stories' versions: %w", err)
	}
	versions, err := collectArticles(rows)
	if err != nil {
		return fmt.Errorf("reading the stories' versions: %w", err)
	}
	for _, v := range versions {
		st := &stories[index[v.StoryID]]
		st.Versions = append(st.Versions, v)
	}
	return nil
}

// ArticlesGroupedAfter returns the articles grouped after afterSeq, by
// their place in the grouping log.
func (s *Store) ArticlesGroupedAfter(ctx context.Context, afterSeq int64, limit int) ([]revue.Article, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+articleColumns+`
		FROM (SELECT * FROM articles WHERE story_seq > $1 AND duplicate_of IS NULL ORDER BY story_seq LIMIT $2) a
		JOIN sources s ON s.id = a.source_id
		ORDER BY a.story_seq`, afterSeq, clamp(limit))
	if err != nil {
		return nil, fmt.Errorf("reading the articles grouped after %d: %w", afterSeq, err)
	}
	items, err := collectArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("reading the articles grouped after %d: %w", afterSeq, err)
	}
	return items, nil
}

// LatestGroupSeq returns the highest Seq of the grouping log.
func (s *Store) LatestGroupSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(story_seq), 0) FROM articles WHERE story_seq > 0`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("reading the latest grouping: %w", err)
	}
	return seq, nil
}
