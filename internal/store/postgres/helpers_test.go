package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"revue"
	"revue/internal/testenv"
)

// serverURL is the server tests may create databases on, or skips.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("REVUE_TEST_POSTGRES")
	if u == "" {
		testenv.Missing(t, "REVUE_TEST_POSTGRES is not set: set it to a postgres:// URL of a server where tests may create databases, or run scripts/test, which starts one")
	}
	return u
}

// newDatabase creates an empty database for one test, dropped at cleanup,
// and returns its URL.
func newDatabase(t testing.TB) string {
	t.Helper()
	name, u := scratch(t, "CREATE DATABASE %s", "DROP DATABASE %s WITH (FORCE)")
	u.Path = "/" + name
	return u.String()
}

// scratch creates a database or schema with a random name on the test
// server (create and drop are statements with one %s for the name), drops
// it at cleanup, and returns its name and the server's URL.
func scratch(t testing.TB, create, drop string) (string, *url.URL) {
	t.Helper()
	server := serverURL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connecting to the test server: %v", err)
	}
	defer admin.Close(ctx)
	name := randomName()
	if _, err := admin.Exec(ctx, fmt.Sprintf(create, name)); err != nil {
		t.Fatalf("creating %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		admin, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("connecting to drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, fmt.Sprintf(drop, name)); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("REVUE_TEST_POSTGRES is not a URL: %v", err)
	}
	return name, u
}

// openStore opens a Store on dbURL, closed at cleanup.
func openStore(t testing.TB, dbURL string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newSchema creates an empty schema for one test, dropped at cleanup, and
// returns a URL whose connections use it. A schema is ten times quicker to
// make than a database; tests of LISTEN, which is per database, use
// newDatabase instead.
func newSchema(t testing.TB) string {
	t.Helper()
	name, u := scratch(t, "CREATE SCHEMA %s", "DROP SCHEMA %s CASCADE")
	query := u.Query()
	query.Set("search_path", name)
	u.RawQuery = query.Encode()
	return u.String()
}

func randomName() string {
	suffix := make([]byte, 6)
	rand.Read(suffix)
	return "revue_test_" + hex.EncodeToString(suffix)
}

// newStore is a migrated, empty Store of its own.
func newStore(t testing.TB) *Store {
	t.Helper()
	s := openStore(t, newSchema(t))
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// base is a fixed instant with sub-microsecond digits, in a zone other than
// UTC, so tests see truncation and UTC conversion.
var base = time.Date(2021, 3, 16, 9, 30, 0, 123456789, time.FixedZone("WEST", 3600))

func addSource(t testing.TB, s *Store, name string) revue.Source {
	t.Helper()
	src, err := s.AddSource(context.Background(), revue.Source{
		Name: name, FeedURL: "https://" + name + ".example/feed", Lang: "fr", Enabled: true,
	}, base)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// newArticles keeps what SaveArticles inserted.
func newArticles(res revue.SaveResult, err error) ([]revue.Article, error) { return res.New, err }
