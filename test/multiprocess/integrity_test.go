//go:build unix

package multiprocess

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The crash test's integrity check must be able to fail: a database with a
// damaged index or a row whose parent is gone is reported, a sound one is
// not.
func TestSQLiteProblemsFindsDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string // in one of the problems; "" for a sound file
	}{
		{"sound", func(*testing.T, string) {}, ""},
		{"index entry overwritten", overwriteIndexEntry, "integrity_check: "},
		{"article of a deleted source", orphanArticle, "foreign_key_check: row 2 of articles points to a missing row of sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "revue.db")
			smallDatabase(t, path)
			tt.damage(t, path)
			problems, err := sqliteProblems(context.Background(), path)
			if err != nil {
				t.Fatalf("sqliteProblems: %v", err)
			}
			if tt.want == "" {
				if len(problems) > 0 {
					t.Errorf("a sound database was reported damaged: %q", problems)
				}
				return
			}
			t.Logf("reported: %q", problems)
			found := false
			for _, p := range problems {
				found = found || strings.Contains(p, tt.want)
			}
			if !found {
				t.Errorf("problems = %q, want one containing %q", problems, tt.want)
			}
		})
	}
}

// smallDatabase writes a sources/articles pair of tables, with an index on
// the titles, in rollback-journal mode so that everything is in the file
// once it is closed.
func smallDatabase(t *testing.T, path string) {
	t.Helper()
	db := openRaw(t, path)
	for _, stmt := range []string{
		`CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`,
		`CREATE TABLE articles (id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources (id), title TEXT NOT NULL)`,
		`CREATE INDEX articles_title ON articles (title)`,
		`INSERT INTO sources VALUES (1, 'Hespress'), (2, 'TelQuel')`,
		`INSERT INTO articles VALUES (1, 1, 'title-aaa'), (2, 2, 'title-bbb'), (3, 1, 'title-ccc')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(DELETE)&_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// overwriteIndexEntry changes one title inside the index's page of the
// file, leaving the table's copy of it alone, as a torn write would.
func overwriteIndexEntry(t *testing.T, path string) {
	t.Helper()
	db := openRaw(t, path)
	var root, pageSize int64
	if err := db.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE name = 'articles_title'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := b[(root-1)*pageSize : root*pageSize]
	i := bytes.Index(page, []byte("title-bbb"))
	if i < 0 {
		t.Fatalf("title-bbb is not in the index's page %d", root)
	}
	copy(page[i:], "title-zzz")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// orphanArticle deletes a source without its article, with the foreign
// keys unenforced, as a store that forgot ON DELETE CASCADE would.
func orphanArticle(t *testing.T, path string) {
	t.Helper()
	db := openRaw(t, path)
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM sources WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
}
