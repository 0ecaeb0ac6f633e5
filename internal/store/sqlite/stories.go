package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"revue"
)

const (
	defaultGroupLimit    = 200
	defaultStoryLimit    = 20
	defaultStoryVersions = 12
)

// GroupStories runs one grouping round in a write transaction: SQLite's
// single writer is the store-wide lock, so rounds of several processes on
// one database file never overlap, and an article is grouped once.
func (s *Store) GroupStories(ctx context.Context, r revue.GroupRequest, assign func(revue.GroupRound) ([]revue.StoryMember, error)) (int64, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = defaultGroupLimit
	}
	last := r.AfterSeq
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		// The log is only replayed within the window: what is older is
		// of no use to any grouper.
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_members WHERE published_at < ?`, micros(r.Since)); err != nil {
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

func caughtMembers(ctx context.Context, tx *sql.Tx, r revue.GroupRequest) ([]revue.StoryMember, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, article_id, story_id, duplicate_of, source_id, lang, canonical_url,
		published_at, signature FROM story_members WHERE seq > ? AND published_at >= ? ORDER BY seq`,
		r.AfterSeq, micros(r.Since))
	if err != nil {
		return nil, fmt.Errorf("reading the members recorded since %d: %w", r.AfterSeq, err)
	}
	defer rows.Close()
	var out []revue.StoryMember
	for rows.Next() {
		var m revue.StoryMember
		var published sql.NullInt64
		if err := rows.Scan(&m.Seq, &m.ArticleID, &m.StoryID, &m.DuplicateOf, &m.SourceID, &m.Lang, &m.CanonicalURL,
			&published, &m.Signature); err != nil {
			return nil, fmt.Errorf("reading the members recorded since %d: %w", r.AfterSeq, err)
		}
		m.PublishedAt = fromMicros(published)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the members recorded since %d: %w", r.AfterSeq, err)
	}
	return out, nil
}

func pendingArticles(ctx context.Context, tx *sql.Tx, limit int) ([]revue.GroupArticle, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, source_id, lang, title,
		CASE WHEN text != '' THEN text ELSE summary END, COALESCE(canonical_url, ''), published_at
		FROM articles WHERE story_seq IS NULL ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("reading the articles waiting for a story: %w", err)
	}
	defer rows.Close()
	var out []revue.GroupArticle
	for rows.Next() {
		var a revue.GroupArticle
		var published sql.NullInt64
		if err := rows.Scan(&a.ID, &a.SourceID, &a.Lang, &a.Title, &a.Text, &a.CanonicalURL, &published); err != nil {
			return nil, fmt.Errorf("reading the articles waiting for a story: %w", err)
		}
		a.PublishedAt = fromMicros(published)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the articles waiting for a story: %w", err)
	}
	return out, nil
}

// recordMembers writes each member of an article still waiting for its
// story, and returns the highest Seq given. A reprinted article that is
// gone (its source removed since the grouper saw it) leaves the member a
// plain version.
func recordMembers(ctx context.Context, tx *sql.Tx, members []revue.StoryMember) (int64, error) {
	insert, err := tx.PrepareContext(ctx, `INSERT INTO story_members
		(article_id, story_id, duplicate_of, source_id, lang, canonical_url, published_at, signature)
		SELECT a.id, ?2, COALESCE((SELECT d.id FROM articles d WHERE d.id = ?3), 0), a.source_id, a.lang,
			COALESCE(a.canonical_url, ''), a.published_at, ?4
		FROM articles a WHERE a.id = ?1 AND a.story_seq IS NULL
		RETURNING seq, duplicate_of`)
	if err != nil {
		return 0, fmt.Errorf("recording story members: %w", err)
	}
	defer insert.Close()
	update, err := tx.PrepareContext(ctx, `UPDATE articles SET story_id = ?, duplicate_of = NULLIF(?, 0), story_seq = ? WHERE id = ?`)
	if err != nil {
		return 0, fmt.Errorf("recording story members: %w", err)
	}
	defer update.Close()
	var last int64
	for _, m := range members {
		if m.StoryID == 0 || m.DuplicateOf == m.ArticleID {
			return last, fmt.Errorf("article %d: story %d, reprint of %d: not a grouping decision", m.ArticleID, m.StoryID, m.DuplicateOf)
		}
		var seq, duplicateOf int64
		err := insert.QueryRowContext(ctx, m.ArticleID, m.StoryID, m.DuplicateOf, m.Signature).Scan(&seq, &duplicateOf)
		if errors.Is(err, sql.ErrNoRows) {
			continue // grouped already, or removed
		}
		if err != nil {
			return last, fmt.Errorf("recording article %d in story %d: %w", m.ArticleID, m.StoryID, err)
		}
		if _, err := update.ExecContext(ctx, m.StoryID, duplicateOf, seq, m.ArticleID); err != nil {
			return last, fmt.Errorf("recording article %d in story %d: %w", m.ArticleID, m.StoryID, err)
		}
		last = max(last, seq)
	}
	return last, nil
}

// TopStories aggregates the window's articles per story and language in
// SQL, weighs the stories in Go (revue.StoryWeight, as PostgreSQL does) and
// reads the versions of the heaviest.
func (s *Store) TopStories(ctx context.Context, q revue.StoryQuery) ([]revue.StorySummary, error) {
	q = storyDefaults(q)
	from := `articles a`
	where := []string{"a.published_at >= ?", "a.published_at <= ?", "NOT a.date_estimated"}
	args := []any{micros(q.Since), micros(q.Now)}
	if q.Region != "" {
		from += ` JOIN article_regions r ON r.article_id = a.id AND r.region = ?`
		args = append([]any{q.Region}, args...)
	}
	if len(q.Langs) > 0 {
		where = append(where, "a.lang IN (?"+strings.Repeat(", ?", len(q.Langs)-1)+")")
		for _, l := range q.Langs {
			args = append(args, l)
		}
	}
	if q.Section != "" {
		where = append(where, "a.section = ?")
		args = append(args, q.Section)
	}
	var stories []revue.StorySummary
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.story_id, a.lang, COUNT(*) - COUNT(a.duplicate_of),
			MIN(a.published_at), MAX(a.published_at), group_concat(DISTINCT a.source_id)
			FROM `+from+` WHERE `+strings.Join(where, " AND ")+` GROUP BY a.story_id, a.lang`, args...)
		if err != nil {
			return fmt.Errorf("counting the stories' articles: %w", err)
		}
		var parts []revue.StoryPart
		for rows.Next() {
			var p revue.StoryPart
			var first, last sql.NullInt64
			var sources string
			if err := rows.Scan(&p.StoryID, &p.Lang, &p.Articles, &first, &last, &sources); err != nil {
				rows.Close()
				return fmt.Errorf("counting the stories' articles: %w", err)
			}
			p.First, p.Last = fromMicros(first), fromMicros(last)
			if p.Sources, err = revue.ParseIDList(sources); err != nil {
				rows.Close()
				return fmt.Errorf("counting the stories' articles: %w", err)
			}
			parts = append(parts, p)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("counting the stories' articles: %w", err)
		}
		stories = revue.HeaviestStories(parts, q.Now, q.Limit)
		return s.attachVersions(ctx, tx, stories, q)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the top stories: %w", err)
	}
	return stories, nil
}

func storyDefaults(q revue.StoryQuery) revue.StoryQuery {
	if q.Limit <= 0 {
		q.Limit = defaultStoryLimit
	}
	q.Limit = min(q.Limit, maxLimit)
	if q.Versions <= 0 {
		q.Versions = defaultStoryVersions
	}
	return q
}

// attachVersions reads the newest q.Versions versions of each story, in
// the reader's languages, with one query for all of them.
func (s *Store) attachVersions(ctx context.Context, tx *sql.Tx, stories []revue.StorySummary, q revue.StoryQuery) error {
	if len(stories) == 0 {
		return nil
	}
	ids := make([]int64, len(stories))
	index := make(map[int64]int, len(stories))
	for i, st := range stories {
		ids[i], index[st.ID] = st.ID, i
	}
	idList, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	where := []string{"a.story_id IN (SELECT value FROM json_each(?))", "a.duplicate_of IS NULL"}
	args := []any{string(idList)}
	if len(q.Langs) > 0 {
		where = append(where, "a.lang IN (?"+strings.Repeat(", ?", len(q.Langs)-1)+")")
		for _, l := range q.Langs {
			args = append(args, l)
		}
	}
	args = append(args, q.Versions)
	versions, err := queryArticles(ctx, tx, `SELECT `+articleColumns+` FROM (
			SELECT id, ROW_NUMBER() OVER (PARTITION BY story_id ORDER BY published_at DESC, id DESC) AS n
			FROM articles a WHERE `+strings.Join(where, " AND ")+`) v
		JOIN articles a ON a.id = v.id JOIN sources s ON s.id = a.source_id
		WHERE v.n <= ? ORDER BY a.published_at DESC, a.id DESC`, args...)
	if err != nil {
		return fmt.Errorf("reading the stories' versions: %w", err)
	}
	if err := attachDetails(ctx, tx, versions); err != nil {
		return err
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
	var out []revue.Article
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryArticles(ctx, tx, `SELECT `+articleColumns+`
			FROM articles a JOIN sources s ON s.id = a.source_id
			WHERE a.story_seq > ? AND a.duplicate_of IS NULL ORDER BY a.story_seq LIMIT ?`, afterSeq, clampLimit(limit))
		if err != nil {
			return err
		}
		return attachDetails(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the articles grouped after %d: %w", afterSeq, err)
	}
	return out, nil
}

// LatestGroupSeq returns the highest Seq of the grouping log.
func (s *Store) LatestGroupSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(story_seq), 0) FROM articles WHERE story_seq > 0`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("reading the latest grouping: %w", err)
	}
	return seq, nil
}
