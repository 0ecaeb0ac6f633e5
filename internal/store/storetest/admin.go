package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"revue"
)

var adminTests = []storeTest{
	{"a secret is created once and kept", testSecret},
	{"CountHit counts in fixed windows, also at once", testCountHit},
	{"administrators and their password hashes", testAdmins},
	{"sessions live until they expire, end or the password changes", testSessions},
	{"the dashboard's daily counts", testDailyCounts},
}

func testSecret(t *testing.T, st revue.Store) {
	ctx := t.Context()
	first, err := st.Secret(ctx, "reporters", []byte("first key"), t0)
	if err != nil || string(first) != "first key" {
		t.Fatalf("Secret on an empty store: %q, %v; want the fresh one", first, err)
	}
	var mu sync.Mutex
	var got [][]byte
	runConcurrently(t, 20, func(i int) error {
		v, err := st.Secret(ctx, "reporters", fmt.Appendf(nil, "key %d", i), t0)
		mu.Lock()
		got = append(got, v)
		mu.Unlock()
		return err
	})
	for _, v := range got {
		if !bytes.Equal(v, first) {
			t.Errorf("a later call got %q, want the first secret %q", v, first)
		}
	}
	other, err := st.Secret(ctx, "sessions", []byte("another"), t0)
	if err != nil || string(other) != "another" {
		t.Errorf("another name: %q, %v", other, err)
	}
}

func testCountHit(t *testing.T, st revue.Store) {
	ctx := t.Context()
	hit := func(bucket, key string, at time.Time) int {
		t.Helper()
		n, err := st.CountHit(ctx, bucket, key, at, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct {
		bucket, key string
		at          time.Duration
		want        int
	}{
		{"report", "reader-1", 0, 1},
		{"report", "reader-1", 10 * time.Minute, 2},
		{"report", "reader-2", 10 * time.Minute, 1},
		{"login", "reader-1", 10 * time.Minute, 1},
		{"report", "reader-1", 59 * time.Minute, 3},
		{"report", "reader-1", time.Hour, 1}, // the window began at 0 and lasts one hour
		{"report", "reader-1", time.Hour + 59*time.Minute, 2},
		{"report", "reader-1", 5 * time.Hour, 1},
	}
	for i, s := range steps {
		if got := hit(s.bucket, s.key, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d, %s/%s at +%s: %d hits, want %d", i+1, s.bucket, s.key, s.at, got, s.want)
		}
	}
	var mu sync.Mutex
	var counts []int
	runConcurrently(t, 200, func(int) error {
		n, err := st.CountHit(ctx, "login", "crowd", t0, time.Hour)
		mu.Lock()
		counts = append(counts, n)
		mu.Unlock()
		return err
	})
	slices.Sort(counts)
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("200 hits at once counted %v, want 1…200 once each", counts)
		}
	}
}

func testAdmins(t *testing.T, st revue.Store) {
	ctx := t.Context()
	if _, err := st.AdminPasswordHash(ctx, "leila"); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("no administrator yet: %v, want ErrNotFound", err)
	}
	for _, hash := range []string{"$argon2id$first", "$argon2id$second"} {
		if err := st.SetAdminPassword(ctx, "leila", hash, t0); err != nil {
			t.Fatal(err)
		}
		if got, err := st.AdminPasswordHash(ctx, "leila"); err != nil || got != hash {
			t.Errorf("AdminPasswordHash = %q, %v; want %q", got, err, hash)
		}
	}
	if _, err := st.AdminPasswordHash(ctx, "Leila"); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("names are exact: %v, want ErrNotFound", err)
	}
}

func testSessions(t *testing.T, st revue.Store) {
	ctx := t.Context()
	for _, name := range []string{"leila", "omar"} {
		if err := st.SetAdminPassword(ctx, name, "$argon2id$"+name, t0); err != nil {
			t.Fatal(err)
		}
	}
	sess := revue.AdminSession{ID: sumOf("token 1"), Admin: "leila", CSRFToken: "csrf-1", CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	other := revue.AdminSession{ID: sumOf("token 2"), Admin: "omar", CSRFToken: "csrf-2", CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	for _, s := range []revue.AdminSession{sess, other} {
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Session(ctx, sess.ID, t0.Add(time.Hour))
	if err != nil || got.Admin != "leila" || got.CSRFToken != "csrf-1" || got.ID != sess.ID {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	checkTime(t, "CreatedAt", got.CreatedAt, sess.CreatedAt)
	checkTime(t, "ExpiresAt", got.ExpiresAt, sess.ExpiresAt)
	if _, err := st.Session(ctx, sess.ID, sess.ExpiresAt); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("an expired session: %v, want ErrNotFound", err)
	}
	if _, err := st.Session(ctx, sumOf("guessed"), t0); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("an unknown session: %v, want ErrNotFound", err)
	}
	// A new password ends the administrator's sessions, not the others'.
	if err := st.SetAdminPassword(ctx, "leila", "$argon2id$changed", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, sess.ID, t0.Add(time.Hour)); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("a session after its password changed: %v, want ErrNotFound", err)
	}
	if _, err := st.Session(ctx, other.ID, t0.Add(time.Hour)); err != nil {
		t.Errorf("another administrator's session: %v", err)
	}
	if err := st.DeleteSession(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, other.ID, t0.Add(time.Hour)); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("a session after logout: %v, want ErrNotFound", err)
	}
	if err := st.DeleteSession(ctx, other.ID); err != nil {
		t.Errorf("ending an ended session: %v", err)
	}
	if err := st.CreateSession(ctx, revue.AdminSession{ID: sumOf("token 3"), Admin: "nobody", CSRFToken: "x", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err == nil {
		t.Error("a session of no administrator was stored")
	}
}

func testDailyCounts(t *testing.T, st revue.Store) {
	ctx := t.Context()
	day := time.Date(2021, 3, 14, 0, 0, 0, 0, time.UTC)
	lematin := mustAddSource(t, st, "Le Matin", t0)
	hespress := mustAddSource(t, st, "Hespress", t0)
	var a, b []revue.Article
	for i, at := range []time.Duration{1 * time.Hour, 23*time.Hour + 59*time.Minute, 25 * time.Hour, 49 * time.Hour} {
		a = append(a, newArticle(fmt.Sprint("lematin-", i), day.Add(at)))
	}
	b = append(b, newArticle("hespress-0", day.Add(2*time.Hour)), newArticle("hespress-old", day.Add(-time.Hour)))
	mustSave(t, st, lematin.ID, a, t0)
	mustSave(t, st, hespress.ID, b, t0)
	got, err := st.DailyArticles(ctx, day, day.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []revue.SourceDay{
		{Day: day, SourceID: lematin.ID, SourceName: "Le Matin", Articles: 2},
		{Day: day, SourceID: hespress.ID, SourceName: "Hespress", Articles: 1},
		{Day: day.Add(24 * time.Hour), SourceID: lematin.ID, SourceName: "Le Matin", Articles: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("DailyArticles = %+v, want %+v", got, want)
	}
	for i := range want {
		if !got[i].Day.Equal(want[i].Day) || got[i].Day.Location() != time.UTC || got[i].SourceID != want[i].SourceID ||
			got[i].SourceName != want[i].SourceName || got[i].Articles != want[i].Articles {
			t.Errorf("DailyArticles[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}

	for i, f := range []struct {
		at     time.Duration
		failed bool
	}{{time.Hour, false}, {2 * time.Hour, true}, {3 * time.Hour, false}, {26 * time.Hour, true}, {72 * time.Hour, true}} {
		src := []revue.Source{lematin, hespress}[i%2]
		o := revue.FetchOutcome{SourceID: src.ID, At: day.Add(f.at), Status: 200, NextFetchAt: day.Add(f.at + time.Hour)}
		if f.failed {
			o.Status, o.Err = 503, "fetching: server answered 503"
		}
		if err := st.RecordFetch(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	fetches, err := st.DailyFetches(ctx, day, day.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	wantFetches := []revue.FetchDay{{Day: day, Fetches: 3, Errors: 1}, {Day: day.Add(24 * time.Hour), Fetches: 1, Errors: 1}}
	if len(fetches) != len(wantFetches) {
		t.Fatalf("DailyFetches = %+v, want %+v", fetches, wantFetches)
	}
	for i := range wantFetches {
		if !fetches[i].Day.Equal(wantFetches[i].Day) || fetches[i].Fetches != wantFetches[i].Fetches || fetches[i].Errors != wantFetches[i].Errors {
			t.Errorf("DailyFetches[%d] = %+v, want %+v", i, fetches[i], wantFetches[i])
		}
	}
}
