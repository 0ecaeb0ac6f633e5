package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// listenApplicationName marks the listening connection in pg_stat_activity.
const listenApplicationName = "revue-listen"

const (
	listenMinBackoff = 100 * time.Millisecond
	listenMaxBackoff = 10 * time.Second
)

// ListenArticles follows the articles other processes commit, through
// LISTEN on a dedicated connection. The channel yields the highest ID of
// each committed SaveArticles (readers then call ArticlesAfter from their
// own cursor). It closes when ctx ends. If the connection drops, it
// reconnects with back-off and then yields the latest article ID, since
// notifications sent while disconnected are lost.
func (s *Store) ListenArticles(ctx context.Context) (<-chan int64, error) {
	conn, err := s.listenConn(ctx)
	if err != nil {
		return nil, err
	}
	ids := make(chan int64)
	go s.relayNotifications(ctx, conn, ids)
	return ids, nil
}

func (s *Store) listenConn(ctx context.Context) (*pgx.Conn, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = listenApplicationName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL at %s to listen for new articles: %w", s.where, err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+articlesChannel); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("listening on %s at %s: %w", articlesChannel, s.where, err)
	}
	return conn, nil
}

func (s *Store) relayNotifications(ctx context.Context, conn *pgx.Conn, ids chan<- int64) {
	defer close(ids)
	send := func(id int64) bool {
		select {
		case ids <- id:
			return true
		case <-ctx.Done():
			return false
		}
	}
	backoff := listenMinBackoff
	for {
		if conn != nil {
			err := relay(ctx, conn, send)
			closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Close(closeCtx)
			cancel()
			if ctx.Err() != nil {
				return
			}
			slog.WarnContext(ctx, "lost the PostgreSQL connection that listens for new articles; reconnecting",
				"server", s.where, "err", err)
			conn = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		var err error
		conn, err = s.listenConn(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			slog.WarnContext(ctx, "reconnecting to listen for new articles", "err", err, "retry_in", backoff)
			backoff = min(2*backoff, listenMaxBackoff)
			continue
		}
		backoff = listenMinBackoff
		var latest int64
		if err := conn.QueryRow(ctx, "SELECT COALESCE(max(id), 0) FROM articles").Scan(&latest); err != nil {
			continue // the relay below notices a dead connection
		}
		if latest > 0 && !send(latest) {
			conn.Close(context.Background())
			return
		}
	}
}

// relay forwards notifications until the connection fails or ctx ends.
func relay(ctx context.Context, conn *pgx.Conn, send func(int64) bool) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			continue // not one of ours; nothing to relay
		}
		if !send(id) {
			return ctx.Err()
		}
	}
}
