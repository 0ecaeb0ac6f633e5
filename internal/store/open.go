// Package store opens the configured backend: a postgres:// URL selects
// PostgreSQL, anything else is a SQLite file.
package store

import (
	"context"
	"strings"

	"revue"
	"revue/internal/store/postgres"
	"revue/internal/store/sqlite"
)

// IsPostgres reports whether dsn selects the PostgreSQL backend.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the store named by dsn and brings its schema up to date, so
// every command works on a fresh database.
func Open(ctx context.Context, dsn string) (revue.Store, error) {
	var (
		s   revue.Store
		err error
	)
	if IsPostgres(dsn) {
		s, err = postgres.Open(ctx, dsn)
	} else {
		s, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
