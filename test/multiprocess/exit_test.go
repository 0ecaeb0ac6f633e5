//go:build unix

package multiprocess

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCrawlOnceExitCode checks that one failing source never fails a pass,
// and that a database that cannot be opened does, with words that say so.
func TestCrawlOnceExitCode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real revue processes; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("failing sources", func(t *testing.T) {
		const good, perFeed = 4, 3
		f := newFarm(t, farmConfig{feeds: good + 2, perGen: perFeed, broken: map[int]brokenKind{good: serverFail, good + 1: invalidXML}})
		env := map[string]string{
			"REVUE_DATABASE":               filepath.Join(t.TempDir(), "revue.db"),
			"REVUE_ALLOW_PRIVATE_NETWORKS": "1",
			// Their items link to hosts that are not served here: no pages.
			"REVUE_SHORT_TEXT": "0",
			"REVUE_HOST_DELAY": "0s",
			"REVUE_LOG_LEVEL":  "warn",
		}
		mustRunRevue(t, ctx, time.Minute, env, "sources", "import", f.writeOPML(t))
		code, out, errOut := runRevue(t, ctx, time.Minute, env, "crawl", "--once")
		if code != 0 {
			t.Fatalf("revue crawl --once with a failing and a broken feed among %d good ones: exit code %d, want 0\nstdout: %s\nstderr:\n%s",
				good, code, out, tail(errOut, 20))
		}
		// The cut feed is read in part: a warning in words, not a failure.
		wantSummary := fmt.Sprintf("%d sources fetched, 1 failed, %d new articles", good+2, good*perFeed)
		if !strings.Contains(out, wantSummary) {
			t.Errorf("revue crawl --once said %q, want %q", strings.TrimSpace(out), wantSummary)
		}

		listing := mustRunRevue(t, ctx, time.Minute, env, "sources", "list", "--json")
		var sources struct {
			Items []struct {
				FeedURL    string `json:"feed_url"`
				LastStatus int    `json:"last_status"`
				LastError  string `json:"last_error"`
				Articles   int    `json:"articles"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(listing), &sources); err != nil {
			t.Fatalf("revue sources list --json printed something that is not JSON (%v):\n%s", err, clip(listing, 2000))
		}
		if len(sources.Items) != good+2 {
			t.Fatalf("revue sources list --json lists %d sources, want %d", len(sources.Items), good+2)
		}
		for _, s := range sources.Items {
			switch s.FeedURL {
			case f.feedURL(good):
				if s.LastStatus != 500 || !strings.Contains(s.LastError, "500") || s.Articles != 0 {
					t.Errorf("the feed answering 500: last_status %d, last_error %q, %d articles; want 500, words naming the 500, 0 articles",
						s.LastStatus, s.LastError, s.Articles)
				}
			case f.feedURL(good + 1):
				if s.LastError == "" || s.Articles != 0 {
					t.Errorf("the feed with invalid XML: last_error %q, %d articles; want words about the broken feed, 0 articles", s.LastError, s.Articles)
				}
			default:
				if s.LastStatus != 200 || s.LastError != "" || s.Articles != perFeed {
					t.Errorf("good feed %s: last_status %d, last_error %q, %d articles; want 200, no error, %d articles",
						s.FeedURL, s.LastStatus, s.LastError, s.Articles, perFeed)
				}
			}
		}
	})

	dir := t.TempDir()
	notADatabase := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notADatabase, []byte(strings.Repeat("these are notes, not a database\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	for _, tc := range []struct {
		name, db string
		// mention is what the message must name so the reader can act.
		mention string
	}{
		{"missing folder", filepath.Join(dir, "no", "such", "folder", "revue.db"), filepath.Join(dir, "no", "such", "folder", "revue.db")},
		{"not a database", notADatabase, notADatabase},
		{"no PostgreSQL server", fmt.Sprintf("postgres://revue:secret@127.0.0.1:%d/revue?sslmode=disable&connect_timeout=5", closedPort), fmt.Sprintf("127.0.0.1:%d", closedPort)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"REVUE_DATABASE": tc.db, "REVUE_LOG_LEVEL": "warn"}
			code, out, errOut := runRevue(t, ctx, time.Minute, env, "crawl", "--once")
			msg := strings.TrimSpace(errOut)
			if code != 1 {
				t.Errorf("revue crawl --once with REVUE_DATABASE=%s: exit code %d, want 1 (a fatal error)\nstdout: %s\nstderr: %s", tc.db, code, out, msg)
			}
			if !strings.HasPrefix(msg, "revue crawl: opening the database") || !strings.Contains(msg, tc.mention) {
				t.Errorf("revue crawl --once with REVUE_DATABASE=%s said:\n%s\nwant one message starting \"revue crawl: opening the database\" and naming %s", tc.db, msg, tc.mention)
			}
			for _, leak := range []string{"secret", "goroutine ", "panic"} {
				if strings.Contains(errOut, leak) {
					t.Errorf("the error output contains %q, which it must not:\n%s", leak, msg)
				}
			}
		})
	}
}
