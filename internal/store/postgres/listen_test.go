package postgres

import (
	"context"
	"testing"
	"time"

	"revue"
)

// TestListenArticlesAcrossProcesses plays two processes with two Stores on
// one database: the reader hears what the writer commits, also after its
// listening connection is killed.
func TestListenArticlesAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	writer := openStore(t, dbURL)
	if err := writer.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	reader := openStore(t, dbURL)
	src := addSource(t, writer, "src")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ids, err := reader.ListenArticles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// awaitID waits for a notification carrying want (or a later ID).
	awaitID := func(want int64) {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case id, ok := <-ids:
				if !ok {
					t.Fatal("channel closed while the context is live")
				}
				if id >= want {
					return
				}
			case <-timeout:
				t.Fatalf("no notification of article %d", want)
			}
		}
	}
	save := func(key string) int64 {
		t.Helper()
		saved, err := newArticles(writer.SaveArticles(ctx, src.ID, []revue.Article{article(key, base), article(key+"-b", base)}, base))
		if err != nil || len(saved) != 2 {
			t.Fatalf("saving: %v, %v", saved, err)
		}
		return saved[1].ID
	}

	awaitID(save("one"))

	// Nothing is sent for a save that inserts nothing: the next notification
	// is the next real insert.
	if _, err := writer.SaveArticles(ctx, src.ID, []revue.Article{article("one", base)}, base); err != nil {
		t.Fatal(err)
	}
	second := save("two")
	select {
	case id := <-ids:
		if id != second {
			t.Errorf("notified %d, want %d", id, second)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no notification of the second save")
	}

	// Kill the listening connection; the reader reconnects and catches up
	// with articles committed while it was away.
	var listener int32
	err = writer.pool.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, listenApplicationName).Scan(&listener)
	if err != nil {
		t.Fatalf("finding the listening connection: %v", err)
	}
	exec(t, writer, "SELECT pg_terminate_backend($1)", listener)
	for gone := false; !gone; {
		err := writer.pool.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)", listener).Scan(&gone)
		if err != nil {
			t.Fatal(err)
		}
	}
	// Saved while the reader waits to reconnect: only its catch-up tells.
	awaitID(save("three"))
	awaitID(save("four"))

	cancel()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ids:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("channel still open after the context ended")
		}
	}
}
