package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"revue"
)

// sourceColumns lists, in scanSource's order, the columns of sources as s.
const sourceColumns = `s.id, s.name, s.feed_url, s.host, s.site_url, s.lang, s.section, s.region, s.enabled,
	s.body_selector, s.drop_selectors, s.republish,
	s.etag, s.last_modified, s.last_status, s.last_error, s.consecutive_failures,
	s.last_fetch_at, s.last_success_at, s.next_fetch_at, s.interval_seconds, s.items_per_day,
	s.created_at`

// scanSource reads sourceColumns, then extra destinations.
func scanSource(row pgx.Row, extra ...any) (revue.Source, error) {
	var (
		src                                       revue.Source
		lastFetch, lastSuccess, nextFetch, create pgtype.Timestamptz
		intervalSeconds                           int64
	)
	dest := append([]any{&src.ID, &src.Name, &src.FeedURL, &src.Host, &src.SiteURL, &src.Lang, &src.Section,
		&src.Region, &src.Enabled, &src.Rules.Body, &src.Rules.Drop, &src.Republish, &src.ETag, &src.LastModified, &src.LastStatus, &src.LastError,
		&src.ConsecutiveFailures, &lastFetch, &lastSuccess, &nextFetch, &intervalSeconds,
		&src.ItemsPerDay, &create}, extra...)
	if err := row.Scan(dest...); err != nil {
		return revue.Source{}, err
	}
	if len(src.Rules.Drop) == 0 {
		src.Rules.Drop = nil
	}
	src.LastFetchAt = goTime(lastFetch)
	src.LastSuccessAt = goTime(lastSuccess)
	src.NextFetchAt = goTime(nextFetch)
	src.CreatedAt = goTime(create)
	src.Interval = time.Duration(intervalSeconds) * time.Second
	return src, nil
}

// AddSource stores a new source, due at now.
func (s *Store) AddSource(ctx context.Context, src revue.Source, now time.Time) (revue.Source, error) {
	row := s.pool.QueryRow(ctx, `INSERT INTO sources AS s
		(name, feed_url, site_url, lang, section, region, enabled, next_fetch_at, created_at, host,
		 body_selector, drop_selectors, republish)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12)
		RETURNING `+sourceColumns,
		src.Name, src.FeedURL, src.SiteURL, src.Lang, src.Section, src.Region, src.Enabled, micro(now), revue.HostOf(src.FeedURL),
		src.Rules.Body, nonNil(src.Rules.Drop), src.Republish)
	added, err := scanSource(row)
	if pgCode(err) == codeUniqueViolation {
		return revue.Source{}, fmt.Errorf("adding source %s: a source with this feed URL %w", src.FeedURL, revue.ErrDuplicate)
	}
	if err != nil {
		return revue.Source{}, fmt.Errorf("adding source %s: %w", src.FeedURL, err)
	}
	return added, nil
}

// GetSource returns one source with its article count.
func (s *Store) GetSource(ctx context.Context, id int64) (revue.Source, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+sourceColumns+`,
		(SELECT count(*) FROM articles a WHERE a.source_id = s.id)
		FROM sources s WHERE s.id = $1`, id)
	var count int64
	src, err := scanSource(row, &count)
	src.Articles = count
	if errors.Is(err, pgx.ErrNoRows) {
		return revue.Source{}, fmt.Errorf("source %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Source{}, fmt.Errorf("reading source %d: %w", id, err)
	}
	return src, nil
}

// ListSources returns every source by ID, with its article count.
func (s *Store) ListSources(ctx context.Context) ([]revue.Source, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sourceColumns+`, COALESCE(c.n, 0)
		FROM sources s
		LEFT JOIN (SELECT source_id, count(*) AS n FROM articles GROUP BY source_id) c ON c.source_id = s.id
		ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("listing sources: %w", err)
	}
	defer rows.Close()
	var out []revue.Source
	for rows.Next() {
		var count int64
		src, err := scanSource(rows, &count)
		if err != nil {
			return nil, fmt.Errorf("listing sources: %w", err)
		}
		src.Articles = count
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing sources: %w", err)
	}
	return out, nil
}

// UpdateSource changes the configuration fields only, never the crawl state.
func (s *Store) UpdateSource(ctx context.Context, src revue.Source) error {
	tag, err := s.pool.Exec(ctx, `UPDATE sources SET name = $2, feed_url = $3, site_url = $4,
		lang = $5, section = $6, region = $7, enabled = $8, host = $9,
		body_selector = $10, drop_selectors = $11, republish = $12 WHERE id = $1`,
		src.ID, src.Name, src.FeedURL, src.SiteURL, src.Lang, src.Section, src.Region, src.Enabled, revue.HostOf(src.FeedURL),
		src.Rules.Body, nonNil(src.Rules.Drop), src.Republish)
	if pgCode(err) == codeUniqueViolation {
		return fmt.Errorf("updating source %d: feed URL %s: another source %w", src.ID, src.FeedURL, revue.ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("updating source %d: %w", src.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("updating source %d: %w", src.ID, revue.ErrNotFound)
	}
	return nil
}

// RemoveSource deletes a source; its articles and fetch log go with it.
func (s *Store) RemoveSource(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM sources WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("removing source %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("removing source %d: %w", id, revue.ErrNotFound)
	}
	return nil
}

// ClaimDueSources leases due sources in one statement (see revue.Store for
// what is due). The window ranks each host's due sources so a claim takes
// at most r.PerHost of one host; SKIP LOCKED lets concurrent claimers pass
// over rows another is taking instead of waiting, and the outer conditions,
// re-checked on each locked row, keep a source from being leased twice.
func (s *Store) ClaimDueSources(ctx context.Context, r revue.ClaimRequest) ([]revue.Source, error) {
	if r.Limit <= 0 {
		return nil, nil
	}
	now := micro(r.Now)
	skip := nonNil(r.SkipHosts)
	// The window ranks every due source, so it is left out when the cap
	// could not bite (a claim takes at most Limit anyway).
	capped := ``
	args := []any{r.Worker, micro(now.Add(r.Lease)), now, dbTime(r.EveryFetchedBefore), r.Limit, skip}
	if r.PerHost > 0 && r.PerHost < r.Limit {
		args = append(args, r.PerHost)
		capped = `id IN (SELECT id FROM (
						SELECT id, row_number() OVER (PARTITION BY host ORDER BY next_fetch_at, id) AS nth
						FROM sources
						WHERE enabled
						  AND (lease_until IS NULL OR lease_until <= $3)
						  AND (next_fetch_at <= $3
						       OR ($4::timestamptz IS NOT NULL AND consecutive_failures = 0
						           AND (last_fetch_at IS NULL OR last_fetch_at < $4)))
						  AND host <> ALL($6::text[])) ranked
					WHERE nth <= $7)
				  AND `
	}
	rows, err := s.pool.Query(ctx, `WITH claimed AS (
			UPDATE sources SET lease_owner = $1, lease_until = $2
			FROM (SELECT id FROM sources
				WHERE `+capped+`
				  -- Checked on the row as locked (and again after the
				  -- ranking's snapshot): another worker may have claimed and
				  -- fetched it meanwhile.
				  enabled
				  AND (lease_until IS NULL OR lease_until <= $3)
				  AND (next_fetch_at <= $3
				       OR ($4::timestamptz IS NOT NULL AND consecutive_failures = 0
				           AND (last_fetch_at IS NULL OR last_fetch_at < $4)))
				  AND host <> ALL($6::text[])
				ORDER BY next_fetch_at, id
				LIMIT $5
				FOR UPDATE SKIP LOCKED) due
			WHERE sources.id = due.id
			RETURNING sources.*)
		SELECT `+sourceColumns+` FROM claimed s ORDER BY s.next_fetch_at, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("claiming due sources for %s: %w", r.Worker, err)
	}
	defer rows.Close()
	var out []revue.Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("claiming due sources for %s: %w", r.Worker, err)
		}
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claiming due sources for %s: %w", r.Worker, err)
	}
	return out, nil
}

// nonNil keeps an empty list from being written as NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ReleaseLease clears worker's lease on a source, leaving its schedule.
func (s *Store) ReleaseLease(ctx context.Context, worker string, sourceID int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE sources SET lease_owner = NULL, lease_until = NULL
		WHERE id = $1 AND lease_owner = $2`, sourceID, worker); err != nil {
		return fmt.Errorf("releasing the lease of %s on source %d: %w", worker, sourceID, err)
	}
	return nil
}

// HostCrawlDelay returns host's recorded Crawl-delay, 0 when none.
func (s *Store) HostCrawlDelay(ctx context.Context, host string) (time.Duration, error) {
	var ms int64
	err := s.pool.QueryRow(ctx, `SELECT crawl_delay_ms FROM hosts WHERE host = $1`, host).Scan(&ms)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the Crawl-delay of %s: %w", host, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// SetHostCrawlDelay records host's Crawl-delay; 0 forgets it.
func (s *Store) SetHostCrawlDelay(ctx context.Context, host string, delay time.Duration, now time.Time) error {
	var err error
	if delay <= 0 {
		_, err = s.pool.Exec(ctx, `DELETE FROM hosts WHERE host = $1`, host)
	} else {
		_, err = s.pool.Exec(ctx, `INSERT INTO hosts (host, crawl_delay_ms, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (host) DO UPDATE SET crawl_delay_ms = excluded.crawl_delay_ms, updated_at = excluded.updated_at`,
			host, delay.Milliseconds(), micro(now))
	}
	if err != nil {
		return fmt.Errorf("recording the Crawl-delay of %s: %w", host, err)
	}
	return nil
}

// RecordFetch writes one fetch's outcome and releases o.Worker's lease.
func (s *Store) RecordFetch(ctx context.Context, o revue.FetchOutcome) error {
	err := withRetry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return recordFetch(ctx, tx, o) })
	})
	if pgCode(err) == codeUniqueViolation {
		// Another source took the redirect target between our check and
		// our update; the second try sees it and keeps the old URL.
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return recordFetch(ctx, tx, o) })
	}
	if err != nil {
		return fmt.Errorf("recording fetch of source %d: %w", o.SourceID, err)
	}
	return nil
}

func recordFetch(ctx context.Context, tx pgx.Tx, o revue.FetchOutcome) error {
	lastError := o.Err
	if lastError == "" {
		lastError = o.Warning
	}
	newFeedURL := o.NewFeedURL
	if newFeedURL != "" {
		var owner int64
		err := tx.QueryRow(ctx, "SELECT id FROM sources WHERE feed_url = $1 AND id <> $2", newFeedURL, o.SourceID).Scan(&owner)
		switch {
		case err == nil:
			note := fmt.Sprintf("feed moved permanently to %s, which source %d already follows; kept the old URL", newFeedURL, owner)
			if lastError != "" {
				lastError += "; " + note
			} else {
				lastError = note
			}
			newFeedURL = ""
		case !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("checking redirect target %s: %w", newFeedURL, err)
		}
	}
	success := o.Err == ""
	tag, err := tx.Exec(ctx, `UPDATE sources SET
			last_status = $2,
			last_error = $3,
			last_fetch_at = $4,
			etag = CASE WHEN $5 <> '' THEN $5 ELSE etag END,
			last_modified = CASE WHEN $6 <> '' THEN $6 ELSE last_modified END,
			consecutive_failures = CASE WHEN $7 THEN 0 ELSE consecutive_failures + 1 END,
			last_success_at = CASE WHEN $7 THEN $4 ELSE last_success_at END,
			next_fetch_at = $8,
			interval_seconds = $9,
			items_per_day = $10,
			feed_url = CASE WHEN $11 <> '' THEN $11 ELSE feed_url END,
			host = CASE WHEN $11 <> '' THEN $14 ELSE host END,
			enabled = enabled AND NOT $12,
			lease_owner = CASE WHEN lease_owner = $13 THEN NULL ELSE lease_owner END,
			lease_until = CASE WHEN lease_owner = $13 THEN NULL ELSE lease_until END
		WHERE id = $1`,
		o.SourceID, o.Status, lastError, dbTime(o.At), o.ETag, o.LastModified, success,
		micro(o.NextFetchAt), int64(o.Interval/time.Second), o.ItemsPerDay, newFeedURL, o.Disable, o.Worker,
		revue.HostOf(newFeedURL))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("source %d: %w", o.SourceID, revue.ErrNotFound)
	}
	_, err = tx.Exec(ctx, `INSERT INTO fetch_log (source_id, at, duration_ms, status, error, warning, items_seen, items_new)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		o.SourceID, micro(o.At), o.Duration.Milliseconds(), o.Status, o.Err, o.Warning, o.ItemsSeen, o.ItemsNew)
	return err
}

// FetchLog returns a source's most recent fetches, newest first.
func (s *Store) FetchLog(ctx context.Context, sourceID int64, limit int) ([]revue.FetchLogEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT source_id, at, duration_ms, status, error, warning, items_seen, items_new
		FROM fetch_log WHERE source_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, sourceID, clamp(limit))
	if err != nil {
		return nil, fmt.Errorf("reading the fetch log of source %d: %w", sourceID, err)
	}
	defer rows.Close()
	var out []revue.FetchLogEntry
	for rows.Next() {
		var e revue.FetchLogEntry
		var at pgtype.Timestamptz
		if err := rows.Scan(&e.SourceID, &at, &e.DurationMS, &e.Status, &e.Err, &e.Warning, &e.ItemsSeen, &e.ItemsNew); err != nil {
			return nil, fmt.Errorf("reading the fetch log of source %d: %w", sourceID, err)
		}
		e.At = goTime(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the fetch log of source %d: %w", sourceID, err)
	}
	return out, nil
}
