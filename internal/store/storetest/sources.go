package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"revue"
)

var sourceTests = []storeTest{
	{"AddSource stores the configuration and makes it due now", testAddSource},
	{"AddSource refuses a taken feed URL", testAddSourceDuplicate},
	{"GetSource of a missing source is ErrNotFound", testGetSourceMissing},
	{"ListSources orders by ID and counts articles", testListSources},
	{"UpdateSource changes configuration only", testUpdateSource},
	{"RemoveSource cascades", testRemoveSource},
}

func testAddSource(t *testing.T, st revue.Store) {
	ctx := t.Context()
	cases := []struct {
		name string
		in   revue.Source
		host string // the politeness key the store derives from the feed URL
	}{
		{"enabled", revue.Source{Name: "Le Matin", FeedURL: "https://lematin.example/rss", SiteURL: "https://lematin.example/",
			Lang: "fr", Section: "politique", Region: "casablanca-settat", Enabled: true}, "lematin.example:443"},
		{"disabled, Arabic", revue.Source{Name: "هسبريس", FeedURL: "http://Hespress.example:8080/feed", SiteURL: "https://hespress.example/",
			Lang: "ar", Section: "societe", Region: "rabat-sale-kenitra", Enabled: false}, "hespress.example:8080"},
		{"crawl state given is ignored", revue.Source{Name: "El País", FeedURL: "https://elpais.example/rss", Lang: "es", Enabled: true,
			ETag: `"abc"`, LastStatus: 500, LastError: "boom", ConsecutiveFailures: 4, Articles: 99, Host: "wrong.example:1"}, "elpais.example:443"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := t0.Add(time.Duration(i) * time.Hour)
			got, err := st.AddSource(ctx, tc.in, now)
			if err != nil {
				t.Fatalf("AddSource: %v", err)
			}
			if got.ID <= 0 {
				t.Fatalf("AddSource returned ID %d, want a positive ID", got.ID)
			}
			want := revue.Source{
				ID: got.ID, Name: tc.in.Name, FeedURL: tc.in.FeedURL, Host: tc.host, SiteURL: tc.in.SiteURL, Lang: tc.in.Lang,
				Section: tc.in.Section, Region: tc.in.Region, Enabled: tc.in.Enabled,
				NextFetchAt: stored(now), CreatedAt: stored(now),
			}
			if !reflect.DeepEqual(normSource(got), want) {
				t.Errorf("AddSource returned\n %+v\nwant %+v", got, want)
			}
			checkTime(t, "CreatedAt", got.CreatedAt, now)
			checkTime(t, "NextFetchAt", got.NextFetchAt, now)
			again, err := st.GetSource(ctx, got.ID)
			if err != nil {
				t.Fatalf("GetSource(%d): %v", got.ID, err)
			}
			if !reflect.DeepEqual(normSource(again), want) {
				t.Errorf("GetSource returned\n %+v\nwant %+v", again, want)
			}
		})
	}
}

func testAddSourceDuplicate(t *testing.T, st revue.Store) {
	first := mustAddSource(t, st, "Le Matin", t0)
	_, err := st.AddSource(t.Context(), revue.Source{Name: "Other name", FeedURL: first.FeedURL, Enabled: true}, t0.Add(time.Minute))
	if !errors.Is(err, revue.ErrDuplicate) {
		t.Fatalf("AddSource with a taken feed URL: error %v, want ErrDuplicate", err)
	}
	if !strings.Contains(err.Error(), first.FeedURL) {
		t.Errorf("duplicate error %q does not name the URL %s", err, first.FeedURL)
	}
	all, err := st.ListSources(t.Context())
	if err != nil {
		t.Fatalf("ListSources: %v", err)
	}
	if len(all) != 1 {
		t.Errorf("after a refused duplicate there are %d sources, want 1", len(all))
	}
}

func testGetSourceMissing(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	for _, id := range []int64{src.ID + 1000, 0, -1} {
		if _, err := st.GetSource(t.Context(), id); !errors.Is(err, revue.ErrNotFound) {
			t.Errorf("GetSource(%d): error %v, want ErrNotFound", id, err)
		}
	}
}

func testListSources(t *testing.T, st revue.Store) {
	ctx := t.Context()
	empty, err := st.ListSources(ctx)
	if err != nil {
		t.Fatalf("ListSources on an empty store: %v", err)
	}
	if len(empty) != 0 {
		t.Fatalf("ListSources on an empty store returned %d sources", len(empty))
	}
	counts := []int{2, 0, 5}
	var want []revue.Source
	for i, n := range counts {
		src := mustAddSource(t, st, fmt.Sprintf("Source %d", i), t0)
		var batch []revue.Article
		for j := range n {
			batch = append(batch, newArticle(fmt.Sprintf("s%d-%d", i, j), t0))
		}
		mustSave(t, st, src.ID, batch, t0)
		src.Articles = int64(n)
		want = append(want, src)
	}
	got, err := st.ListSources(ctx)
	if err != nil {
		t.Fatalf("ListSources: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("ListSources returned %d sources, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(normSource(got[i]), normSource(want[i])) {
			t.Errorf("ListSources[%d] =\n %+v\nwant %+v", i, got[i], want[i])
		}
	}
	one, err := st.GetSource(ctx, want[2].ID)
	if err != nil {
		t.Fatalf("GetSource: %v", err)
	}
	if one.Articles != 5 {
		t.Errorf("GetSource counts %d articles, want 5", one.Articles)
	}
}

func testUpdateSource(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	other := mustAddSource(t, st, "Hespress", t0)
	// Give it crawl state first, so we can see that Update leaves it alone.
	if err := st.RecordFetch(ctx, revue.FetchOutcome{
		SourceID: src.ID, Worker: "w", At: t0.Add(time.Minute), Duration: 1500 * time.Millisecond,
		Status: 200, ETag: `"v1"`, LastModified: "Tue, 16 Mar 2021 09:00:00 GMT", ItemsSeen: 3, ItemsNew: 3,
		NextFetchAt: t0.Add(time.Hour), Interval: time.Hour, ItemsPerDay: 12.5,
	}); err != nil {
		t.Fatalf("RecordFetch: %v", err)
	}
	before, err := st.GetSource(ctx, src.ID)
	if err != nil {
		t.Fatalf("GetSource: %v", err)
	}

	changed := before
	changed.Name, changed.FeedURL, changed.SiteURL = "Le Matin (Maroc)", "https://lematin.example/rss2", "https://lematin.example/fr/"
	changed.Host = "lematin.example:443" // follows the feed URL
	changed.Lang, changed.Section, changed.Region, changed.Enabled = "ar", "economie", "oriental", false
	// Crawl state in the argument must be ignored.
	withState := changed
	withState.ETag, withState.LastStatus, withState.LastError, withState.ConsecutiveFailures = "x", 500, "nope", 9
	withState.NextFetchAt, withState.CreatedAt, withState.Interval = t0.Add(99*time.Hour), t0.Add(-time.Hour), time.Minute
	if err := st.UpdateSource(ctx, withState); err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	after, err := st.GetSource(ctx, src.ID)
	if err != nil {
		t.Fatalf("GetSource after update: %v", err)
	}
	if !reflect.DeepEqual(normSource(after), normSource(changed)) {
		t.Errorf("after UpdateSource:\n got %+v\nwant %+v", after, changed)
	}

	// Keeping its own feed URL is no duplicate.
	changed.Name = "Le Matin"
	if err := st.UpdateSource(ctx, changed); err != nil {
		t.Errorf("UpdateSource keeping the same feed URL: %v", err)
	}

	taken := changed
	taken.FeedURL = other.FeedURL
	if err := st.UpdateSource(ctx, taken); !errors.Is(err, revue.ErrDuplicate) {
		t.Errorf("UpdateSource to another source's feed URL: error %v, want ErrDuplicate", err)
	}
	if got, _ := st.GetSource(ctx, src.ID); got.FeedURL != changed.FeedURL {
		t.Errorf("a refused update changed the feed URL to %s", got.FeedURL)
	}

	missing := changed
	missing.ID = other.ID + 1000
	missing.FeedURL = "https://nowhere.example/feed"
	if err := st.UpdateSource(ctx, missing); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("UpdateSource of a missing source: error %v, want ErrNotFound", err)
	}
}

func testRemoveSource(t *testing.T, st revue.Store) {
	ctx := t.Context()
	gone := mustAddSource(t, st, "Gone", t0)
	kept := mustAddSource(t, st, "Kept", t0)
	shared := revue.Image{URL: "https://img.example/shared.jpg"}
	a := newArticle("gone-1", t0)
	a.Regions = []string{"oriental"}
	a.Images = []revue.Image{shared, {URL: "https://img.example/own.jpg"}}
	goneSaved := mustSave(t, st, gone.ID, []revue.Article{a, newArticle("gone-2", t0)}, t0)
	b := newArticle("kept-1", t0)
	b.Regions = []string{"oriental"}
	b.Images = []revue.Image{shared}
	keptSaved := mustSave(t, st, kept.ID, []revue.Article{b}, t0)
	if err := st.RecordFetch(ctx, revue.FetchOutcome{SourceID: gone.ID, Worker: "w", At: t0, Status: 200, NextFetchAt: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("RecordFetch: %v", err)
	}

	if err := st.RemoveSource(ctx, gone.ID); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	if _, err := st.GetSource(ctx, gone.ID); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetSource of a removed source: error %v, want ErrNotFound", err)
	}
	for _, art := range goneSaved {
		if _, err := st.GetArticle(ctx, art.ID); !errors.Is(err, revue.ErrNotFound) {
			t.Errorf("GetArticle(%d) of a removed source: error %v, want ErrNotFound", art.ID, err)
		}
	}
	log, err := st.FetchLog(ctx, gone.ID, 10)
	if err != nil {
		t.Fatalf("FetchLog of a removed source: %v", err)
	}
	if len(log) != 0 {
		t.Errorf("FetchLog of a removed source has %d entries, want none", len(log))
	}
	for _, q := range []revue.ArticleQuery{{}, {SourceID: gone.ID}, {Region: "oriental"}} {
		got := walk(t, st, q)
		want := []int64{}
		if q.SourceID == 0 {
			want = ids(keptSaved)
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("ListArticles(%+v) after removal = %v, want %v", q, ids(got), want)
		}
	}
	keptArticle, err := st.GetArticle(ctx, keptSaved[0].ID)
	if err != nil {
		t.Fatalf("GetArticle of the other source: %v", err)
	}
	if len(keptArticle.Images) != 1 || keptArticle.Images[0].URL != shared.URL {
		t.Errorf("the other source's article lost its shared image: %+v", keptArticle.Images)
	}
	sources, err := st.ListSources(ctx)
	if err != nil {
		t.Fatalf("ListSources: %v", err)
	}
	if !slices.Equal(sourceIDs(sources), []int64{kept.ID}) {
		t.Errorf("ListSources after removal = %v, want [%d]", sourceIDs(sources), kept.ID)
	}
	if err := st.RemoveSource(ctx, gone.ID); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("removing a source twice: error %v, want ErrNotFound", err)
	}
	// The same feed can be followed again once removed.
	if _, err := st.AddSource(ctx, revue.Source{Name: "Back", FeedURL: gone.FeedURL, Enabled: true}, t0); err != nil {
		t.Errorf("re-adding a removed feed: %v", err)
	}
}
