package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
)

// lockPicture locks the records of image id's picture (id and its copies,
// the same content SHA-256) in ID order, so that concurrent reports and
// moderators of one picture take turns and never deadlock, and returns
// their IDs.
func lockPicture(ctx context.Context, tx pgx.Tx, id int64) ([]int64, error) {
	rows, _ := tx.Query(ctx, `SELECT id FROM images
		WHERE id = $1 OR (content_sha256 <> '' AND content_sha256 = (SELECT content_sha256 FROM images WHERE id = $1))
		ORDER BY id FOR UPDATE`, id)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no image %d: %w", id, revue.ErrNotFound)
	}
	return ids, nil
}

// pictureOf returns the records of image id's picture without locking.
func pictureOf(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, id int64) ([]int64, error) {
	rows, _ := q.Query(ctx, `SELECT id FROM images
		WHERE id = $1 OR (content_sha256 <> '' AND content_sha256 = (SELECT content_sha256 FROM images WHERE id = $1))
		ORDER BY id`, id)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no image %d: %w", id, revue.ErrNotFound)
	}
	return ids, nil
}

// ReportImage records one reader's report. The picture's rows stay locked
// from the first statement to the commit, so concurrent reports of one
// picture are counted one after the other and exactly one blocks.
func (s *Store) ReportImage(ctx context.Context, r revue.ImageReport, threshold int) (revue.ReportResult, error) {
	var res revue.ReportResult
	err := withRetry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			res = revue.ReportResult{}
			ids, err := lockPicture(ctx, tx, r.ImageID)
			if err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `INSERT INTO image_reports (image_id, reporter, reported_at, wave, reason, note)
				SELECT id, $2, $3, wave, $4, $5 FROM images WHERE id = $1
				AND NOT EXISTS (SELECT 1 FROM image_reports WHERE reporter = $2 AND image_id = ANY($6))`,
				r.ImageID, r.Reporter, micro(r.At), r.Reason, r.Note, ids)
			if err != nil {
				return err
			}
			if res.Counted = tag.RowsAffected() == 1; res.Counted {
				if _, err := tx.Exec(ctx, `UPDATE images SET reports = reports + 1, wave_reports = wave_reports + 1,
					last_report_at = greatest(last_report_at, $2) WHERE id = $1`, r.ImageID, micro(r.At)); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE images SET pending = true WHERE id = ANY($1)`, ids); err != nil {
					return err
				}
			}
			if err := tx.QueryRow(ctx, `SELECT (SELECT status FROM images WHERE id = $1),
				(SELECT sum(wave_reports) FROM images WHERE id = ANY($2))`, r.ImageID, ids).
				Scan(&res.Status, &res.Reports); err != nil {
				return err
			}
			if !res.Counted || res.Status != revue.ImageOK || threshold <= 0 || res.Reports < threshold {
				return nil
			}
			rows, _ := tx.Query(ctx, `UPDATE images SET status = 'blocked', blocked_by = 'reports', pending = true
				WHERE status = 'ok' AND id = ANY($1) RETURNING id`, ids)
			blocked, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			slices.Sort(blocked)
			res.Blocked, res.Status = blocked, revue.ImageBlocked
			_, err = tx.Exec(ctx, `INSERT INTO moderation_log (image_id, action, moderator, images, at)
				VALUES ($1, 'auto-block', '', $2, $3)`, r.ImageID, len(blocked), micro(r.At))
			return err
		})
	})
	if err != nil {
		return revue.ReportResult{}, fmt.Errorf("recording a report of image %d: %w", r.ImageID, err)
	}
	return res, nil
}

// ModerateImage applies a moderator's action to every copy of a picture.
func (s *Store) ModerateImage(ctx context.Context, a revue.ModerationAction) ([]int64, error) {
	var ids []int64
	err := withRetry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			if ids, err = lockPicture(ctx, tx, a.ImageID); err != nil {
				return err
			}
			switch a.Action {
			case revue.ActionRestore:
				_, err = tx.Exec(ctx, `UPDATE images SET status = 'ok', blocked_by = '', pending = false,
					wave = wave + 1, wave_reports = 0 WHERE id = ANY($1)`, ids)
			case revue.ActionConfirm:
				var status revue.ImageStatus
				if err := tx.QueryRow(ctx, `SELECT status FROM images WHERE id = $1`, a.ImageID).Scan(&status); err != nil {
					return err
				}
				if status != revue.ImageBlocked {
					return fmt.Errorf("image %d is shown, there is no block to confirm: %w", a.ImageID, revue.ErrConflict)
				}
				_, err = tx.Exec(ctx, `UPDATE images SET pending = false WHERE id = ANY($1)`, ids)
			case revue.ActionBlock:
				_, err = tx.Exec(ctx, `UPDATE images SET status = 'blocked', blocked_by = 'moderator', pending = false
					WHERE id = ANY($1)`, ids)
			default:
				return fmt.Errorf("%q is no moderation action (restore, confirm or block)", a.Action)
			}
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO moderation_log (image_id, action, moderator, note, images, at)
				VALUES ($1, $2, $3, $4, $5, $6)`, a.ImageID, a.Action, a.Moderator, a.Note, len(ids), micro(a.At))
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("moderating image %d (%s): %w", a.ImageID, a.Action, err)
	}
	return ids, nil
}

// ModerationQueue gathers the pictures ever reported or blocked, each
// under its first record, and fills in what moderators need to decide. It
// reads one snapshot.
func (s *Store) ModerationQueue(ctx context.Context, q revue.ModerationQuery) ([]revue.ModerationItem, error) {
	var items []revue.ModerationItem
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		items = nil
		// Each picture under its first record: the lowest ID among the
		// records with its content hash.
		rows, _ := tx.Query(ctx, `SELECT DISTINCT CASE WHEN i.content_sha256 = '' THEN i.id
			ELSE (SELECT min(c.id) FROM images c WHERE c.content_sha256 = i.content_sha256) END
			FROM images i WHERE i.reports > 0 OR i.status = 'blocked'`)
		firsts, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, first := range firsts {
			ids, err := pictureOf(ctx, tx, first)
			if err != nil {
				return err
			}
			rows, _ := tx.Query(ctx, `SELECT `+imageColumns+` FROM images WHERE id = ANY($1) ORDER BY id`, ids)
			records, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.Image, error) { return scanImage(row) })
			if err != nil {
				return err
			}
			if item := revue.PictureItem(records); revue.InQueue(item, q.Filter) {
				items = append(items, item)
			}
		}
		items = revue.SortQueue(items, q.Limit)
		for i := range items {
			if err := pictureDetails(ctx, tx, &items[i]); err != nil {
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

// pictureDetails fills in an item's reasons, notes and articles.
func pictureDetails(ctx context.Context, tx pgx.Tx, item *revue.ModerationItem) error {
	ids := append([]int64{item.Image.ID}, item.Copies...)
	rows, _ := tx.Query(ctx, `SELECT r.reason, count(*) FROM image_reports r JOIN images i ON i.id = r.image_id
		WHERE r.image_id = ANY($1) AND r.wave = i.wave GROUP BY r.reason ORDER BY count(*) DESC, r.reason`, ids)
	reasons, err := pgx.CollectRows(rows, pgx.RowToStructByPos[revue.ReasonCount])
	if err != nil {
		return err
	}
	item.Reasons = reasons

	rows, _ = tx.Query(ctx, `SELECT image_id, reason, note, reported_at FROM image_reports
		WHERE image_id = ANY($1) AND note <> '' ORDER BY reported_at DESC LIMIT 5`, ids)
	notes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.ImageReport, error) {
		var r revue.ImageReport
		var at pgtype.Timestamptz
		err := row.Scan(&r.ImageID, &r.Reason, &r.Note, &at)
		r.At = goTime(at)
		return r, err
	})
	if err != nil {
		return err
	}
	item.Notes = notes

	if err := tx.QueryRow(ctx, `SELECT count(DISTINCT article_id) FROM article_images WHERE image_id = ANY($1)`, ids).
		Scan(&item.ArticleSum); err != nil {
		return err
	}
	rows, _ = tx.Query(ctx, `SELECT a.id, a.title, s.name, a.published_at FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id IN (SELECT article_id FROM article_images WHERE image_id = ANY($1))
		ORDER BY a.published_at DESC, a.id DESC LIMIT 10`, ids)
	articles, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.ArticleRef, error) {
		var a revue.ArticleRef
		var at pgtype.Timestamptz
		err := row.Scan(&a.ID, &a.Title, &a.SourceName, &at)
		a.PublishedAt = goTime(at)
		return a, err
	})
	if err != nil {
		return err
	}
	item.Articles = articles
	return nil
}

// ModerationLog returns the latest entries, of one picture or of all.
func (s *Store) ModerationLog(ctx context.Context, imageID int64, limit int) ([]revue.ModerationEntry, error) {
	var ids []int64
	if imageID != 0 {
		var err error
		if ids, err = pictureOf(ctx, s.pool, imageID); err != nil {
			return nil, fmt.Errorf("reading the moderation log: %w", err)
		}
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, image_id, action, moderator, note, images, at FROM moderation_log
		WHERE $1::bigint[] IS NULL OR image_id = ANY($1) ORDER BY id DESC LIMIT $2`, ids, cmp.Or(limit, 50))
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.ModerationEntry, error) {
		var e revue.ModerationEntry
		var at pgtype.Timestamptz
		err := row.Scan(&e.ID, &e.ImageID, &e.Action, &e.Moderator, &e.Note, &e.Images, &at)
		e.At = goTime(at)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the moderation log: %w", err)
	}
	return entries, nil
}

// Secret returns the named secret, storing fresh if there is none yet.
func (s *Store) Secret(ctx context.Context, name string, fresh []byte, now time.Time) ([]byte, error) {
	if _, err := s.pool.Exec(ctx, `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, fresh, micro(now)); err != nil {
		return nil, fmt.Errorf("storing the secret %q: %w", name, err)
	}
	var value []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&value); err != nil {
		return nil, fmt.Errorf("reading the secret %q: %w", name, err)
	}
	return value, nil
}

// CountHit counts a hit in (bucket, key)'s fixed window; the upsert holds
// the row's lock, so concurrent hits are all counted.
func (s *Store) CountHit(ctx context.Context, bucket, key string, now time.Time, window time.Duration) (int, error) {
	var hits int
	err := s.pool.QueryRow(ctx, `INSERT INTO rate_limits AS l (bucket, key, window_start, hits) VALUES ($1, $2, $3, 1)
		ON CONFLICT (bucket, key) DO UPDATE SET
			hits = CASE WHEN l.window_start <= $4 THEN 1 ELSE l.hits + 1 END,
			window_start = CASE WHEN l.window_start <= $4 THEN excluded.window_start ELSE l.window_start END
		RETURNING hits`, bucket, key, micro(now), micro(now.Add(-window))).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("counting a hit on %s: %w", bucket, err)
	}
	return hits, nil
}

// SetAdminPassword creates or updates an administrator and ends their
// sessions, so a changed password locks out whoever had the old one.
func (s *Store) SetAdminPassword(ctx context.Context, name, passwordHash string, now time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO admins (name, password_hash, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
			name, passwordHash, micro(now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE admin = $1`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("setting the password of %q: %w", name, err)
	}
	return nil
}

// AdminPasswordHash returns an administrator's password hash.
func (s *Store) AdminPasswordHash(ctx context.Context, name string) (string, error) {
	var hash string
	err := s.pool.QueryRow(ctx, `SELECT password_hash FROM admins WHERE name = $1`, name).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("administrator %q: %w", name, revue.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("reading administrator %q: %w", name, err)
	}
	return hash, nil
}

// CreateSession stores a session and forgets the expired ones.
func (s *Store) CreateSession(ctx context.Context, sess revue.AdminSession) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE expires_at <= $1`, micro(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO admin_sessions (id, admin, csrf_token, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, sess.ID, sess.Admin, sess.CSRFToken, micro(sess.CreatedAt), micro(sess.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("storing a session of %q: %w", sess.Admin, err)
	}
	return nil
}

// Session returns a live session.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (revue.AdminSession, error) {
	var sess revue.AdminSession
	var created, expires pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT id, admin, csrf_token, created_at, expires_at FROM admin_sessions
		WHERE id = $1 AND expires_at > $2`, id, micro(now)).Scan(&sess.ID, &sess.Admin, &sess.CSRFToken, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return revue.AdminSession{}, fmt.Errorf("session: %w", revue.ErrNotFound)
	}
	if err != nil {
		return revue.AdminSession{}, fmt.Errorf("reading a session: %w", err)
	}
	sess.CreatedAt, sess.ExpiresAt = goTime(created), goTime(expires)
	return sess, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("ending a session: %w", err)
	}
	return nil
}

// DailyArticles counts articles per UTC day and source.
func (s *Store) DailyArticles(ctx context.Context, from, to time.Time) ([]revue.SourceDay, error) {
	rows, _ := s.pool.Query(ctx, `SELECT date_trunc('day', a.published_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day,
			a.source_id, s.name, count(*)
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.published_at >= $1 AND a.published_at < $2
		GROUP BY day, a.source_id, s.name ORDER BY day, a.source_id`, micro(from), micro(to))
	days, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.SourceDay, error) {
		var d revue.SourceDay
		var day pgtype.Timestamptz
		err := row.Scan(&day, &d.SourceID, &d.SourceName, &d.Articles)
		d.Day = goTime(day)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting articles per day: %w", err)
	}
	return days, nil
}

// DailyFetches counts feed fetches and failures per UTC day.
func (s *Store) DailyFetches(ctx context.Context, from, to time.Time) ([]revue.FetchDay, error) {
	rows, _ := s.pool.Query(ctx, `SELECT date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day,
			count(*), count(*) FILTER (WHERE error <> '')
		FROM fetch_log WHERE at >= $1 AND at < $2 GROUP BY day ORDER BY day`, micro(from), micro(to))
	days, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.FetchDay, error) {
		var d revue.FetchDay
		var day pgtype.Timestamptz
		err := row.Scan(&day, &d.Fetches, &d.Errors)
		d.Day = goTime(day)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting fetches per day: %w", err)
	}
	return days, nil
}

// CountImages counts pending pictures and blocked records; both conditions
// imply the partial index images_moderated_idx's.
func (s *Store) CountImages(ctx context.Context) (revue.ImageCounts, error) {
	var c revue.ImageCounts
	err := s.pool.QueryRow(ctx, `SELECT
			count(DISTINCT CASE WHEN content_sha256 = '' THEN 'id:' || id ELSE content_sha256 END) FILTER (WHERE pending),
			count(*) FILTER (WHERE status = 'blocked')
		FROM images WHERE reports > 0 OR status = 'blocked'`).Scan(&c.Pending, &c.Blocked)
	if err != nil {
		return revue.ImageCounts{}, fmt.Errorf("counting moderated images: %w", err)
	}
	return c, nil
}

// RegionVolumes counts articles per region and UTC day. The range is put
// on article_regions' copy of published_at, so the week's rows are read
// through article_regions_published_idx (migration 0008), and on the
// article's own, which holds the same instant.
func (s *Store) RegionVolumes(ctx context.Context, from, to time.Time) ([]revue.RegionDay, error) {
	rows, _ := s.pool.Query(ctx, regionVolumesSQL, micro(from), micro(to))
	days, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (revue.RegionDay, error) {
		var d revue.RegionDay
		var day pgtype.Timestamptz
		err := row.Scan(&d.Region, &day, &d.Articles)
		d.Day = goTime(day)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting articles per region and day: %w", err)
	}
	return days, nil
}

const regionVolumesSQL = `SELECT r.region, date_trunc('day', a.published_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, count(*)
	FROM articles a JOIN article_regions r ON r.article_id = a.id
	WHERE r.published_at >= $1 AND r.published_at < $2
		AND a.published_at >= $1 AND a.published_at < $2 AND NOT a.date_estimated
	GROUP BY r.region, day ORDER BY r.region, day`
