package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"revue"
)

var articleTests = []storeTest{
	{"SaveArticles returns what it inserted, as GetArticle reads it", testSaveAndGet},
	{"SaveArticles is idempotent", testSaveIdempotent},
	{"images are shared, ordered and have a status", testImages},
	{"regions are stored as a set", testRegions},
	{"GetArticle and GetImage of missing rows are ErrNotFound", testGetMissing},
	{"times are the ones passed in, to the microsecond, in UTC", testTimesInjected},
	{"concurrent writers of the same articles store each once", testConcurrentSameArticles},
	{"concurrent writers and readers do not fail", testConcurrentWritersReaders},
	{"SaveArticles for an unknown source stores nothing", testSaveUnknownSource},
	{"SaveArticles cancelled at any point stores all or nothing", testSaveAtomicUnderCancel},
}

func testSaveAndGet(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	now := t0.Add(5 * time.Minute)
	in := []revue.Article{
		newArticle("one", t0.Add(-2*time.Hour)),
		{
			GUID: "https://hespress.example/?p=42", URL: "https://hespress.example/politique/42.html",
			CanonicalURL: "https://hespress.example/politique/42.html",
			Title:        "المغرب: 3 مستشفيات عسكرية ميدانية", Summary: "ملخص", ContentHTML: "<p dir=\"rtl\">نص</p>",
			Byline: "هسبريس", Lang: "ar", Section: "societe", Regions: []string{"oriental", "fes-meknes"},
			PublishedAt: t0.Add(-time.Hour),
			Images:      []revue.Image{{URL: "https://img.example/a.jpg"}, {URL: "https://img.example/b.png"}},
			// Set by the store, whatever the caller says:
			ID: 999, StoryID: 777, SourceID: src.ID + 50,
		},
	}
	saved := mustSave(t, st, src.ID, in, now)
	if len(saved) != len(in) {
		t.Fatalf("SaveArticles returned %d articles, want %d", len(saved), len(in))
	}
	seen := map[int64]bool{}
	for i, got := range saved {
		if got.ID <= 0 || seen[got.ID] {
			t.Fatalf("article %d got ID %d, want a fresh positive ID", i, got.ID)
		}
		seen[got.ID] = true
		if got.StoryID != got.ID {
			t.Errorf("article %d: StoryID %d, want its own ID %d", i, got.StoryID, got.ID)
		}
		if got.SourceID != src.ID {
			t.Errorf("article %d: SourceID %d, want %d", i, got.SourceID, src.ID)
		}
		checkTime(t, "FetchedAt", got.FetchedAt, now)
		checkTime(t, "PublishedAt", got.PublishedAt, in[i].PublishedAt)
		if len(got.Images) != len(in[i].Images) {
			t.Fatalf("article %d: %d images returned, want %d", i, len(got.Images), len(in[i].Images))
		}
		for j, img := range got.Images {
			if img.ID <= 0 || img.URL != in[i].Images[j].URL || img.Status != revue.ImageOK {
				t.Errorf("article %d image %d = %+v, want an ID, URL %s and status ok", i, j, img, in[i].Images[j].URL)
			}
		}

		want := in[i]
		want.ID, want.StoryID, want.SourceID, want.SourceName = got.ID, got.ID, src.ID, src.Name
		want.PublishedAt, want.FetchedAt = stored(want.PublishedAt), stored(now)
		want.Images = got.Images
		read, err := st.GetArticle(ctx, got.ID)
		if err != nil {
			t.Fatalf("GetArticle(%d): %v", got.ID, err)
		}
		checkSameArticle(t, fmt.Sprintf("GetArticle(%d)", got.ID), read, want)
	}
}

func testSaveIdempotent(t *testing.T, st revue.Store) {
	ctx := t.Context()
	lematin := mustAddSource(t, st, "Le Matin", t0)
	hespress := mustAddSource(t, st, "Hespress", t0)
	first := mustSave(t, st, lematin.ID, []revue.Article{newArticle("a", t0), newArticle("b", t0)}, t0)
	if len(first) != 2 {
		t.Fatalf("first save inserted %d articles, want 2", len(first))
	}

	sameGUIDOtherURL := newArticle("a", t0)
	sameGUIDOtherURL.URL, sameGUIDOtherURL.CanonicalURL = "https://news.example/moved/a", "https://news.example/moved/a"
	sameURLOtherGUID := newArticle("b", t0)
	sameURLOtherGUID.GUID = "urn:revue-test:other-guid"
	otherGUIDSpace := newArticle("a", t0) // same GUID, but GUIDs are per source
	otherGUIDSpace.URL, otherGUIDSpace.CanonicalURL = "https://hespress.example/a", "https://hespress.example/a"
	fromHespress := newArticle("a", t0) // Le Matin's article a, as Hespress links it
	fromHespress.GUID = "https://hespress.example/?p=1"
	fromHespress.URL = "https://news.example/articles/a?utm_medium=hespress"
	// Items without a link have no canonical URL: they are keyed by GUID
	// alone, so two of them never collide with each other.
	noLinkE, noLinkF := newArticle("e", t0), newArticle("f", t0)
	noLinkE.URL, noLinkE.CanonicalURL, noLinkF.URL, noLinkF.CanonicalURL = "", "", "", ""

	cases := []struct {
		name     string
		sourceID int64
		batch    []revue.Article
		inserted []string // GUID of each article that must be inserted
		credited []string // GUID of each item that must be credited to a stored article
	}{
		{"same batch again", lematin.ID, []revue.Article{newArticle("a", t0), newArticle("b", t0)}, nil, nil},
		{"same GUID, other URL, same source", lematin.ID, []revue.Article{sameGUIDOtherURL}, nil, nil},
		{"same canonical URL and title, other GUID, same source: a re-sent item", lematin.ID, []revue.Article{sameURLOtherGUID}, nil, []string{sameURLOtherGUID.GUID}},
		{"the re-sent item again", lematin.ID, []revue.Article{sameURLOtherGUID}, nil, nil},
		{"same GUID in another source, other URL", hespress.ID, []revue.Article{otherGUIDSpace}, []string{otherGUIDSpace.GUID}, nil},
		{"same canonical URL from another source", hespress.ID, []revue.Article{fromHespress}, nil, []string{fromHespress.GUID}},
		{"the credited item again", hespress.ID, []revue.Article{fromHespress}, nil, nil},
		{"twice in one batch", lematin.ID, []revue.Article{newArticle("c", t0), newArticle("c", t0)}, []string{"urn:revue-test:c"}, nil},
		{"old and new mixed", lematin.ID, []revue.Article{newArticle("a", t0), newArticle("d", t0), newArticle("b", t0)}, []string{"urn:revue-test:d"}, nil},
		{"empty batch", lematin.ID, nil, nil, nil},
		{"no canonical URL, keyed by GUID", lematin.ID, []revue.Article{noLinkE, noLinkF}, []string{"urn:revue-test:e", "urn:revue-test:f"}, nil},
		{"no canonical URL, same GUID again", lematin.ID, []revue.Article{noLinkE}, nil, nil},
	}
	total := 2
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.SaveArticles(ctx, tc.sourceID, tc.batch, t0.Add(time.Hour))
			if err != nil {
				t.Fatalf("SaveArticles: %v", err)
			}
			var guids, credited []string
			for _, a := range got.New {
				guids = append(guids, a.GUID)
			}
			for _, c := range got.Credited {
				credited = append(credited, c.GUID)
			}
			if !slices.Equal(guids, tc.inserted) {
				t.Errorf("inserted GUIDs %q, want %q", guids, tc.inserted)
			}
			if !slices.Equal(credited, tc.credited) {
				t.Errorf("credited GUIDs %q, want %q", credited, tc.credited)
			}
			total += len(tc.inserted)
			if all := walk(t, st, revue.ArticleQuery{Limit: 500}); len(all) != total {
				t.Errorf("store holds %d articles, want %d", len(all), total)
			}
		})
	}
	// The originals are untouched by the refused duplicates.
	a, err := st.GetArticle(ctx, first[0].ID)
	if err != nil {
		t.Fatalf("GetArticle: %v", err)
	}
	if a.URL != first[0].URL || a.SourceID != lematin.ID {
		t.Errorf("a refused duplicate changed the stored article: %+v", a)
	}
}

func testImages(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	other := mustAddSource(t, st, "Hespress", t0)
	img := func(name string) revue.Image { return revue.Image{URL: "https://img.example/" + name + ".jpg"} }

	a := newArticle("a", t0)
	a.Images = []revue.Image{img("c"), img("a"), img("b")}
	b := newArticle("b", t0.Add(time.Minute))
	b.Images = []revue.Image{img("b"), img("w"), img("c"), img("w")} // w twice: stored once
	savedA := mustSave(t, st, src.ID, []revue.Article{a}, t0)[0]
	savedB := mustSave(t, st, other.ID, []revue.Article{b}, t0)[0]

	byURL := map[string]int64{}
	for _, art := range []revue.Article{savedA, savedB} {
		for _, im := range art.Images {
			if id, ok := byURL[im.URL]; ok && id != im.ID {
				t.Errorf("image %s has IDs %d and %d; one URL must be one image", im.URL, id, im.ID)
			}
			byURL[im.URL] = im.ID
		}
	}
	if len(byURL) != 4 {
		t.Errorf("%d distinct images, want 4 (a, b, c, w)", len(byURL))
	}

	wantOrder := map[int64][]string{
		savedA.ID: {img("c").URL, img("a").URL, img("b").URL},
		savedB.ID: {img("b").URL, img("w").URL, img("c").URL},
	}
	check := func(where string, art revue.Article) {
		t.Helper()
		var urls []string
		for _, im := range art.Images {
			urls = append(urls, im.URL)
			if im.ID != byURL[im.URL] || im.Status != revue.ImageOK || im.Reports != 0 {
				t.Errorf("%s: article %d image %+v, want ID %d, status ok, no reports", where, art.ID, im, byURL[im.URL])
			}
		}
		if !slices.Equal(urls, wantOrder[art.ID]) {
			t.Errorf("%s: article %d images %q, want %q in the feed's order", where, art.ID, urls, wantOrder[art.ID])
		}
	}
	check("SaveArticles", savedA)
	check("SaveArticles", savedB)
	for _, id := range []int64{savedA.ID, savedB.ID} {
		art, err := st.GetArticle(ctx, id)
		if err != nil {
			t.Fatalf("GetArticle(%d): %v", id, err)
		}
		check("GetArticle", art)
	}
	for _, art := range walk(t, st, revue.ArticleQuery{}) {
		check("ListArticles", art)
	}
	for _, art := range mustArticlesAfter(t, st, 0, 10) {
		check("ArticlesAfter", art)
	}
	for u, id := range byURL {
		got, err := st.GetImage(ctx, id)
		if err != nil {
			t.Fatalf("GetImage(%d): %v", id, err)
		}
		if want := (revue.Image{ID: id, URL: u, Status: revue.ImageOK}); got != want {
			t.Errorf("GetImage(%d) = %+v, want %+v", id, got, want)
		}
	}
}

func testRegions(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	cases := []struct {
		name    string
		regions []string
		want    []string
	}{
		{"none", nil, nil},
		{"one", []string{"oriental"}, []string{"oriental"}},
		{"several", []string{"souss-massa", "casablanca-settat", "dakhla-oued-ed-dahab"}, []string{"casablanca-settat", "dakhla-oued-ed-dahab", "souss-massa"}},
		{"repeated", []string{"oriental", "oriental"}, []string{"oriental"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newArticle(fmt.Sprintf("r%d", i), t0)
			a.Regions = tc.regions
			saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)
			got, err := st.GetArticle(ctx, saved[0].ID)
			if err != nil {
				t.Fatalf("GetArticle: %v", err)
			}
			if g := normArticle(got).Regions; !slices.Equal(g, tc.want) {
				t.Errorf("regions %q, want %q", g, tc.want)
			}
		})
	}
}

func testGetMissing(t *testing.T, st revue.Store) {
	ctx := t.Context()
	if _, err := st.GetArticle(ctx, 1); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetArticle on an empty store: error %v, want ErrNotFound", err)
	}
	if _, err := st.GetImage(ctx, 1); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetImage on an empty store: error %v, want ErrNotFound", err)
	}
	src := mustAddSource(t, st, "Le Matin", t0)
	a := newArticle("a", t0)
	a.Images = []revue.Image{{URL: "https://img.example/a.jpg"}}
	saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)[0]
	if _, err := st.GetArticle(ctx, saved.ID+1); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetArticle(%d): error %v, want ErrNotFound", saved.ID+1, err)
	}
	if _, err := st.GetImage(ctx, saved.Images[0].ID+1); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetImage(%d): error %v, want ErrNotFound", saved.Images[0].ID+1, err)
	}
}

func testTimesInjected(t *testing.T, st revue.Store) {
	ctx := t.Context()
	// Far from any real clock, with sub-microsecond parts and another zone.
	added := time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("Tokyo", 9*3600))
	src, err := st.AddSource(ctx, revue.Source{Name: "Y2K", FeedURL: "https://y2k.example/rss", Enabled: true}, added)
	if err != nil {
		t.Fatalf("AddSource: %v", err)
	}
	checkTime(t, "AddSource CreatedAt", src.CreatedAt, added)
	checkTime(t, "AddSource NextFetchAt", src.NextFetchAt, added)
	if !src.LastFetchAt.IsZero() || !src.LastSuccessAt.IsZero() {
		t.Errorf("a new source has LastFetchAt %v and LastSuccessAt %v, want zero times", src.LastFetchAt, src.LastSuccessAt)
	}

	published := time.Date(2021, 3, 16, 8, 0, 0, 1001, time.FixedZone("Casablanca", 3600))
	fetched := time.Date(2030, 1, 2, 3, 4, 5, 6007, time.UTC)
	saved := mustSave(t, st, src.ID, []revue.Article{newArticle("t", published)}, fetched)[0]
	checkTime(t, "SaveArticles PublishedAt", saved.PublishedAt, published)
	checkTime(t, "SaveArticles FetchedAt", saved.FetchedAt, fetched)
	got, err := st.GetArticle(ctx, saved.ID)
	if err != nil {
		t.Fatalf("GetArticle: %v", err)
	}
	checkTime(t, "GetArticle PublishedAt", got.PublishedAt, published)
	checkTime(t, "GetArticle FetchedAt", got.FetchedAt, fetched)
	ticker, err := st.Ticker(ctx, 1)
	if err != nil || len(ticker) != 1 {
		t.Fatalf("Ticker: %d items, %v", len(ticker), err)
	}
	checkTime(t, "Ticker PublishedAt", ticker[0].PublishedAt, published)

	at := time.Date(2040, 6, 7, 8, 9, 10, 11999, time.FixedZone("Rabat", 3600))
	next := at.Add(90*time.Minute + 7*time.Nanosecond)
	if err := st.RecordFetch(ctx, revue.FetchOutcome{SourceID: src.ID, Worker: "w", At: at, Duration: 2345 * time.Millisecond,
		Status: 200, NextFetchAt: next, Interval: 90 * time.Minute}); err != nil {
		t.Fatalf("RecordFetch: %v", err)
	}
	after, err := st.GetSource(ctx, src.ID)
	if err != nil {
		t.Fatalf("GetSource: %v", err)
	}
	checkTime(t, "LastFetchAt", after.LastFetchAt, at)
	checkTime(t, "LastSuccessAt", after.LastSuccessAt, at)
	checkTime(t, "NextFetchAt", after.NextFetchAt, next)
	checkTime(t, "CreatedAt after a fetch", after.CreatedAt, added)
	log, err := st.FetchLog(ctx, src.ID, 1)
	if err != nil || len(log) != 1 {
		t.Fatalf("FetchLog: %d entries, %v", len(log), err)
	}
	checkTime(t, "FetchLog At", log[0].At, at)
	if log[0].DurationMS != 2345 {
		t.Errorf("FetchLog DurationMS = %d, want 2345", log[0].DurationMS)
	}
}

func testConcurrentSameArticles(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	var batch []revue.Article
	for i := range 50 {
		a := newArticle(fmt.Sprintf("race-%d", i), t0.Add(time.Duration(i)*time.Second))
		a.Regions = []string{"oriental"}
		a.Images = []revue.Image{{URL: "https://img.example/shared.jpg"}, {URL: fmt.Sprintf("https://img.example/%d.jpg", i)}}
		batch = append(batch, a)
	}
	const writers = 8
	inserted := make([][]revue.Article, writers)
	runConcurrently(t, writers, func(i int) error {
		saved, err := st.SaveArticles(t.Context(), src.ID, batch, t0)
		inserted[i] = saved.New
		return err
	})
	byID := map[int64]bool{}
	for _, saved := range inserted {
		for _, a := range saved {
			if byID[a.ID] {
				t.Errorf("article %d was reported inserted by two writers", a.ID)
			}
			byID[a.ID] = true
		}
	}
	if len(byID) != 50 {
		t.Errorf("writers together report %d inserted articles, want 50", len(byID))
	}
	all := walk(t, st, revue.ArticleQuery{Limit: 500})
	if len(all) != 50 {
		t.Fatalf("store holds %d articles, want exactly 50", len(all))
	}
	shared := all[0].Images[0].ID
	for _, a := range all {
		if len(a.Images) != 2 || a.Images[0].ID != shared || len(a.Regions) != 1 {
			t.Errorf("article %d: images %+v regions %q, want the shared image first, its own second, one region", a.ID, a.Images, a.Regions)
		}
	}
}

func testConcurrentWritersReaders(t *testing.T, st revue.Store) {
	const writers, batches, perBatch = 8, 3, 25
	sources := make([]revue.Source, writers)
	for i := range sources {
		sources[i] = mustAddSource(t, st, fmt.Sprintf("Source %d", i), t0)
	}
	runConcurrently(t, 2*writers, func(i int) error {
		if i >= writers { // readers, racing the writers
			for range batches * 2 {
				if _, err := st.ListArticles(t.Context(), revue.ArticleQuery{Limit: 100}); err != nil {
					return err
				}
				if _, err := st.Ticker(t.Context(), 20); err != nil {
					return err
				}
			}
			return nil
		}
		for b := range batches {
			var batch []revue.Article
			for j := range perBatch {
				a := newArticle(fmt.Sprintf("w%d-b%d-%d", i, b, j), t0.Add(time.Duration(j)*time.Minute))
				a.Images = []revue.Image{{URL: "https://img.example/everyone.jpg"}}
				batch = append(batch, a)
			}
			saved, err := st.SaveArticles(t.Context(), sources[i].ID, batch, t0)
			if err != nil {
				return err
			}
			if len(saved.New) != perBatch {
				return fmt.Errorf("writer %d batch %d inserted %d articles, want %d", i, b, len(saved.New), perBatch)
			}
		}
		return nil
	})
	if all := walk(t, st, revue.ArticleQuery{Limit: 500}); len(all) != writers*batches*perBatch {
		t.Errorf("store holds %d articles, want %d", len(all), writers*batches*perBatch)
	}
}

func testSaveUnknownSource(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	a := newArticle("orphan", t0)
	a.Images = []revue.Image{{URL: "https://img.example/orphan.jpg"}}
	a.Regions = []string{"oriental"}
	saved, err := st.SaveArticles(ctx, src.ID+1000, []revue.Article{a, newArticle("orphan-2", t0)}, t0)
	if err == nil {
		t.Fatalf("SaveArticles for a source that does not exist succeeded with %d articles", len(saved.New))
	}
	if latest, err := st.LatestArticleID(ctx); err != nil || latest != 0 {
		t.Errorf("after a refused batch LatestArticleID = %d (%v), want 0", latest, err)
	}
	// The refused batch left nothing behind that would block saving it properly.
	if got := mustSave(t, st, src.ID, []revue.Article{a}, t0); len(got) != 1 {
		t.Errorf("saving the article to its real source inserted %d, want 1", len(got))
	}
}

func testSaveAtomicUnderCancel(t *testing.T, st revue.Store) {
	ctx := t.Context()
	const size = 5
	failures := 0
	// Every point early on, then a growing stride: enough to land between
	// any two articles of the batch without thousands of attempts.
	for n := 1; ; n += max(1, n/10) {
		if n > 5000 {
			t.Fatalf("SaveArticles still fails after its context is consulted %d times; the test cannot finish", n)
		}
		// A source per attempt, so what one attempt stored is easy to count.
		src := mustAddSource(t, st, fmt.Sprintf("Attempt %d", n), t0)
		var batch []revue.Article
		for i := range size {
			a := newArticle(fmt.Sprintf("n%d-%d", n, i), t0.Add(time.Duration(i)*time.Minute))
			a.Regions = []string{"oriental", "souss-massa"}
			a.Images = []revue.Image{{URL: "https://img.example/shared.jpg"}, {URL: fmt.Sprintf("https://img.example/n%d-%d.jpg", n, i)}}
			batch = append(batch, a)
		}
		saved, err := st.SaveArticles(newCountdownContext(ctx, n), src.ID, batch, t0)
		storedNow := walk(t, st, revue.ArticleQuery{SourceID: src.ID, Limit: 500})
		switch {
		case err == nil:
			if len(saved.New) != size || len(storedNow) != size {
				t.Fatalf("attempt %d succeeded, returned %d and stored %d articles, want %d", n, len(saved.New), len(storedNow), size)
			}
			if failures == 0 {
				t.Fatalf("SaveArticles never consulted its context; the test proves nothing")
			}
			t.Logf("SaveArticles was cancelled at %d points and committed all or nothing each time", failures)
			// The store is still usable after all those aborted transactions.
			if got := mustSave(t, st, src.ID, []revue.Article{newArticle("after", t0)}, t0); len(got) != 1 {
				t.Errorf("a save after the cancellations inserted %d articles, want 1", len(got))
			}
			return
		case len(storedNow) != 0 && len(storedNow) != size:
			t.Fatalf("attempt %d was cancelled (%v) and left %d of %d articles: a partial batch", n, err, len(storedNow), size)
		default:
			// Cancelled: nothing stored, or (a commit whose answer was lost) everything.
			failures++
		}
	}
}

func mustArticlesAfter(t *testing.T, st revue.Store, after int64, limit int) []revue.Article {
	t.Helper()
	got, err := st.ArticlesAfter(t.Context(), after, limit)
	if err != nil {
		t.Fatalf("ArticlesAfter(%d, %d): %v", after, limit, err)
	}
	return got
}
