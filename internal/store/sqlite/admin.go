package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"revue"
)

// SetAdminPassword creates or updates an administrator and ends their
// sessions, so a changed password locks out whoever had the old one.
func (s *Store) SetAdminPassword(ctx context.Context, name, passwordHash string, now time.Time) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO admins (name, password_hash, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
			name, passwordHash, micros(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE admin = ?`, name)
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
	err := s.read.QueryRowContext(ctx, `SELECT password_hash FROM admins WHERE name = ?`, name).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("administrator %q: %w", name, revue.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("reading administrator %q: %w", name, err)
	}
	return hash, nil
}

// CreateSession stores a session and forgets the expired ones.
func (s *Store) CreateSession(ctx context.Context, sess revue.AdminSession) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE expires_at <= ?`, micros(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO admin_sessions (id, admin, csrf_token, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, sess.ID, sess.Admin, sess.CSRFToken, micros(sess.CreatedAt), micros(sess.ExpiresAt))
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
	var created, expires int64
	err := s.read.QueryRowContext(ctx, `SELECT id, admin, csrf_token, created_at, expires_at FROM admin_sessions
		WHERE id = ? AND expires_at > ?`, id, micros(now)).Scan(&sess.ID, &sess.Admin, &sess.CSRFToken, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return revue.AdminSession{}, fmt.Errorf("session: %w", revue.ErrNotFound)
	}
	if err != nil {
		return revue.AdminSession{}, fmt.Errorf("reading a session: %w", err)
	}
	sess.CreatedAt = fromMicros(sql.NullInt64{Int64: created, Valid: true})
	sess.ExpiresAt = fromMicros(sql.NullInt64{Int64: expires, Valid: true})
	return sess, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM admin_sessions WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("ending a session: %w", err)
	}
	return nil
}

const microsPerDay = int64(24 * time.Hour / time.Microsecond)

// DailyArticles counts articles per UTC day and source.
func (s *Store) DailyArticles(ctx context.Context, from, to time.Time) ([]revue.SourceDay, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT a.published_at / ? AS day, a.source_id, s.name, count(*)
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.published_at >= ? AND a.published_at < ?
		GROUP BY day, a.source_id ORDER BY day, a.source_id`, microsPerDay, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("counting articles per day: %w", err)
	}
	defer rows.Close()
	var out []revue.SourceDay
	for rows.Next() {
		var d revue.SourceDay
		var day int64
		if err := rows.Scan(&day, &d.SourceID, &d.SourceName, &d.Articles); err != nil {
			return nil, fmt.Errorf("counting articles per day: %w", err)
		}
		d.Day = time.UnixMicro(day * microsPerDay).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting articles per day: %w", err)
	}
	return out, nil
}

// DailyFetches counts feed fetches and failures per UTC day.
func (s *Store) DailyFetches(ctx context.Context, from, to time.Time) ([]revue.FetchDay, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT at / ? AS day, count(*), count(*) FILTER (WHERE error <> '')
		FROM fetch_log WHERE at >= ? AND at < ? GROUP BY day ORDER BY day`, microsPerDay, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("counting fetches per day: %w", err)
	}
	defer rows.Close()
	var out []revue.FetchDay
	for rows.Next() {
		var d revue.FetchDay
		var day int64
		if err := rows.Scan(&day, &d.Fetches, &d.Errors); err != nil {
			return nil, fmt.Errorf("counting fetches per day: %w", err)
		}
		d.Day = time.UnixMicro(day * microsPerDay).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting fetches per day: %w", err)
	}
	return out, nil
}

// RegionVolumes counts articles per region and UTC day. The range is put
// on articles.published_at so that SQLite walks articles_published over
// the range and probes article_regions by its key, instead of scanning
// every region's rows.
func (s *Store) RegionVolumes(ctx context.Context, from, to time.Time) ([]revue.RegionDay, error) {
	rows, err := s.read.QueryContext(ctx, regionVolumesQuery, microsPerDay, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("counting articles per region and day: %w", err)
	}
	defer rows.Close()
	var out []revue.RegionDay
	for rows.Next() {
		var d revue.RegionDay
		var day int64
		if err := rows.Scan(&d.Region, &day, &d.Articles); err != nil {
			return nil, fmt.Errorf("counting articles per region and day: %w", err)
		}
		d.Day = time.UnixMicro(day * microsPerDay).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting articles per region and day: %w", err)
	}
	return out, nil
}

const regionVolumesQuery = `SELECT r.region, a.published_at / ?1 AS day, count(*)
	FROM articles a JOIN article_regions r ON r.article_id = a.id
	WHERE a.published_at >= ?2 AND a.published_at < ?3 AND NOT a.date_estimated
	GROUP BY r.region, day ORDER BY r.region, day`
