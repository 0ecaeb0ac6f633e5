// Package sqlite is the embedded Revue store: one SQLite file in WAL mode,
// through the pure-Go modernc.org/sqlite driver.
//
// SQLite allows one writer at a time, so every write goes through a pool of
// exactly one connection whose transactions begin IMMEDIATE: writers in this
// process queue in database/sql instead of racing for the lock, and writers in
// other processes wait on busy_timeout instead of failing with "database is
// locked" halfway through a transaction. Reads use a separate pool, which WAL
// lets run alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"revue"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// busyTimeout bounds how long a connection waits for another process's lock
// before giving up; long enough to outlast a large batch written elsewhere.
const busyTimeout = 30 * time.Second

// Store is a Revue store in one SQLite file. It is safe for concurrent use.
type Store struct {
	path  string
	write *sql.DB // exactly one connection; transactions begin IMMEDIATE
	read  *sql.DB // query_only connections for everything else
}

var _ revue.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path, a file name or a
// "file:" URI. It does not migrate: call Migrate.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("opening SQLite store: no database path given")
	}
	common := []string{
		// busy_timeout first, so the pragmas after it wait for other processes.
		"_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
	}
	writeDSN := withParams(path, append(common, "_pragma=journal_mode(WAL)", "_txlock=immediate"))
	readDSN := withParams(path, append(common, "_pragma=query_only(1)"))

	write, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("opening SQLite database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// Connect the writer before any reader so the file is in WAL mode
	// before a reader (which may not write) opens it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		if dir := filepath.Dir(strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], "file:")); dir != "" {
			if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
				return nil, fmt.Errorf("opening SQLite database %s: the folder %s does not exist", path, dir)
			}
		}
		return nil, fmt.Errorf("opening SQLite database %s: %w", path, err)
	}

	read, err := sql.Open("sqlite", readDSN)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("opening SQLite database %s for reading: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("opening SQLite database %s for reading: %w", path, err)
	}
	return &Store{path: path, write: write, read: read}, nil
}

// withParams appends driver parameters to a file name or file: URI.
func withParams(path string, params []string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + strings.Join(params, "&")
}

// Close closes both connection pools.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("reading embedded migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(prefix)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("embedded migration %q is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("reading embedded migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: version, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("embedded migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// Migrate applies the embedded migrations not yet recorded in
// schema_migrations, each in its own IMMEDIATE transaction that first checks
// the record: a second process migrating at the same time waits for the lock,
// then sees the version applied and skips it.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				applied_at INTEGER NOT NULL
			) STRICT`); err != nil {
				return err
			}
			var applied bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, m.version).Scan(&applied); err != nil {
				return err
			}
			if applied {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if m.version == searchMigration {
				if err := indexAllArticles(ctx, tx); err != nil {
					return err
				}
			}
			// The database's own clock: no Store method reads the Go clock.
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at)
				VALUES (?, CAST(unixepoch('subsec') * 1000000 AS INTEGER))`, m.version)
			return err
		}); err != nil {
			return fmt.Errorf("applying migration %s to %s: %w", m.name, s.path, err)
		}
	}
	return s.fillSourceHosts(ctx)
}

// fillSourceHosts sets the host of sources stored before sources had one:
// SQL has no URL parser, so the migration leaves it to Go.
func (s *Store) fillSourceHosts(ctx context.Context) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, feed_url FROM sources WHERE host = ''`)
		if err != nil {
			return err
		}
		hosts := map[int64]string{}
		for rows.Next() {
			var id int64
			var feedURL string
			if err := rows.Scan(&id, &feedURL); err != nil {
				rows.Close()
				return err
			}
			hosts[id] = revue.HostOf(feedURL)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for id, host := range hosts {
			if _, err := tx.ExecContext(ctx, `UPDATE sources SET host = ? WHERE id = ?`, host, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("filling in the hosts of sources in %s: %w", s.path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity_check and foreign_key_check and
// reports any problem they find.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("checking integrity of %s: %w", s.path, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fmt.Errorf("checking integrity of %s: %w", s.path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("checking integrity of %s: %w", s.path, err)
	}

	rows, err = s.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("checking foreign keys of %s: %w", s.path, err)
	}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			rows.Close()
			return fmt.Errorf("checking foreign keys of %s: %w", s.path, err)
		}
		problems = append(problems, fmt.Sprintf("row %d of %s refers to a missing %s row", rowid.Int64, table, parent))
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("checking foreign keys of %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("SQLite database %s is damaged: %s", s.path, strings.Join(problems, "; "))
	}
	return nil
}

// inWriteTx runs fn in an IMMEDIATE transaction on the writer connection,
// committing if fn returns nil and rolling back otherwise.
func (s *Store) inWriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a write transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// inReadTx runs fn in a read transaction, so that the several queries that
// make one answer see one snapshot.
func (s *Store) inReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("starting a read transaction: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// Times are stored as unix microseconds, PostgreSQL's precision, so both
// backends hand back identical values.

// micros encodes a time for a NOT NULL column; the zero time round-trips.
func micros(t time.Time) int64 { return t.UnixMicro() }

// nullMicros encodes a time for a nullable column: the zero time is NULL.
func nullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// fromMicros decodes a stored time, in UTC; the zero time's encoding (and
// NULL) come back as the zero time.
func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// truncate is what storing and reading back does to a time.
func truncate(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Microsecond).UTC()
}
