package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"revue"
)

// sourceColumns are read by scanSource, in this order. They are not
// qualified because SQLite's RETURNING takes no table names.
const sourceColumns = `id, name, feed_url, host, site_url, lang, section, region, enabled,
	body_selector, drop_selectors, republish,
	etag, last_modified, last_status, last_error, consecutive_failures,
	last_fetch_at, last_success_at, next_fetch_at, interval_seconds, items_per_day, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanSource(row scanner, extra ...any) (revue.Source, error) {
	var src revue.Source
	var lastFetch, lastSuccess, nextFetch, created sql.NullInt64
	var intervalSeconds int64
	var drop string
	dest := []any{&src.ID, &src.Name, &src.FeedURL, &src.Host, &src.SiteURL, &src.Lang, &src.Section, &src.Region, &src.Enabled,
		&src.Rules.Body, &drop, &src.Republish,
		&src.ETag, &src.LastModified, &src.LastStatus, &src.LastError, &src.ConsecutiveFailures,
		&lastFetch, &lastSuccess, &nextFetch, &intervalSeconds, &src.ItemsPerDay, &created}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return revue.Source{}, err
	}
	if err := json.Unmarshal([]byte(drop), &src.Rules.Drop); err != nil {
		return revue.Source{}, fmt.Errorf("source %d: reading its drop selectors: %w", src.ID, err)
	}
	if len(src.Rules.Drop) == 0 {
		src.Rules.Drop = nil
	}
	src.LastFetchAt = fromMicros(lastFetch)
	src.LastSuccessAt = fromMicros(lastSuccess)
	src.NextFetchAt = fromMicros(nextFetch)
	src.CreatedAt = fromMicros(created)
	src.Interval = time.Duration(intervalSeconds) * time.Second
	return src, nil
}

// AddSource stores a new source, due at now. Only its configuration is
// taken from s; the crawl state starts empty.
func (s *Store) AddSource(ctx context.Context, src revue.Source, now time.Time) (revue.Source, error) {
	var id int64
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sources
			(name, feed_url, host, site_url, lang, section, region, enabled, body_selector, drop_selectors, republish,
			 next_fetch_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (feed_url) DO NOTHING
			RETURNING id`,
			src.Name, src.FeedURL, revue.HostOf(src.FeedURL), src.SiteURL, src.Lang, src.Section, src.Region, src.Enabled,
			src.Rules.Body, dropJSON(src.Rules.Drop), src.Republish, micros(now), micros(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errAlreadyFollowed
		}
		return err
	})
	if errors.Is(err, errAlreadyFollowed) {
		return revue.Source{}, fmt.Errorf("adding source: feed %s is already followed: %w", src.FeedURL, revue.ErrDuplicate)
	}
	if err != nil {
		return revue.Source{}, fmt.Errorf("adding source %s: %w", src.FeedURL, err)
	}
	return s.GetSource(ctx, id)
}

// GetSource returns one source with its article count.
func (s *Store) GetSource(ctx context.Context, id int64) (revue.Source, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+sourceColumns+`,
		(SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id)
		FROM sources s WHERE s.id = ?`, id)
	var count int64
	src, err := scanSource(row, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return revue.Source{}, fmt.Errorf("source %d: %w", id, revue.ErrNotFound)
	}
	if err != nil {
		return revue.Source{}, fmt.Errorf("reading source %d: %w", id, err)
	}
	src.Articles = count
	return src, nil
}

// ListSources returns every source by ID, each with its article count.
func (s *Store) ListSources(ctx context.Context) ([]revue.Source, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+sourceColumns+`, COALESCE(c.n, 0)
		FROM sources s
		LEFT JOIN (SELECT source_id, COUNT(*) AS n FROM articles GROUP BY source_id) c ON c.source_id = s.id
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

// UpdateSource changes a source's configuration, never its crawl state.
func (s *Store) UpdateSource(ctx context.Context, src revue.Source) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		// Checked first rather than read from a constraint error: the
		// IMMEDIATE transaction holds the write lock, so nobody can take the
		// URL in between.
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE feed_url = ? AND id <> ?`, src.FeedURL, src.ID).Scan(&other)
		if err == nil {
			return fmt.Errorf("feed %s is already followed by source %d: %w", src.FeedURL, other, revue.ErrDuplicate)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE sources
			SET name = ?, feed_url = ?, host = ?, site_url = ?, lang = ?, section = ?, region = ?, enabled = ?,
			    body_selector = ?, drop_selectors = ?, republish = ?
			WHERE id = ?`,
			src.Name, src.FeedURL, revue.HostOf(src.FeedURL), src.SiteURL, src.Lang, src.Section, src.Region, src.Enabled,
			src.Rules.Body, dropJSON(src.Rules.Drop), src.Republish, src.ID)
		if err != nil {
			return err
		}
		return mustHaveChanged(res)
	})
	if err != nil {
		return fmt.Errorf("updating source %d: %w", src.ID, err)
	}
	return nil
}

// RemoveSource deletes a source; its articles and fetch log go with it.
func (s *Store) RemoveSource(ctx context.Context, id int64) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id)
		if err != nil {
			return err
		}
		return mustHaveChanged(res)
	})
	if err != nil {
		return fmt.Errorf("removing source %d: %w", id, err)
	}
	return nil
}

// errAlreadyFollowed carries a duplicate out of a transaction closure.
var errAlreadyFollowed = errors.New("feed already followed")

func mustHaveChanged(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no such source: %w", revue.ErrNotFound)
	}
	return nil
}

// ClaimDueSources leases up to r.Limit due sources to r.Worker until
// r.Now+r.Lease, skipping r.SkipHosts and taking at most r.PerHost of one
// host. With r.EveryFetchedBefore set, sources not backing off and not
// fetched since then are due too. The IMMEDIATE transaction makes choosing
// and leasing one step, also against other processes.
func (s *Store) ClaimDueSources(ctx context.Context, r revue.ClaimRequest) ([]revue.Source, error) {
	if r.Limit <= 0 {
		return nil, nil
	}
	skip, err := json.Marshal(nonNil(r.SkipHosts))
	if err != nil {
		return nil, fmt.Errorf("claiming due sources for worker %s: %w", r.Worker, err)
	}
	var claimed []revue.Source
	err = s.inWriteTx(ctx, func(tx *sql.Tx) error {
		// The window numbers each host's due sources, soonest first, so a
		// claim can take the first few of every host instead of one host's
		// whole backlog. It sorts every due source, so it is left out when
		// the cap could not bite (a claim takes at most Limit anyway).
		due := `SELECT id, next_fetch_at, 1 AS nth FROM sources`
		if r.PerHost > 0 && r.PerHost < r.Limit {
			due = `SELECT id, next_fetch_at, ROW_NUMBER() OVER (PARTITION BY host ORDER BY next_fetch_at, id) AS nth FROM sources`
		}
		skipHosts := ``
		if len(r.SkipHosts) > 0 {
			skipHosts = `AND host NOT IN (SELECT value FROM json_each(?6))`
		}
		rows, err := tx.QueryContext(ctx, `UPDATE sources SET lease_owner = ?1, lease_until = ?2
			WHERE id IN (
				SELECT id FROM (`+due+`
					WHERE enabled
					  AND (lease_until IS NULL OR lease_until <= ?3)
					  AND (next_fetch_at <= ?3
					       OR (?4 IS NOT NULL AND consecutive_failures = 0
					           AND (last_fetch_at IS NULL OR last_fetch_at < ?4)))
					  `+skipHosts+`)
				WHERE ?7 <= 0 OR nth <= ?7
				ORDER BY next_fetch_at, id
				LIMIT ?5)
			RETURNING `+sourceColumns,
			r.Worker, micros(r.Now.Add(r.Lease)), micros(r.Now), nullMicros(r.EveryFetchedBefore), r.Limit, string(skip), r.PerHost)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			src, err := scanSource(rows)
			if err != nil {
				return err
			}
			claimed = append(claimed, src)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claiming due sources for worker %s: %w", r.Worker, err)
	}
	// RETURNING gives no order; hand them back soonest due first.
	sort.Slice(claimed, func(i, j int) bool {
		a, b := claimed[i], claimed[j]
		if !a.NextFetchAt.Equal(b.NextFetchAt) {
			return a.NextFetchAt.Before(b.NextFetchAt)
		}
		return a.ID < b.ID
	})
	return claimed, nil
}

// dropJSON encodes drop selectors for their column; never fails on strings.
func dropJSON(drop []string) string {
	b, _ := json.Marshal(nonNil(drop))
	return string(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ReleaseLease clears worker's lease on a source, leaving its schedule.
func (s *Store) ReleaseLease(ctx context.Context, worker string, sourceID int64) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sources SET lease_owner = NULL, lease_until = NULL
			WHERE id = ? AND lease_owner = ?`, sourceID, worker)
		return err
	})
	if err != nil {
		return fmt.Errorf("releasing the lease of %s on source %d: %w", worker, sourceID, err)
	}
	return nil
}

// HostCrawlDelay returns host's recorded Crawl-delay, 0 when none.
func (s *Store) HostCrawlDelay(ctx context.Context, host string) (time.Duration, error) {
	var ms int64
	err := s.read.QueryRowContext(ctx, `SELECT crawl_delay_ms FROM hosts WHERE host = ?`, host).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the Crawl-delay of %s: %w", host, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// SetHostCrawlDelay records host's Crawl-delay; 0 forgets it.
func (s *Store) SetHostCrawlDelay(ctx context.Context, host string, delay time.Duration, now time.Time) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		if delay <= 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM hosts WHERE host = ?`, host)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO hosts (host, crawl_delay_ms, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (host) DO UPDATE SET crawl_delay_ms = excluded.crawl_delay_ms, updated_at = excluded.updated_at`,
			host, delay.Milliseconds(), micros(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("recording the Crawl-delay of %s: %w", host, err)
	}
	return nil
}

// RecordFetch writes one fetch's outcome and releases o.Worker's lease.
func (s *Store) RecordFetch(ctx context.Context, o revue.FetchOutcome) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		var feedURL string
		err := tx.QueryRowContext(ctx, `SELECT feed_url FROM sources WHERE id = ?`, o.SourceID).Scan(&feedURL)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no such source: %w", revue.ErrNotFound)
		}
		if err != nil {
			return err
		}
		lastError := o.Err
		if lastError == "" {
			lastError = o.Warning
		}
		if o.NewFeedURL != "" && o.NewFeedURL != feedURL {
			var other int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE feed_url = ?`, o.NewFeedURL).Scan(&other)
			switch {
			case err == nil:
				note := fmt.Sprintf("the feed moved to %s, which source %d already follows; kept %s", o.NewFeedURL, other, feedURL)
				if lastError != "" {
					lastError += "; " + note
				} else {
					lastError = note
				}
			case errors.Is(err, sql.ErrNoRows):
				feedURL = o.NewFeedURL
			default:
				return err
			}
		}
		failed := o.Err != ""
		_, err = tx.ExecContext(ctx, `UPDATE sources SET
				last_status = ?1,
				last_error = ?2,
				last_fetch_at = ?3,
				etag = CASE WHEN ?4 <> '' THEN ?4 ELSE etag END,
				last_modified = CASE WHEN ?5 <> '' THEN ?5 ELSE last_modified END,
				consecutive_failures = CASE WHEN ?6 THEN consecutive_failures + 1 ELSE 0 END,
				last_success_at = CASE WHEN ?6 THEN last_success_at ELSE ?3 END,
				next_fetch_at = ?7,
				interval_seconds = ?8,
				items_per_day = ?9,
				feed_url = ?10,
				host = ?14,
				enabled = CASE WHEN ?11 THEN 0 ELSE enabled END,
				lease_owner = CASE WHEN lease_owner = ?12 THEN NULL ELSE lease_owner END,
				lease_until = CASE WHEN lease_owner = ?12 THEN NULL ELSE lease_until END
			WHERE id = ?13`,
			o.Status, lastError, micros(o.At), o.ETag, o.LastModified, failed,
			micros(o.NextFetchAt), int64(o.Interval/time.Second), o.ItemsPerDay, feedURL, o.Disable,
			o.Worker, o.SourceID, revue.HostOf(feedURL))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO fetch_log
			(source_id, at, duration_ms, status, error, warning, items_seen, items_new)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			o.SourceID, micros(o.At), o.Duration.Milliseconds(), o.Status, o.Err, o.Warning, o.ItemsSeen, o.ItemsNew)
		return err
	})
	if err != nil {
		return fmt.Errorf("recording fetch of source %d: %w", o.SourceID, err)
	}
	return nil
}

// FetchLog returns a source's most recent fetches, newest first.
func (s *Store) FetchLog(ctx context.Context, sourceID int64, limit int) ([]revue.FetchLogEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT source_id, at, duration_ms, status, error, warning, items_seen, items_new
		FROM fetch_log WHERE source_id = ? ORDER BY at DESC, id DESC LIMIT ?`, sourceID, limit)
	if err != nil {
		return nil, fmt.Errorf("reading fetch log of source %d: %w", sourceID, err)
	}
	defer rows.Close()
	var out []revue.FetchLogEntry
	for rows.Next() {
		var e revue.FetchLogEntry
		var at sql.NullInt64
		if err := rows.Scan(&e.SourceID, &at, &e.DurationMS, &e.Status, &e.Err, &e.Warning, &e.ItemsSeen, &e.ItemsNew); err != nil {
			return nil, fmt.Errorf("reading fetch log of source %d: %w", sourceID, err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading fetch log of source %d: %w", sourceID, err)
	}
	return out, nil
}
