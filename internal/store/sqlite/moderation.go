package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"revue"
)

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// pictureOf returns the records of image id's picture: id and its copies
// (the same content SHA-256), by ID.
func pictureOf(ctx context.Context, q querier, id int64) ([]int64, error) {
	var sum string
	err := q.QueryRowContext(ctx, `SELECT content_sha256 FROM images WHERE id = ?`, id).Scan(&sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no image %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if sum == "" {
		return []int64{id}, nil
	}
	return queryIDs(ctx, q, `SELECT id FROM images WHERE content_sha256 = ? ORDER BY id`, sum)
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// inIDs is an SQL list of placeholders for ids, and ids as arguments.
func inIDs(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")", args
}

// ReportImage records one reader's report. The IMMEDIATE transaction makes
// checking, counting and blocking one step, also against other processes.
func (s *Store) ReportImage(ctx context.Context, r revue.ImageReport, threshold int) (revue.ReportResult, error) {
	var res revue.ReportResult
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		res = revue.ReportResult{}
		ids, err := pictureOf(ctx, tx, r.ImageID)
		if err != nil {
			return err
		}
		in, args := inIDs(ids)
		var seen bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM image_reports WHERE reporter = ? AND image_id IN `+in+`)`,
			append([]any{r.Reporter}, args...)...).Scan(&seen); err != nil {
			return err
		}
		if !seen {
			res.Counted = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO image_reports (image_id, reporter, reported_at, wave, reason, note)
				SELECT id, ?, ?, wave, ?, ? FROM images WHERE id = ?`,
				r.Reporter, micros(r.At), r.Reason, r.Note, r.ImageID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE images SET reports = reports + 1, wave_reports = wave_reports + 1,
				last_report_at = max(coalesce(last_report_at, ?), ?) WHERE id = ?`, micros(r.At), micros(r.At), r.ImageID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE images SET pending = 1 WHERE id IN `+in, args...); err != nil {
				return err
			}
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT status FROM images WHERE id = ?),
			(SELECT sum(wave_reports) FROM images WHERE id IN `+in+`)`, append([]any{r.ImageID}, args...)...).
			Scan(&status, &res.Reports); err != nil {
			return err
		}
		res.Status = revue.ImageStatus(status)
		if !res.Counted || res.Status != revue.ImageOK || threshold <= 0 || res.Reports < threshold {
			return nil
		}
		blocked, err := queryIDs(ctx, tx, `UPDATE images SET status = 'blocked', blocked_by = 'reports', pending = 1
			WHERE status = 'ok' AND id IN `+in+` RETURNING id`, args...)
		if err != nil {
			return err
		}
		slices.Sort(blocked)
		res.Blocked, res.Status = blocked, revue.ImageBlocked
		_, err = tx.ExecContext(ctx, `INSERT INTO moderation_log (image_id, action, moderator, images, at)
			VALUES (?, 'auto-block', '', ?, ?)`, r.ImageID, len(blocked), micros(r.At))
		return err
	})
	if err != nil {
		return revue.ReportResult{}, fmt.Errorf("recording a report of image %d: %w", r.ImageID, err)
	}
	return res, nil
}

// ModerateImage applies a moderator's action to every copy of a picture.
func (s *Store) ModerateImage(ctx context.Context, a revue.ModerationAction) ([]int64, error) {
	var ids []int64
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		if ids, err = pictureOf(ctx, tx, a.ImageID); err != nil {
			return err
		}
		in, args := inIDs(ids)
		switch a.Action {
		case revue.ActionRestore:
			_, err = tx.ExecContext(ctx, `UPDATE images SET status = 'ok', blocked_by = '', pending = 0,
				wave = wave + 1, wave_reports = 0 WHERE id IN `+in, args...)
		case revue.ActionConfirm:
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM images WHERE id = ?`, a.ImageID).Scan(&status); err != nil {
				return err
			}
			if status != string(revue.ImageBlocked) {
				return fmt.Errorf("image %d is shown, there is no block to confirm: %w", a.ImageID, revue.ErrConflict)
			}
			_, err = tx.ExecContext(ctx, `UPDATE images SET pending = 0 WHERE id IN `+in, args...)
		case revue.ActionBlock:
			_, err = tx.ExecContext(ctx, `UPDATE images SET status = 'blocked', blocked_by = 'moderator', pending = 0
				WHERE id IN `+in, args...)
		default:
			return fmt.Errorf("%q is no moderation action (restore, confirm or block)", a.Action)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO moderation_log (image_id, action, moderator, note, images, at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.ImageID, a.Action, a.Moderator, a.Note, len(ids), micros(a.At))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("moderating image %d (%s): %w", a.ImageID, a.Action, err)
	}
	return ids, nil
}

// ModerationQueue gathers the pictures ever reported or blocked, each
// under its first record, and fills in what moderators need to decide.
func (s *Store) ModerationQueue(ctx context.Context, q revue.ModerationQuery) ([]revue.ModerationItem, error) {
	var items []revue.ModerationItem
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		items = nil
		rows, err := tx.QueryContext(ctx, `SELECT id, content_sha256 FROM images WHERE reports > 0 OR status = 'blocked'`)
		if err != nil {
			return err
		}
		firsts := map[int64]bool{}
		sums := map[string]bool{}
		for rows.Next() {
			var id int64
			var sum string
			if err := rows.Scan(&id, &sum); err != nil {
				rows.Close()
				return err
			}
			if sum == "" {
				firsts[id] = true
			} else {
				sums[sum] = true
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for sum := range sums {
			var first int64
			if err := tx.QueryRowContext(ctx, `SELECT min(id) FROM images WHERE content_sha256 = ?`, sum).Scan(&first); err != nil {
				return err
			}
			firsts[first] = true
		}
		for first := range firsts {
			item, err := s.pictureState(ctx, tx, first)
			if err != nil {
				return err
			}
			if revue.InQueue(item, q.Filter) {
				items = append(items, item)
			}
		}
		items = revue.SortQueue(items, q.Limit)
		for i := range items {
			if err := s.pictureDetails(ctx, tx, &items[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the moderation queue: %w", err)
	}
	return items, nil
}

// pictureState reads the records of first's picture into one item.
func (s *Store) pictureState(ctx context.Context, tx *sql.Tx, first int64) (revue.ModerationItem, error) {
	ids, err := pictureOf(ctx, tx, first)
	if err != nil {
		return revue.ModerationItem{}, err
	}
	in, args := inIDs(ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+imageColumns+` FROM images WHERE id IN `+in+` ORDER BY id`, args...)
	if err != nil {
		return revue.ModerationItem{}, err
	}
	var records []revue.Image
	for rows.Next() {
		img, err := scanImage(rows)
		if err != nil {
			rows.Close()
			return revue.ModerationItem{}, err
		}
		records = append(records, img)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return revue.ModerationItem{}, err
	}
	return revue.PictureItem(records), nil
}

// pictureDetails fills in an item's reasons, notes and articles.
func (s *Store) pictureDetails(ctx context.Context, tx *sql.Tx, item *revue.ModerationItem) error {
	in, args := inIDs(append([]int64{item.Image.ID}, item.Copies...))
	rows, err := tx.QueryContext(ctx, `SELECT r.reason, count(*) FROM image_reports r JOIN images i ON i.id = r.image_id
		WHERE r.image_id IN `+in+` AND r.wave = i.wave GROUP BY r.reason ORDER BY count(*) DESC, r.reason`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var rc revue.ReasonCount
		if err := rows.Scan(&rc.Reason, &rc.Count); err != nil {
			rows.Close()
			return err
		}
		item.Reasons = append(item.Reasons, rc)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	rows, err = tx.QueryContext(ctx, `SELECT image_id, reason, note, reported_at FROM image_reports
		WHERE image_id IN `+in+` AND note <> '' ORDER BY reported_at DESC LIMIT 5`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r revue.ImageReport
		var at int64
		if err := rows.Scan(&r.ImageID, &r.Reason, &r.Note, &at); err != nil {
			rows.Close()
			return err
		}
		r.At = fromMicros(sql.NullInt64{Int64: at, Valid: true})
		item.Notes = append(item.Notes, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT article_id) FROM article_images WHERE image_id IN `+in, args...).
		Scan(&item.ArticleSum); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT a.id, a.title, s.name, a.published_at FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id IN (SELECT article_id FROM article_images WHERE image_id IN `+in+`)
		ORDER BY a.published_at DESC, a.id DESC LIMIT 10`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a revue.ArticleRef
		var at int64
		if err := rows.Scan(&a.ID, &a.Title, &a.SourceName, &at); err != nil {
			rows.Close()
			return err
		}
		a.PublishedAt = fromMicros(sql.NullInt64{Int64: at, Valid: true})
		item.Articles = append(item.Articles, a)
	}
	return errors.Join(rows.Err(), rows.Close())
}

// ModerationLog returns the latest entries, of one picture or of all.
func (s *Store) ModerationLog(ctx context.Context, imageID int64, limit int) ([]revue.ModerationEntry, error) {
	var entries []revue.ModerationEntry
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		entries = nil
		where, args := "", []any{}
		if imageID != 0 {
			ids, err := pictureOf(ctx, tx, imageID)
			if err != nil {
				return err
			}
			var in string
			in, args = inIDs(ids)
			where = `WHERE image_id IN ` + in
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, image_id, action, moderator, note, images, at FROM moderation_log `+where+`
			ORDER BY id DESC LIMIT ?`, append(args, cmp.Or(limit, 50))...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e revue.ModerationEntry
			var at int64
			if err := rows.Scan(&e.ID, &e.ImageID, &e.Action, &e.Moderator, &e.Note, &e.Images, &at); err != nil {
				return err
			}
			e.At = fromMicros(sql.NullInt64{Int64: at, Valid: true})
			entries = append(entries, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("reading the moderation log: %w", err)
	}
	return entries, nil
}

// Secret returns the named secret, storing fresh if there is none yet.
func (s *Store) Secret(ctx context.Context, name string, fresh []byte, now time.Time) ([]byte, error) {
	var value []byte
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, name, fresh, micros(now)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the secret %q: %w", name, err)
	}
	return value, nil
}

// CountHit counts a hit in (bucket, key)'s fixed window.
func (s *Store) CountHit(ctx context.Context, bucket, key string, now time.Time, window time.Duration) (int, error) {
	var hits int
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, key, window_start, hits) VALUES (?, ?, ?, 1)
			ON CONFLICT (bucket, key) DO UPDATE SET
				hits = CASE WHEN window_start <= ? THEN 1 ELSE hits + 1 END,
				window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
			RETURNING hits`, bucket, key, micros(now), micros(now.Add(-window)), micros(now.Add(-window))).Scan(&hits)
	})
	if err != nil {
		return 0, fmt.Errorf("counting a hit on %s: %w", bucket, err)
	}
	return hits, nil
}

// CountImages counts pending pictures and blocked records; both conditions
// imply the partial index images_moderated's.
func (s *Store) CountImages(ctx context.Context) (revue.ImageCounts, error) {
	var c revue.ImageCounts
	err := s.read.QueryRowContext(ctx, `SELECT
			count(DISTINCT CASE WHEN pending = 1 THEN CASE WHEN content_sha256 = '' THEN 'id:' || id ELSE content_sha256 END END),
			count(*) FILTER (WHERE status = 'blocked')
		FROM images WHERE reports > 0 OR status = 'blocked'`).Scan(&c.Pending, &c.Blocked)
	if err != nil {
		return revue.ImageCounts{}, fmt.Errorf("counting moderated images: %w", err)
	}
	return c, nil
}
