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
	img, err := scanImage(s.pool.QueryRow(ctx, `SELECT `+imageColumns+` FROM images WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
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

func scanImage(row pgx.Row) (revue.Image, error) {
	var img revue.Image
	var fetchedAt, lastReport pgtype.Timestamptz
	err := row.Scan(&img.ID, &img.URL, &img.Status, &img.Reports, &img.Alt, &img.Width, &img.Height,
		&img.Content.SHA256, &img.Content.Type, &fetchedAt,
		&img.Moderation.WaveReports, &img.Moderation.BlockedBy, &img.Moderation.Pending, &lastReport)
	img.Content.FetchedAt = goTime(fetchedAt)
	img.Moderation.LastReportAt = goTime(lastReport)
	return img, err
}

// RecordImageContent records what the proxy fetched for image id; the
// table's CHECK constraints refuse a malformed hash or a non-image type.
// A picture blocked under another URL is blocked under this one too: one
// statement reads the other records and writes this one.
func (s *Store) RecordImageContent(ctx context.Context, id int64, c revue.ImageContent) (revue.ImageStatus, error) {
	var status revue.ImageStatus
	err := s.pool.QueryRow(ctx, `UPDATE images SET content_sha256 = $1, content_type = $2, fetched_at = $3,
			status = CASE WHEN b.blocked THEN 'blocked' ELSE images.status END,
			blocked_by = CASE WHEN b.blocked AND images.status = 'ok' THEN b.blocked_by ELSE images.blocked_by END,
			pending = CASE WHEN b.blocked AND images.status = 'ok' THEN b.pending ELSE images.pending END
		FROM (SELECT count(*) > 0 AS blocked, min(blocked_by) AS blocked_by, bool_or(pending) AS pending
		      FROM images WHERE content_sha256 = $1 AND $1 <> '' AND status = 'blocked' AND id <> $4) AS b
		WHERE images.id = $4 RETURNING images.status`, c.SHA256, c.Type, dbTime(c.FetchedAt), id).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("recording the content of image %d: no such image: %w", id, revue.ErrNotFound)
	}
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
	rows, _ := s.pool.Query(ctx, `SELECT id FROM images WHERE content_sha256 = $1 ORDER BY id`, sum)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("listing the images with SHA-256 %s: %w", sum, err)
	}
	return ids, nil
}
