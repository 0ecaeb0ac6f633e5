package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
)

// GetImage returns one image with what the proxy last fetched of it.
func (s *Store) GetImage(ctx context.Context, id int64) (revue.Image, error) {
	var img revue.Image
	var fetchedAt pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT id, url, status, reports, alt, width, height,
		content_sha256, content_type, fetched_at FROM images WHERE id = $1`, id).
		Scan(&img.ID, &img.URL, &img.Status, &img.Reports, &img.Alt, &img.Width, &img.Height,
			&img.Content.SHA256, &img.Content.Type, &fetchedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return revue.Image{}, fmt.Errorf("image %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Image{}, fmt.Errorf("reading image %d: %w", id, err)
	}
	img.Content.FetchedAt = goTime(fetchedAt)
	return img, nil
}

// RecordImageContent records what the proxy fetched for image id; the
// table's CHECK constraints refuse a malformed hash or a non-image type.
func (s *Store) RecordImageContent(ctx context.Context, id int64, c revue.ImageContent) error {
	tag, err := s.pool.Exec(ctx, `UPDATE images SET content_sha256 = $1, content_type = $2, fetched_at = $3
		WHERE id = $4`, c.SHA256, c.Type, dbTime(c.FetchedAt), id)
	if err != nil {
		return fmt.Errorf("recording the content of image %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("recording the content of image %d: no such image: %w", id, revue.ErrNotFound)
	}
	return nil
}

// ImagesBySHA256 lists the images whose recorded content hashes to sum.
func (s *Store) ImagesBySHA256(ctx context.Context, sum string) ([]int64, error) {
	if sum == "" {
		return nil, nil
	}
	rows, _ := s.pool.Query(ctx, `SELECT id FROM images WHERE content_sha256 = $1 ORDER BY id`, sum)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("listing the images with SHA-256 %s: %w", sum, err)
	}
	return ids, nil
}
