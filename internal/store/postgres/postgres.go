// Package postgres is the PostgreSQL backend of revue.Store, for running
// several crawl workers and web replicas on one database.
//
// All SQL stays in this package. Times are stored as timestamptz, truncated
// to the microsecond, zero times as NULL, and come back in UTC.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"revue"
)

var _ revue.Store = (*Store)(nil)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockKey is the pg_advisory_xact_lock key that serialises migrators
// ("revue" in ASCII), so several processes starting at once apply each
// migration exactly once.
const migrateLockKey int64 = 0x7265767565

// Store is a revue.Store on a PostgreSQL connection pool.
type Store struct {
	pool *pgxpool.Pool
	// where names the server for error messages without leaking a password.
	where string
}

// Open connects to the PostgreSQL server at url (postgres://…) and checks it
// answers. It does not migrate: call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("reading the PostgreSQL URL: %w", err)
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default (the CPU count, at least 4) starves a crawl
		// process whose 16 workers each save while the portal reads; the
		// URL's pool_max_conns still wins.
		cfg.MaxConns = 20
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL at %s: %w", where, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL at %s: %w", where, err)
	}
	return &Store{pool: pool, where: where}, nil
}

// Close releases every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("listing embedded migrations: %w", err)
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		digits, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(digits)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s is not named NNNN_description.sql", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading migration %s: %w", base, err)
		}
		out = append(out, migration{version: version, name: base, sql: string(body)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// Migrate applies the embedded migrations not yet recorded in
// schema_migrations, all in one transaction. Concurrent migrators wait on an
// advisory lock, then find nothing left to do.
func (s *Store) Migrate(ctx context.Context) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLockKey); err != nil {
			return fmt.Errorf("waiting for the migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("creating schema_migrations: %w", err)
		}
		rows, _ := tx.Query(ctx, "SELECT version FROM schema_migrations")
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return fmt.Errorf("reading schema_migrations: %w", err)
		}
		for _, m := range migrations {
			if slices.Contains(applied, m.version) {
				continue
			}
			// No arguments: pgx sends the simple protocol, so one file may
			// hold many statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("applying migration %s: %w", m.name, err)
			}
			if m.version == searchMigration {
				if err := indexAllArticles(ctx, tx); err != nil {
					return fmt.Errorf("applying migration %s: %w", m.name, err)
				}
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", m.version); err != nil {
				return fmt.Errorf("recording migration %s: %w", m.name, err)
			}
		}
		return fillSourceHosts(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("migrating PostgreSQL at %s: %w", s.where, err)
	}
	return nil
}

// fillSourceHosts sets the host of sources stored before sources had one,
// with the same URL parsing as every later write (revue.HostOf).
func fillSourceHosts(ctx context.Context, tx pgx.Tx) error {
	rows, _ := tx.Query(ctx, `SELECT id, feed_url FROM sources WHERE host = ''`)
	var ids []int64
	var hosts []string
	var id int64
	var feedURL string
	if _, err := pgx.ForEachRow(rows, []any{&id, &feedURL}, func() error {
		ids, hosts = append(ids, id), append(hosts, revue.HostOf(feedURL))
		return nil
	}); err != nil {
		return fmt.Errorf("reading sources without a host: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE sources SET host = h.host
		FROM unnest($1::bigint[], $2::text[]) AS h (id, host) WHERE sources.id = h.id`, ids, hosts); err != nil {
		return fmt.Errorf("filling in the hosts of sources: %w", err)
	}
	return nil
}

// dbTime converts a Go time to what is stored: NULL for the zero time,
// otherwise UTC truncated to PostgreSQL's microsecond precision.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micro(t)
}

func micro(t time.Time) time.Time { return t.Truncate(time.Microsecond).UTC() }

// goTime converts a stored time back; NULL gives the zero time.
func goTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

const (
	codeUniqueViolation = "23505"
	codeDeadlock        = "40P01"
	codeSerialization   = "40001"
)

// withRetry runs a transaction again when PostgreSQL aborted it to break a
// deadlock or a serialization conflict, which racing writers can cause and
// which succeed when simply tried again.
func withRetry(ctx context.Context, run func() error) error {
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		err = run()
		if code := pgCode(err); code != codeDeadlock && code != codeSerialization {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(i+1) * 10 * time.Millisecond):
		}
	}
	return err
}

// clamp applies the listing limits shared by every read: default 50, 1..500.
func clamp(limit int) int {
	switch {
	case limit <= 0:
		return 50
	case limit > 500:
		return 500
	}
	return limit
}
