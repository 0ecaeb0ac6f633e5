package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"revue"
)

func TestMigrateConcurrentlyAppliesEachMigrationOnce(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		s := openStore(t, dbURL)
		wg.Go(func() { errs <- s.Migrate(ctx) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Migrate: %v", err)
		}
	}
	s := openStore(t, dbURL)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate on an up-to-date database: %v", err)
	}
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var recorded int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != len(migrations) || len(migrations) == 0 {
		t.Errorf("schema_migrations holds %d rows, want %d (one per embedded migration)", recorded, len(migrations))
	}
}

func TestOpenReportsUnreachableServer(t *testing.T) {
	t.Parallel()
	serverURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there, so the connection is refused.
	_, err := Open(ctx, "postgres://nobody:secret@127.0.0.1:1/revue?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1/revue") || strings.Contains(err.Error(), "secret") {
		t.Errorf("error should name the server and hide the password: %v", err)
	}
}

func TestSourcesLifecycle(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	in := revue.Source{Name: "Hespress", FeedURL: "https://fr.hespress.com/feed", SiteURL: "https://fr.hespress.com",
		Lang: "fr", Section: "politique", Region: "rabat-sale-kenitra", Enabled: true}
	added, err := s.AddSource(ctx, in, base)
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.ID = added.ID
	want.NextFetchAt = base.Truncate(time.Microsecond).UTC()
	want.CreatedAt = want.NextFetchAt
	if added != want {
		t.Errorf("AddSource returned\n%+v, want\n%+v", added, want)
	}
	if got, err := s.GetSource(ctx, added.ID); err != nil || got != want {
		t.Errorf("GetSource = %+v, %v; want %+v", got, err, want)
	}

	_, err = s.AddSource(ctx, revue.Source{Name: "again", FeedURL: in.FeedURL}, base)
	if !errors.Is(err, revue.ErrDuplicate) || !strings.Contains(err.Error(), in.FeedURL) {
		t.Errorf("adding a taken feed URL: %v; want ErrDuplicate naming the URL", err)
	}

	other := addSource(t, s, "other")
	changed := added
	changed.Name, changed.Section, changed.Enabled = "Hespress FR", "economie", false
	changed.LastError = "must not be written by UpdateSource"
	if err := s.UpdateSource(ctx, changed); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetSource(ctx, added.ID)
	if got.Name != "Hespress FR" || got.Section != "economie" || got.Enabled || got.LastError != "" {
		t.Errorf("after UpdateSource: %+v", got)
	}
	changed.FeedURL = other.FeedURL
	if err := s.UpdateSource(ctx, changed); !errors.Is(err, revue.ErrDuplicate) {
		t.Errorf("UpdateSource to a taken URL: %v, want ErrDuplicate", err)
	}
	if err := s.UpdateSource(ctx, revue.Source{ID: 999999, FeedURL: "https://x.example/"}); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("UpdateSource of a missing source: %v, want ErrNotFound", err)
	}

	if _, err := s.SaveArticles(ctx, other.ID, []revue.Article{article("a", base)}, base); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != added.ID || list[1].ID != other.ID || list[0].Articles != 0 || list[1].Articles != 1 {
		t.Errorf("ListSources = %+v; want both sources by ID, with 0 and 1 articles", list)
	}

	if err := s.RemoveSource(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSource(ctx, other.ID); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
	if _, err := s.GetSource(ctx, other.ID); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetSource after remove: %v, want ErrNotFound", err)
	}
	if id, _ := s.LatestArticleID(ctx); id != 0 {
		t.Errorf("articles survive their source: latest ID %d", id)
	}
}

func TestClaimDueSources(t *testing.T) {
	t.Parallel()
	now := base.Add(time.Hour)
	tests := []struct {
		name        string
		setup       func(s *Store, id int64) // runs on a fresh source due at base
		everyBefore time.Time
		wantClaimed bool
	}{
		{"due", func(*Store, int64) {}, time.Time{}, true},
		{"not yet due", func(s *Store, id int64) { setNext(t, s, id, now.Add(time.Minute), 0) }, time.Time{}, false},
		{"disabled", func(s *Store, id int64) { exec(t, s, "UPDATE sources SET enabled = false WHERE id = $1", id) }, time.Time{}, false},
		{"leased", func(s *Store, id int64) {
			exec(t, s, "UPDATE sources SET lease_owner = 'w0', lease_until = $2 WHERE id = $1", id, now.Add(time.Second))
		}, time.Time{}, false},
		{"lease expired", func(s *Store, id int64) {
			exec(t, s, "UPDATE sources SET lease_owner = 'w0', lease_until = $2 WHERE id = $1", id, now)
		}, time.Time{}, true},
		{"crawl-all pass takes a healthy source early", func(s *Store, id int64) { setNext(t, s, id, now.Add(time.Hour), 0) }, now, true},
		{"crawl-all pass honours back-off", func(s *Store, id int64) { setNext(t, s, id, now.Add(time.Hour), 2) }, now, false},
		{"crawl-all pass skips a source fetched during the pass", func(s *Store, id int64) {
			setNext(t, s, id, now.Add(time.Hour), 0)
			exec(t, s, "UPDATE sources SET last_fetch_at = $2 WHERE id = $1", id, now.Add(-time.Second))
		}, now.Add(-time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			src := addSource(t, s, "src")
			tt.setup(s, src.ID)
			claimed, err := s.ClaimDueSources(context.Background(), "w1", now, time.Minute, 10, tt.everyBefore)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(claimed) == 1; got != tt.wantClaimed {
				t.Fatalf("claimed %v, want claimed=%v", claimed, tt.wantClaimed)
			}
			if !tt.wantClaimed {
				return
			}
			var owner string
			var until time.Time
			if err := s.pool.QueryRow(context.Background(), "SELECT lease_owner, lease_until FROM sources WHERE id = $1", src.ID).Scan(&owner, &until); err != nil {
				t.Fatal(err)
			}
			if owner != "w1" || !until.Equal(now.Add(time.Minute).Truncate(time.Microsecond)) {
				t.Errorf("lease = %s until %v, want w1 until %v", owner, until, now.Add(time.Minute))
			}
		})
	}
}

func TestClaimDueSourcesOrderAndConcurrency(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	const n = 300
	for i := range n {
		src := addSource(t, s, fmt.Sprintf("s%03d", i))
		// Due times in reverse of creation, so order is by next_fetch_at, not ID.
		setNext(t, s, src.ID, base.Add(-time.Duration(i)*time.Second), 0)
	}
	first, err := s.ClaimDueSources(ctx, "probe", base, time.Nanosecond, 3, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 3 || first[0].Name != "s299" || first[1].Name != "s298" || first[2].Name != "s297" {
		t.Fatalf("first claim = %v, want s299, s298, s297 (soonest due first)", names(first))
	}
	// The probe's lease ended a nanosecond after base: everything is free again.
	now := base.Add(time.Second)
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 16 {
		worker := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				claimed, err := s.ClaimDueSources(ctx, worker, now, time.Minute, 2, time.Time{})
				if err != nil {
					t.Error(err)
					return
				}
				if len(claimed) == 0 {
					return
				}
				mu.Lock()
				for _, c := range claimed {
					if prev, dup := seen[c.ID]; dup {
						t.Errorf("source %d leased to %s and %s", c.ID, prev, worker)
					}
					seen[c.ID] = worker
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("workers claimed %d sources, want all %d", len(seen), n)
	}
}

func TestRecordFetch(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	src := addSource(t, s, "src")
	taken := addSource(t, s, "taken")
	now := base.Add(time.Hour)
	claim := func() {
		t.Helper()
		exec(t, s, "UPDATE sources SET lease_owner = 'w1', lease_until = $2 WHERE id = $1", src.ID, now.Add(time.Hour))
	}

	steps := []struct {
		name  string
		out   revue.FetchOutcome
		check func(t *testing.T, got revue.Source, leaseOwner *string)
	}{
		{"failure counts and keeps the lease of another worker", revue.FetchOutcome{Worker: "w2", Status: 503, Err: "server answered 503 Service Unavailable",
			NextFetchAt: now.Add(10 * time.Minute), Interval: 30 * time.Minute, ItemsPerDay: 4},
			func(t *testing.T, got revue.Source, lease *string) {
				if got.ConsecutiveFailures != 1 || got.LastStatus != 503 || got.LastError != "server answered 503 Service Unavailable" ||
					!got.LastSuccessAt.IsZero() || got.Interval != 30*time.Minute || got.ItemsPerDay != 4 {
					t.Errorf("%+v", got)
				}
				if lease == nil || *lease != "w1" {
					t.Errorf("lease owner %v, want w1 kept", lease)
				}
			}},
		{"success resets failures, sets validators and releases the lease", revue.FetchOutcome{Worker: "w1", Status: 200, ETag: `"v1"`, LastModified: "Tue, 16 Mar 2021 08:00:00 GMT",
			NextFetchAt: now.Add(time.Hour), Interval: time.Hour, ItemsSeen: 20, ItemsNew: 3},
			func(t *testing.T, got revue.Source, lease *string) {
				if got.ConsecutiveFailures != 0 || got.LastError != "" || got.ETag != `"v1"` || !got.LastSuccessAt.Equal(got.LastFetchAt) ||
					got.NextFetchAt != now.Add(time.Hour).Truncate(time.Microsecond).UTC() {
					t.Errorf("%+v", got)
				}
				if lease != nil {
					t.Errorf("lease owner %q, want released", *lease)
				}
			}},
		{"304 keeps validators when none are sent", revue.FetchOutcome{Worker: "w1", Status: 304, NotModified: true, NextFetchAt: now},
			func(t *testing.T, got revue.Source, _ *string) {
				if got.ETag != `"v1"` || got.LastModified == "" || got.LastStatus != 304 {
					t.Errorf("%+v", got)
				}
			}},
		{"permanent redirect moves the feed URL", revue.FetchOutcome{Worker: "w1", Status: 200, NewFeedURL: "https://src.example/rss", NextFetchAt: now},
			func(t *testing.T, got revue.Source, _ *string) {
				if got.FeedURL != "https://src.example/rss" {
					t.Errorf("feed URL %s", got.FeedURL)
				}
			}},
		{"redirect to a followed URL keeps the old one with a note", revue.FetchOutcome{Worker: "w1", Status: 200, NewFeedURL: taken.FeedURL, NextFetchAt: now},
			func(t *testing.T, got revue.Source, _ *string) {
				if got.FeedURL != "https://src.example/rss" || !strings.Contains(got.LastError, taken.FeedURL) || got.ConsecutiveFailures != 0 {
					t.Errorf("%+v", got)
				}
			}},
		{"410 disables", revue.FetchOutcome{Worker: "w1", Status: 410, Err: "server answered 410 Gone", Disable: true, NextFetchAt: now},
			func(t *testing.T, got revue.Source, _ *string) {
				if got.Enabled || got.ConsecutiveFailures != 1 {
					t.Errorf("%+v", got)
				}
			}},
	}
	for i, step := range steps {
		claim()
		step.out.SourceID = src.ID
		step.out.At = now.Add(time.Duration(i) * time.Minute)
		step.out.Duration = 1500 * time.Millisecond
		if err := s.RecordFetch(ctx, step.out); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := s.GetSource(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lease *string
		if err := s.pool.QueryRow(ctx, "SELECT lease_owner FROM sources WHERE id = $1", src.ID).Scan(&lease); err != nil {
			t.Fatal(err)
		}
		t.Run(step.name, func(t *testing.T) { step.check(t, got, lease) })
	}

	log, err := s.FetchLog(ctx, src.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != len(steps) || log[0].Status != 410 || log[len(log)-1].Status != 503 ||
		log[0].DurationMS != 1500 || log[len(log)-1].Err == "" || !log[0].At.After(log[1].At) {
		t.Errorf("FetchLog = %+v; want %d entries, newest first", log, len(steps))
	}
	if err := s.RecordFetch(ctx, revue.FetchOutcome{SourceID: 999999, At: now, NextFetchAt: now}); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("RecordFetch of a missing source: %v, want ErrNotFound", err)
	}
}

func exec(t testing.TB, s *Store, sql string, args ...any) {
	t.Helper()
	if _, err := s.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func setNext(t testing.TB, s *Store, id int64, next time.Time, failures int) {
	t.Helper()
	exec(t, s, "UPDATE sources SET next_fetch_at = $2, consecutive_failures = $3 WHERE id = $1", id, next, failures)
}

func names(sources []revue.Source) []string {
	var out []string
	for _, s := range sources {
		out = append(out, s.Name)
	}
	return out
}
