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
	var img revue.Image
	var status string
	var fetchedAt sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT id, url, status, reports, alt, width, height,
		content_sha256, content_type, fetched_at FROM images WHERE id = ?`, id).
		Scan(&img.ID, &img.URL, &status, &img.Reports, &img.Alt, &img.Width, &img.Height,
			&img.Content.SHA256, &img.Content.Type, &fetchedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return revue.Image{}, fmt.Errorf("image %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Image{}, fmt.Errorf("reading image %d: %w", id, err)
	}
	img.Status = revue.ImageStatus(status)
	img.Content.FetchedAt = fromMicros(fetchedAt)
	return img, nil
}

// RecordImageContent records what the proxy fetched for image id; the
// table's CHECK constraints refuse a malformed hash or a non-image type.
func (s *Store) RecordImageContent(ctx context.Context, id int64, c revue.ImageContent) error {
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
		return nil
	})
	if err != nil {
		return fmt.Errorf("recording the content of image %d: %w", id, err)
	}
	return nil
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
