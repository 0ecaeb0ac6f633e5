package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"revue"
)

// GetImage returns one image with what the proxy last fetched of it.
func (s *Store) GetImage(ctx context.Context, id int64) (revue.Image, error) {
	img, err := scanImage(s.read.QueryRowContext(ctx, `SELECT `+imageColumns+` FROM images WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return revue.Image{}, fmt.Errorf("image %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Image{}, fmt.Errorf("reading image %d: %w", id, err)
	}
	return img, nil
}

// imageColumns are what scanImage reads, in its order.
const imageColumns = `id, url, status, reports, alt, width, height, content_sha256, content_type, fetched_at,
	wave_reports, blocked_by, pending, last_report_at`

func scanImage(row interface{ Scan(...any) error }) (revue.Image, error) {
	var img revue.Image
	var status string
	var fetchedAt, lastReport sql.NullInt64
	err := row.Scan(&img.ID, &img.URL, &status, &img.Reports, &img.Alt, &img.Width, &img.Height,
		&img.Content.SHA256, &img.Content.Type, &fetchedAt,
		&img.Moderation.WaveReports, &img.Moderation.BlockedBy, &img.Moderation.Pending, &lastReport)
	img.Status = revue.ImageStatus(status)
	img.Content.FetchedAt = fromMicros(fetchedAt)
	img.Moderation.LastReportAt = fromMicros(lastReport)
	return img, err
}

// RecordImageContent records what the proxy fetched for image id; the
// table's CHECK constraints refuse a malformed hash or a non-image type.
// A picture blocked under another URL is blocked under this one too.
func (s *Store) RecordImageContent(ctx context.Context, id int64, c revue.ImageContent) (revue.ImageStatus, error) {
	var status revue.ImageStatus
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE images SET content_sha256 = ?, content_type = ?, fetched_at = ?
			WHERE id = ?`, c.SHA256, c.Type, nullMicros(c.FetchedAt), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no such image: %w", revue.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE images
			SET status = 'blocked', blocked_by = b.blocked_by, pending = b.pending
			FROM (SELECT blocked_by, pending FROM images
			      WHERE content_sha256 = ? AND content_sha256 <> '' AND status = 'blocked' AND id <> ?
			      ORDER BY id LIMIT 1) AS b
			WHERE images.id = ? AND images.status = 'ok'`, c.SHA256, id, id); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT status FROM images WHERE id = ?`, id).Scan(&status)
	})
	if err != nil {
		return "", fmt.Errorf("recording the content of image %d: %w", id, err)
	}
	return status, nil
}

// ImagesBySHA256 lists the images whose recorded content hashes to sum.
func (s *Store) ImagesBySHA256(ctx context.Context, sum string) ([]int64, error) {
	if sum == "" {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM images WHERE content_sha256 = ? ORDER BY id`, sum)
	if err != nil {
		return nil, fmt.Errorf("listing the images with SHA-256 %s: %w", sum, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing the images with SHA-256 %s: %w", sum, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing the images with SHA-256 %s: %w", sum, err)
	}
	return ids, nil
}
