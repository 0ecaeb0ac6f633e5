package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"revue"
)

// ClaimPages leases up to limit articles whose page is due, newest first.
// SKIP LOCKED lets several workers claim at once without waiting on each
// other; the conditions, checked again on each locked row, keep a page from
// being leased twice.
func (s *Store) ClaimPages(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]revue.PageJob, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = micro(now)
	rows, err := s.pool.Query(ctx, `WITH claimed AS (
			UPDATE article_pages SET lease_owner = $1, lease_until = $2
			FROM (SELECT article_id FROM article_pages
				WHERE state = 'pending' AND next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
				ORDER BY published_at DESC, article_id DESC
				LIMIT $4
				FOR UPDATE SKIP LOCKED) due
			WHERE article_pages.article_id = due.article_id
			RETURNING article_pages.article_id, article_pages.attempts, article_pages.published_at)
		SELECT c.article_id, a.source_id, a.url, a.title, a.lang, c.attempts, s.body_selector, s.drop_selectors
		FROM claimed c JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id
		ORDER BY c.published_at DESC, c.article_id DESC`, worker, micro(now.Add(lease)), now, limit)
	if err != nil {
		return nil, fmt.Errorf("claiming article pages for %s: %w", worker, err)
	}
	var jobs []revue.PageJob
	var j revue.PageJob
	if _, err := pgx.ForEachRow(rows, []any{&j.ArticleID, &j.SourceID, &j.URL, &j.Title, &j.Lang, &j.Attempts, &j.Rules.Body, &j.Rules.Drop}, func() error {
		job := j
		if len(job.Rules.Drop) == 0 {
			job.Rules.Drop = nil
		}
		jobs = append(jobs, job)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("claiming article pages for %s: %w", worker, err)
	}
	return jobs, nil
}

// RecordPage writes what an article's page gave, or why it gave nothing,
// and releases o.Worker's lease.
func (s *Store) RecordPage(ctx context.Context, o revue.PageOutcome) error {
	err := withRetry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return recordPage(ctx, tx, o) })
	})
	if err != nil {
		return fmt.Errorf("recording the page of article %d: %w", o.ArticleID, err)
	}
	return nil
}

func recordPage(ctx context.Context, tx pgx.Tx, o revue.PageOutcome) error {
	const release = `lease_owner = CASE WHEN lease_owner = $2 THEN NULL ELSE lease_owner END,
		lease_until = CASE WHEN lease_owner = $2 THEN NULL ELSE lease_until END`
	var tag interface{ RowsAffected() int64 }
	var err error
	if o.Err != "" {
		state := "pending"
		if o.RetryAt.IsZero() {
			state = "failed"
		}
		tag, err = tx.Exec(ctx, `UPDATE article_pages SET state = $3, attempts = attempts + 1, next_at = $4, error = $5, `+release+`
			WHERE article_id = $1`, o.ArticleID, o.Worker, state, dbTime(o.RetryAt), o.Err)
	} else {
		tag, err = tx.Exec(ctx, `UPDATE article_pages SET state = 'done', attempts = attempts + 1, next_at = NULL, error = '', `+release+`
			WHERE article_id = $1`, o.ArticleID, o.Worker)
	}
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("no page was asked for article %d: %w", o.ArticleID, revue.ErrNotFound)
	}
	if o.Err != "" {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE articles SET
			content_html = CASE WHEN $2 <> '' THEN $2 ELSE content_html END,
			text = CASE WHEN $3 <> '' THEN $3 ELSE text END,
			byline = CASE WHEN byline = '' THEN $4 ELSE byline END,
			lang = CASE WHEN $5 <> '' THEN $5 ELSE lang END,
			robots = $6
		WHERE id = $1`, o.ArticleID, o.ContentHTML, o.Text, o.Byline, o.Lang, o.Robots); err != nil {
		return err
	}
	if !o.PublishedAt.IsZero() {
		// Every copy of the date moves with it: the region listings' and
		// the page queue's.
		tag, err := tx.Exec(ctx, `UPDATE articles SET published_at = $2, date_estimated = false
			WHERE id = $1 AND date_estimated`, o.ArticleID, o.PublishedAt)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 {
			for _, table := range []string{"article_regions", "article_pages"} {
				if _, err := tx.Exec(ctx, `UPDATE `+table+` SET published_at = $2 WHERE article_id = $1`, o.ArticleID, o.PublishedAt); err != nil {
					return err
				}
			}
		}
	}
	for _, region := range o.Regions {
		if _, err := tx.Exec(ctx, `INSERT INTO article_regions (article_id, region, published_at)
			SELECT id, $2, published_at FROM articles WHERE id = $1 ON CONFLICT DO NOTHING`, o.ArticleID, region); err != nil {
			return err
		}
	}
	// The regions are facets of the index (search.Facets), as the language
	// is.
	if o.Text != "" || o.Lang != "" || len(o.Regions) > 0 {
		if err := reindexArticle(ctx, tx, o.ArticleID); err != nil {
			return err
		}
	}
	if len(o.Images) == 0 {
		return nil
	}
	stored, err := storeImages(ctx, tx, o.Images)
	if err != nil {
		return err
	}
	var from int32
	if err := tx.QueryRow(ctx, `SELECT COALESCE(max(position) + 1, 0) FROM article_images WHERE article_id = $1`, o.ArticleID).Scan(&from); err != nil {
		return err
	}
	var ids []int64
	var positions []int32
	seen := map[int64]bool{}
	for _, img := range o.Images {
		st, ok := stored[img.URL]
		if !ok || seen[st.ID] {
			continue
		}
		seen[st.ID] = true
		ids, positions = append(ids, st.ID), append(positions, from+int32(len(ids)))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO article_images (article_id, image_id, position)
		SELECT $1, id, pos FROM unnest($2::bigint[], $3::int[]) AS l (id, pos)
		ON CONFLICT DO NOTHING`, o.ArticleID, ids, positions); err != nil {
		return fmt.Errorf("linking the page's images: %w", err)
	}
	return nil
}
