package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"revue"
)

// ClaimPages leases up to limit articles whose page is due, newest first.
func (s *Store) ClaimPages(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]revue.PageJob, error) {
	if limit <= 0 {
		return nil, nil
	}
	var jobs []revue.PageJob
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE article_pages SET lease_owner = ?1, lease_until = ?2
			WHERE article_id IN (
				SELECT article_id FROM article_pages
				WHERE state = 'pending' AND next_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)
				ORDER BY published_at DESC, article_id DESC
				LIMIT ?4)
			RETURNING article_id`, worker, micros(now.Add(lease)), micros(now), limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		idList, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT p.article_id, a.source_id, a.url, a.title, a.lang, p.attempts, s.body_selector, s.drop_selectors
			FROM article_pages p JOIN articles a ON a.id = p.article_id JOIN sources s ON s.id = a.source_id
			WHERE p.article_id IN (SELECT value FROM json_each(?))
			ORDER BY p.published_at DESC, p.article_id DESC`, string(idList))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j revue.PageJob
			var drop string
			if err := rows.Scan(&j.ArticleID, &j.SourceID, &j.URL, &j.Title, &j.Lang, &j.Attempts, &j.Rules.Body, &drop); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(drop), &j.Rules.Drop); err != nil {
				return fmt.Errorf("source %d: reading its drop selectors: %w", j.SourceID, err)
			}
			if len(j.Rules.Drop) == 0 {
				j.Rules.Drop = nil
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claiming article pages for worker %s: %w", worker, err)
	}
	return jobs, nil
}

// RecordPage writes what an article's page gave, or why it gave nothing,
// and releases o.Worker's lease.
func (s *Store) RecordPage(ctx context.Context, o revue.PageOutcome) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM article_pages WHERE article_id = ?`, o.ArticleID).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no page was asked for article %d: %w", o.ArticleID, revue.ErrNotFound)
		}
		if err != nil {
			return err
		}
		release := `lease_owner = CASE WHEN lease_owner = ?2 THEN NULL ELSE lease_owner END,
			lease_until = CASE WHEN lease_owner = ?2 THEN NULL ELSE lease_until END`
		if o.Err != "" {
			next, newState := nullMicros(o.RetryAt), "pending"
			if o.RetryAt.IsZero() {
				newState = "failed"
			}
			_, err := tx.ExecContext(ctx, `UPDATE article_pages SET state = ?3, attempts = attempts + 1,
				next_at = ?4, error = ?5, `+release+` WHERE article_id = ?1`,
				o.ArticleID, o.Worker, newState, next, o.Err)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE article_pages SET state = 'done', attempts = attempts + 1,
			next_at = NULL, error = '', `+release+` WHERE article_id = ?1`, o.ArticleID, o.Worker); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET
				content_html = CASE WHEN ?2 <> '' THEN ?2 ELSE content_html END,
				text = CASE WHEN ?3 <> '' THEN ?3 ELSE text END,
				byline = CASE WHEN byline = '' THEN ?4 ELSE byline END,
				lang = CASE WHEN ?5 <> '' THEN ?5 ELSE lang END,
				robots = ?6
			WHERE id = ?1`, o.ArticleID, o.ContentHTML, o.Text, o.Byline, o.Lang, o.Robots); err != nil {
			return err
		}
		if !o.PublishedAt.IsZero() {
			// Every copy of the date moves with it: the region listings'
			// and the page queue's.
			res, err := tx.ExecContext(ctx, `UPDATE articles SET published_at = ?2, date_estimated = 0
				WHERE id = ?1 AND date_estimated = 1`, o.ArticleID, micros(o.PublishedAt))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n > 0 {
				for _, table := range []string{"article_regions", "article_pages"} {
					if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET published_at = ?2 WHERE article_id = ?1`,
						o.ArticleID, micros(o.PublishedAt)); err != nil {
						return err
					}
				}
			}
		}
		for _, region := range o.Regions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO article_regions (article_id, region, published_at)
				SELECT id, ?2, published_at FROM articles WHERE id = ?1 ON CONFLICT DO NOTHING`, o.ArticleID, region); err != nil {
				return err
			}
		}
		// The regions are facets of the index (search.Facets), as the
		// language is.
		if o.Text != "" || o.Lang != "" || len(o.Regions) > 0 {
			if err := reindexArticle(ctx, tx, o.ArticleID); err != nil {
				return err
			}
		}
		if len(o.Images) == 0 {
			return nil
		}
		var from int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM article_images WHERE article_id = ?`,
			o.ArticleID).Scan(&from); err != nil {
			return err
		}
		st, err := prepareSave(ctx, tx)
		if err != nil {
			return err
		}
		defer st.close()
		_, err = st.linkImages(ctx, o.ArticleID, o.Images, from)
		return err
	})
	if err != nil {
		return fmt.Errorf("recording the page of article %d: %w", o.ArticleID, err)
	}
	return nil
}
